//! Controller stand-ins, for tests only: the real Argo CD and Flux
//! controllers cannot run here, so these follow their documented contract
//! (shared/interop/NOTES.md §2 and §9) closely enough to answer tether's
//! requests. Argo CD: a pending `.operation` becomes operationState
//! Running, then Succeeded with a syncResult per resource, a new
//! `status.history` entry and `.operation` nulled; `Terminating` ends
//! Failed "Operation terminated"; a refresh annotation is removed and
//! `reconciledAt` set. Flux: a new `reconcile.fluxcd.io/requestedAt` on a
//! resumed object is answered with `lastHandledReconcileAt` and Ready=True.
//! They are not part of tether; nothing in src/ uses them.

use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A running stand-in; stops when dropped.
pub struct StandIn {
    stop: CancellationToken,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn api(client: &kube::Client, group: &str, version: &str, kind: &str) -> Api<DynamicObject> {
    Api::all_with(
        client.clone(),
        &ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind)),
    )
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn spawn_loop<F, Fut>(step: F) -> StandIn
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let stop = CancellationToken::new();
    let token = stop.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = token.cancelled() => break,
                () = tokio::time::sleep(Duration::from_millis(50)) => step().await,
            }
        }
    });
    StandIn { stop }
}

/// An Argo CD application controller stand-in.
pub fn argo_controller(client: kube::Client) -> StandIn {
    spawn_loop(move || {
        let client = client.clone();
        async move {
            let apps = api(&client, "argoproj.io", "v1alpha1", "Application");
            let Ok(list) = apps.list(&ListParams::default()).await else {
                return;
            };
            for app in list.items {
                let value = serde_json::to_value(&app).unwrap_or_default();
                if let Some(patch) = argo_step(&value) {
                    let ns = app.metadata.namespace.clone().unwrap_or_default();
                    let name = app.metadata.name.clone().unwrap_or_default();
                    let namespaced: Api<DynamicObject> = Api::namespaced_with(
                        client.clone(),
                        &ns,
                        &ApiResource::from_gvk(&GroupVersionKind::gvk(
                            "argoproj.io",
                            "v1alpha1",
                            "Application",
                        )),
                    );
                    let _ = namespaced
                        .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                        .await;
                }
            }
        }
    })
}

/// The next patch the Argo CD controller would write for `app`, if any.
fn argo_step(app: &Value) -> Option<Value> {
    let annotations = app.pointer("/metadata/annotations");
    if annotations
        .and_then(|a| a.get("argocd.argoproj.io/refresh"))
        .is_some()
    {
        return Some(json!({
            "metadata": {"annotations": {
                "argocd.argoproj.io/refresh": null,
                "argocd.argoproj.io/refresh-timestamp": null}},
            "status": {"reconciledAt": now()},
        }));
    }
    let operation = app.get("operation").filter(|o| !o.is_null());
    let phase = app
        .pointer("/status/operationState/phase")
        .and_then(Value::as_str)
        .unwrap_or("");
    match (operation, phase) {
        (Some(op), "" | "Succeeded" | "Failed" | "Error") => Some(json!({
            "status": {"operationState": {
                "operation": op, "phase": "Running",
                "message": "one or more tasks are running", "startedAt": now()}},
        })),
        (Some(op), "Running") => {
            let revision = op
                .pointer("/sync/revision")
                .cloned()
                .unwrap_or(Value::String("HEAD".into()));
            let resources: Vec<Value> = app
                .pointer("/status/resources")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    json!({"group": r["group"], "version": r["version"], "kind": r["kind"],
                           "namespace": r["namespace"], "name": r["name"],
                           "status": "Synced", "message": "configured", "syncPhase": "Sync"})
                })
                .collect();
            let mut history = app
                .pointer("/status/history")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let id = history
                .iter()
                .filter_map(|h| h["id"].as_i64())
                .max()
                .unwrap_or(0)
                + 1;
            history.push(json!({
                "id": id, "revision": revision, "deployedAt": now(),
                "initiatedBy": op.get("initiatedBy").cloned().unwrap_or(json!({})),
                "source": app.pointer("/spec/source").cloned().unwrap_or(json!({})),
            }));
            Some(json!({
                "operation": null,
                "status": {
                    "operationState": {
                        "operation": op, "phase": "Succeeded",
                        "message": "successfully synced (all tasks run)",
                        "startedAt": app.pointer("/status/operationState/startedAt"),
                        "finishedAt": now(),
                        "syncResult": {"revision": revision, "resources": resources}},
                    "history": history,
                    "sync": {"status": "Synced", "revision": revision},
                },
            }))
        }
        (_, "Terminating") => Some(json!({
            "operation": null,
            "status": {"operationState": {"phase": "Failed", "message": "Operation terminated",
                                          "finishedAt": now()}},
        })),
        _ => None,
    }
}

/// A Flux kustomize- and helm-controller stand-in.
pub fn flux_controller(client: kube::Client) -> StandIn {
    spawn_loop(move || {
        let client = client.clone();
        async move {
            for (group, version, kind) in [
                ("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
                ("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
            ] {
                let all = api(&client, group, version, kind);
                let Ok(list) = all.list(&ListParams::default()).await else {
                    continue;
                };
                for object in list.items {
                    let value = serde_json::to_value(&object).unwrap_or_default();
                    let Some(patch) = flux_step(&value) else {
                        continue;
                    };
                    let ns = object.metadata.namespace.clone().unwrap_or_default();
                    let name = object.metadata.name.clone().unwrap_or_default();
                    let namespaced: Api<DynamicObject> = Api::namespaced_with(
                        client.clone(),
                        &ns,
                        &ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind)),
                    );
                    let _ = namespaced
                        .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
                        .await;
                }
            }
        }
    })
}

/// The status patch a Flux controller would write for `object`, if any.
fn flux_step(object: &Value) -> Option<Value> {
    if object.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
        return None;
    }
    let token = object
        .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
        .and_then(Value::as_str)?;
    let handled = object
        .pointer("/status/lastHandledReconcileAt")
        .and_then(Value::as_str);
    if handled == Some(token) {
        return None;
    }
    Some(json!({"status": {
        "lastHandledReconcileAt": token,
        "conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded",
                        "message": "Applied revision: main@sha1:0123456789abcdef",
                        "lastTransitionTime": now()}],
    }}))
}
