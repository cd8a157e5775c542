//! What kustomize-controller removes from a live object before it applies
//! it (`ssa: Override`, the default), so that its apply takes over what
//! `kubectl` and older writers set and removes what Git no longer has:
//!
//! - the annotations `kubectl.kubernetes.io/last-applied-configuration`,
//!   `kustomize.toolkit.fluxcd.io/checksum`, `fluxcd.io/sync-checksum` and
//!   the label `fluxcd.io/sync-gc-mark`;
//! - the managedFields entries (not of a subresource) of managers whose
//!   name starts with `kubectl` (Apply or Update), `before-first-apply`
//!   (Update) or the controller's own name (Update): their fields join
//!   the controller's Apply entry (the first one becomes it when it has
//!   none), which moves to the end of the list.
//!
//! An object marked `kustomize.toolkit.fluxcd.io/ssa: Merge` (desired or
//! live) is left alone: fields other managers set stay.

use super::policy::{SSA_KEY, any_in_metadata};
use serde_json::{Map, Value, json};

const ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "kustomize.toolkit.fluxcd.io/checksum",
    "fluxcd.io/sync-checksum",
];
const LABELS: &[&str] = &["fluxcd.io/sync-gc-mark"];

/// The JSON merge patch that cleans `live` up before `desired` is applied
/// over it by the field manager `owner`; None when nothing is to change.
pub fn cleanup_patch(desired: &Value, live: &Value, owner: &str) -> Option<Value> {
    if any_in_metadata(desired, SSA_KEY, "Merge") || any_in_metadata(live, SSA_KEY, "Merge") {
        return None;
    }
    let mut metadata = Map::new();
    for (field, keys) in [("annotations", ANNOTATIONS), ("labels", LABELS)] {
        let present: Map<String, Value> = keys
            .iter()
            .filter(|k| {
                live.pointer(&format!("/metadata/{field}"))
                    .and_then(|m| m.get(**k))
                    .is_some()
            })
            .map(|k| (k.to_string(), Value::Null))
            .collect();
        if !present.is_empty() {
            metadata.insert(field.to_string(), Value::Object(present));
        }
    }
    if let Some(entries) = taken_over(live, owner) {
        metadata.insert("managedFields".to_string(), Value::Array(entries));
    }
    (!metadata.is_empty()).then(|| json!({ "metadata": metadata }))
}

/// Whether the managedFields `entry` is one the controller takes over.
fn taken(entry: &Value, owner: &str) -> bool {
    let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
    if !text("subresource").is_empty() {
        return false;
    }
    let (manager, operation) = (text("manager"), text("operation"));
    [
        ("kubectl", "Apply"),
        ("kubectl", "Update"),
        ("before-first-apply", "Update"),
        (owner, "Update"),
    ]
    .iter()
    .any(|(name, op)| operation == *op && manager.starts_with(name))
}

/// The managedFields of `live` with the taken-over entries merged into
/// `owner`'s Apply entry; None when no entry is taken over.
fn taken_over(live: &Value, owner: &str) -> Option<Vec<Value>> {
    let entries = live.pointer("/metadata/managedFields")?.as_array()?;
    let is_own = |e: &Value| {
        e.get("manager").and_then(Value::as_str) == Some(owner)
            && e.get("operation").and_then(Value::as_str) == Some("Apply")
    };
    let mut own: Option<Value> = entries.iter().rfind(|e| is_own(e)).cloned();
    let mut kept = Vec::new();
    let mut edited = false;
    for entry in entries {
        if own.as_ref() == Some(entry) {
            continue;
        }
        if !taken(entry, owner) {
            kept.push(entry.clone());
            continue;
        }
        edited = true;
        match &mut own {
            None => {
                let mut renamed = entry.clone();
                renamed["manager"] = json!(owner);
                renamed["operation"] = json!("Apply");
                own = Some(renamed);
            }
            Some(own) => {
                let fields = entry.get("fieldsV1").cloned().unwrap_or(json!({}));
                let merged = own.get_mut("fieldsV1");
                match merged {
                    Some(merged) => union(merged, &fields),
                    None => own["fieldsV1"] = fields,
                }
            }
        }
    }
    if !edited {
        return None;
    }
    kept.extend(own);
    Some(kept)
}

/// Adds the field set `other` to `set` (managedFields `fieldsV1` tries:
/// the union is the merge of their keys).
fn union(set: &mut Value, other: &Value) {
    let (Some(set), Some(other)) = (set.as_object_mut(), other.as_object()) else {
        return;
    };
    for (key, child) in other {
        match set.get_mut(key) {
            Some(existing) => union(existing, child),
            None => {
                set.insert(key.clone(), child.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(manager: &str, operation: &str, fields: Value) -> Value {
        json!({"manager": manager, "operation": operation, "fieldsV1": fields})
    }

    #[test]
    fn kubectl_fields_join_the_owner_apply_entry() {
        let live = json!({"metadata": {
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "x"},
        "managedFields": [
            entry("tether", "Apply", json!({"f:data": {"f:a": {}}})),
            entry("kubectl-edit", "Update", json!({"f:data": {"f:extra": {}}})),
            entry("kube-controller-manager", "Update", json!({"f:status": {}})),
            entry("kubectl", "Update", json!({"f:status": {}, "f:data": {"f:b": {}}})).as_object().map(|o| {
                let mut o = o.clone();
                o.insert("subresource".into(), json!("status"));
                Value::Object(o)
            }).unwrap(),
        ]}});
        let patch = cleanup_patch(&json!({}), &live, "tether").unwrap();
        assert_eq!(
            patch["metadata"]["annotations"],
            json!({"kubectl.kubernetes.io/last-applied-configuration": null})
        );
        let entries = patch["metadata"]["managedFields"].as_array().unwrap();
        let managers: Vec<&str> = entries
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(
            managers,
            ["kube-controller-manager", "kubectl", "tether"],
            "status writes stay"
        );
        assert_eq!(
            entries[2]["fieldsV1"],
            json!({"f:data": {"f:a": {}, "f:extra": {}}})
        );
    }

    #[test]
    fn without_an_owner_entry_the_first_taken_one_becomes_it() {
        let live = json!({"metadata": {"managedFields": [
            entry("before-first-apply", "Update", json!({"f:data": {"f:a": {}}})),
            entry("kubectl", "Apply", json!({"f:data": {"f:b": {}}})),
        ]}});
        let patch = cleanup_patch(&json!({}), &live, "tether").unwrap();
        assert_eq!(
            patch["metadata"]["managedFields"],
            json!([entry(
                "tether",
                "Apply",
                json!({"f:data": {"f:a": {}, "f:b": {}}})
            )])
        );
    }

    #[test]
    fn merge_and_clean_objects_are_left_alone() {
        let live = json!({"metadata": {"managedFields": [
            entry("tether", "Apply", json!({"f:data": {}})),
            entry("kubectl-edit", "Update", json!({"f:data": {"f:extra": {}}})),
        ]}});
        let merge = json!({"metadata": {"annotations": {SSA_KEY: "merge"}}});
        assert_eq!(cleanup_patch(&merge, &live, "tether"), None);
        assert_eq!(cleanup_patch(&json!({}), &merge, "tether"), None);
        let clean = json!({"metadata": {"managedFields": [entry("tether", "Apply", json!({}))],
                           "labels": {"fluxcd.io/sync-gc-mark": "x"}}});
        assert_eq!(
            cleanup_patch(&json!({}), &clean, "tether"),
            Some(json!({"metadata": {"labels": {"fluxcd.io/sync-gc-mark": null}}}))
        );
        let untouched =
            json!({"metadata": {"managedFields": [entry("tether", "Apply", json!({}))]}});
        assert_eq!(cleanup_patch(&json!({}), &untouched, "tether"), None);
    }
}
