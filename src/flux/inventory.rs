//! `status.inventory` of a Kustomization or HelmRelease: the objects it
//! applied, as ids `<namespace>_<name>_<group>_<kind>` (cli-utils
//! `ObjMetadata`) with the API version beside them. Cluster-scoped objects
//! have an empty namespace, core objects an empty group, and `:` in RBAC
//! names is written `__`.

use crate::model::{GroupVersionKind, ResourceKey};
use serde_json::Value;

/// One applied object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryEntry {
    pub key: ResourceKey,
    /// The API version (`v` of the entry; `v1`, `v1beta2`).
    pub version: String,
}

impl InventoryEntry {
    /// The entry's `apiVersion` (`apps/v1`, `v1`).
    pub fn api_version(&self) -> String {
        GroupVersionKind {
            group: self.key.group.clone(),
            version: self.version.clone(),
            kind: self.key.kind.clone(),
        }
        .api_version()
    }
}

/// The key an inventory id names. The name is what lies between the
/// first `_` and the last two (so a name may hold `_`), with `__` read as
/// `:`.
pub fn parse_id(id: &str) -> Result<ResourceKey, String> {
    let bad = || format!("unable to parse stored object metadata: {id}");
    let (namespace, rest) = id.split_once('_').ok_or_else(bad)?;
    let (rest, kind) = rest.rsplit_once('_').ok_or_else(bad)?;
    let (name, group) = rest.rsplit_once('_').ok_or_else(bad)?;
    let name = name.replace("__", ":");
    Ok(ResourceKey::new(group, kind, Some(namespace), &name))
}

/// The inventory of a Kustomization or HelmRelease (empty without one).
pub fn inventory(object: &Value) -> Result<Vec<InventoryEntry>, String> {
    let entries = object
        .pointer("/status/inventory/entries")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .map(|e| {
            let id = e.get("id").and_then(Value::as_str).unwrap_or_default();
            Ok(InventoryEntry {
                key: parse_id(id)?,
                version: e
                    .get("v")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_parse_into_keys() {
        let k = parse_id("default_podinfo_apps_Deployment").unwrap();
        assert_eq!(
            k,
            ResourceKey::new("apps", "Deployment", Some("default"), "podinfo")
        );
        let ns = parse_id("_cert-manager__Namespace").unwrap();
        assert_eq!(ns, ResourceKey::new("", "Namespace", None, "cert-manager"));
        let rbac =
            parse_id("_system__controller__x_rbac.authorization.k8s.io_ClusterRole").unwrap();
        assert_eq!(rbac.name, "system:controller:x");
        assert!(parse_id("nounderscores").is_err());
        assert!(parse_id("a_b").is_err());
    }

    #[test]
    fn reads_the_status_inventory() {
        let o = json!({"status": {"inventory": {"entries": [
            {"id": "default_podinfo__Service", "v": "v1"},
            {"id": "default_podinfo_autoscaling_HorizontalPodAutoscaler", "v": "v2"}]}}});
        let inv = inventory(&o).unwrap();
        assert_eq!(inv[0].api_version(), "v1");
        assert_eq!(inv[1].api_version(), "autoscaling/v2");
        assert!(inventory(&json!({})).unwrap().is_empty());
    }
}
