//! managedFields of non-apply writes (create, update, patches, controller
//! and subresource writes): the writer owns what it created or changed.

use super::fields::{changed_set, prune_missing};
use super::managed::{Entry, api_version, read_entries, write_entries};
use super::schema::Shape;
use super::{KindInfo, canonical_order};
use serde_json::{Map, Value};

/// See [`super::record_update`].
pub fn record_update(
    kind: &KindInfo,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
    now: &str,
) {
    let shape = Shape::root(kind);
    let mut entries = starting_entries(old, new);
    let old_view = old.map(|o| scoped(o, subresource));
    let changed = changed_set(&shape, old_view.as_ref(), &scoped(new, subresource));
    if !changed.is_empty() {
        for e in &mut entries {
            if !e.is(manager, "Update", subresource) {
                e.fields.subtract(&changed);
            }
        }
        let time = (subresource != Some("scale")).then(|| now.to_string());
        match entries
            .iter_mut()
            .find(|e| e.is(manager, "Update", subresource))
        {
            Some(e) => {
                e.fields.union_with(&changed);
                e.time = time;
            }
            None => entries.push(Entry {
                manager: manager.to_string(),
                operation: "Update".to_string(),
                api_version: api_version(kind.group, kind.version),
                time,
                fields: changed,
                subresource: subresource.map(str::to_string),
            }),
        }
    }
    for e in &mut entries {
        e.fields = prune_missing(&e.fields, &shape, new);
    }
    write_entries(new, entries);
    canonical_order(kind, new);
}

/// The entries the write starts from: an explicit empty list resets them,
/// an absent list keeps the stored ones.
fn starting_entries(old: Option<&Value>, new: &Value) -> Vec<Entry> {
    match new.pointer("/metadata/managedFields") {
        Some(Value::Array(a)) if a.is_empty() => Vec::new(),
        Some(_) => read_entries(new),
        None => old.map(read_entries).unwrap_or_default(),
    }
}

/// The part of the object a write through `subresource` may own: status
/// writes own status only; other writes never own status.
fn scoped(obj: &Value, subresource: Option<&str>) -> Value {
    let mut out = Map::new();
    if let Value::Object(m) = obj {
        for (k, v) in m {
            let is_status = k == "status";
            if is_status == (subresource == Some("status")) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}
