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
        convert::load(text, Dialect::Kubectl).map_err(|e| invalid(yaml_error(text, e)))?;
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
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
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
    let mut objects = objects(tree, file)?;
    for obj in &mut objects {
        let map = obj
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .and_then(Value::as_object_mut);
        for v in map.into_iter().flat_map(|m| m.values_mut()) {
            if let Value::Bool(_) | Value::Number(_) = v {
                *v = Value::String(v.to_string());
            }
        }
    }
    Ok(objects.into_iter().map(Resource::new).collect())
}

/// The objects of a YAML/JSON file (streams split, Lists flattened).
pub(crate) fn objects(tree: &FileTree, file: &str) -> Result<Vec<Value>, KustomizeError> {
    let bytes = bytes(tree, file)?;
    documents::parse_file_as(file, bytes, Dialect::Kustomize)
        .map_err(|e| KustomizeError::Parse(Box::new(e)))
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

/// The documents of a YAML file as plain values (no object checks).
pub(crate) fn yaml_docs(tree: &FileTree, file: &str) -> Result<Vec<Value>, KustomizeError> {
    let text = text(tree, file)?;
    let documents =
        convert::load_all(text, Dialect::Kubectl).map_err(|e| KustomizeError::File {
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
