//! Objects that do not fit the schema: undeclared fields, associative list
//! items without their keys or with duplicate keys (server-side apply
//! answers these with HTTP 500), and pruning of undeclared fields.

use super::fields::item_key;
use super::fieldset::path_string;
use super::schema::{ListType, Shape};
use serde_json::Value;

/// The first reason `v` is not a valid typed object, as structured-merge-diff
/// words it (`.spec.bogus: field not declared in schema`).
pub fn first_schema_error(shape: &Shape, v: &Value) -> Option<String> {
    let Value::Object(m) = v else {
        return None;
    };
    if shape.is_atomic_map() {
        return None;
    }
    let known = shape.known_fields();
    for (k, c) in m {
        if let Some(known) = &known
            && !known.iter().any(|f| f == k)
        {
            return Some(format!(".{k}: field not declared in schema"));
        }
        let cs = shape.child(k);
        let found = match c {
            Value::Array(items) => error_in_list(&cs, items),
            _ => first_schema_error(&cs, c),
        };
        if let Some(rest) = found {
            return Some(format!(".{k}{rest}"));
        }
    }
    None
}

fn error_in_list(shape: &Shape, items: &[Value]) -> Option<String> {
    let item_shape = shape.item();
    let keys = match shape.list_type() {
        ListType::Map(keys) => Some(keys),
        _ => None,
    };
    let mut seen = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = keys.as_ref().map(|k| item_key(&item_shape, k, item));
        if let (Some(keys), Some(None)) = (&keys, &key) {
            let missing = keys
                .iter()
                .find(|k| item.get(k.as_str()).is_none())
                .cloned()
                .unwrap_or_default();
            return Some(format!(
                ": element {i}: associative list with keys has an element that omits key field \"{missing}\" (and doesn't have default value)"
            ));
        }
        let label = match key.flatten() {
            Some(k) => {
                let label = path_string(std::slice::from_ref(&k));
                if seen.contains(&k) {
                    return Some(format!(": duplicate entries for key {label}"));
                }
                seen.push(k);
                label
            }
            None => format!("[{i}]"),
        };
        if let Some(rest) = first_schema_error(&item_shape, item) {
            return Some(format!("{label}{rest}"));
        }
    }
    None
}

/// Removes fields not in the schema (custom resources on POST/PUT).
pub fn prune_unknown(shape: &Shape, v: &mut Value) {
    let Value::Object(m) = v else {
        return;
    };
    if let Some(known) = shape.known_fields() {
        m.retain(|k, _| known.iter().any(|f| f == k));
    }
    for (k, c) in m.iter_mut() {
        let cs = shape.child(k);
        match c {
            Value::Array(items) => {
                let item_shape = cs.item();
                for item in items {
                    prune_unknown(&item_shape, item);
                }
            }
            _ => prune_unknown(&cs, c),
        }
    }
}
