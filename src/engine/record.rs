//! Inventory and history records of a sync, saved in the app's state
//! ConfigMap. A record that cannot be saved is kept by the engine and
//! saved with the app's next state write; the sync reports that it was
//! not saved yet, so a record is never dropped silently.

use crate::cluster::{AppStateRecord, ClusterClient, ClusterError, InventoryEntry};
use crate::cluster::{gvk_of, update_state};
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
                applied: None,
            })
        })
        .collect()
}

/// A sync record not saved yet, with the inventory a successful sync
/// leaves (None: the inventory stays as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRecord {
    /// The record; its id is given when it is saved.
    pub entry: HistoryEntry,
    pub inventory: Option<Vec<InventoryEntry>>,
}

impl PendingRecord {
    pub fn new(
        revision: &str,
        started: &str,
        result: &str,
        by: &str,
        message: &str,
        inventory: Option<Vec<InventoryEntry>>,
    ) -> Self {
        Self {
            entry: HistoryEntry {
                id: 0,
                revision: revision.to_string(),
                started: started.to_string(),
                finished: now(),
                result: result.to_string(),
                by: by.to_string(),
                message: message.to_string(),
            },
            inventory,
        }
    }
}

/// Adds `records` to a state: ids continue after the newest saved one,
/// and the inventory is the newest record's that carries one.
pub fn add_records(state: &mut AppStateRecord, records: &[PendingRecord]) {
    for record in records {
        let id = state.history.iter().map(|h| h.id).max().unwrap_or(0) + 1;
        state.history.push(HistoryEntry {
            id,
            ..record.entry.clone()
        });
        if let Some(inventory) = &record.inventory {
            state.inventory = inventory.clone();
        }
    }
}

/// Saves `records` (and whatever `change` does) in one state write.
pub async fn save_with(
    client: &ClusterClient,
    app: &str,
    records: &[PendingRecord],
    change: impl Fn(&mut AppStateRecord),
) -> Result<AppStateRecord, ClusterError> {
    update_state(client, app, |state| {
        add_records(state, records);
        change(state);
    })
    .await
}

/// Now, RFC 3339 in UTC with second precision.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_continue_the_ids_and_carry_the_inventory() {
        let mut state = AppStateRecord::default();
        let inventory = vec![InventoryEntry {
            key: ResourceKey::new("", "ConfigMap", Some("web"), "a"),
            version: "v1".into(),
            applied: None,
        }];
        let ok = PendingRecord::new("abc", "t0", "Succeeded", "ada", "", Some(inventory.clone()));
        let failed = PendingRecord::new("def", "t1", "Failed", "ada", "boom", None);
        add_records(&mut state, &[ok, failed]);
        let ids: Vec<_> = state
            .history
            .iter()
            .map(|h| (h.id, h.result.as_str()))
            .collect();
        assert_eq!(ids, vec![(1, "Succeeded"), (2, "Failed")]);
        assert_eq!(state.inventory, inventory);
    }
}
