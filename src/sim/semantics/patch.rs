//! JSON merge patch (RFC 7386) and JSON patch (RFC 6902).

use super::SemanticError;
use serde_json::Value;

/// The generic message of the 422 the API server returns for a JSON patch
/// that cannot be applied (failed `test`, missing path).
pub const REJECTED: &str = "the server rejected our request due to an error in our request";

/// See [`super::merge_patch`].
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => serde_json::Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.shift_remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

fn rejected() -> SemanticError {
    SemanticError::InvalidRequest {
        message: REJECTED.to_string(),
    }
}

fn bad(message: &str) -> SemanticError {
    SemanticError::BadRequest {
        message: message.to_string(),
    }
}

/// See [`super::json_patch`].
pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, SemanticError> {
    let ops = patch
        .as_array()
        .ok_or_else(|| bad("json patch must be a list of operations"))?;
    let mut doc = target.clone();
    for op in ops {
        apply_op(&mut doc, op)?;
    }
    Ok(doc)
}

fn apply_op(doc: &mut Value, op: &Value) -> Result<(), SemanticError> {
    let name = op
        .get("op")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("json patch operation without op"))?;
    let path = op
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("json patch operation without path"))?;
    let value = || op.get("value").cloned().ok_or_else(rejected);
    let from = || op.get("from").and_then(Value::as_str).ok_or_else(rejected);
    match name {
        "add" => add(doc, path, value()?),
        "remove" => remove(doc, path).map(|_| ()),
        "replace" => {
            let slot = doc.pointer_mut(path).ok_or_else(rejected)?;
            *slot = value()?;
            Ok(())
        }
        "move" => {
            let v = remove(doc, from()?)?;
            add(doc, path, v)
        }
        "copy" => {
            let v = doc.pointer(from()?).cloned().ok_or_else(rejected)?;
            add(doc, path, v)
        }
        "test" => match doc.pointer(path) {
            Some(v) if *v == value()? => Ok(()),
            _ => Err(rejected()),
        },
        other => Err(bad(&format!("Unexpected kind: {other}"))),
    }
}

fn split(path: &str) -> Result<(&str, String), SemanticError> {
    let i = path.rfind('/').ok_or_else(rejected)?;
    let last = path[i + 1..].replace("~1", "/").replace("~0", "~");
    Ok((&path[..i], last))
}

fn add(doc: &mut Value, path: &str, v: Value) -> Result<(), SemanticError> {
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    match doc.pointer_mut(parent).ok_or_else(rejected)? {
        Value::Object(m) => {
            m.insert(last, v);
            Ok(())
        }
        Value::Array(a) => {
            let idx = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>().map_err(|_| rejected())?
            };
            if idx > a.len() {
                return Err(rejected());
            }
            a.insert(idx, v);
            Ok(())
        }
        _ => Err(rejected()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, SemanticError> {
    let (parent, last) = split(path)?;
    match doc.pointer_mut(parent).ok_or_else(rejected)? {
        Value::Object(m) => m.shift_remove(&last).ok_or_else(rejected),
        Value::Array(a) => {
            let idx = last.parse::<usize>().map_err(|_| rejected())?;
            if idx >= a.len() {
                return Err(rejected());
            }
            Ok(a.remove(idx))
        }
        _ => Err(rejected()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_null_deletes_and_lists_replace() {
        let t = json!({"data": {"k": "v"}, "l": [1, 2]});
        let out = merge_patch(&t, &json!({"data": {"k": null, "k2": "v2"}, "l": [3]}));
        assert_eq!(out, json!({"data": {"k2": "v2"}, "l": [3]}));
    }

    #[test]
    fn json_patch_appends_and_replaces() {
        let t = json!({"a": [{"v": 1}]});
        let p = json!([{"op": "add", "path": "/a/-", "value": {"v": 2}},
            {"op": "replace", "path": "/a/0/v", "value": 9}]);
        assert_eq!(
            json_patch(&t, &p).unwrap(),
            json!({"a": [{"v": 9}, {"v": 2}]})
        );
    }

    #[test]
    fn failed_test_is_the_generic_invalid() {
        let p = json!([{"op": "test", "path": "/a", "value": 99}]);
        assert_eq!(
            json_patch(&json!({"a": 1}), &p),
            Err(SemanticError::InvalidRequest {
                message: REJECTED.to_string()
            })
        );
    }
}
