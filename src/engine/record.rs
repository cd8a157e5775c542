//! Inventory and history records of a sync, saved in the app's state
//! ConfigMap.

use crate::cluster::{AppStateRecord, ClusterClient, InventoryEntry, gvk_of, write_state};
use crate::model::{HistoryEntry, ResourceKey};
use serde_json::Value;

/// The inventory of a successful sync: every applied object's key.
pub fn inventory_of(objects: &[Value]) -> Vec<InventoryEntry> {
    objects
        .iter()
        .filter_map(|o| {
            Some(InventoryEntry {
                key: ResourceKey::from_object(o)?,
                version: gvk_of(o)?.version,
            })
        })
        .collect()
}

/// Appends a sync record and saves the state. A failure to save is logged
/// as a warning rather than failing the sync: the objects were applied.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    client: &ClusterClient,
    app: &str,
    state: &mut AppStateRecord,
    revision: &str,
    started: &str,
    result: &str,
    by: &str,
    message: &str,
) {
    let id = state.history.iter().map(|h| h.id).max().unwrap_or(0) + 1;
    state.history.push(HistoryEntry {
        id,
        revision: revision.to_string(),
        started: started.to_string(),
        finished: now(),
        result: result.to_string(),
        by: by.to_string(),
        message: message.to_string(),
    });
    if let Err(e) = write_state(client, app, state).await {
        tracing::warn!(app, error = %e, "cannot save the app state");
    }
}

/// Now, RFC 3339 in UTC with second precision.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
