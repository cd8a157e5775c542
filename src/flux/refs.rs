//! The ConfigMaps and Secrets a Flux object reads at reconcile time
//! (Kustomization `postBuild.substituteFrom`, HelmRelease `valuesFrom`).
//! The import layer finds them — in Git or in the live cluster — and hands
//! them over as objects; absent ones are "not found", as for Flux.

use base64::Engine;
use serde_json::Value;
use std::collections::BTreeMap;

/// ConfigMaps and Secrets by kind, namespace and name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefObjects {
    objects: BTreeMap<(String, String, String), Value>,
}

impl RefObjects {
    pub fn new() -> Self {
        Self::default()
    }

    /// The objects given (each needs `kind`, `metadata.name` and
    /// `metadata.namespace`; others are skipped). A later object with the
    /// same kind, namespace and name replaces an earlier one.
    pub fn from_objects(objects: impl IntoIterator<Item = Value>) -> Self {
        let mut refs = Self::new();
        for object in objects {
            refs.insert(object);
        }
        refs
    }

    /// Adds one object; false when it lacks a kind, name or namespace.
    pub fn insert(&mut self, object: Value) -> bool {
        let field = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
        let (Some(kind), Some(namespace), Some(name)) = (
            field("/kind"),
            field("/metadata/namespace"),
            field("/metadata/name"),
        ) else {
            return false;
        };
        let key = (kind.to_string(), namespace.to_string(), name.to_string());
        self.objects.insert(key, object);
        true
    }

    /// The object of `kind` named `name` in `namespace`.
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(&(kind.to_string(), namespace.to_string(), name.to_string()))
    }
}

/// `data` of a ConfigMap (Flux reads neither `binaryData` nor non-string
/// values).
pub fn config_map_data(object: &Value) -> BTreeMap<String, String> {
    object
        .get("data")
        .and_then(Value::as_object)
        .map(|data| {
            data.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The data of a Secret as the API server serves it: `data` decoded from
/// base64, with `stringData` (as written in Git) on top. The error names
/// the key whose value is not base64, never the value.
pub fn secret_data(object: &Value) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    if let Some(data) = object.get("data").and_then(Value::as_object) {
        for (key, value) in data {
            let text = value.as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| format!("data.{key} is not valid base64"))?;
            out.insert(key.clone(), bytes);
        }
    }
    if let Some(data) = object.get("stringData").and_then(Value::as_object) {
        for (key, value) in data {
            let text = value.as_str().unwrap_or_default();
            out.insert(key.clone(), text.as_bytes().to_vec());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_objects_by_kind_namespace_and_name() {
        let refs = RefObjects::from_objects([
            json!({"kind": "ConfigMap", "metadata": {"name": "a", "namespace": "x"}}),
            json!({"kind": "Secret", "metadata": {"name": "a"}}),
        ]);
        assert!(refs.get("ConfigMap", "x", "a").is_some());
        assert!(refs.get("Secret", "x", "a").is_none());
        assert!(refs.get("ConfigMap", "y", "a").is_none());
    }

    #[test]
    fn secret_data_decodes_and_string_data_wins() {
        let s = json!({"data": {"a": "aGk=", "b": "eA=="}, "stringData": {"b": "y"}});
        let data = secret_data(&s).unwrap();
        assert_eq!(data["a"], b"hi");
        assert_eq!(data["b"], b"y");
        let bad = json!({"data": {"k": "not base64!"}});
        assert_eq!(secret_data(&bad).unwrap_err(), "data.k is not valid base64");
    }
}
