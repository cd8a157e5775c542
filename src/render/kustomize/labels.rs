//! Label and annotation transformers (`commonLabels`, `labels`,
//! `commonAnnotations` and their plugins): each pair written, as a
//! string, into every field the field specs reach.

use super::config::{TransformerConfig, merge_all, merge_one};
use super::fieldspec::{self, CreateKind};
use super::resource::Resource;
use super::spec::{FieldSpec, LabelSpec, StringMap};
use serde_json::Value;

/// Writes `pairs` into every field `specs` reach in every resource.
pub(crate) fn set_all(
    resources: &mut [Resource],
    specs: &[FieldSpec],
    pairs: &StringMap,
) -> Result<(), String> {
    if pairs.is_empty() {
        return Ok(());
    }
    for res in resources.iter_mut() {
        for (k, v) in pairs {
            for fs in specs {
                fieldspec::apply(&mut res.obj, fs, CreateKind::Map, &mut |node| {
                    fieldspec::set_entry(node, k, Value::String(v.clone()))
                })?;
            }
        }
    }
    Ok(())
}

/// The field specs of one `labels:` entry, as kustomize assembles them.
pub(crate) fn label_specs(
    spec: &LabelSpec,
    tc: &TransformerConfig,
) -> Result<Vec<FieldSpec>, String> {
    let mut fss = spec.fields.clone();
    merge_all(&mut fss, &tc.labels)?;
    if spec.include_selectors {
        merge_all(&mut fss, &tc.common_labels)?;
    } else {
        if spec.include_templates {
            merge_all(&mut fss, &tc.template_labels)?;
        }
        merge_one(
            &mut fss,
            &FieldSpec {
                path: "metadata/labels".into(),
                create: true,
                ..FieldSpec::default()
            },
        )?;
    }
    Ok(fss)
}
