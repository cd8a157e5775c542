//! The patches tether sends to drive Argo CD and Flux through the
//! Kubernetes API alone (DESIGN.md §6), and the checks that refuse an
//! action before anything is sent. Pure: objects in, patches out.

use crate::model::ResourceKey;
use serde_json::{Map, Value, json};

/// Annotation: who paused the app.
pub const PAUSED_BY: &str = "tether.dev/paused-by";
/// Annotation: when it was paused (RFC 3339).
pub const PAUSED_AT: &str = "tether.dev/paused-at";
/// Annotation: why.
pub const PAUSE_REASON: &str = "tether.dev/pause-reason";
/// Annotation (Argo CD): the removed `syncPolicy.automated`, as JSON.
pub const PAUSED_AUTOMATED: &str = "tether.dev/paused-automated";
/// Argo CD's refresh request annotation.
pub const ARGO_REFRESH: &str = "argocd.argoproj.io/refresh";
/// Flux's reconcile request annotation.
pub const FLUX_REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";
/// Flux's forced-upgrade request annotation (HelmRelease).
pub const FLUX_FORCE_AT: &str = "reconcile.fluxcd.io/forceAt";

fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn resource_version(object: &Value) -> Value {
    Value::String(text(object, "/metadata/resourceVersion").to_string())
}

/// The phase of an Argo CD operation that has not finished, if any.
pub fn running_operation(app: &Value) -> Option<String> {
    let phase = text(app, "/status/operationState/phase");
    let pending = app.get("operation").is_some_and(|o| !o.is_null());
    match phase {
        "Running" | "Terminating" => Some(phase.to_string()),
        _ if pending => Some("requested".to_string()),
        _ => None,
    }
}

/// What an Argo CD sync asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgoSync {
    /// `tether:<user>`.
    pub user: String,
    /// None: the app's targetRevision (each source's, for multi-source).
    pub revision: Option<String>,
    pub prune: bool,
    /// Only these resources; empty = all.
    pub resources: Vec<ResourceKey>,
}

/// The merge patch that starts an Argo CD sync, as the API server writes
/// it: `.operation` set, `status.operationState` nulled, at the
/// resourceVersion read. Refused while an operation runs, and for a
/// revision other than targetRevision on an automated app (the rule
/// Argo CD's API server enforces).
pub fn argo_sync(app: &Value, request: &ArgoSync) -> Result<Value, String> {
    if let Some(phase) = running_operation(app) {
        return Err(format!(
            "an operation is already {phase}; wait for it or terminate it (`tether terminate`)"
        ));
    }
    let target = text(app, "/spec/source/targetRevision");
    if let Some(revision) = &request.revision
        && crate::argocd::is_automated(app)
        && revision != target
        && !(target.is_empty() && revision == "HEAD")
    {
        return Err(format!(
            "cannot sync to {revision}: auto-sync is on and follows {}; pause the app first",
            if target.is_empty() { "HEAD" } else { target }
        ));
    }
    let policy = app.pointer("/spec/syncPolicy");
    let mut sync = Map::new();
    if let Some(sources) = app.pointer("/spec/sources").and_then(Value::as_array) {
        let revisions: Vec<Value> = sources
            .iter()
            .map(|s| {
                let r = text(s, "/targetRevision");
                Value::String(request.revision.clone().unwrap_or_else(|| head_if_empty(r)))
            })
            .collect();
        sync.insert("revisions".into(), Value::Array(revisions));
        sync.insert("sources".into(), Value::Array(sources.clone()));
    } else {
        let revision = request
            .revision
            .clone()
            .unwrap_or_else(|| head_if_empty(target));
        sync.insert("revision".into(), Value::String(revision));
    }
    sync.insert("prune".into(), Value::Bool(request.prune));
    sync.insert("syncStrategy".into(), json!({"hook": {}}));
    if let Some(options) = policy.and_then(|p| p.get("syncOptions")) {
        sync.insert("syncOptions".into(), options.clone());
    }
    if !request.resources.is_empty() {
        let resources = request
            .resources
            .iter()
            .map(|k| {
                json!({"group": k.group, "kind": k.kind,
                       "namespace": k.namespace.clone().unwrap_or_default(), "name": k.name})
            })
            .collect();
        sync.insert("resources".into(), Value::Array(resources));
    }
    let mut operation = json!({
        "initiatedBy": {"username": request.user},
        "info": [{"name": "Reason", "value": "tether"}],
        "sync": Value::Object(sync),
    });
    if let Some(retry) = policy.and_then(|p| p.get("retry")) {
        operation["retry"] = retry.clone();
    }
    Ok(json!({
        "metadata": {"resourceVersion": resource_version(app)},
        "operation": operation,
        "status": {"operationState": null},
    }))
}

fn head_if_empty(revision: &str) -> String {
    if revision.is_empty() {
        "HEAD".to_string()
    } else {
        revision.to_string()
    }
}

/// Argo CD refresh (`hard` also drops the manifest cache).
pub fn argo_refresh(hard: bool, now: &str) -> Value {
    json!({"metadata": {"annotations": {
        ARGO_REFRESH: if hard { "hard" } else { "normal" },
        "argocd.argoproj.io/refresh-timestamp": now,
    }}})
}

/// Terminate the running Argo CD operation: only while one runs.
pub fn argo_terminate(app: &Value) -> Result<Value, String> {
    if text(app, "/status/operationState/phase") != "Running" {
        return Err("no operation is running".to_string());
    }
    Ok(json!({
        "metadata": {"resourceVersion": resource_version(app)},
        "status": {"operationState": {"phase": "Terminating"}},
    }))
}

/// Who paused, when and why, as annotations.
fn pause_annotations(by: &str, at: &str, reason: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(PAUSED_BY.into(), Value::String(by.to_string()));
    map.insert(PAUSED_AT.into(), Value::String(at.to_string()));
    map.insert(PAUSE_REASON.into(), Value::String(reason.to_string()));
    map
}

/// Pause an Argo CD app: `syncPolicy.automated` removed and kept, as
/// JSON, in an annotation with who, when and why.
pub fn argo_pause(app: &Value, by: &str, at: &str, reason: &str) -> Result<Value, String> {
    if !crate::argocd::is_automated(app) {
        return Err("automated sync is already off".to_string());
    }
    let automated = app
        .pointer("/spec/syncPolicy/automated")
        .cloned()
        .unwrap_or(Value::Null);
    let mut annotations = pause_annotations(by, at, reason);
    annotations.insert(
        PAUSED_AUTOMATED.into(),
        Value::String(automated.to_string()),
    );
    Ok(json!({
        "metadata": {"resourceVersion": resource_version(app), "annotations": annotations},
        "spec": {"syncPolicy": {"automated": null}},
    }))
}

/// Resume an Argo CD app paused by tether: the kept policy restored
/// exactly, the annotations dropped.
pub fn argo_resume(app: &Value) -> Result<Value, String> {
    let kept = text(
        app,
        &format!(
            "/metadata/annotations/{}",
            PAUSED_AUTOMATED.replace('/', "~1")
        ),
    );
    if kept.is_empty() {
        return Err(
            "it was not paused by tether (no tether.dev/paused-automated annotation); set its syncPolicy.automated in Git or with argocd".to_string(),
        );
    }
    let automated: Value = serde_json::from_str(kept)
        .map_err(|e| format!("its {PAUSED_AUTOMATED} annotation is not JSON: {e}"))?;
    Ok(json!({
        "metadata": {"resourceVersion": resource_version(app), "annotations": {
            PAUSED_BY: null, PAUSED_AT: null, PAUSE_REASON: null, PAUSED_AUTOMATED: null,
        }},
        "spec": {"syncPolicy": {"automated": automated}},
    }))
}

/// The sync operation of an Argo CD rollback to history entry `id`: that
/// entry's revision(s) and source(s), the apply strategy, as the API server
/// builds it. The app must not be automated (pause it first).
pub fn argo_rollback(app: &Value, id: i64, user: &str, prune: bool) -> Result<Value, String> {
    if crate::argocd::is_automated(app) {
        return Err("automated sync is on; pause the app first".to_string());
    }
    if let Some(phase) = running_operation(app) {
        return Err(format!("an operation is already {phase}"));
    }
    let history = app
        .pointer("/status/history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let entry = history
        .iter()
        .find(|h| h.get("id").and_then(Value::as_i64) == Some(id))
        .ok_or_else(|| {
            let ids: Vec<String> = history
                .iter()
                .filter_map(|h| h.get("id").and_then(Value::as_i64))
                .map(|i| i.to_string())
                .collect();
            format!("no history entry {id} (entries: {})", ids.join(", "))
        })?;
    let mut sync = Map::new();
    for field in ["revision", "revisions", "source", "sources"] {
        if let Some(v) = entry.get(field) {
            sync.insert(field.into(), v.clone());
        }
    }
    sync.insert("prune".into(), Value::Bool(prune));
    sync.insert("syncStrategy".into(), json!({"apply": {}}));
    if let Some(options) = app.pointer("/spec/syncPolicy/syncOptions") {
        sync.insert("syncOptions".into(), options.clone());
    }
    Ok(json!({
        "metadata": {"resourceVersion": resource_version(app)},
        "operation": {
            "initiatedBy": {"username": user},
            "info": [{"name": "Reason", "value": format!("tether rollback to history {id}")}],
            "sync": Value::Object(sync),
        },
        "status": {"operationState": null},
    }))
}

/// Flux reconcile request (`force`: HelmRelease one-off upgrade too).
/// Refused while the object is suspended.
pub fn flux_reconcile(object: &Value, token: &str, force: bool) -> Result<Value, String> {
    if object.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
        return Err("it is suspended; resume it first".to_string());
    }
    let mut annotations = Map::new();
    annotations.insert(FLUX_REQUESTED_AT.into(), Value::String(token.to_string()));
    if force {
        annotations.insert(FLUX_FORCE_AT.into(), Value::String(token.to_string()));
    }
    Ok(json!({"metadata": {"annotations": annotations}}))
}

/// Suspend a Flux object, with who, when and why.
pub fn flux_suspend(object: &Value, by: &str, at: &str, reason: &str) -> Result<Value, String> {
    if object.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
        return Err("it is already suspended".to_string());
    }
    Ok(json!({
        "metadata": {"annotations": pause_annotations(by, at, reason)},
        "spec": {"suspend": true},
    }))
}

/// Resume a suspended Flux object, dropping tether's pause annotations.
pub fn flux_resume(object: &Value) -> Result<Value, String> {
    if object.pointer("/spec/suspend") != Some(&Value::Bool(true)) {
        return Err("it is not suspended".to_string());
    }
    Ok(json!({
        "metadata": {"annotations": {PAUSED_BY: null, PAUSED_AT: null, PAUSE_REASON: null}},
        "spec": {"suspend": false},
    }))
}

/// The ApplicationSet that owns an Application, if any: its controller
/// reverts spec edits unless `ignoreApplicationDifferences` covers them.
pub fn owning_appset(app: &Value) -> Option<String> {
    app.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|o| o.get("kind").and_then(Value::as_str) == Some("ApplicationSet"))
        .and_then(|o| o.get("name").and_then(Value::as_str))
        .map(str::to_string)
}

/// The patch in words, for confirmation dialogs and `--dry-run`.
pub fn describe(patch: &Value) -> String {
    let mut lines = Vec::new();
    describe_into(patch, &mut String::new(), &mut lines);
    lines.join("\n")
}

fn describe_into(value: &Value, path: &mut String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() && !is_leaf_map(path) => {
            for (k, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                describe_into(v, path, out);
                path.truncate(len);
            }
        }
        Value::Null => out.push(format!("remove {path}")),
        other if path == "metadata.resourceVersion" => {
            out.push(format!("only if unchanged since resourceVersion {other}"));
        }
        other => out.push(format!("set {path} = {other}")),
    }
}

/// Mappings printed whole: an operation's sync request reads better as one
/// value than field by field.
fn is_leaf_map(path: &str) -> bool {
    matches!(
        path,
        "operation.sync" | "spec.syncPolicy.automated" | "operation.initiatedBy"
    )
}
