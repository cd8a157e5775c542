//! Parameter sets: what generators produce and templates read. In flat
//! mode (fasttemplate) keys are dotted and values strings; in Go mode
//! values keep their structure (numbers float64, as JSON decodes them).

use serde_json::{Map, Value};

/// One parameter set.
pub type Params = Map<String, Value>;

/// `fmt.Sprintf("%v", v)` of a JSON value, as Argo CD stringifies
/// parameters (`123` → `"123"`, `1e6` → `"1e+06"`, null → `"<nil>"`).
pub fn go_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => {
            crate::argocd::gotemplate::sprint(&crate::argocd::gotemplate::GoValue::from_json(other))
        }
    }
}

/// jeremywohl/flatten with dots: nested objects and lists become dotted
/// keys (`a.b`, `list.0`), leaves are stringified with `%v`; empty
/// objects and lists vanish.
pub fn flatten(params: &Params) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in params {
        flatten_into(&mut out, k, v);
    }
    out
}

fn flatten_into(out: &mut Map<String, Value>, key: &str, v: &Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten_into(out, &format!("{key}.{k}"), v);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten_into(out, &format!("{key}.{i}"), v);
            }
        }
        leaf => {
            out.insert(key.to_string(), Value::String(go_string(leaf)));
        }
    }
}

/// mergo `Merge(dst, src, WithOverride)` over parameter maps: `src` wins,
/// nested maps merge, lists are replaced.
pub fn merge_override(dst: &mut Params, src: &Params) {
    for (k, s) in src {
        match (dst.get_mut(k), s) {
            (Some(Value::Object(d)), Value::Object(sm)) if !d.is_empty() => merge_override(d, sm),
            _ => {
                dst.insert(k.clone(), s.clone());
            }
        }
    }
}

/// Argo CD's `CombineStringMaps` (flat matrix): both sides stringified;
/// a key with two different values is an error.
pub fn combine_string_maps(a: &Params, b: &Params) -> Result<Params, String> {
    let mut out = Map::new();
    for (k, v) in a {
        out.insert(k.clone(), Value::String(go_string(v)));
    }
    for (k, v) in b {
        let v = go_string(v);
        if let Some(current) = out.get(k)
            && current.as_str() != Some(v.as_str())
        {
            return Err(format!(
                "found duplicate key {k} with different value, a: {} ,b: {v}",
                go_string(current)
            ));
        }
        out.insert(k.clone(), Value::String(v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattening_stringifies_like_go() {
        let p = json!({"a": {"b": 1, "c": [true, null]}, "e": {}, "f": 1e6});
        let flat = flatten(p.as_object().unwrap());
        assert_eq!(
            Value::Object(flat),
            json!({"a.b": "1", "a.c.0": "true", "a.c.1": "<nil>", "f": "1e+06"})
        );
    }

    #[test]
    fn override_merge_and_string_combination() {
        let mut dst = json!({"v": {"a": 1, "b": 2}, "l": [1]})
            .as_object()
            .unwrap()
            .clone();
        merge_override(
            &mut dst,
            json!({"v": {"b": 3}, "l": [2]}).as_object().unwrap(),
        );
        assert_eq!(Value::Object(dst), json!({"v": {"a": 1, "b": 3}, "l": [2]}));
        let a = json!({"x": "1"}).as_object().unwrap().clone();
        assert!(combine_string_maps(&a, json!({"x": "2"}).as_object().unwrap()).is_err());
        assert!(combine_string_maps(&a, json!({"x": "1", "y": "2"}).as_object().unwrap()).is_ok());
    }
}
