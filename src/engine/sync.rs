//! Sync: apply the desired state in order with server-side apply.

use super::EngineError;
use super::compare::prepare_for_cluster;
use super::desired::Desired;
use super::order::sort_for_apply;
use super::prune::find_extras;
use crate::cluster::{ClusterClient, InventoryEntry, gvk_of, read_state, write_state};
use crate::model::{AppSpec, HistoryEntry, ResourceKey};
use serde::Serialize;
use serde_json::{Value, json};

/// What a sync did (or, for a dry-run, would do) to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceResult {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `created`, `configured`, `unchanged` or `deleted` (a dry-run
    /// reports what it would do with the same words).
    pub action: String,
}

/// The outcome of a sync of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub app: String,
    pub revision: String,
    pub dry_run: bool,
    pub resources: Vec<ResourceResult>,
}

impl SyncReport {
    /// `N created, M configured, K unchanged`.
    pub fn summary(&self) -> String {
        let count = |a: &str| self.resources.iter().filter(|r| r.action == a).count();
        let mut text = format!(
            "{} created, {} configured, {} unchanged",
            count("created"),
            count("configured"),
            count("unchanged")
        );
        let deleted = count("deleted");
        if deleted > 0 {
            text.push_str(&format!(", {deleted} deleted"));
        }
        text
    }
}

/// How a sync runs.
#[derive(Debug, Clone, Default)]
pub struct SyncMode {
    pub dry_run: bool,
    pub prune: bool,
    /// Who asked, for the history record (`user@host`, `controller`).
    pub by: String,
}

/// Applies `desired` to the cluster: Namespaces first, then kind order,
/// server-side apply with field manager `tether`, conflicts forced; then
/// prunes (when asked) and records inventory and history in the app's
/// state ConfigMap.
pub async fn sync_app(
    app: &AppSpec,
    client: &ClusterClient,
    mut desired: Desired,
    mode: &SyncMode,
) -> Result<SyncReport, EngineError> {
    let started = now();
    let dry_run = mode.dry_run;
    if app.has_sync_option("CreateNamespace=true")
        && let Some(ns) = &app.destination.namespace
    {
        desired.objects.push(json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}
        }));
    }
    prepare_for_cluster(app, client, &mut desired.objects).await;
    sort_for_apply(&mut desired.objects);
    let mut state = read_state(client, &app.name)
        .await
        .map_err(|e| EngineError::cluster(&app.name, e))?;
    let mut resources = Vec::with_capacity(desired.objects.len());
    for object in &desired.objects {
        match apply_one(app, client, object, dry_run).await {
            Ok(result) => resources.push(result),
            Err(e) => {
                if !dry_run {
                    let message = e.to_string();
                    record(
                        app,
                        client,
                        &mut state,
                        &desired.revision,
                        &started,
                        "Failed",
                        &mode.by,
                        &message,
                    )
                    .await;
                }
                return Err(e);
            }
        }
    }
    if mode.prune {
        let extras = find_extras(&app.name, client, &desired.objects, &state.inventory).await?;
        for extra in extras {
            if !dry_run {
                client
                    .delete(&extra.key, &extra.version)
                    .await
                    .map_err(|e| EngineError::cluster(&app.name, e))?;
            }
            resources.push(ResourceResult {
                group: extra.key.group,
                kind: extra.key.kind,
                namespace: extra.key.namespace.unwrap_or_default(),
                name: extra.key.name,
                action: "deleted".to_string(),
            });
        }
    }
    let report = SyncReport {
        app: app.name.clone(),
        revision: desired.revision.clone(),
        dry_run,
        resources,
    };
    if !dry_run {
        state.inventory = inventory_of(&desired.objects);
        record(
            app,
            client,
            &mut state,
            &desired.revision,
            &started,
            "Succeeded",
            &mode.by,
            &report.summary(),
        )
        .await;
    }
    Ok(report)
}

/// The inventory of a successful sync: every applied object's key.
fn inventory_of(objects: &[Value]) -> Vec<InventoryEntry> {
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

/// Appends a sync record and saves the state. A failure to save is
/// reported as a warning in the log, not as a failed sync: the objects
/// were applied.
#[allow(clippy::too_many_arguments)]
async fn record(
    app: &AppSpec,
    client: &ClusterClient,
    state: &mut crate::cluster::AppStateRecord,
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
    if let Err(e) = write_state(client, &app.name, state).await {
        tracing::warn!(app = %app.name, error = %e, "cannot save the app state");
    }
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn apply_one(
    app: &AppSpec,
    client: &ClusterClient,
    object: &Value,
    dry_run: bool,
) -> Result<ResourceResult, EngineError> {
    let key = ResourceKey::from_object(object).ok_or_else(|| EngineError::Sync {
        app: app.name.clone(),
        message: "a manifest has no apiVersion, kind or metadata.name".to_string(),
    })?;
    let gvk = gvk_of(object).unwrap_or_default();
    let cluster_err = |e| EngineError::cluster(&app.name, e);
    let before = match client.get(&gvk, key.namespace.as_deref(), &key.name).await {
        Ok(found) => found,
        // A kind served only once an earlier CRD of this sync is established.
        Err(e) if dry_run => return Err(cluster_err(e)),
        Err(_) => None,
    };
    let outcome = client.apply(object, dry_run).await.map_err(cluster_err)?;
    let action = match &before {
        None => "created",
        Some(live) if resource_version(live) != resource_version(&outcome.object) => "configured",
        Some(live) if dry_run && generation_changed(live, &outcome.object) => "configured",
        Some(_) => "unchanged",
    };
    Ok(ResourceResult {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        action: action.to_string(),
    })
}

fn resource_version(v: &Value) -> Option<&str> {
    v.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
}

fn generation_changed(before: &Value, after: &Value) -> bool {
    let stripped = |v: &Value| {
        let mut v = v.clone();
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
        v
    };
    stripped(before) != stripped(after)
}
