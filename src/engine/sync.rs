//! Sync: apply the desired state in order with server-side apply.

use super::EngineError;
use super::compare::prepare_for_cluster;
use super::desired::Desired;
use super::order::sort_for_apply;
use crate::cluster::{ClusterClient, gvk_of};
use crate::model::{AppSpec, ResourceKey};
use serde::Serialize;
use serde_json::{Value, json};

/// What a sync did (or, for a dry-run, would do) to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceResult {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `created`, `configured` or `unchanged`.
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
        format!(
            "{} created, {} configured, {} unchanged",
            count("created"),
            count("configured"),
            count("unchanged")
        )
    }
}

/// Applies `desired` to the cluster: Namespaces first, then kind order,
/// server-side apply with field manager `tether`, conflicts forced.
pub async fn sync_app(
    app: &AppSpec,
    client: &ClusterClient,
    mut desired: Desired,
    dry_run: bool,
) -> Result<SyncReport, EngineError> {
    if app.has_sync_option("CreateNamespace=true")
        && let Some(ns) = &app.destination.namespace
    {
        desired.objects.push(json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}
        }));
    }
    prepare_for_cluster(app, client, &mut desired.objects).await;
    sort_for_apply(&mut desired.objects);
    let mut resources = Vec::with_capacity(desired.objects.len());
    for object in &desired.objects {
        resources.push(apply_one(app, client, object, dry_run).await?);
    }
    Ok(SyncReport {
        app: app.name.clone(),
        revision: desired.revision,
        dry_run,
        resources,
    })
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
