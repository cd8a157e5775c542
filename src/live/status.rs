//! Live GitOps objects as rows of the apps table (DESIGN.md §6 status
//! mapping): Argo CD from the Application's own status; Flux by Argo CD's
//! health rules for Flux kinds and the source's artifact revision.

use super::{LiveApp, LiveView};
use crate::model::{AppEngine, AppOriginKind, AppStatus, HealthStatus, ResourceStatus, SyncStatus};
use serde_json::Value;

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn sync_of(word: &str) -> SyncStatus {
    match word {
        "Synced" => SyncStatus::Synced,
        "OutOfSync" => SyncStatus::OutOfSync,
        _ => SyncStatus::Unknown,
    }
}

/// The row of a live app.
pub fn live_status(app: &LiveApp, view: &LiveView) -> AppStatus {
    match app.kind.engine {
        AppEngine::Flux => flux_status(app, view),
        _ => argocd_status(app),
    }
}

/// An Argo CD Application as Argo CD reports it ([`crate::argocd::app_status`]):
/// `status.sync.status`, `status.health.status` (Missing stays Missing),
/// the message of a failed operation or the first `*Error` condition,
/// paused when automated sync is off; a running operation is said first.
pub fn argocd_status(app: &LiveApp) -> AppStatus {
    let object = app.object.as_ref();
    let argo = crate::argocd::app_status(object);
    let message = match argo.operation_phase.as_deref() {
        Some(phase @ ("Running" | "Terminating")) => format!(
            "sync {phase}: {}",
            text(object, "/status/operationState/message")
        ),
        _ => argo.message,
    };
    let resources = object
        .pointer("/status/resources")
        .and_then(Value::as_array)
        .map(|items| items.iter().map(argocd_resource).collect())
        .unwrap_or_default();
    AppStatus {
        name: app.name().to_string(),
        project: match text(object, "/spec/project") {
            "" => "default".to_string(),
            p => p.to_string(),
        },
        cluster: app.context.clone(),
        namespace: text(object, "/spec/destination/namespace").to_string(),
        revision: argo.revision,
        sync: argo.sync,
        health: argo.health,
        paused: argo.paused,
        message,
        resources,
        engine: AppEngine::Argocd,
        kind: Some("Application".to_string()),
        reference: app.reference(),
        origin: AppOriginKind::Cluster,
        parent: super::appsets::parent_of(app),
        ..AppStatus::default()
    }
}

fn argocd_resource(item: &Value) -> ResourceStatus {
    ResourceStatus {
        group: text(item, "/group").to_string(),
        version: text(item, "/version").to_string(),
        kind: text(item, "/kind").to_string(),
        namespace: text(item, "/namespace").to_string(),
        name: text(item, "/name").to_string(),
        sync: sync_of(text(item, "/status")),
        health: item
            .pointer("/health/status")
            .and_then(Value::as_str)
            .map_or(HealthStatus::Unknown, HealthStatus::parse),
        message: text(item, "/health/message").to_string(),
        info: String::new(),
    }
}

/// A Kustomization or HelmRelease: health by Argo CD's rules for Flux
/// kinds, sync from the source's artifact, paused when suspended.
fn flux_status(app: &LiveApp, view: &LiveView) -> AppStatus {
    let object = app.object.as_ref();
    let source = crate::flux::status::source_ref(object)
        .and_then(|r| view.source(&app.context, &r.kind, &r.namespace, &r.name));
    let status = crate::flux::status::status(object, source);
    let resources = crate::flux::inventory::inventory(object)
        .unwrap_or_default()
        .into_iter()
        .map(|entry| ResourceStatus {
            version: entry.version.clone(),
            group: entry.key.group.clone(),
            kind: entry.key.kind.clone(),
            namespace: entry.key.namespace.clone().unwrap_or_default(),
            name: entry.key.name.clone(),
            sync: SyncStatus::Unknown,
            health: HealthStatus::Unknown,
            message: String::new(),
            info: String::new(),
        })
        .collect();
    AppStatus {
        name: app.name().to_string(),
        project: app.namespace().to_string(),
        cluster: app.context.clone(),
        namespace: text(object, "/spec/targetNamespace").to_string(),
        revision: status.revision,
        sync: status.sync,
        health: status.health.status,
        paused: status.suspended,
        message: status.message,
        resources,
        engine: AppEngine::Flux,
        kind: Some(app.kind.kind.to_string()),
        reference: app.reference(),
        origin: AppOriginKind::Cluster,
        parent: super::appsets::parent_of(app),
        suspended: Some(status.suspended),
        ..AppStatus::default()
    }
}
