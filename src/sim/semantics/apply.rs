//! Server-side apply: merge, conflicts, ownership and removal of fields a
//! manager stopped applying.

use super::fields::{apply_set, changed_set, prune_missing};
use super::fieldset::{FieldSet, path_string};
use super::managed::{Entry, api_version, read_entries, write_entries};
use super::merge::{merge_into, remove_paths};
use super::schema::Shape;
use super::{Cause, KindInfo, SemanticError, defaults, microtime, unknown};
use serde_json::{Map, Value};

/// See [`super::apply`].
pub fn apply(
    kind: &KindInfo,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    now: &str,
) -> Result<Value, SemanticError> {
    let shape = Shape::root(kind);
    check_config(kind, &shape, config)?;
    let config = applicable(config);
    let applied = apply_set(&shape, &config);
    let base = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let before = without_managed(&base);
    let mut merged = before.clone();
    merge_into(&shape, &mut merged, &config);
    if is_core(kind, "Secret") {
        defaults::fold_string_data(&mut merged);
    }
    let original = read_entries(&base);
    let mut entries = original.clone();
    let changed = changed_set(&shape, Some(&before), &defaulted(kind, &merged, live));
    take_changed_fields(&mut entries, &changed, manager, force)?;
    let own = own_entry(&mut entries, kind, manager, now);
    let previous = std::mem::replace(&mut entries[own].fields, applied.clone());
    remove_released(&shape, &mut merged, &entries, own, &previous, &applied);
    let mut merged = defaulted(kind, &merged, live);
    let view = tracking_view(kind, &merged, &config);
    for e in &mut entries {
        e.fields = prune_missing(&e.fields, &shape, &view);
    }
    entries.retain(|e| !e.fields.is_empty());
    if live.is_some() && merged == before && entries == original {
        return Ok(base);
    }
    if let Some(e) = entries.iter_mut().find(|e| e.is(manager, "Apply", None)) {
        e.time = Some(now.to_string());
    }
    write_entries(&mut merged, entries);
    Ok(merged)
}

/// The configuration without what apply never writes: status (reset for
/// the main resource) and server-owned metadata.
fn applicable(config: &Value) -> Value {
    let mut config = config.clone();
    if let Some(m) = config.as_object_mut() {
        m.shift_remove("status");
    }
    if let Some(meta) = config.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
        ] {
            meta.shift_remove(k);
        }
    }
    config
}

/// On update, the object as it will be stored: comparing that with the live
/// object keeps values the server defaults (e.g. in atomic lists) from
/// looking like changes.
fn defaulted(kind: &KindInfo, merged: &Value, live: Option<&Value>) -> Value {
    let mut out = merged.clone();
    if live.is_some() {
        defaults::default_object(kind, &mut out, live);
    }
    out
}

fn is_core(kind: &KindInfo, name: &str) -> bool {
    kind.group.is_empty() && kind.kind == name
}

/// Unknown fields (500) and MicroTime format (500 for apply).
fn check_config(kind: &KindInfo, shape: &Shape, config: &Value) -> Result<(), SemanticError> {
    let ident = object_ident(kind, config);
    if let Some(err) = unknown::first_schema_error(shape, config) {
        return Err(SemanticError::Internal {
            message: format!("failed to create typed patch object ({ident}): {err}"),
        });
    }
    if let Some(err) = microtime::first_error(kind, config) {
        let gvk = gvk_string(kind);
        return Err(SemanticError::Internal {
            message: format!(
                "failed to convert new object ({ident}) to proper version: unable to convert unstructured object to {gvk}: {err}"
            ),
        });
    }
    Ok(())
}

/// `namespace/name; group/version, Kind=Kind` as the API server prints it.
fn object_ident(kind: &KindInfo, obj: &Value) -> String {
    let s = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("");
    format!(
        "{}/{}; {}",
        s("/metadata/namespace"),
        s("/metadata/name"),
        gvk_string(kind)
    )
}

fn gvk_string(kind: &KindInfo) -> String {
    format!("{}/{}, Kind={}", kind.group, kind.version, kind.kind)
}

fn without_managed(obj: &Value) -> Value {
    let mut out = obj.clone();
    if let Some(meta) = out.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.shift_remove("managedFields");
    }
    out
}

/// Other Apply managers owning a changed field conflict unless `force`;
/// every other manager then loses the fields this apply changed.
fn take_changed_fields(
    entries: &mut [Entry],
    changed: &FieldSet,
    manager: &str,
    force: bool,
) -> Result<(), SemanticError> {
    let mut conflicts: Vec<(String, String)> = Vec::new();
    for e in entries.iter() {
        if e.operation == "Apply" && e.manager != manager {
            for p in e.fields.intersection(changed).member_paths() {
                conflicts.push((e.manager.clone(), path_string(&p)));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflict_error(conflicts));
    }
    for e in entries.iter_mut() {
        if !e.is(manager, "Apply", None) {
            e.fields.subtract(changed);
        }
    }
    Ok(())
}

fn conflict_error(conflicts: Vec<(String, String)>) -> SemanticError {
    let n = conflicts.len();
    let detail = if n == 1 {
        format!("conflict with \"{}\": {}", conflicts[0].0, conflicts[0].1)
    } else {
        let mut managers: Vec<&String> = conflicts.iter().map(|c| &c.0).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for m in managers {
            lines.push(format!("conflicts with \"{m}\":"));
            for (_, p) in conflicts.iter().filter(|c| &c.0 == m) {
                lines.push(format!("- {p}"));
            }
        }
        lines.join("\n")
    };
    let plural = if n == 1 { "" } else { "s" };
    SemanticError::Conflict {
        message: format!("Apply failed with {n} conflict{plural}: {detail}"),
        causes: conflicts
            .into_iter()
            .map(|(m, p)| Cause {
                reason: "FieldManagerConflict".to_string(),
                message: format!("conflict with \"{m}\""),
                field: p,
            })
            .collect(),
    }
}

fn own_entry(entries: &mut Vec<Entry>, kind: &KindInfo, manager: &str, now: &str) -> usize {
    if let Some(i) = entries.iter().position(|e| e.is(manager, "Apply", None)) {
        return i;
    }
    entries.push(Entry {
        manager: manager.to_string(),
        operation: "Apply".to_string(),
        api_version: api_version(kind.group, kind.version),
        time: Some(now.to_string()),
        fields: FieldSet::default(),
        subresource: None,
    });
    entries.len() - 1
}

/// Fields the manager applied before and no longer applies are removed
/// unless another manager still owns them.
fn remove_released(
    shape: &Shape,
    merged: &mut Value,
    entries: &[Entry],
    own: usize,
    previous: &FieldSet,
    applied: &FieldSet,
) {
    let mut released = previous.clone();
    released.subtract(applied);
    for (i, e) in entries.iter().enumerate() {
        if i != own {
            released.subtract(&e.fields);
        }
    }
    released.normalize();
    if !released.is_empty() {
        remove_paths(shape, merged, &released);
    }
}

/// The object as ownership sees it: a Secret's write-only stringData still
/// counts as present.
fn tracking_view(kind: &KindInfo, merged: &Value, config: &Value) -> Value {
    let mut view = merged.clone();
    if is_core(kind, "Secret")
        && let (Some(sd), Some(m)) = (config.get("stringData"), view.as_object_mut())
    {
        m.insert("stringData".to_string(), sd.clone());
    }
    view
}
