//! Splitting one manifest file into Kubernetes objects: YAML streams of
//! several documents, JSON, `kind: List` flattened, empty documents skipped.

use super::RenderError;
use super::convert::LoadError;
use super::scalars::Dialect;
use serde_json::Value;

/// One document of a YAML stream: its text and the 1-based line of the file
/// its first line is.
struct Chunk {
    text: String,
    first_line: usize,
}

/// The objects of one file, in order, read as `kubectl apply` reads them.
/// `file` names it in errors.
pub(crate) fn parse_file(file: &str, bytes: &[u8]) -> Result<Vec<Value>, RenderError> {
    parse_file_as(file, bytes, Dialect::Kubectl)
}

/// [`parse_file`] read as `dialect` reads it.
pub(crate) fn parse_file_as(
    file: &str,
    bytes: &[u8],
    dialect: Dialect,
) -> Result<Vec<Value>, RenderError> {
    let mut out = Vec::new();
    for (line, value) in load_documents(file, bytes, dialect)? {
        push_objects(file, line, value, &mut out)?;
    }
    Ok(out)
}

/// The documents of one file (empty ones as null), each with the 1-based
/// line it starts at, read as `dialect` reads them; no object checks.
pub(crate) fn load_documents(
    file: &str,
    bytes: &[u8],
    dialect: Dialect,
) -> Result<Vec<(usize, Value)>, RenderError> {
    let text = std::str::from_utf8(bytes).map_err(|_| RenderError::Encoding {
        file: file.to_string(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    if file.ends_with(".json") {
        for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
            let value = value.map_err(|e| RenderError::Syntax {
                file: file.to_string(),
                line: e.line().max(1),
                format: "JSON",
                message: strip_location(&e.to_string()),
            })?;
            out.push((1, value));
        }
        return Ok(out);
    }
    for chunk in split_stream(text) {
        let line = chunk.first_line + first_content_line(&chunk.text);
        let value = super::convert::load(&chunk.text, dialect)
            .map_err(|e| chunk_error(file, &chunk, line, e))?;
        out.push((line, value));
    }
    Ok(out)
}

/// The error for a chunk that did not load, located in the file.
/// serde_yaml's messages name syntax problems best (its parser agrees
/// with ours on what is YAML); limits are reported as found, without
/// handing the text to another parser.
fn chunk_error(file: &str, chunk: &Chunk, line: usize, e: LoadError) -> RenderError {
    let in_file = |at: usize| chunk.first_line + at.saturating_sub(1);
    if let LoadError::Limit { line: at, message } = e {
        return RenderError::Invalid {
            file: file.to_string(),
            line: in_file(at),
            message: format!("invalid YAML: {message}"),
        };
    }
    if let Some(serde) = crate::yaml::libyaml_error(&chunk.text) {
        return RenderError::Syntax {
            file: file.to_string(),
            line: in_file(serde.location().map_or(1, |l| l.line())),
            format: "YAML",
            message: strip_location(&serde.to_string()),
        };
    }
    match e {
        LoadError::Syntax { line: at, message } | LoadError::Limit { line: at, message } => {
            RenderError::Syntax {
                file: file.to_string(),
                line: in_file(at),
                format: "YAML",
                message,
            }
        }
        LoadError::Invalid(message) => RenderError::Invalid {
            file: file.to_string(),
            line,
            message,
        },
    }
}

/// Splits a YAML stream at `---` lines (and drops `...` end markers). The
/// marker line stays in the next chunk, blanked, so that line numbers of the
/// chunk plus `first_line - 1` are line numbers of the file and content after
/// `--- ` keeps its column.
fn split_stream(text: &str) -> Vec<Chunk> {
    let mut chunks = vec![Chunk {
        text: String::new(),
        first_line: 1,
    }];
    for (i, piece) in text.split_inclusive('\n').enumerate() {
        let line = piece.strip_suffix('\n').unwrap_or(piece);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let is_start = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_start {
            chunks.push(Chunk {
                text: String::new(),
                first_line: i + 1,
            });
        }
        let Some(chunk) = chunks.last_mut() else {
            continue;
        };
        if is_start {
            chunk.text.push_str(&" ".repeat(3));
            chunk.text.push_str(&line[3..]);
        } else if line != "..." {
            chunk.text.push_str(line);
        }
        // A text without a final line break keeps it that way: a block
        // scalar at its end has no line break either.
        if piece.ends_with('\n') {
            chunk.text.push('\n');
        }
    }
    chunks
}

/// 0-based index of the first line that is neither blank nor a comment.
fn first_content_line(text: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(0)
}

/// The parser's message without ` at line L column C…` (we put the line in
/// front, relative to the file).
fn strip_location(message: &str) -> String {
    let cut = [" at line ", " at position "]
        .iter()
        .filter_map(|p| message.find(p))
        .min();
    match cut {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Adds `value` (one document starting at `line`) to `out`: nothing for an
/// empty document, the items of a List, or the object itself once checked.
fn push_objects(
    file: &str,
    line: usize,
    value: Value,
    out: &mut Vec<Value>,
) -> Result<(), RenderError> {
    let invalid = |message: String| RenderError::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    let obj = match value {
        Value::Null => return Ok(()),
        Value::Object(obj) => obj,
        other => {
            return Err(invalid(format!(
                "expected a Kubernetes object (a mapping), found {}",
                type_name(&other)
            )));
        }
    };
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let named = obj
        .get("metadata")
        .and_then(|m| m.get("name"))
        .is_some_and(|n| n.as_str().is_some_and(|s| !s.is_empty()));
    // A kind ending in List with items (or without a name) is a list of
    // objects, as kubectl reads it; a named object of a kind that happens
    // to end in List (a CRD) is an object.
    if kind.ends_with("List") && (obj.contains_key("items") || !named) {
        match obj.get("items") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(problem) = missing_field(item) {
                        return Err(invalid(format!("items[{i}] of the {kind} {problem}")));
                    }
                    if let Some(problem) = bad_name(item) {
                        return Err(invalid(format!("items[{i}] of the {kind}: {problem}")));
                    }
                    out.push(item.clone());
                }
                return Ok(());
            }
            Some(Value::Null) | None => {
                return Err(invalid(format!(
                    "the {kind} has no items; expected `items:` with a list of objects"
                )));
            }
            Some(other) => {
                return Err(invalid(format!(
                    "the items of the {kind} are {}; expected a list of objects",
                    type_name(other)
                )));
            }
        }
    }
    let value = Value::Object(obj);
    if let Some(problem) = missing_field(&value) {
        return Err(invalid(format!("the document {problem}")));
    }
    if let Some(problem) = bad_name(&value) {
        return Err(invalid(problem));
    }
    out.push(value);
    Ok(())
}

/// `has no kind` etc. when an object lacks apiVersion, kind or metadata.name.
fn missing_field(obj: &Value) -> Option<&'static str> {
    let present = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    if !obj.is_object() {
        return Some("is not a mapping");
    }
    if !present(obj.get("apiVersion")) {
        return Some("has no apiVersion");
    }
    if !present(obj.get("kind")) {
        return Some("has no kind");
    }
    if !present(obj.get("metadata").and_then(|m| m.get("name"))) {
        if present(obj.get("metadata").and_then(|m| m.get("generateName"))) {
            // Argo CD names a hook that has only generateName when it
            // creates it (the engine's hooks do the same).
            if is_hook(obj) {
                return None;
            }
            return Some(
                "has no metadata.name, only generateName, which tether does not support: it applies objects by name (server-side apply)",
            );
        }
        return Some("has no metadata.name");
    }
    None
}

/// An Argo CD or Helm hook (`argocd.argoproj.io/hook`, `helm.sh/hook`).
fn is_hook(obj: &Value) -> bool {
    let annotations = obj.pointer("/metadata/annotations");
    ["argocd.argoproj.io/hook", "helm.sh/hook"]
        .iter()
        .any(|k| annotations.and_then(|a| a.get(*k)).is_some())
}

/// What is wrong with the object's name or namespace by the API server's
/// rules for its kind (`Service "Web": metadata.name: …`), so that it is
/// refused here, naming its file, rather than in a request URL.
pub(crate) fn bad_name(obj: &Value) -> Option<String> {
    let text = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("");
    let kind = text("/kind");
    let group = text("/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
    let mut name = text("/metadata/name").to_string();
    if name.is_empty() && is_hook(obj) && !text("/metadata/generateName").is_empty() {
        // A hook's generated name: the prefix must make a valid name.
        name = format!("{}x", text("/metadata/generateName"));
    }
    let name = name.as_str();
    let rule = crate::model::name_rule(group, kind);
    if let Some(problem) = crate::model::name_problem(rule, name) {
        return Some(format!("{kind} {name:?}: metadata.name: {problem}"));
    }
    let namespace = text("/metadata/namespace");
    if namespace.is_empty() {
        return None;
    }
    crate::model::namespace_problem(namespace)
        .map(|problem| format!("{kind} {name:?}: metadata.namespace {namespace:?}: {problem}"))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generate_name_object_is_refused_saying_why() {
        let generated = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "job-"}});
        assert!(
            missing_field(&generated)
                .unwrap()
                .contains("only generateName")
        );
        let nameless = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}});
        assert_eq!(missing_field(&nameless), Some("has no metadata.name"));
    }

    #[test]
    fn a_generate_name_hook_is_kept_and_its_prefix_checked() {
        let hook = |prefix: &str| {
            serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {
                "generateName": prefix, "annotations": {"argocd.argoproj.io/hook": "PreSync"}}})
        };
        assert_eq!(missing_field(&hook("migrate-")), None);
        assert_eq!(bad_name(&hook("migrate-")), None);
        assert!(
            bad_name(&hook("Migrate_"))
                .unwrap()
                .contains("metadata.name")
        );
    }

    #[test]
    fn splits_streams_keeping_line_numbers() {
        let chunks = split_stream("a: 1\n---\n# c\nb: 2\n--- {c: 3}\n...\n");
        let firsts: Vec<_> = chunks.iter().map(|c| c.first_line).collect();
        assert_eq!(firsts, vec![1, 2, 5]);
        assert_eq!(chunks[2].text, "    {c: 3}\n\n");
        assert_eq!(first_content_line(&chunks[1].text), 2);
    }

    #[test]
    fn strips_parser_locations() {
        assert_eq!(
            strip_location("did not find expected key at line 3 column 1, while parsing"),
            "did not find expected key"
        );
    }
}
