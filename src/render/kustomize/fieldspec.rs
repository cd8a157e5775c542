//! Field specs as kustomize walks them: a slash-separated path (`\/`
//! escapes a slash) into objects of a group, version and kind; lists met
//! on the way are walked item by item, `name[]` marks one, and with
//! `create` missing mappings (and the last field) are made.

use super::spec::FieldSpec;
use serde_json::{Map, Value};

/// What kind of node a transformer creates at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreateKind {
    /// Never create.
    No,
    /// A scalar (names, namespaces, replicas).
    Scalar,
    /// A mapping (labels, annotations).
    Map,
}

/// kustomize's `PathSplitter`: split at `delimiter` unless escaped with
/// a backslash; a leading delimiter is dropped.
pub(crate) fn split_path(path: &str, delimiter: char) -> Vec<String> {
    let mut parts: Vec<&str> = path.split(delimiter).collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    let mut out: Vec<String> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        match out.last_mut() {
            Some(last) if i > 0 && last.ends_with('\\') => {
                last.pop();
                last.push(delimiter);
                last.push_str(p);
            }
            _ => out.push((*p).to_string()),
        }
    }
    out
}

/// kustomize's `SmarterPathSplitter`: [`split_path`], then `[a.b=c]`
/// kept whole (and `[x]` without `=` unbracketed).
pub(crate) fn smarter_split(path: &str, delimiter: char) -> Vec<String> {
    let split = split_path(path, delimiter);
    let mut out = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(&delimiter.to_string());
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(['[', ']']).to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// Whether field spec `fs` applies to an object of `api_version`/`kind`.
pub(crate) fn selects(fs: &FieldSpec, api_version: &str, kind: &str) -> bool {
    let (group, version) = super::resid::split_api_version(api_version);
    fs.kind.as_deref().is_none_or(|k| k.is_empty() || k == kind)
        && fs
            .group
            .as_deref()
            .is_none_or(|g| g.is_empty() || g == group)
        && fs
            .version
            .as_deref()
            .is_none_or(|v| v.is_empty() || v == version)
}

/// The setter called on each node a path reaches.
pub(crate) type Setter<'a> = &'a mut dyn FnMut(&mut Value) -> Result<(), String>;

/// A setter also told where the node is.
pub(crate) type PathSetter<'a> = &'a mut dyn FnMut(&mut Value, &[Seg]) -> Result<(), String>;

/// A step of a path into an object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Calls `set` on every node `fs` reaches in `obj` (which must be of a
/// type `fs` selects), creating nodes as `create` says; Err when the path
/// runs into a scalar or `set` fails.
pub(crate) fn apply(
    obj: &mut Value,
    fs: &FieldSpec,
    create: CreateKind,
    set: Setter<'_>,
) -> Result<(), String> {
    apply_at(obj, fs, create, &mut |node, _| set(node))
}

/// [`apply`] with the path of each node given to the setter.
pub(crate) fn apply_at(
    obj: &mut Value,
    fs: &FieldSpec,
    create: CreateKind,
    set: PathSetter<'_>,
) -> Result<(), String> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if !selects(fs, api_version, kind) {
        return Ok(());
    }
    let path = split_path(&fs.path, '/');
    let mut at = Vec::new();
    walk(obj, &path, fs.create, create, &mut at, set)
        .map_err(|e| format!("considering field '{}': {e}", fs.path))
}

fn walk(
    node: &mut Value,
    path: &[String],
    create_fs: bool,
    create: CreateKind,
    at: &mut Vec<Seg>,
    set: PathSetter<'_>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return set(node, at);
    };
    match node {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(Seg::Index(i));
                let r = walk(item, path, create_fs, create, at, set);
                at.pop();
                r?;
            }
            Ok(())
        }
        Value::Object(map) => walk_map(map, first, rest, create_fs, create, at, set),
        _ => Err("expected sequence or mapping node".into()),
    }
}

fn walk_map(
    map: &mut Map<String, Value>,
    first: &str,
    rest: &[String],
    create_fs: bool,
    create: CreateKind,
    at: &mut Vec<Seg>,
    set: PathSetter<'_>,
) -> Result<(), String> {
    let (name, is_seq) = match first.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (first, false),
    };
    if name.is_empty() {
        return Err("cannot set or create an empty field name".into());
    }
    // The kind of node made at this step (and to replace a null with).
    let made = if !create_fs || create == CreateKind::No || is_seq {
        if is_seq {
            Some(Value::Array(Vec::new()))
        } else {
            None
        }
    } else if rest.is_empty() {
        Some(match create {
            CreateKind::Map => Value::Object(Map::new()),
            _ => Value::Null,
        })
    } else {
        Some(Value::Object(Map::new()))
    };
    let creating = create_fs && create != CreateKind::No && !is_seq;
    if !map.contains_key(name) {
        if !creating {
            return Ok(());
        }
        map.insert(name.to_string(), made.clone().unwrap_or(Value::Null));
    }
    let Some(field) = map.get_mut(name) else {
        return Ok(());
    };
    if field.is_null()
        && let Some(fresh) = made
    {
        *field = match (fresh, create) {
            (Value::Null, CreateKind::Scalar) => Value::String(String::new()),
            (f, _) => f,
        };
    }
    at.push(Seg::Key(name.to_string()));
    let r = walk(field, rest, create_fs, create, at, set);
    at.pop();
    r
}

/// kyaml's `FieldSetter`: with a `name`, sets that key of the mapping
/// `node`; without, replaces the scalar `node`. Err when `node` is not
/// of that kind.
pub(crate) fn set_entry(node: &mut Value, name: &str, value: Value) -> Result<(), String> {
    if name.is_empty() {
        if node.is_object() || node.is_array() {
            return Err(format!(
                "wrong node kind: expected ScalarNode but got {}",
                node_kind(node)
            ));
        }
        *node = value;
        return Ok(());
    }
    match node {
        Value::Object(map) => {
            map.insert(name.to_string(), value);
            Ok(())
        }
        other => Err(format!(
            "wrong node kind: expected MappingNode but got {}",
            node_kind(other)
        )),
    }
}

/// The YAML node kind of a value, as kyaml names it in errors.
pub(crate) fn node_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "MappingNode",
        Value::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fs(path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            path: path.into(),
            create,
            ..FieldSpec::default()
        }
    }

    #[test]
    fn walks_lists_and_creates_as_kustomize_does() {
        let mut v = json!({"kind": "X", "spec": {"containers": [{"image": "a"}, {"image": "b"}]}});
        let mut seen = Vec::new();
        apply(
            &mut v,
            &fs("spec/containers[]/image", true),
            CreateKind::Scalar,
            &mut |x| {
                seen.push(x.clone());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, vec![json!("a"), json!("b")]);
        apply(
            &mut v,
            &fs("metadata/labels", true),
            CreateKind::Map,
            &mut |x| set_entry(x, "a", json!("b")),
        )
        .unwrap();
        assert_eq!(v["metadata"]["labels"]["a"], "b");
        let err = apply(
            &mut v,
            &fs("kind/x", false),
            CreateKind::No,
            &mut |_| Ok(()),
        );
        assert!(err.is_err());
        assert_eq!(split_path("a/b\\/c/d[]", '/'), vec!["a", "b/c", "d[]"]);
        assert_eq!(
            smarter_split("spec.containers.[name=a.b].image", '.'),
            vec!["spec", "containers", "[name=a.b]", "image"]
        );
    }
}
