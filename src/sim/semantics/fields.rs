//! Field sets of objects: what an applied configuration sets, what a write
//! changed, and which tracked paths still exist.

use super::fieldset::FieldSet;
use super::schema::{ListType, Shape};
use serde_json::{Map, Value};

/// Top-level and metadata fields that are never tracked.
const UNTRACKED_TOP: &[&str] = &["apiVersion", "kind"];
const UNTRACKED_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// Whether `name` at the position `shape` is tracked by managedFields.
fn tracked(shape: &Shape, name: &str) -> bool {
    match shape.path() {
        [] => !UNTRACKED_TOP.contains(&name),
        [m] if m == "metadata" => !UNTRACKED_META.contains(&name),
        _ => true,
    }
}

/// The `k:{...}` element of an associative list item, with absent key fields
/// given their schema default.
pub fn item_key(shape: &Shape, keys: &[String], item: &Value) -> Option<String> {
    let mut m = Map::new();
    let mut sorted: Vec<&String> = keys.iter().collect();
    sorted.sort();
    for k in sorted {
        let v = item
            .get(k.as_str())
            .cloned()
            .or_else(|| shape.key_default(k))?;
        m.insert(k.clone(), v);
    }
    serde_json::to_string(&Value::Object(m))
        .ok()
        .map(|s| format!("k:{s}"))
}

/// The `v:<json>` element of a set item.
pub fn value_key(v: &Value) -> String {
    format!("v:{}", serde_json::to_string(v).unwrap_or_default())
}

/// The field set of an applied configuration: leaves and list items are
/// members, maps are not (except in schema-less subtrees).
pub fn apply_set(shape: &Shape, v: &Value) -> FieldSet {
    match v {
        Value::Object(m) if !m.is_empty() && !shape.is_atomic_map() => {
            let mut set = FieldSet {
                member: shape.is_deduced(),
                ..Default::default()
            };
            for (k, c) in m {
                if c.is_null() || !tracked(shape, k) {
                    continue;
                }
                let cs = shape.child(k);
                let child = match c {
                    Value::Array(items) => list_set(&cs, items, &|s, item| apply_set(s, item)),
                    _ => apply_set(&cs, c),
                };
                set.children.insert(format!("f:{k}"), child);
            }
            set
        }
        _ => FieldSet::leaf(),
    }
}

fn list_set(shape: &Shape, items: &[Value], each: &dyn Fn(&Shape, &Value) -> FieldSet) -> FieldSet {
    let item_shape = shape.item();
    match shape.list_type() {
        ListType::Atomic => FieldSet::leaf(),
        ListType::Set => {
            let mut set = FieldSet::default();
            for item in items {
                set.children.insert(value_key(item), FieldSet::leaf());
            }
            set
        }
        ListType::Map(keys) => {
            let mut set = FieldSet::default();
            for item in items {
                if let Some(k) = item_key(&item_shape, &keys, item) {
                    let mut s = each(&item_shape, item);
                    s.member = true;
                    set.children.insert(k, s);
                }
            }
            set
        }
    }
}

/// The fields that a write changing `old` into `new` created or changed, as
/// an Update owns them: new maps are owned themselves where the type says so.
pub fn changed_set(shape: &Shape, old: Option<&Value>, new: &Value) -> FieldSet {
    if old == Some(new) {
        return FieldSet::default();
    }
    match (old, new) {
        (_, Value::Object(m)) if !m.is_empty() && !shape.is_atomic_map() => {
            let old_map = old.and_then(Value::as_object);
            let mut set = FieldSet {
                member: old_map.is_none() && !shape.path().is_empty() && shape.owned_on_create(),
                ..Default::default()
            };
            for (k, c) in m {
                if c.is_null() || !tracked(shape, k) {
                    continue;
                }
                let oc = old_map.and_then(|o| o.get(k));
                let child = changed_child(&shape.child(k), oc, c);
                if !child.is_empty() {
                    set.children.insert(format!("f:{k}"), child);
                }
            }
            set
        }
        _ => FieldSet::leaf(),
    }
}

fn changed_child(shape: &Shape, old: Option<&Value>, new: &Value) -> FieldSet {
    if old == Some(new) {
        return FieldSet::default();
    }
    let Value::Array(items) = new else {
        return changed_set(shape, old, new);
    };
    let old_items = old.and_then(Value::as_array);
    let item_shape = shape.item();
    // A list the write creates is owned itself, like a created map.
    let created = old_items.is_none();
    match shape.list_type() {
        ListType::Atomic => FieldSet::leaf(),
        ListType::Set => {
            let mut set = FieldSet {
                member: created,
                ..Default::default()
            };
            for item in items {
                if !old_items.is_some_and(|o| o.contains(item)) {
                    set.children.insert(value_key(item), FieldSet::leaf());
                }
            }
            set
        }
        ListType::Map(keys) => {
            let mut set = FieldSet {
                member: created,
                ..Default::default()
            };
            for item in items {
                let Some(k) = item_key(&item_shape, &keys, item) else {
                    continue;
                };
                let before = old_items.and_then(|o| {
                    o.iter()
                        .find(|x| item_key(&item_shape, &keys, x).as_deref() == Some(&k))
                });
                let mut s = changed_set(&item_shape, before, item);
                if before.is_none() {
                    s.member = true;
                }
                if !s.is_empty() {
                    set.children.insert(k, s);
                }
            }
            set
        }
    }
}

/// Keeps only the tracked paths that still exist in `v`.
pub fn prune_missing(set: &FieldSet, shape: &Shape, v: &Value) -> FieldSet {
    let mut out = FieldSet {
        member: set.member,
        ..Default::default()
    };
    for (el, child) in &set.children {
        let kept = if let Some(name) = el.strip_prefix("f:") {
            let cs = shape.child(name);
            v.get(name).map(|cv| prune_missing(child, &cs, cv))
        } else if el.starts_with("k:") {
            let item_shape = shape.item();
            match shape.list_type() {
                ListType::Map(keys) => v.as_array().and_then(|items| {
                    items
                        .iter()
                        .find(|x| item_key(&item_shape, &keys, x).as_deref() == Some(el))
                        .map(|x| prune_missing(child, &item_shape, x))
                }),
                _ => None,
            }
        } else if el.starts_with("v:") {
            v.as_array()
                .filter(|items| items.iter().any(|x| &value_key(x) == el))
                .map(|_| child.clone())
        } else {
            Some(child.clone())
        };
        if let Some(k) = kept.filter(|k| !k.is_empty()) {
            out.children.insert(el.clone(), k);
        }
    }
    out
}
