//! The content-hash name suffix of generated ConfigMaps and Secrets,
//! computed exactly as kustomize does: SHA-256 of a Go-style JSON encoding
//! of the object's kind, (always empty) name, data (and type / binaryData / stringData),
//! first ten hex digits with `0 1 3 a e` mapped to `g h k m t`.

use super::resource::Resource;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Appends `-<hash>` to the name of every resource that needs one.
pub(crate) fn add_suffixes(resources: &mut [Resource]) {
    for res in resources.iter_mut().filter(|r| r.needs_hash) {
        let hash = hash(&res.obj);
        let name = format!("{}-{hash}", res.name());
        res.store_previous_id();
        res.set_meta("name", &name);
    }
}

/// kustomize's hash of a ConfigMap or Secret object.
pub(crate) fn hash(obj: &Value) -> String {
    let mut fields: Vec<(&str, Value)> = Vec::new();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let get = |k: &str| obj.get(k).cloned().unwrap_or(Value::String(String::new()));
    // kustomize looks the name up as a single field called "metadata/name",
    // which never exists: the name hashed is always empty.
    let name = Value::String(String::new());
    fields.push(("data", get("data")));
    fields.push(("kind", Value::String(kind.to_string())));
    fields.push(("name", name));
    let extra = if kind == "Secret" {
        "stringData"
    } else {
        "binaryData"
    };
    if obj.get(extra).is_some_and(Value::is_object) {
        fields.push((extra, get(extra)));
    }
    if kind == "Secret" {
        fields.push(("type", get("type")));
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::from("{");
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        crate::render::go_json::write_string(&mut text, k, true);
        text.push(':');
        go_json(v, &mut text);
    }
    text.push('}');
    encode(&format!("{:x}", Sha256::digest(text.as_bytes())))
}

/// The first ten hex digits with kustomize's letter substitutions.
fn encode(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// `v` as Go's encoding/json writes it: mapping keys sorted, HTML
/// characters escaped.
fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::render::go_json::write_string(out, k, true);
                out.push(':');
                go_json(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::String(s) => crate::render::go_json::write_string(out, s, true),
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn substitutes_like_kustomize() {
        assert_eq!(encode("0123456789abcdef"), "gh2k456789");
        assert_eq!(encode("abcdeabcde00"), "mbcdtmbcdt");
        let cm = json!({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "<b>"}});
        assert_eq!(hash(&cm).len(), 10);
        // kustomize's own test vector: an empty ConfigMap.
        assert_eq!(
            hash(&json!({"kind": "ConfigMap", "metadata": {"name": "x"}})),
            "6ct58987ht"
        );
    }
}
