//! Reading kustomization files and resource files out of the tree.

use super::KustomizeError;
use super::resource::Resource;
use super::spec::{FIELDS, Kustomization};
use crate::model::FileTree;
use crate::render::scalars::Dialect;
use crate::render::{convert, documents};
use serde_json::Value;

/// The kustomization at `file`, parsed; unknown fields and bad YAML are
/// errors naming the file.
pub(crate) fn kustomization(tree: &FileTree, file: &str) -> Result<Kustomization, KustomizeError> {
    let invalid = |message: String| KustomizeError::Invalid {
        file: file.to_string(),
        message,
    };
    let bytes = self::bytes(tree, file)?;
    let text = std::str::from_utf8(bytes).map_err(|_| invalid("not UTF-8 text".into()))?;
    let mut value =
        convert::load(text, Dialect::Yaml11).map_err(|e| invalid(yaml_error(text, e)))?;
    if value.is_null() {
        return Err(invalid(
            "kustomization is empty (no resources, generators or transformers)".into(),
        ));
    }
    if !value.is_object() {
        return Err(invalid(format!(
            "a kustomization is a mapping of fields (resources:, patches:, …), not {}",
            match value {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a boolean",
            }
        )));
    }
    drop_nulls(&mut value);
    if let Some(map) = value.as_object_mut() {
        canonical_keys(map);
        if map.keys().all(|k| k == "apiVersion" || k == "kind") {
            return Err(invalid(
                "kustomization is empty (no resources, generators or transformers)".into(),
            ));
        }
    }
    let k: Kustomization = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.inner().to_string();
        let top_level = !field.contains(['.', '[']);
        if field == "." || (top_level && inner.starts_with("unknown field")) {
            invalid(inner)
        } else {
            invalid(format!("{field}: {inner}"))
        }
    })?;
    check_type(&k).map_err(invalid)?;
    Ok(k)
}

/// Removes null-valued mapping entries at any depth: Go's JSON decoder,
/// which kustomize reads its files with, treats `null` as absent.
pub(crate) fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Renames `namePREFIX:` and the like to the canonical field name.
fn canonical_keys(map: &mut serde_json::Map<String, Value>) {
    let renames: Vec<(String, &str)> = map
        .keys()
        .filter_map(|k| {
            let canon = FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(k) && **f != k)?;
            Some((k.clone(), *canon))
        })
        .collect();
    for (from, to) in renames {
        if let Some(v) = map.remove(&from) {
            map.entry(to.to_string()).or_insert(v);
        }
    }
}

/// kustomize's rule for `kind` and `apiVersion` of a kustomization file.
fn check_type(k: &Kustomization) -> Result<(), String> {
    let kind = k.kind.as_deref().unwrap_or("");
    if !matches!(kind, "" | "Kustomization" | "Component") {
        return Err(format!(
            "kind should be Kustomization or Component, not {kind:?}"
        ));
    }
    let required = if kind == "Component" {
        "kustomize.config.k8s.io/v1alpha1"
    } else {
        "kustomize.config.k8s.io/v1beta1"
    };
    match k.api_version.as_deref() {
        Some(v) if !v.is_empty() && v != required => Err(format!(
            "apiVersion for {kind} should be {required}, not {v:?}"
        )),
        _ => Ok(()),
    }
}

/// The objects of a resource file, as resources. Annotation values are
/// made strings (`port: 8080` → `"8080"`), as kustomize does (labels are
/// left alone, as it leaves them).
pub(crate) fn resources(tree: &FileTree, file: &str) -> Result<Vec<Resource>, KustomizeError> {
    let bytes = tree.get(file).unwrap_or_default();
    resources_of(file, bytes)
}

/// The objects of YAML/JSON text as resources, with the text of their
/// annotations as written.
pub(crate) fn resources_of(file: &str, bytes: &[u8]) -> Result<Vec<Resource>, KustomizeError> {
    let mut resources: Vec<Resource> = objects_and_texts(file, bytes)?
        .into_iter()
        .map(|(obj, text)| {
            let mut res = Resource::new(obj);
            if let Some(t) = text {
                res.learn_annotation_texts(&t);
            }
            res
        })
        .collect();
    // Every scalar as written: which strings were quoted, and the text
    // of ConfigMap/Secret data that did not read as strings.
    let quotes = bytes
        .iter()
        .any(|b| matches!(b, b'"' | b'\'' | b'|' | b'>'));
    if file.ends_with(".json") {
        for res in &mut resources {
            res.flow = true;
        }
    }
    let typed_data = resources.iter().any(Resource::has_typed_data);
    if quotes || typed_data {
        let written = objects_read(file, bytes, Dialect::KustomizeText)?;
        for (res, (w, converted)) in resources.iter_mut().zip(&written) {
            if *converted {
                continue;
            }
            res.flow |= w.get(crate::render::convert::FLOW_ROOT).is_some();
            if quotes {
                quoted_strings(w, "", &mut res.quoted);
            }
            if typed_data {
                res.learn_data_texts(w);
            }
        }
    }
    Ok(resources)
}

/// The strings of `v` (read as [`Dialect::KustomizeText`]) written
/// quoted that would read as strings plain, by JSON pointer.
fn quoted_strings(v: &Value, at: &str, out: &mut Vec<super::resource::Quoting>) {
    match v {
        Value::String(s) => {
            if let Some(text) = s.strip_prefix(crate::render::scalars::QUOTED)
                && !super::smp::looks_quoted(text)
            {
                out.push((at.to_string(), text.to_string(), true));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                quoted_strings(item, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                quoted_strings(item, &format!("{at}/{}", super::smp::pointer_token(k)), out);
            }
        }
        _ => {}
    }
}

/// The objects of `bytes` with, for each, its labels and annotations as
/// written when they keep that text (None: the object itself). kyaml
/// keeps the nodes of a one-document `List` file's items, but other
/// lists reach kustomize through JSON, which rewrites every value.
pub(crate) fn objects_and_texts(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<(Value, Option<Value>)>, KustomizeError> {
    let objects = objects_read(file, bytes, Dialect::KustomizePatch)?;
    let mentions = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let mut texts = if mentions(b"annotations") || mentions(b"labels") {
        objects_read(file, bytes, Dialect::KustomizeMetaText)?
    } else {
        Vec::new()
    }
    .into_iter();
    Ok(objects
        .into_iter()
        .map(|(obj, converted)| {
            let text = texts.next().filter(|_| !converted).map(|(t, _)| t);
            (obj, text)
        })
        .collect())
}

/// The objects of `bytes` with every value as the text written (as
/// kyaml's nodes hold it, quoted ones marked); None for objects that went
/// through JSON.
pub(crate) fn verbatim(file: &str, bytes: &[u8]) -> Result<Vec<Option<Value>>, KustomizeError> {
    Ok(objects_read(file, bytes, Dialect::KustomizeText)?
        .into_iter()
        .map(|(obj, converted)| (!converted).then_some(obj))
        .collect())
}

/// Whether kyaml's reader sees one document in `bytes` (its separator is
/// a line starting with `---` after a newline and ended by one).
fn one_document(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    let mut rest = text.as_str();
    while let Some(at) = rest.find("\n---") {
        if rest[at + 4..].contains('\n') {
            return false;
        }
        rest = &rest[at + 4..];
    }
    true
}

/// The objects of YAML/JSON text named `file` in errors, as kustomize's
/// resource factory reads them (as `dialect` reads YAML): empty documents
/// skipped, `…List` kinds with `items` expanded, every object needing a
/// kind and (but Lists) a name; with whether each went through JSON (an
/// item of a list kyaml's reader did not unwrap).
fn objects_read(
    file: &str,
    bytes: &[u8],
    dialect: Dialect,
) -> Result<Vec<(Value, bool)>, KustomizeError> {
    let invalid = |line: usize, message: String| {
        KustomizeError::Parse(Box::new(crate::render::RenderError::Invalid {
            file: file.to_string(),
            line,
            message,
        }))
    };
    let docs = documents::load_documents(file, bytes, dialect)
        .map_err(|e| KustomizeError::Parse(Box::new(e)))?;
    let unwrap = one_document(bytes);
    // (line, object, went through JSON, read from the file itself)
    let mut queue: std::collections::VecDeque<(usize, Value, bool, bool)> = docs
        .into_iter()
        .map(|(line, doc)| (line, doc, false, true))
        .collect();
    let mut out = Vec::new();
    while let Some((line, doc, converted, top)) = queue.pop_front() {
        if doc.is_null() || doc.as_object().is_some_and(serde_json::Map::is_empty) {
            continue;
        }
        let Some(obj) = doc.as_object() else {
            return Err(invalid(
                line,
                "expected a Kubernetes object (a mapping)".into(),
            ));
        };
        let text = |v: Option<&Value>| v.map(super::resource::scalar_text).unwrap_or_default();
        let kind = match obj.get("kind") {
            Some(Value::Null) | None => String::new(),
            v => text(v),
        };
        if kind.is_empty() {
            return Err(invalid(line, "the document has no kind".into()));
        }
        let unwrapped = top
            && unwrap
            && (kind == "List" || kind == "ResourceList")
            && (obj.contains_key("items") || obj.contains_key("functionConfig"));
        if unwrapped {
            if let Some(Value::Array(items)) = obj.get("items") {
                for item in items {
                    queue.push_back((line, item.clone(), false, false));
                }
            }
            continue;
        }
        if kind.ends_with("List") {
            match obj.get("items") {
                Some(Value::Array(items)) => {
                    for item in items {
                        queue.push_back((line, item.clone(), true, false));
                    }
                    continue;
                }
                Some(Value::Null) => continue,
                Some(_) => {
                    return Err(invalid(line, format!("expected array in {kind}/items")));
                }
                None => {
                    out.push((doc, converted));
                    continue;
                }
            }
        }
        let name = match obj.get("metadata").and_then(|m| m.get("name")) {
            Some(Value::Null) | None => String::new(),
            v => text(v),
        };
        if name.is_empty() {
            return Err(invalid(line, "the document has no metadata.name".into()));
        }
        out.push((doc, converted));
    }
    Ok(out)
}

/// The text of a file (patches, env files).
pub(crate) fn text<'a>(tree: &'a FileTree, file: &str) -> Result<&'a str, KustomizeError> {
    let bytes = bytes(tree, file)?;
    std::str::from_utf8(bytes).map_err(|_| KustomizeError::File {
        file: file.to_string(),
        message: "not UTF-8 text".into(),
    })
}

/// The content of a file (links followed inside the tree).
pub(crate) fn bytes<'a>(tree: &'a FileTree, file: &str) -> Result<&'a [u8], KustomizeError> {
    Ok(tree.read(file)?)
}

/// The documents of a YAML file as plain values (no object checks), read
/// as YAML 1.1 as kustomize reads configuration and replacement files.
pub(crate) fn yaml_docs(tree: &FileTree, file: &str) -> Result<Vec<Value>, KustomizeError> {
    let text = text(tree, file)?;
    let documents = convert::load_all(text, Dialect::Yaml11).map_err(|e| KustomizeError::File {
        file: file.to_string(),
        message: yaml_error(text, e),
    })?;
    Ok(documents.into_iter().filter(|v| !v.is_null()).collect())
}

/// The message for YAML that did not load: serde_yaml's wording when it
/// also refuses the text (it names the problem best), else ours.
pub(crate) fn yaml_error(text: &str, error: convert::LoadError) -> String {
    if let convert::LoadError::Limit { line, message } = error {
        return format!("invalid YAML at line {line}: {message}");
    }
    if let Some(e) = crate::yaml::libyaml_error(text) {
        return format!("invalid YAML: {e}");
    }
    match error {
        convert::LoadError::Syntax { line, message }
        | convert::LoadError::Limit { line, message } => {
            format!("invalid YAML: {message} at line {line}")
        }
        convert::LoadError::Invalid(message) => message,
    }
}
