//! Rejection of fields that are not declared in the schema (server-side
//! apply answers these with HTTP 500).

use super::fields::item_key;
use super::schema::{ListType, Shape};
use serde_json::Value;

/// The path (`.spec.bogus`) of the first field of `v` not in the schema.
pub fn first_unknown_field(shape: &Shape, v: &Value) -> Option<String> {
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
            return Some(format!(".{k}"));
        }
        let cs = shape.child(k);
        let found = match c {
            Value::Array(items) => unknown_in_list(&cs, items),
            _ => first_unknown_field(&cs, c),
        };
        if let Some(rest) = found {
            return Some(format!(".{k}{rest}"));
        }
    }
    None
}

fn unknown_in_list(shape: &Shape, items: &[Value]) -> Option<String> {
    let item_shape = shape.item();
    let keys = match shape.list_type() {
        ListType::Map(keys) => Some(keys),
        _ => None,
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(rest) = first_unknown_field(&item_shape, item) {
            let label = keys
                .as_ref()
                .and_then(|k| item_key(&item_shape, k, item))
                .map(|k| super::fieldset::path_string(&[k]))
                .unwrap_or_else(|| format!("[{i}]"));
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
