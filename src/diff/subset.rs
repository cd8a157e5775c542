//! The fallback comparison: only the fields the desired object sets are
//! compared with the live object, so server defaults never count as drift.

use base64::Engine as _;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// JSON pointers of the fields that `desired` sets and `live` lacks or holds
/// with another value. Lists compare element by element and must have the
/// same length; maps compare only the keys `desired` has.
pub fn subset_differences(desired: &Value, live: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(desired, live, &mut String::new(), &mut out);
    out
}

fn walk(desired: &Value, live: &Value, path: &mut String, out: &mut Vec<String>) {
    match (desired, live) {
        (Value::Object(d), Value::Object(l)) => {
            for (key, dv) in d {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match l.get(key) {
                    Some(lv) => walk(dv, lv, path, out),
                    None if is_empty(dv) => {}
                    None => out.push(path.clone()),
                }
                path.truncate(len);
            }
        }
        (Value::Array(d), Value::Array(l)) => {
            if d.len() != l.len() {
                out.push(path.clone());
                return;
            }
            for (i, (dv, lv)) in d.iter().zip(l).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                walk(dv, lv, path, out);
                path.truncate(len);
            }
        }
        (d, l) if same_scalar(d, l) => {}
        _ => out.push(path.clone()),
    }
}

/// Empty maps, lists and nulls in a manifest say nothing the server keeps.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn same_scalar(d: &Value, l: &Value) -> bool {
    match (d, l) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // An int-or-string written as a number in YAML comes back as given;
        // a quoted number against a number is a real difference.
        _ => d == l,
    }
}

/// Puts a desired object in the form the server stores, for comparison:
/// a Secret's `stringData` becomes base64 `data`. Other objects are
/// borrowed as they are.
pub fn normalize_desired(desired: &Value) -> Cow<'_, Value> {
    let is_secret = desired.get("kind").and_then(Value::as_str) == Some("Secret")
        && desired.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && desired.get("stringData").is_some();
    if !is_secret {
        return Cow::Borrowed(desired);
    }
    Cow::Owned(secret_with_data(desired.clone()))
}

fn secret_with_data(mut out: Value) -> Value {
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    if let Some(Value::Object(string_data)) = obj.remove("stringData") {
        let data = obj
            .entry("data")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(data) = data {
            for (k, v) in string_data {
                let text = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                data.insert(
                    k,
                    Value::String(base64::engine::general_purpose::STANDARD.encode(text)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_not_drift() {
        let desired = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.25"}]}}}});
        let live = json!({"spec": {"replicas": 2, "revisionHistoryLimit": 10, "template": {"spec": {
            "containers": [{"name": "app", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"}],
            "dnsPolicy": "ClusterFirst"}}}});
        assert!(subset_differences(&desired, &live).is_empty());
    }

    #[test]
    fn changed_and_missing_fields_are_reported() {
        let desired = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.26"}]}}}, "metadata": {"labels": {"a": "b"}}});
        let live = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.25"}]}}}, "metadata": {}});
        assert_eq!(
            subset_differences(&desired, &live),
            vec![
                "/spec/replicas",
                "/spec/template/spec/containers/0/image",
                "/metadata/labels"
            ]
        );
    }

    #[test]
    fn secret_string_data_compares_as_data() {
        let desired = json!({"apiVersion": "v1", "kind": "Secret", "stringData": {"k": "v"}});
        let live = json!({"apiVersion": "v1", "kind": "Secret", "data": {"k": "dg=="}});
        assert!(subset_differences(&normalize_desired(&desired), &live).is_empty());
    }
}
