//! Labels and annotations the Flux controllers stamp on what they apply:
//! the owner labels (`kustomize.toolkit.fluxcd.io/name`, `…/namespace`;
//! `helm.toolkit.fluxcd.io/…` for Helm releases) and `commonMetadata`.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `spec.commonMetadata`: labels and annotations for every object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonMetadata {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl CommonMetadata {
    /// Reads `spec.commonMetadata` (`field` names it in errors).
    pub(crate) fn read(value: Option<&Value>, field: &str) -> Result<Self, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(Self::default());
        };
        Ok(Self {
            labels: string_map(value.get("labels"), &format!("{field}.labels"))?,
            annotations: string_map(value.get("annotations"), &format!("{field}.annotations"))?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty()
    }
}

/// A mapping of strings (absent or null: empty); the error names `field`.
pub(crate) fn string_map(
    value: Option<&Value>,
    field: &str,
) -> Result<BTreeMap<String, String>, String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(BTreeMap::new());
    };
    let map = value
        .as_object()
        .ok_or_else(|| format!("{field} must be a mapping of strings"))?;
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => Err(format!("{field}.{k} must be a string (quote it)")),
        })
        .collect()
}

/// The owner labels of objects applied for the Flux object `name` in
/// `namespace`, under `group` (`kustomize.toolkit.fluxcd.io`,
/// `helm.toolkit.fluxcd.io`).
pub fn owner_labels(group: &str, name: &str, namespace: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (format!("{group}/name"), name.to_string()),
        (format!("{group}/namespace"), namespace.to_string()),
    ])
}

/// Sets `pairs` in `metadata.<field>` of `object` (created when absent),
/// overriding existing keys; the keys end up sorted, as Go prints a map.
pub(crate) fn set_pairs(object: &mut Value, field: &str, pairs: &BTreeMap<String, String>) {
    if pairs.is_empty() {
        return;
    }
    let Some(root) = object.as_object_mut() else {
        return;
    };
    let meta = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let entry = meta
        .entry(field.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    let Some(map) = entry.as_object_mut() else {
        return;
    };
    for (k, v) in pairs {
        map.insert(k.clone(), Value::String(v.clone()));
    }
    let mut sorted: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    map.extend(sorted);
}

/// Applies `common` to `object`: labels, then annotations.
pub(crate) fn apply_common(object: &mut Value, common: &CommonMetadata) {
    set_pairs(object, "labels", &common.labels);
    set_pairs(object, "annotations", &common.annotations);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_are_added_and_override() {
        let mut o = json!({"kind": "ConfigMap", "metadata": {"name": "x", "labels": {"z": "1", "a": "old"}}});
        set_pairs(
            &mut o,
            "labels",
            &owner_labels("kustomize.toolkit.fluxcd.io", "apps", "flux-system"),
        );
        let common = CommonMetadata {
            labels: BTreeMap::from([("a".into(), "new".into())]),
            annotations: BTreeMap::from([("note".into(), "hi".into())]),
        };
        apply_common(&mut o, &common);
        assert_eq!(
            o["metadata"],
            json!({"name": "x", "labels": {
                "a": "new",
                "kustomize.toolkit.fluxcd.io/name": "apps",
                "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
                "z": "1"}, "annotations": {"note": "hi"}})
        );
    }

    #[test]
    fn common_metadata_values_must_be_strings() {
        let e = CommonMetadata::read(Some(&json!({"labels": {"n": 1}})), "spec.commonMetadata")
            .unwrap_err();
        assert_eq!(
            e,
            "spec.commonMetadata.labels.n must be a string (quote it)"
        );
    }
}
