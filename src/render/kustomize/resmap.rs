//! The list of resources a kustomization accumulates, with kustomize's
//! rules for adding to it: no two objects with the same current id, and
//! generated objects merged into or replacing the one they name.

use super::resid::ResId;
use super::resource::{Behavior, Resource};
use std::collections::HashSet;

/// The key two resources clash on: Gvk, name and effective namespace.
fn key(id: &ResId) -> (String, String, String, String, String) {
    (
        id.gvk.group.clone(),
        id.gvk.version.clone(),
        id.gvk.kind.clone(),
        id.name.clone(),
        id.effective_namespace().to_string(),
    )
}

/// Appends `new` to `resources`; Err names the first id already there.
pub(crate) fn append_all(resources: &mut Vec<Resource>, new: Vec<Resource>) -> Result<(), String> {
    let mut seen: HashSet<_> = resources.iter().map(|r| key(&r.cur_id())).collect();
    for res in new {
        let id = res.cur_id();
        if !seen.insert(key(&id)) {
            return Err(format!(
                "may not add resource with an already registered id: {}",
                id.describe()
            ));
        }
        resources.push(res);
    }
    Ok(())
}

/// Err when two of `resources` share their current id (as appending
/// them one by one to an empty resource map would fail).
pub(crate) fn check_unique<'r>(
    resources: impl Iterator<Item = &'r Resource>,
) -> Result<(), String> {
    let mut seen = HashSet::new();
    for res in resources {
        let id = res.cur_id();
        if !seen.insert(key(&id)) {
            return Err(format!(
                "may not add resource with an already registered id: {}",
                id.describe()
            ));
        }
    }
    Ok(())
}

/// The indexes of resources whose current or any previous id equals `id`
/// (empty resources skipped).
pub(crate) fn matching_any_id(resources: &[Resource], id: &ResId) -> Vec<usize> {
    resources
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .filter(|(_, r)| {
            r.prev_ids()
                .iter()
                .chain(std::iter::once(&r.cur_id()))
                .any(|x| id.equals(x))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The one resource with `id` as current or previous id.
pub(crate) fn get_by_id(resources: &[Resource], id: &ResId) -> Result<usize, String> {
    match matching_any_id(resources, id).as_slice() {
        [i] => Ok(*i),
        [] => Err(format!("nothing has the id {}", id.describe())),
        _ => Err(format!("several resources match {}", id.describe())),
    }
}

/// Adds a generated object by its behavior: appended when new, merged
/// into or replacing the one object it names otherwise.
pub(crate) fn absorb(resources: &mut Vec<Resource>, mut res: Resource) -> Result<(), String> {
    let id = res.cur_id();
    let matches = matching_any_id(resources, &id);
    let [i] = matches.as_slice() else {
        if !matches.is_empty() {
            return Err(format!(
                "several objects could accept the merge of {}",
                id.describe()
            ));
        }
        return match res.behavior {
            Behavior::Merge | Behavior::Replace => Err(format!(
                "{} does not exist; cannot merge or replace",
                id.describe()
            )),
            _ => append_all(resources, vec![res]),
        };
    };
    let old = &resources[*i];
    match res.behavior {
        Behavior::Replace => copy_merge_metadata(&mut res, old),
        Behavior::Merge => {
            copy_merge_metadata(&mut res, old);
            for field in ["data", "binaryData"] {
                merge_data(&mut res, old, field);
            }
            let origin = old
                .annotation_texts()
                .into_iter()
                .find(|(k, _)| k == super::build_metadata::ORIGIN);
            if let Some((_, text)) = origin {
                super::build_metadata::set_origin(&mut res, &text);
            }
        }
        Behavior::Create | Behavior::Unspecified => {
            let behavior = if res.behavior == Behavior::Create {
                "create"
            } else {
                "unspecified"
            };
            return Err(format!(
                "{} exists; behavior {behavior} cannot be used, it must be merge or replace",
                id.describe()
            ));
        }
    }
    resources[*i] = res;
    Ok(())
}

/// kustomize's `CopyMergeMetaDataFieldsFrom`: labels and annotations
/// merged (the new object's win), name and namespace and the build state
/// of the old object, the hash suffix only if both want it.
fn copy_merge_metadata(res: &mut Resource, old: &Resource) {
    for key in ["labels", "annotations"] {
        let texts = |r: &Resource| {
            if key == "annotations" {
                r.annotation_texts()
            } else {
                r.meta_map(key)
            }
        };
        let mut merged = texts(old);
        for (k, v) in texts(res) {
            match merged.iter_mut().find(|(mk, _)| *mk == k) {
                Some(entry) => entry.1 = v,
                None => merged.push((k, v)),
            }
        }
        res.set_meta_map(key, merged);
    }
    res.set_meta("name", &old.name());
    res.set_meta("namespace", &old.namespace());
    res.prev.clone_from(&old.prev);
    res.prefixes.clone_from(&old.prefixes);
    res.suffixes.clone_from(&old.suffixes);
    res.var_names.clone_from(&old.var_names);
    res.needs_hash = res.needs_hash && old.needs_hash;
    res.behavior = old.behavior;
}

/// `field` (a string map) of `res` over the old object's.
fn merge_data(res: &mut Resource, old: &Resource, field: &str) {
    let mut merged = old.data_texts(field);
    for (k, v) in res.data_texts(field) {
        match merged.iter_mut().find(|(mk, _)| *mk == k) {
            Some(entry) => entry.1 = v,
            None => merged.push((k, v)),
        }
    }
    let Some(obj) = res.obj.as_object_mut() else {
        return;
    };
    if merged.is_empty() {
        obj.remove(field);
        return;
    }
    merged.sort_by(|a, b| a.0.cmp(&b.0));
    let map = merged
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    obj.insert(field.to_string(), serde_json::Value::Object(map));
}
