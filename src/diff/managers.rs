//! Who owns a field: reading `metadata.managedFields` (FieldsV1) of a live
//! object to name the field managers behind each changed field — the
//! question every drift raises (kubectl edit? an HPA? a human's apply?).

use serde_json::Value;

/// One changed field and the managers that own it live.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// JSON pointer into the object.
    pub path: String,
    /// Managers owning the field (or a parent owned atomically), with the
    /// operation: `kubectl-edit (Update)`.
    pub managers: Vec<String>,
}

/// Pointers of every leaf that differs between `a` and `b` (maps by key,
/// lists by index; a list of another length differs as a whole).
pub fn changed_paths(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, &mut String::new(), &mut out);
    out
}

fn walk(a: &Value, b: &Value, path: &mut String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x
                .keys()
                .chain(y.keys().filter(|k| !x.contains_key(*k)))
                .collect();
            keys.sort();
            for key in keys {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => walk(p, q, path, out),
                    _ => out.push(path.clone()),
                }
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                walk(p, q, path, out);
                path.truncate(len);
            }
        }
        (p, q) if p == q => {}
        _ => out.push(path.clone()),
    }
}

/// The managers of `live` owning the field at `pointer`.
pub fn managers_of(live: &Value, pointer: &str) -> Vec<String> {
    let Some(entries) = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    entries
        .iter()
        .filter(|entry| {
            entry
                .get("fieldsV1")
                .is_some_and(|f| owns(f, live, &segments))
        })
        .map(|entry| {
            let manager = entry
                .get("manager")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            let operation = entry.get("operation").and_then(Value::as_str).unwrap_or("");
            format!("{manager} ({operation})")
        })
        .collect()
}

/// Walks a FieldsV1 set along the pointer; an empty set `{}` owns its
/// whole subtree (an atomic field or a leaf).
fn owns(fields: &Value, object: &Value, segments: &[String]) -> bool {
    let Some(set) = fields.as_object() else {
        return false;
    };
    let Some((segment, rest)) = segments.split_first() else {
        return true;
    };
    if set.is_empty() || (set.len() == 1 && set.contains_key(".")) {
        return set.is_empty();
    }
    match object {
        Value::Object(map) => {
            let child = map.get(segment).unwrap_or(&Value::Null);
            set.get(&format!("f:{segment}"))
                .is_some_and(|sub| owns(sub, child, rest))
        }
        Value::Array(items) => {
            let Some(item) = segment.parse::<usize>().ok().and_then(|i| items.get(i)) else {
                return false;
            };
            set.iter()
                .find(|(key, _)| item_matches(key, item, segment))
                .is_some_and(|(_, sub)| owns(sub, item, rest))
        }
        _ => false,
    }
}

/// Whether a FieldsV1 list key (`k:{…}`, `v:…`, `i:N`) names `item`.
fn item_matches(key: &str, item: &Value, index: &str) -> bool {
    if let Some(json) = key.strip_prefix("k:") {
        let Ok(Value::Object(wanted)) = serde_json::from_str::<Value>(json) else {
            return false;
        };
        return wanted.iter().all(|(k, v)| item.get(k) == Some(v));
    }
    if let Some(json) = key.strip_prefix("v:") {
        return serde_json::from_str::<Value>(json).is_ok_and(|v| &v == item);
    }
    key.strip_prefix("i:") == Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live() -> Value {
        json!({"metadata": {"managedFields": [
            {"manager": "tether", "operation": "Apply", "fieldsV1": {"f:spec": {
                "f:selector": {},
                "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}},
            {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}}
        ]},
        "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "app", "image": "x:1"}]}}}})
    }

    #[test]
    fn names_the_owner_of_a_field() {
        let l = live();
        assert_eq!(
            managers_of(&l, "/spec/replicas"),
            vec!["kubectl-edit (Update)"]
        );
        assert_eq!(
            managers_of(&l, "/spec/template/spec/containers/0/image"),
            vec!["tether (Apply)"]
        );
        assert_eq!(
            managers_of(&l, "/spec/selector/matchLabels/app"),
            vec!["tether (Apply)"]
        );
        assert!(managers_of(&l, "/spec/paused").is_empty());
    }

    #[test]
    fn lists_changed_leaves() {
        let a = json!({"spec": {"replicas": 2, "x": [1, 2], "keep": true}});
        let b = json!({"spec": {"replicas": 5, "x": [1, 3], "keep": true, "new": 1}});
        assert_eq!(
            changed_paths(&a, &b),
            vec!["/spec/new", "/spec/replicas", "/spec/x/1"]
        );
    }
}
