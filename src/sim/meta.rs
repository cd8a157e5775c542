//! Small helpers over `metadata` of JSON objects: accessors, timestamps,
//! generated names and the Go field order of serialised objects.

use rand::Rng;
use serde_json::{Map, Value, json};

/// Characters of generated name suffixes (as the apiserver uses).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The current time as RFC 3339 with second precision.
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The time `secs` seconds from now, RFC 3339 with second precision.
pub(crate) fn now_plus(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Five random characters as in generated names.
pub(crate) fn suffix() -> String {
    let mut rng = rand::rng();
    (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// `metadata.name` or "".
pub(crate) fn name(obj: &Value) -> &str {
    metadata_str(obj, "name")
}

/// `metadata.namespace` or "".
pub(crate) fn namespace(obj: &Value) -> &str {
    metadata_str(obj, "namespace")
}

/// A string field of the metadata, or "": two map lookups, where a JSON
/// pointer would split and unescape its path on every call (list paging
/// reads these for every object of every page).
fn metadata_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `metadata.uid` or "".
pub(crate) fn uid(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `metadata.resourceVersion` or "".
pub(crate) fn rv(obj: &Value) -> &str {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Whether `metadata.deletionTimestamp` is set.
pub(crate) fn deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// `metadata.finalizers` as strings.
pub(crate) fn finalizers(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Sets `metadata.finalizers` (removing the key when empty).
pub(crate) fn set_finalizers(obj: &mut Value, fins: &[String]) {
    edit_meta(obj, |m| {
        if fins.is_empty() {
            m.shift_remove("finalizers");
        } else {
            m.insert("finalizers".into(), json!(fins));
        }
    });
}

/// The uids of `metadata.ownerReferences`.
pub(crate) fn owner_uids(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| o.get("uid").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `f` on the metadata map (created when missing); None when `obj`
/// is not an object.
pub(crate) fn edit_meta<R>(
    obj: &mut Value,
    f: impl FnOnce(&mut Map<String, Value>) -> R,
) -> Option<R> {
    let top = obj.as_object_mut()?;
    let m = top.entry("metadata").or_insert_with(|| json!({}));
    if !m.is_object() {
        *m = json!({});
    }
    m.as_object_mut().map(f)
}

/// Sets `metadata.resourceVersion`.
pub(crate) fn set_rv(obj: &mut Value, rv: u64) {
    edit_meta(obj, |m| {
        m.insert("resourceVersion".into(), json!(rv.to_string()))
    });
}

/// Reorders an object's keys as the apiserver writes them: Go field order
/// for built-in kinds, alphabetical everywhere for custom resources.
pub(crate) fn order(obj: &mut Value, custom: bool) {
    if custom {
        sort_all(obj);
        return;
    }
    let Value::Object(top) = obj else { return };
    let mut out = Map::new();
    for k in ["kind", "apiVersion", "metadata"] {
        if let Some(v) = top.remove(k) {
            out.insert(k.into(), v);
        }
    }
    let status = top.remove("status");
    for (k, v) in std::mem::take(top) {
        out.insert(k, v);
    }
    if let Some(s) = status {
        out.insert("status".into(), s);
    }
    if let Some(Value::Object(m)) = out.get_mut("metadata") {
        let mut om = Map::new();
        for k in crate::sim::semantics::OBJECT_META_ORDER {
            if let Some(v) = m.remove(*k) {
                om.insert((*k).into(), v);
            }
        }
        for (k, v) in std::mem::take(m) {
            om.insert(k, v);
        }
        *m = om;
    }
    *top = out;
}

fn sort_all(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, mut val) in entries {
                sort_all(&mut val);
                m.insert(k, val);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(sort_all),
        _ => {}
    }
}

/// The object with `managedFields` removed (for no-op detection).
pub(crate) fn without_managed_fields(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(Value::Object(m)) = o.get_mut("metadata") {
        m.remove("managedFields");
    }
    o
}
