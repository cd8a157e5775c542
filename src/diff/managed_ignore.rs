//! `ignoreDifferences[].managedFieldsManagers` as Argo CD applies it
//! (`util/argo/managedfields`): the fields whose values differ between
//! live and desired — maps compared key by key, lists as a whole, fields
//! present on one side only not counted — and that one of the named
//! field managers owns in the live object's `metadata.managedFields`, are
//! removed from both sides.

use super::normalize::rule_matches;
use crate::model::{IgnoreDifference, ResourceKey};
use serde_json::Value;

/// The managers the rules name for this object (empty: nothing to do).
pub fn trusted_managers(key: &ResourceKey, ignores: &[IgnoreDifference]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rule in ignores.iter().filter(|r| rule_matches(r, key)) {
        for m in &rule.managed_fields_managers {
            if !out.contains(m) {
                out.push(m.clone());
            }
        }
    }
    out
}

/// Removes from `desired` and `live` the differing fields owned by one of
/// the managers the rules name. `owners` is the live object as read from
/// the API server, with its `managedFields` (the two sides may already be
/// stripped of them).
pub fn apply_manager_ignores(
    desired: &mut Value,
    live: &mut Value,
    owners: &Value,
    key: &ResourceKey,
    ignores: &[IgnoreDifference],
) {
    let managers = trusted_managers(key, ignores);
    if managers.is_empty() {
        return;
    }
    let Some(entries) = owners
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
    else {
        return;
    };
    let mut modified = Vec::new();
    modified_paths(live, desired, &mut Vec::new(), &mut modified);
    for entry in entries {
        let manager = entry.get("manager").and_then(Value::as_str).unwrap_or("");
        if !managers.iter().any(|m| m == manager) {
            continue;
        }
        let Some(fields) = entry.get("fieldsV1") else {
            continue;
        };
        for path in &modified {
            if is_member(fields, path) {
                remove(desired, path);
                remove(live, path);
            }
        }
    }
}

/// Paths (map keys) present on both sides with different values; maps
/// are walked, anything else (lists included) compares whole.
fn modified_paths(a: &Value, b: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, p) in x {
                if let Some(q) = y.get(key) {
                    path.push(key.clone());
                    modified_paths(p, q, path, out);
                    path.pop();
                }
            }
        }
        (p, q) if p != q => out.push(path.clone()),
        _ => {}
    }
}

/// Whether a FieldsV1 set has `path` as a member: the node at the path is
/// a leaf (`{}`) or marks itself with `"."`.
fn is_member(fields: &Value, path: &[String]) -> bool {
    let mut node = fields;
    for segment in path {
        match node.get(format!("f:{segment}")) {
            Some(next) => node = next,
            None => return false,
        }
    }
    match node.as_object() {
        Some(map) => map.is_empty() || map.contains_key("."),
        None => false,
    }
}

fn remove(object: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = object;
    for segment in parents {
        match node.get_mut(segment) {
            Some(next) => node = next,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(managers: &[&str]) -> Vec<IgnoreDifference> {
        vec![IgnoreDifference {
            group: "apps".into(),
            kind: "Deployment".into(),
            managed_fields_managers: managers.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        }]
    }

    #[test]
    fn fields_of_a_trusted_manager_that_differ_are_dropped_from_both_sides() {
        let key = ResourceKey::new("apps", "Deployment", Some("web"), "api");
        let owners = json!({"metadata": {"managedFields": [
            {"manager": "hpa", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:paused": {}}}}
        ]}});
        let mut desired = json!({"spec": {"replicas": 2, "paused": false, "x": 1}});
        let mut live = json!({"spec": {"replicas": 5, "paused": true, "x": 1}});
        apply_manager_ignores(&mut desired, &mut live, &owners, &key, &rules(&["hpa"]));
        assert_eq!(desired, json!({"spec": {"paused": false, "x": 1}}));
        assert_eq!(live, json!({"spec": {"paused": true, "x": 1}}));
        // Other kinds, or no managers named: untouched.
        let other = ResourceKey::new("", "ConfigMap", Some("web"), "api");
        let mut d = json!({"spec": {"replicas": 2}});
        let mut l = json!({"spec": {"replicas": 5}});
        apply_manager_ignores(&mut d, &mut l, &owners, &other, &rules(&["hpa"]));
        assert_eq!(d["spec"]["replicas"], 2);
    }

    #[test]
    fn lists_compare_whole_and_prefixes_are_not_members() {
        let fields =
            json!({"f:spec": {"f:template": {".": {}, "f:x": {}}, "f:selector": {"f:a": {}}}});
        assert!(is_member(&fields, &["spec".into(), "template".into()]));
        assert!(!is_member(&fields, &["spec".into(), "selector".into()]));
        assert!(!is_member(&fields, &["spec".into(), "missing".into()]));
        let mut out = Vec::new();
        modified_paths(
            &json!({"a": [1, 2], "b": {"c": 1, "only": 1}}),
            &json!({"a": [1, 3], "b": {"c": 2}}),
            &mut Vec::new(),
            &mut out,
        );
        assert_eq!(
            out,
            vec![
                vec!["a".to_string()],
                vec!["b".to_string(), "c".to_string()]
            ]
        );
    }
}
