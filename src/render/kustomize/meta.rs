//! Name prefixes and suffixes (`namePrefix`/`nameSuffix` and their
//! plugins) and replica counts (`replicas` and ReplicaCountTransformer).

use super::fieldspec::{self, CreateKind};
use super::resid::Gvk;
use super::resource::{Resource, scalar_text};
use super::spec::FieldSpec;
use serde_json::Value;

/// Kinds whose names prefixes and suffixes leave alone.
fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Which end of the name an affix goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Prefix,
    Suffix,
}

/// kustomize's Prefix/SuffixTransformer: for each field spec selecting a
/// resource's original type, `affix` added to the field (and, for
/// `metadata/name`, remembered for name references).
pub(crate) fn add_affix(
    resources: &mut [Resource],
    affix: &str,
    end: End,
    specs: &[FieldSpec],
) -> Result<(), String> {
    for res in resources.iter_mut() {
        let id = res.org_id();
        if skipped(&id.gvk) {
            continue;
        }
        for fs in specs {
            if !id.gvk.is_selected(&fs.gvk()) {
                continue;
            }
            if fs.path == "metadata/name" && !affix.is_empty() {
                match end {
                    End::Prefix => res.prefixes.push(affix.to_string()),
                    End::Suffix => res.suffixes.push(affix.to_string()),
                }
                res.store_previous_id();
            }
            fieldspec::apply(&mut res.obj, fs, CreateKind::Scalar, &mut |node| {
                let old = match &*node {
                    Value::Null => String::new(),
                    other => scalar_text(other),
                };
                let new = match end {
                    End::Prefix => format!("{affix}{old}"),
                    End::Suffix => format!("{old}{affix}"),
                };
                fieldspec::set_entry(node, "", Value::String(new))
            })?;
        }
    }
    Ok(())
}

/// kustomize's ReplicaCountTransformer: the count written to every field
/// spec of the resources whose any id is named `name`; Err when nothing
/// matches.
pub(crate) fn set_replicas(
    resources: &mut [Resource],
    name: &str,
    count: i64,
    specs: &[FieldSpec],
) -> Result<(), String> {
    let mut found = false;
    for fs in specs {
        let want = fs.gvk();
        for res in resources.iter_mut() {
            let ids: Vec<_> = res
                .prev_ids()
                .into_iter()
                .chain(std::iter::once(res.cur_id()))
                .collect();
            if !ids
                .iter()
                .any(|id| id.name == name && id.gvk.is_selected(&want))
            {
                continue;
            }
            found = true;
            fieldspec::apply(&mut res.obj, fs, CreateKind::Scalar, &mut |node| {
                fieldspec::set_entry(node, "", Value::from(count))
            })?;
        }
    }
    if found {
        return Ok(());
    }
    let kinds: Vec<String> = specs.iter().map(|f| f.gvk().kind).collect();
    let kinds = match kinds.as_slice() {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    Err(format!("replicas entry {name:?} matches no {kinds}"))
}
