//! JSON patches (RFC 6902): add, remove, replace, move, copy and test over
//! JSON pointers (RFC 6901, `~0`/`~1` escapes, `-` appends).

use serde_json::Value;

/// Applies the operations `ops` (a list) to `doc`; Err says which failed.
pub(crate) fn apply(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let Some(ops) = ops.as_array() else {
        return Err("a JSON patch must be a list of operations".into());
    };
    for (i, op) in ops.iter().enumerate() {
        apply_one(doc, op).map_err(|e| format!("operation {i} ({}): {e}", describe(op)))?;
    }
    Ok(())
}

fn describe(op: &Value) -> String {
    let s = |k: &str| op.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    format!("{} {}", s("op"), s("path"))
}

fn apply_one(doc: &mut Value, op: &Value) -> Result<(), String> {
    let field = |k: &str| {
        op.get(k)
            .and_then(Value::as_str)
            .ok_or(format!("missing {k:?}"))
    };
    let pointer = |k: &str| field(k).and_then(as_kubectl_reads);
    let path = pointer("path")?;
    let value = || {
        op.get("value")
            .cloned()
            .ok_or("missing \"value\"".to_string())
    };
    match field("op")? {
        "add" => add(doc, path, value()?),
        "remove" => remove(doc, path).map(drop),
        "replace" => {
            let value = value()?;
            if let Some(target) = doc.pointer_mut(path) {
                *target = value;
                return Ok(());
            }
            // As in kustomize, a key missing from an existing mapping is
            // added; a missing parent or list item is an error.
            let (parent, key) = split(path)?;
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.insert(key, value);
                    Ok(())
                }
                _ => Err("path not found".into()),
            }
        }
        "move" => {
            let moved = remove(doc, pointer("from")?)?;
            add(doc, path, moved)
        }
        "copy" => {
            let copied = doc
                .pointer(pointer("from")?)
                .cloned()
                .ok_or("from path not found")?;
            add(doc, path, copied)
        }
        "test" => {
            if doc.pointer(path) == Some(&value()?) {
                Ok(())
            } else {
                Err("test failed".into())
            }
        }
        other => Err(format!("unknown op {other:?}")),
    }
}

/// The pointer kubectl applies for `path`: its JSON patch library takes the
/// text before the first `/` as the (empty) root token, so a path without
/// a leading `/` loses its first segment (`spec/replicas` is
/// `/replicas`), and one without any `/` names nothing.
fn as_kubectl_reads(path: &str) -> Result<&str, String> {
    if path.is_empty() || path.starts_with('/') {
        return Ok(path);
    }
    match path.find('/') {
        Some(i) => Ok(&path[i..]),
        None => Err(format!(
            "path {path:?} does not start with /; kubectl reads it as naming nothing"
        )),
    }
}

/// Splits a pointer into its parent pointer and unescaped last token.
fn split(path: &str) -> Result<(&str, String), String> {
    let i = path.rfind('/').ok_or("path must start with /")?;
    Ok((
        &path[..i],
        path[i + 1..].replace("~1", "/").replace("~0", "~"),
    ))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    match doc.pointer_mut(parent).ok_or("parent path not found")? {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                index(&last)?
            };
            if index > items.len() {
                return Err("index out of range".into());
            }
            items.insert(index, value);
            Ok(())
        }
        _ => Err("parent is not a mapping or list".into()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    match doc.pointer_mut(parent).ok_or("path not found")? {
        Value::Object(map) => map.shift_remove(&last).ok_or("path not found".into()),
        Value::Array(items) => {
            let i = index(&last)?;
            if i >= items.len() {
                return Err("index out of range".into());
            }
            Ok(items.remove(i))
        }
        _ => Err("path not found".into()),
    }
}

fn index(token: &str) -> Result<usize, String> {
    token
        .parse()
        .map_err(|_| format!("{token:?} is not a list index"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_operations_in_order() {
        let mut doc = json!({"a": {"b/c": 1}, "l": [1, 2]});
        let ops = json!([
            {"op": "add", "path": "/l/-", "value": 3},
            {"op": "replace", "path": "/a/b~1c", "value": 2},
            {"op": "move", "from": "/a", "path": "/m"},
            {"op": "remove", "path": "/l/0"},
            {"op": "copy", "from": "/l", "path": "/n"}
        ]);
        apply(&mut doc, &ops).unwrap();
        assert_eq!(doc, json!({"l": [2, 3], "m": {"b/c": 2}, "n": [2, 3]}));
        apply(
            &mut doc,
            &json!([{"op": "replace", "path": "/x", "value": 1}]),
        )
        .unwrap();
        assert_eq!(doc["x"], 1);
        assert!(
            apply(
                &mut doc,
                &json!([{"op": "replace", "path": "/nope/x", "value": 1}])
            )
            .is_err()
        );
    }

    #[test]
    fn paths_without_a_leading_slash_read_as_kubectl_reads_them() {
        // `kubectl kustomize` with `path: spec/replicas` sets a top-level
        // `replicas`; `x/spec/replicas` sets `/spec/replicas`.
        let mut doc = json!({"spec": {"replicas": 1}});
        let ops = json!([
            {"op": "replace", "path": "spec/replicas", "value": 3},
            {"op": "replace", "path": "x/spec/replicas", "value": 7}
        ]);
        apply(&mut doc, &ops).unwrap();
        assert_eq!(doc, json!({"spec": {"replicas": 7}, "replicas": 3}));
        let err = apply(
            &mut doc,
            &json!([{"op": "replace", "path": "replicas", "value": 5}]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "operation 0 (replace replicas): path \"replicas\" does not start with /; kubectl reads it as naming nothing"
        );
    }
}
