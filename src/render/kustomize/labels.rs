//! Label and annotation transformers (`commonLabels`, `labels`,
//! `commonAnnotations` and their plugins): each pair written, as a
//! string, into every field the field specs reach.

use super::alias::{self, Loc};
use super::config::{TransformerConfig, merge_all, merge_one};
use super::fieldspec::{self, CreateKind, Seg};
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
        // kyaml puts one node per key into every map that lacked the key:
        // those fields share it from now on.
        let mut groups: Vec<Vec<Loc>> = Vec::new();
        alias::track(res, |res| -> Result<(), String> {
            for (k, v) in pairs {
                let mut created: Vec<Loc> = Vec::new();
                for fs in specs {
                    fieldspec::apply_at(&mut res.obj, fs, CreateKind::Map, &mut |node, at| {
                        if node.as_object().is_some_and(|m| !m.contains_key(k)) {
                            let mut loc = at.to_vec();
                            loc.push(Seg::Key(k.clone()));
                            created.push(loc);
                        }
                        fieldspec::set_entry(node, k, Value::String(v.clone()))
                    })?;
                }
                groups.push(created);
            }
            Ok(())
        })?;
        for group in groups {
            alias::share(res, group);
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
