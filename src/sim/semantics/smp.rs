//! Strategic merge patch for built-in kinds: lists merge by their
//! patchMergeKey (new items go to the front, as the API server does), with
//! the `$patch`, `$retainKeys`, `$setElementOrder` and
//! `$deleteFromPrimitiveList` directives.

use super::schema::Shape;
use super::{KindInfo, SemanticError};
use serde_json::{Map, Value};

const UNSUPPORTED: &str = "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

/// How a list merges under a strategic merge patch.
enum Strategy {
    Replace,
    MergeByKey(&'static str),
    MergePrimitives,
}

fn strategy(shape: &Shape) -> Strategy {
    let path = shape.path();
    let name = path.last().map(String::as_str).unwrap_or("");
    match name {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Strategy::MergeByKey("name"),
        "volumeMounts" => Strategy::MergeByKey("mountPath"),
        "volumeDevices" => Strategy::MergeByKey("devicePath"),
        "conditions" => Strategy::MergeByKey("type"),
        "ownerReferences" => Strategy::MergeByKey("uid"),
        "hostAliases" => Strategy::MergeByKey("ip"),
        "topologySpreadConstraints" => Strategy::MergeByKey("topologyKey"),
        "ports" if shape.kind() == "Service" && path.len() == 2 => Strategy::MergeByKey("port"),
        "ports" if path.iter().any(|p| p.ends_with("ontainers")) => {
            Strategy::MergeByKey("containerPort")
        }
        "finalizers" => Strategy::MergePrimitives,
        _ => Strategy::Replace,
    }
}

/// See [`super::strategic_merge`].
pub fn strategic_merge(
    kind: &KindInfo,
    target: &Value,
    patch: &Value,
) -> Result<Value, SemanticError> {
    if kind.is_custom() {
        return Err(SemanticError::UnsupportedMediaType {
            message: UNSUPPORTED.to_string(),
        });
    }
    let Value::Object(p) = patch else {
        return Err(SemanticError::BadRequest {
            message: "strategic merge patch must be a JSON object".to_string(),
        });
    };
    let t = target.as_object().cloned().unwrap_or_default();
    Ok(Value::Object(merge_map(&Shape::root(kind), t, p)))
}

fn merge_map(
    shape: &Shape,
    mut target: Map<String, Value>,
    patch: &Map<String, Value>,
) -> Map<String, Value> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => return strip_directives(patch),
        Some("delete") => return Map::new(),
        _ => {}
    }
    if let Some(keep) = patch.get("$retainKeys").and_then(Value::as_array) {
        target.retain(|k, _| keep.iter().any(|x| x == k));
    }
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(del)) = (target.get_mut(field), v.as_array()) {
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            target.shift_remove(k);
            continue;
        }
        if v.get("$patch").and_then(Value::as_str) == Some("delete") {
            target.shift_remove(k);
            continue;
        }
        let cs = shape.child(k);
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(p)) => {
                *t = merge_map(&cs, std::mem::take(t), p);
            }
            (Some(Value::Array(t)), Value::Array(p)) => {
                *t = merge_list(&cs, std::mem::take(t), p);
            }
            (Some(slot), v) => *slot = strip_value(v),
            (None, v) => {
                target.insert(k.clone(), strip_value(v));
            }
        }
    }
    for (k, v) in patch {
        if let (Some(field), Some(order)) = (k.strip_prefix("$setElementOrder/"), v.as_array())
            && let Some(Value::Array(list)) = target.get_mut(field)
        {
            reorder(list, order);
        }
    }
    target
}

fn merge_list(shape: &Shape, mut target: Vec<Value>, patch: &[Value]) -> Vec<Value> {
    if patch
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return patch
            .iter()
            .filter(|i| i.get("$patch").is_none())
            .map(strip_value)
            .collect();
    }
    match strategy(shape) {
        Strategy::Replace => patch.iter().map(strip_value).collect(),
        Strategy::MergePrimitives => {
            for p in patch {
                if !target.contains(p) {
                    target.push(p.clone());
                }
            }
            target
        }
        Strategy::MergeByKey(key) => merge_by_key(&shape.item(), target, patch, key),
    }
}

fn merge_by_key(
    item_shape: &Shape,
    mut target: Vec<Value>,
    patch: &[Value],
    key: &str,
) -> Vec<Value> {
    let mut added = Vec::new();
    for p in patch {
        let Some(pm) = p.as_object() else {
            continue;
        };
        let k = pm.get(key);
        let pos = target.iter().position(|t| k.is_some() && t.get(key) == k);
        if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
            if let Some(i) = pos {
                target.remove(i);
            }
            continue;
        }
        match pos {
            Some(i) => {
                let t = target[i].as_object().cloned().unwrap_or_default();
                target[i] = Value::Object(merge_map(item_shape, t, pm));
            }
            None => added.push(Value::Object(strip_directives(pm))),
        }
    }
    added.extend(target);
    added
}

fn reorder(list: &mut [Value], order: &[Value]) {
    let rank = |v: &Value| -> usize {
        order
            .iter()
            .position(|o| match o.as_object() {
                Some(om) => om.iter().all(|(k, ov)| v.get(k) == Some(ov)),
                None => o == v,
            })
            .unwrap_or(usize::MAX)
    };
    list.sort_by_key(|v| rank(v));
}

fn strip_directives(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .filter(|(k, v)| !k.starts_with('$') && !v.is_null())
        .map(|(k, v)| (k.clone(), strip_value(v)))
        .collect()
}

fn strip_value(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(strip_directives(m)),
        Value::Array(a) => Value::Array(a.iter().map(strip_value).collect()),
        other => other.clone(),
    }
}
