//! Kubernetes Events of an app's objects, newest first.

use crate::cluster::{ClusterClient, ClusterError};
use crate::model::{EventRecord, GroupVersionKind, ResourceKey};
use serde_json::Value;
use std::collections::BTreeSet;

/// Events about `keys` (all in their namespaces), newest first.
pub async fn events_of(
    client: &ClusterClient,
    keys: &[ResourceKey],
) -> Result<Vec<EventRecord>, ClusterError> {
    let gvk = GroupVersionKind::from_api_version("v1", "Event");
    let namespaces: BTreeSet<Option<&str>> = keys.iter().map(|k| k.namespace.as_deref()).collect();
    let names: BTreeSet<(&str, &str)> = keys
        .iter()
        .map(|k| (k.kind.as_str(), k.name.as_str()))
        .collect();
    let mut out = Vec::new();
    for ns in namespaces {
        for event in client.list(&gvk, ns, None).await? {
            let text = |p: &str| {
                event
                    .pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let kind = text("/involvedObject/kind");
            let name = text("/involvedObject/name");
            if !names.contains(&(kind.as_str(), name.as_str())) {
                continue;
            }
            let last_seen = [
                text("/lastTimestamp"),
                text("/eventTime"),
                text("/metadata/creationTimestamp"),
            ]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_default();
            out.push(EventRecord {
                kind: text("/type"),
                reason: text("/reason"),
                message: text("/message"),
                object: format!("{kind}/{name}"),
                count: event.get("count").and_then(Value::as_i64).unwrap_or(1),
                last_seen,
            });
        }
    }
    out.sort_by(|a, b| b.last_seen.cmp(&a.last_seen));
    Ok(out)
}
