//! The live state of a set of desired objects read in few requests, and
//! the fingerprint that lets a diff skip the server-side dry-run of an
//! object the last sync left as it is.
//!
//! A kind and namespace holding several of the objects is read with one
//! LIST (kept to those objects); the others are left to a GET each by
//! the caller. Sync and diff read live objects this way instead of one
//! GET per object.

use crate::cluster::{ClusterClient, FIELD_MANAGER, gvk_of};
use crate::model::{GroupVersionKind, ResourceKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Objects of one kind and namespace from which a LIST replaces their GETs.
const LIST_AT_LEAST: usize = 4;

/// Live objects by key, for the keys a LIST covered.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    found: HashMap<ResourceKey, Option<Value>>,
}

impl Snapshot {
    /// Reads the live objects of `objects`: one LIST per kind and
    /// namespace that holds at least [`LIST_AT_LEAST`] of them. A LIST
    /// that fails (forbidden, kind not served yet) leaves its objects
    /// unknown, for a GET each.
    pub async fn read<'a>(
        client: &ClusterClient,
        objects: impl IntoIterator<Item = &'a Value>,
    ) -> Snapshot {
        let mut groups: BTreeMap<(String, String, Option<String>), Vec<ResourceKey>> =
            BTreeMap::new();
        for object in objects {
            let (Some(gvk), Some(key)) = (gvk_of(object), ResourceKey::from_object(object)) else {
                continue;
            };
            groups
                .entry((gvk.api_version(), gvk.kind.clone(), key.namespace.clone()))
                .or_default()
                .push(key);
        }
        let mut found = HashMap::new();
        for ((api_version, kind, namespace), keys) in groups {
            if keys.len() < LIST_AT_LEAST {
                continue;
            }
            let gvk = GroupVersionKind::from_api_version(&api_version, &kind);
            let Ok(listed) = client.list(&gvk, namespace.as_deref(), None).await else {
                continue;
            };
            let mut live: HashMap<ResourceKey, Value> = listed
                .into_iter()
                .filter_map(|o| Some((ResourceKey::from_object(&o)?, o)))
                .collect();
            for key in keys {
                let object = live.remove(&key);
                found.insert(key, object);
            }
        }
        Snapshot { found }
    }

    /// The live object of `key`: `Some(None)` when the LIST showed it does
    /// not exist, `None` when no LIST covered it.
    pub fn take(&mut self, key: &ResourceKey) -> Option<Option<Value>> {
        self.found.remove(key)
    }
}

/// What the last sync applied to an object and what that left: a hash of
/// the object as applied and of the fields tether's field manager owned
/// afterwards. None for Secrets (no hash of secret data is written
/// anywhere) and for objects tether owns no fields of.
pub(crate) fn fingerprint(desired: &Value, live: &Value) -> Option<String> {
    if desired.get("kind").and_then(Value::as_str) == Some("Secret") {
        return None;
    }
    let fields = owned_fields(live)?;
    Some(format!("{}.{}", short_hash(desired), short_hash(fields)))
}

/// The fields tether's apply owns in `live` (its managedFields entry).
fn owned_fields(live: &Value) -> Option<&Value> {
    live.pointer("/metadata/managedFields")?
        .as_array()?
        .iter()
        .find(|m| {
            m.get("manager").and_then(Value::as_str) == Some(FIELD_MANAGER)
                && m.get("operation").and_then(Value::as_str) == Some("Apply")
                && m.get("subresource").is_none_or(|s| s.as_str() == Some(""))
        })?
        .get("fieldsV1")
}

fn short_hash(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live(fields: Value) -> Value {
        json!({"metadata": {"managedFields": [
            {"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {"f:status": {}}},
            {"manager": FIELD_MANAGER, "operation": "Apply", "fieldsV1": fields},
        ]}})
    }

    #[test]
    fn a_fingerprint_changes_with_the_object_or_the_fields_tether_owns() {
        let object = json!({"kind": "ConfigMap", "data": {"a": "1"}});
        let owned = live(json!({"f:data": {"f:a": {}}}));
        let first = fingerprint(&object, &owned).unwrap();
        assert_eq!(fingerprint(&object, &owned), Some(first.clone()));
        let edited = json!({"kind": "ConfigMap", "data": {"a": "2"}});
        assert_ne!(fingerprint(&edited, &owned), Some(first.clone()));
        let taken = live(json!({"f:data": {}}));
        assert_ne!(fingerprint(&object, &taken), Some(first));
    }

    #[test]
    fn secrets_and_objects_tether_owns_nothing_of_have_none() {
        let owned = live(json!({"f:data": {"f:a": {}}}));
        assert_eq!(fingerprint(&json!({"kind": "Secret"}), &owned), None);
        let other = json!({"metadata": {"managedFields": [
            {"manager": "kubectl", "operation": "Apply", "fieldsV1": {}}
        ]}});
        assert_eq!(fingerprint(&json!({"kind": "ConfigMap"}), &other), None);
    }
}
