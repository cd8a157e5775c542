//! Structural merge and removal used by server-side apply: maps merge by
//! field, associative lists by key, sets by value, atomic values replace.

use super::fields::{item_key, value_key};
use super::fieldset::FieldSet;
use super::schema::{ListType, Shape};
use serde_json::Value;

/// Merges an applied configuration into `target`.
pub fn merge_into(shape: &Shape, target: &mut Value, config: &Value) {
    match (target, config) {
        (Value::Object(t), Value::Object(c)) if !shape.is_atomic_map() => {
            for (k, cv) in c {
                if cv.is_null() {
                    continue;
                }
                let cs = shape.child(k);
                match t.get_mut(k) {
                    Some(tv) => merge_field(&cs, tv, cv),
                    None => {
                        t.insert(k.clone(), cv.clone());
                    }
                }
            }
        }
        (t, c) => *t = c.clone(),
    }
}

fn merge_field(shape: &Shape, target: &mut Value, config: &Value) {
    match (target, config) {
        (Value::Array(t), Value::Array(c)) => merge_list(shape, t, c),
        (t, c) => merge_into(shape, t, c),
    }
}

fn merge_list(shape: &Shape, target: &mut Vec<Value>, config: &[Value]) {
    let item_shape = shape.item();
    match shape.list_type() {
        ListType::Atomic => *target = config.to_vec(),
        ListType::Set => {
            for c in config {
                if !target.contains(c) {
                    target.push(c.clone());
                }
            }
        }
        ListType::Map(keys) => {
            for c in config {
                let key = item_key(&item_shape, &keys, c);
                let found = target
                    .iter_mut()
                    .find(|t| key.is_some() && item_key(&item_shape, &keys, t) == key);
                match found {
                    Some(t) => merge_into(&item_shape, t, c),
                    None => target.push(c.clone()),
                }
            }
        }
    }
}

/// Removes every member path of `set` from `v`. Containers emptied by the
/// removal disappear too.
pub fn remove_paths(shape: &Shape, v: &mut Value, set: &FieldSet) {
    for (el, child) in &set.children {
        if let Some(name) = el.strip_prefix("f:") {
            let Some(obj) = v.as_object_mut() else {
                continue;
            };
            if child.member {
                obj.shift_remove(name);
                continue;
            }
            if let Some(cv) = obj.get_mut(name) {
                remove_paths(&shape.child(name), cv, child);
                if is_empty_container(cv) {
                    obj.shift_remove(name);
                }
            }
        } else {
            remove_item(shape, v, el, child);
        }
    }
}

fn remove_item(shape: &Shape, v: &mut Value, el: &str, child: &FieldSet) {
    let item_shape = shape.item();
    let Some(items) = v.as_array_mut() else {
        return;
    };
    let matches = |x: &Value| -> bool {
        if el.starts_with("v:") {
            return value_key(x) == el;
        }
        match shape.list_type() {
            ListType::Map(keys) => item_key(&item_shape, &keys, x).as_deref() == Some(el),
            _ => false,
        }
    };
    if child.member {
        items.retain(|x| !matches(x));
    } else if let Some(x) = items.iter_mut().find(|x| matches(x)) {
        remove_paths(&item_shape, x, child);
    }
}

fn is_empty_container(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}
