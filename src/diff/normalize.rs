//! Dropping what the server manages before two objects are compared:
//! managedFields, resourceVersion, uid, generation, creationTimestamp,
//! status, kubectl's last-applied annotation — and the app's
//! ignoreDifferences.

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

/// Removes the fields the app's ignoreDifferences name for this object.
/// `jqPathExpressions` support the simple path form `.a.b[0].c` (and
/// `.a.b[]` for every element).
pub fn apply_ignores(object: &mut Value, key: &ResourceKey, ignores: &[IgnoreDifference]) {
    for rule in ignores.iter().filter(|r| matches(r, key)) {
        for pointer in &rule.json_pointers {
            remove_pointer(object, pointer);
        }
        for expr in &rule.jq_path_expressions {
            if let Some(segments) = parse_jq_path(expr) {
                remove_segments(object, &segments);
            }
        }
    }
}

fn matches(rule: &IgnoreDifference, key: &ResourceKey) -> bool {
    rule.group == key.group
        && rule.kind == key.kind
        && rule.name.as_ref().is_none_or(|n| *n == key.name)
        && rule
            .namespace
            .as_ref()
            .is_none_or(|n| Some(n) == key.namespace.as_ref())
}

/// Removes the value at an RFC 6901 pointer, if present.
pub fn remove_pointer(object: &mut Value, pointer: &str) {
    let segments: Vec<Segment> = pointer
        .split('/')
        .skip(1)
        .map(|s| Segment::Key(s.replace("~1", "/").replace("~0", "~")))
        .collect();
    remove_segments(object, &segments);
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
    Every,
}

fn remove_segments(value: &mut Value, segments: &[Segment]) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    if rest.is_empty() {
        match (value, first) {
            (Value::Object(m), Segment::Key(k)) => {
                m.remove(k);
            }
            (Value::Array(a), Segment::Key(k)) => {
                if let Ok(i) = k.parse::<usize>()
                    && i < a.len()
                {
                    a.remove(i);
                }
            }
            (Value::Array(a), Segment::Index(i)) if *i < a.len() => {
                a.remove(*i);
            }
            (Value::Array(a), Segment::Every) => a.clear(),
            _ => {}
        }
        return;
    }
    match (value, first) {
        (Value::Object(m), Segment::Key(k)) => {
            if let Some(child) = m.get_mut(k) {
                remove_segments(child, rest);
            }
        }
        (Value::Array(a), Segment::Key(k)) => {
            if let Some(child) = k.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                remove_segments(child, rest);
            }
        }
        (Value::Array(a), Segment::Index(i)) => {
            if let Some(child) = a.get_mut(*i) {
                remove_segments(child, rest);
            }
        }
        (Value::Array(a), Segment::Every) => {
            for child in a.iter_mut() {
                remove_segments(child, rest);
            }
        }
        _ => {}
    }
}

/// Parses `.spec.template.spec.containers[0].image` or `.a.b[].c`.
fn parse_jq_path(expr: &str) -> Option<Vec<Segment>> {
    let expr = expr.trim();
    let rest = expr.strip_prefix('.')?;
    let mut out = Vec::new();
    for part in rest.split('.') {
        let (name, mut brackets) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name.trim_matches('"').to_string()));
        }
        while let Some(close) = brackets.find(']') {
            let inner = &brackets[1..close];
            out.push(if inner.is_empty() {
                Segment::Every
            } else {
                Segment::Index(inner.parse().ok()?)
            });
            brackets = &brackets[close + 1..];
        }
    }
    Some(out)
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
        let other = ResourceKey::new("apps", "StatefulSet", Some("web"), "api");
        let mut s = json!({"spec": {"replicas": 3}});
        apply_ignores(&mut s, &other, &rules);
        assert_eq!(s, json!({"spec": {"replicas": 3}}));
    }
}
