//! Dropping what the server manages before two objects are compared:
//! managedFields, resourceVersion, uid, generation, creationTimestamp,
//! status, kubectl's last-applied annotation — and the app's
//! ignoreDifferences.

use super::jq;
use super::paths::{delete_paths, pointer_steps};
use crate::model::{IgnoreDifference, ResourceKey};
use serde_json::Value;

/// kubectl's client-side apply bookkeeping annotation.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const NOISE_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
    "selfLink",
    "deletionGracePeriodSeconds",
];

/// A copy of `object` without server-managed noise.
pub fn strip_noise(object: &Value) -> Value {
    let mut out = object.clone();
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    obj.remove("status");
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in NOISE_METADATA {
            meta.remove(*key);
        }
        let empty = match meta.get_mut("annotations").and_then(Value::as_object_mut) {
            Some(annotations) => {
                annotations.remove(LAST_APPLIED);
                annotations.is_empty()
            }
            None => false,
        };
        if empty {
            meta.remove("annotations");
        }
    }
    out
}

/// Removes the fields the app's ignoreDifferences name for this object:
/// `jsonPointers`, and the paths each `jqPathExpressions` entry selects
/// (Argo CD semantics, see [`super::jq`]), all together; mappings and
/// lists emptied by the removal go too ([`super::delete_paths`]). An
/// expression that does not compile or fails on this object removes
/// nothing (tether.yaml is validated when loaded, so this only happens to
/// rules that come from elsewhere).
pub fn apply_ignores(object: &mut Value, key: &ResourceKey, ignores: &[IgnoreDifference]) {
    let mut paths = Vec::new();
    for rule in ignores.iter().filter(|r| rule_matches(r, key)) {
        paths.extend(
            rule.json_pointers
                .iter()
                .filter_map(|pointer| pointer_steps(object, pointer)),
        );
        for expr in &rule.jq_path_expressions {
            match jq::compiled(expr).and_then(|jq| jq.paths(object)) {
                Ok(found) => paths.extend(found),
                Err(e) => tracing::debug!(resource = %key, "ignoreDifferences: {e}"),
            }
        }
    }
    if !paths.is_empty() {
        delete_paths(object, &paths);
    }
}

/// Whether a rule is about `key`: group and kind equal or matched by a
/// glob (`*` any run of characters, `?` one, as Argo CD's rules match
/// them), name and namespace equal when set.
pub(super) fn rule_matches(rule: &IgnoreDifference, key: &ResourceKey) -> bool {
    wildcard(&rule.group, &key.group)
        && wildcard(&rule.kind, &key.kind)
        && rule.name.as_ref().is_none_or(|n| *n == key.name)
        && rule
            .namespace
            .as_ref()
            .is_none_or(|n| Some(n) == key.namespace.as_ref())
}

/// `*` / `?` wildcard match of the whole text.
fn wildcard(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Removes the value at an RFC 6901 pointer, if present (and a mapping
/// or list it leaves empty).
pub fn remove_pointer(object: &mut Value, pointer: &str) {
    if let Some(steps) = pointer_steps(object, pointer) {
        delete_paths(object, &[steps]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn noise_is_dropped() {
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "uid": "u", "resourceVersion": "5", "creationTimestamp": "t",
                "managedFields": [], "annotations": {LAST_APPLIED: "{}"}},
            "data": {"k": "v"}, "status": {}});
        assert_eq!(
            strip_noise(&live),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}})
        );
    }

    #[test]
    fn ignores_by_pointer_and_jq_path() {
        let key = ResourceKey::new("apps", "Deployment", Some("web"), "api");
        let rules = vec![IgnoreDifference {
            group: "apps".into(),
            kind: "Deployment".into(),
            json_pointers: vec!["/spec/replicas".into()],
            jq_path_expressions: vec![".spec.template.spec.containers[].image".into()],
            ..Default::default()
        }];
        let mut d = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}});
        apply_ignores(&mut d, &key, &rules);
        assert_eq!(
            d,
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}}})
        );
        assert!(
            wildcard("*", "") && wildcard("apps*", "apps") && wildcard("*.k8s.io", "rbac.k8s.io")
        );
        assert!(!wildcard("apps", "apps2") && !wildcard("?pps", "pps"));
        let other = ResourceKey::new("apps", "StatefulSet", Some("web"), "api");
        let mut s = json!({"spec": {"replicas": 3}});
        apply_ignores(&mut s, &other, &rules);
        assert_eq!(s, json!({"spec": {"replicas": 3}}));
    }
}
