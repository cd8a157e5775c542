//! The per-app state ConfigMap `tether-app-<name>` in namespace
//! `tether-system` of the destination cluster (DESIGN.md §4): pause flags,
//! the inventory of the last successful sync, and sync history. Living in
//! the cluster, it is seen by every user and the controller.

use super::{ClusterClient, ClusterError};
use crate::model::{GroupVersionKind, HistoryEntry, ResourceKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Namespace of tether's own objects.
pub const STATE_NAMESPACE: &str = "tether-system";
/// Sync records kept per app.
pub const HISTORY_LIMIT: usize = 50;

/// One inventory entry: an object the last successful sync applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryEntry {
    #[serde(flatten)]
    pub key: ResourceKey,
    pub version: String,
    /// The object's fingerprint after the sync applied it (a hash of the
    /// object applied and of the fields tether then owned; never written
    /// for Secrets): a diff that finds both unchanged skips the dry-run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<String>,
}

/// The content of an app's state ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppStateRecord {
    pub paused: bool,
    pub paused_by: String,
    pub paused_at: String,
    pub reason: String,
    pub inventory: Vec<InventoryEntry>,
    pub history: Vec<HistoryEntry>,
}

/// Name of the state ConfigMap of `app`.
pub fn state_name(app: &str) -> String {
    format!("tether-app-{app}")
}

fn configmap_gvk() -> GroupVersionKind {
    GroupVersionKind::from_api_version("v1", "ConfigMap")
}

impl AppStateRecord {
    fn from_configmap(cm: &Value) -> Result<Self, String> {
        let data = |k: &str| {
            cm.pointer(&format!("/data/{k}"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let parse_list = |k: &str| -> Result<Value, String> {
            let text = data(k);
            if text.is_empty() {
                return Ok(json!([]));
            }
            serde_json::from_str(&text).map_err(|e| format!("key {k}: {e}"))
        };
        Ok(Self {
            paused: data("paused") == "true",
            paused_by: data("pausedBy"),
            paused_at: data("pausedAt"),
            reason: data("reason"),
            inventory: match cm
                .pointer("/binaryData/inventory.gz")
                .and_then(Value::as_str)
            {
                Some(packed) => serde_json::from_slice(&unpack(packed)?)
                    .map_err(|e| format!("key inventory.gz: {e}"))?,
                None => {
                    serde_json::from_value(parse_list("inventory")?).map_err(|e| e.to_string())?
                }
            },
            history: serde_json::from_value(parse_list("history")?).map_err(|e| e.to_string())?,
        })
    }

    fn to_configmap(&self, app: &str) -> Value {
        let history_start = self.history.len().saturating_sub(HISTORY_LIMIT);
        let inventory = serde_json::to_string(&self.inventory).unwrap_or_else(|_| "[]".into());
        // A ConfigMap holds at most 1 MiB: a big inventory (thousands of
        // objects) is kept gzipped, about a tenth of the size.
        let (inventory, packed) = if inventory.len() > PACK_INVENTORY_OVER {
            (String::new(), Some(pack(inventory.as_bytes())))
        } else {
            (inventory, None)
        };
        let mut cm = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": state_name(app),
                "namespace": STATE_NAMESPACE,
                "labels": {"app.kubernetes.io/managed-by": "tether", "tether.dev/state-of": app},
            },
            "data": {
                "paused": self.paused.to_string(),
                "pausedBy": self.paused_by,
                "pausedAt": self.paused_at,
                "reason": self.reason,
                "inventory": inventory,
                "history": serde_json::to_string(&self.history[history_start..]).unwrap_or_else(|_| "[]".into()),
            }
        });
        if let (Some(packed), Some(map)) = (packed, cm.as_object_mut()) {
            map.insert("binaryData".into(), json!({"inventory.gz": packed}));
        }
        cm
    }
}

/// Inventories bigger than this (serialised) are stored gzipped.
const PACK_INVENTORY_OVER: usize = 64 * 1024;

/// `bytes` gzipped, in base64 (a ConfigMap's `binaryData` value).
fn pack(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(bytes);
    let zipped = gz.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(zipped)
}

/// The bytes [`pack`] packed.
fn unpack(packed: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    use std::io::Read as _;
    let zipped = base64::engine::general_purpose::STANDARD
        .decode(packed.as_bytes())
        .map_err(|e| format!("key inventory.gz: {e}"))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .take(256 * 1024 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| format!("key inventory.gz: {e}"))?;
    Ok(out)
}

/// Reads the state of `app`; a missing ConfigMap (or namespace) is the
/// empty state.
pub async fn read_state(client: &ClusterClient, app: &str) -> Result<AppStateRecord, ClusterError> {
    let found = client
        .get(&configmap_gvk(), Some(STATE_NAMESPACE), &state_name(app))
        .await?;
    match found {
        None => Ok(AppStateRecord::default()),
        Some(cm) => AppStateRecord::from_configmap(&cm).map_err(|m| invalid(client, app, m)),
    }
}

/// Attempts of [`update_state`] when other writers keep winning.
const UPDATE_ATTEMPTS: usize = 5;

/// Changes the state of `app` with `change` and saves it: read, change,
/// write back with the read resourceVersion as a precondition, and start
/// over when another writer came first — so a pause and a sync record
/// written at the same time both survive. Creates the ConfigMap (and the
/// namespace `tether-system`) on first use. Returns the state saved.
pub async fn update_state(
    client: &ClusterClient,
    app: &str,
    change: impl Fn(&mut AppStateRecord),
) -> Result<AppStateRecord, ClusterError> {
    for _ in 0..UPDATE_ATTEMPTS {
        let found = client
            .get(&configmap_gvk(), Some(STATE_NAMESPACE), &state_name(app))
            .await?;
        let (mut state, version) = match &found {
            None => (AppStateRecord::default(), None),
            Some(cm) => (
                AppStateRecord::from_configmap(cm).map_err(|m| invalid(client, app, m))?,
                cm.pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ),
        };
        change(&mut state);
        let mut object = state.to_configmap(app);
        let written = match version {
            Some(rv) => {
                object["metadata"]["resourceVersion"] = json!(rv);
                client.replace(&object).await
            }
            None => create_in_state_namespace(client, &object).await,
        };
        match written {
            Ok(_) => return Ok(state),
            Err(ClusterError::Api { code: 409, .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ClusterError::Api {
        cluster: client.name().to_string(),
        code: 409,
        reason: "Conflict".to_string(),
        message: format!(
            "ConfigMap {STATE_NAMESPACE}/{} kept changing during {UPDATE_ATTEMPTS} attempts to save it",
            state_name(app)
        ),
    })
}

/// Creates `object` in `tether-system`, creating the namespace first when
/// the API server says it is missing.
pub(crate) async fn create_in_state_namespace(
    client: &ClusterClient,
    object: &Value,
) -> Result<Value, ClusterError> {
    match client.create(object).await {
        Err(e) if e.is_not_found() => {
            let namespace = json!({"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": STATE_NAMESPACE}});
            match client.create(&namespace).await {
                Ok(_) | Err(ClusterError::Api { code: 409, .. }) => {}
                Err(e) => return Err(e),
            }
            client.create(object).await
        }
        other => other,
    }
}

fn invalid(client: &ClusterClient, app: &str, message: String) -> ClusterError {
    ClusterError::InvalidObject {
        cluster: client.name().to_string(),
        object: format!("ConfigMap {STATE_NAMESPACE}/{}", state_name(app)),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_a_configmap() {
        let state = AppStateRecord {
            paused: true,
            paused_by: "ada@laptop".into(),
            paused_at: "2026-11-22T05:00:00Z".into(),
            reason: "incident 42".into(),
            inventory: vec![InventoryEntry {
                key: ResourceKey::new("apps", "Deployment", Some("web"), "api"),
                version: "v1".into(),
                applied: None,
            }],
            history: Vec::new(),
        };
        let cm = state.to_configmap("web");
        assert_eq!(cm["metadata"]["name"], "tether-app-web");
        assert_eq!(AppStateRecord::from_configmap(&cm).unwrap(), state);
    }

    #[test]
    fn a_big_inventory_is_kept_gzipped_under_the_configmap_limit() {
        let inventory = (0..20_000)
            .map(|i| InventoryEntry {
                key: ResourceKey::new("", "ConfigMap", Some("web"), &format!("settings-{i}")),
                version: "v1".into(),
                applied: Some(format!("{i:016x}.{:016x}", i * 7)),
            })
            .collect();
        let state = AppStateRecord {
            inventory,
            ..AppStateRecord::default()
        };
        let cm = state.to_configmap("web");
        assert_eq!(cm["data"]["inventory"], "");
        let size = serde_json::to_string(&cm).unwrap().len();
        assert!(size < 1024 * 1024, "{size} bytes");
        assert_eq!(AppStateRecord::from_configmap(&cm).unwrap(), state);
    }
}
