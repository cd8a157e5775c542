//! The state of an Argo CD Application as tether reports it (DESIGN.md
//! §6), and Argo CD's health rollup over an app's resources
//! (`controller/health.go` `setApplicationHealth`).

use crate::health::{Health, assess};
use crate::model::{HealthStatus, SyncStatus};
use serde_json::Value;

/// What `tether apps/status` shows for a live Argo CD Application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgoAppStatus {
    pub sync: SyncStatus,
    /// `status.health.status`; Missing stays Missing.
    pub health: HealthStatus,
    /// From a failed operation, else the first `*Error` condition, else
    /// the health message.
    pub message: String,
    /// No `syncPolicy.automated` (or `automated.enabled: false`).
    pub paused: bool,
    /// `status.sync.revision` (or the first of `revisions`).
    pub revision: String,
    /// `status.operationState.phase`, when there is an operation.
    pub operation_phase: Option<String>,
    /// A pending `.operation` not yet picked up by the controller.
    pub operation_pending: bool,
    /// The object is being deleted.
    pub deleting: bool,
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Whether the Application syncs automatically.
pub fn is_automated(app: &Value) -> bool {
    match app.pointer("/spec/syncPolicy/automated") {
        None | Some(Value::Null) => false,
        Some(a) => a.get("enabled").and_then(Value::as_bool).unwrap_or(true),
    }
}

/// The status of a live Application object.
pub fn app_status(app: &Value) -> ArgoAppStatus {
    let sync = match text(app, "/status/sync/status") {
        "Synced" => SyncStatus::Synced,
        "OutOfSync" => SyncStatus::OutOfSync,
        _ => SyncStatus::Unknown,
    };
    let health = HealthStatus::parse(text(app, "/status/health/status"));
    let phase = text(app, "/status/operationState/phase");
    let failed_op = matches!(phase, "Failed" | "Error")
        .then(|| text(app, "/status/operationState/message").to_string())
        .filter(|m| !m.is_empty());
    let error_condition = app
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|c| {
            c.iter()
                .find(|c| text(c, "/type").ends_with("Error"))
                .map(|c| format!("{}: {}", text(c, "/type"), text(c, "/message")))
        });
    let message = failed_op
        .or(error_condition)
        .unwrap_or_else(|| text(app, "/status/health/message").to_string());
    let revision = match text(app, "/status/sync/revision") {
        "" => app
            .pointer("/status/sync/revisions/0")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        r => r.to_string(),
    };
    ArgoAppStatus {
        sync,
        health,
        message,
        paused: !is_automated(app),
        revision,
        operation_phase: (!phase.is_empty()).then(|| phase.to_string()),
        operation_pending: app.get("operation").is_some_and(|o| !o.is_null()),
        deleting: app
            .pointer("/metadata/deletionTimestamp")
            .is_some_and(|d| !d.is_null()),
    }
}

/// One resource of an app for the health rollup: its identity, the
/// desired object (None for live-only) and the live one (None when
/// missing).
#[derive(Debug, Clone, Copy)]
pub struct ManagedResource<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub target: Option<&'a Value>,
    pub live: Option<&'a Value>,
}

/// Annotation that keeps a resource out of the app's health.
pub const IGNORE_HEALTHCHECK_ANNOTATION: &str = "argocd.argoproj.io/ignore-healthcheck";

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations")?.get(key)?.as_str()
}

fn hook_skip(obj: &Value) -> bool {
    annotation(obj, super::app::HOOK_ANNOTATION)
        .is_some_and(|h| h.split(',').any(|t| t.trim() == "Skip"))
}

fn is_hook(obj: &Value) -> bool {
    match annotation(obj, super::app::HOOK_ANNOTATION) {
        Some(_) => !hook_skip(obj),
        None => {
            annotation(obj, "helm.sh/hook").is_some_and(|h| !h.is_empty() && h != "crd-install")
        }
    }
}

/// The app's health from its resources (`setApplicationHealth`): the
/// worst resource health in the order Healthy < Suspended < Progressing
/// < Missing < Degraded < Unknown, skipping hooks, resources annotated
/// `argocd.argoproj.io/ignore-healthcheck: "true"`, the app itself,
/// missing resources, and Missing/Unknown child Applications; Missing
/// when the app has resources but none exists. The message names up to
/// three resources that caused it (`apps/Deployment:ns/web and 2 more`).
pub fn app_health(app: &Value, resources: &[ManagedResource<'_>]) -> Health {
    let app_name = text(app, "/metadata/name");
    let app_ns = text(app, "/metadata/namespace");
    let mut status = HealthStatus::Healthy;
    let mut causes: Vec<&ManagedResource<'_>> = Vec::new();
    let (mut any, mut any_live) = (false, false);
    for res in resources {
        if res.target.is_some_and(hook_skip) || res.live.is_some_and(is_hook) {
            continue;
        }
        any = true;
        let Some(live) = res.live else {
            continue;
        };
        any_live = true;
        if annotation(live, IGNORE_HEALTHCHECK_ANNOTATION) == Some("true") {
            continue;
        }
        let is_app = res.group == "argoproj.io" && res.kind == "Application";
        if is_app && res.name == app_name && res.namespace == app_ns {
            continue;
        }
        let deleting = live
            .pointer("/metadata/deletionTimestamp")
            .is_some_and(|d| !d.is_null())
            && !live
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|f| f.iter().any(|x| x == "argocd.argoproj.io/hook-finalizer"));
        let health = if deleting {
            HealthStatus::Progressing
        } else {
            assess(live).status
        };
        if is_app && matches!(health, HealthStatus::Missing | HealthStatus::Unknown) {
            continue;
        }
        if health > status {
            status = health;
            causes = vec![res];
        } else if health == status && status != HealthStatus::Healthy {
            causes.push(res);
        }
    }
    if any && !any_live && HealthStatus::Missing > status {
        return Health::new(HealthStatus::Missing, "");
    }
    Health::new(status, causes_text(&causes))
}

fn causes_text(causes: &[&ManagedResource<'_>]) -> String {
    let parts: Vec<String> = causes
        .iter()
        .take(3)
        .map(|c| {
            let gk = if c.group.is_empty() {
                c.kind.to_string()
            } else {
                format!("{}/{}", c.group, c.kind)
            };
            let name = if c.namespace.is_empty() {
                c.name.to_string()
            } else {
                format!("{}/{}", c.namespace, c.name)
            };
            format!("{gk}:{name}")
        })
        .collect();
    let mut out = parts.join(", ");
    if causes.len() > 3 {
        out.push_str(&format!(" and {} more", causes.len() - 3));
    }
    out
}
