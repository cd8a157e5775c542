//! Setting the destination namespace on objects that lack one.

use crate::model::GroupVersionKind;
use serde_json::Value;

/// Sets `metadata.namespace` to `ns` on every object that has none (or an
/// empty one) and whose kind is namespaced according to `is_namespaced(group,
/// kind)`. Cluster-scoped objects and objects with a namespace are left alone.
pub fn set_default_namespace(
    objects: &mut [Value],
    ns: &str,
    is_namespaced: impl Fn(&str, &str) -> bool,
) {
    for obj in objects {
        let (Some(api_version), Some(kind)) = (
            obj.get("apiVersion").and_then(Value::as_str),
            obj.get("kind").and_then(Value::as_str),
        ) else {
            continue;
        };
        let gvk = GroupVersionKind::from_api_version(api_version, kind);
        if !is_namespaced(&gvk.group, &gvk.kind) {
            continue;
        }
        let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
            continue;
        };
        let has_namespace = meta
            .get("namespace")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        if !has_namespace {
            meta.insert("namespace".into(), Value::String(ns.to_string()));
        }
    }
}
