//! Following a live Argo CD or Flux app after a patch until its controller
//! answers: an Argo CD operation to its end (with each resource's result
//! as progress), a refresh request to its pickup, a Flux reconcile request
//! to `lastHandledReconcileAt` and the Ready condition.

use super::live_actions::{LiveAction, LivePlan, report};
use super::{Engine, EngineError, EngineEvent};
use crate::cluster::ClusterClient;
use crate::live::patches::{ARGO_REFRESH, FLUX_REQUESTED_AT};
use crate::model::{AppSpec, GroupVersionKind};
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How often the object is read while waiting.
const POLL: Duration = Duration::from_millis(250);

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// What the wait is for.
enum Goal {
    /// An Argo CD operation to finish.
    Operation,
    /// Argo CD to pick a refresh request up (it removes the annotation).
    Refreshed,
    /// Flux to handle the request `token`, then report Ready.
    Handled(String),
    /// Flux to report Ready (after resume).
    Ready,
    /// Nothing to follow: the patch is the whole action.
    Done,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn follow(
    engine: &Engine,
    gvk: &GroupVersionKind,
    namespace: &str,
    name: &str,
    client: &ClusterClient,
    app: &AppSpec,
    action: &LiveAction,
    plan: &LivePlan,
    wait: Duration,
    progress: Option<&broadcast::Sender<EngineEvent>>,
) -> Result<String, EngineError> {
    let _ = engine;
    let argo = gvk.group == "argoproj.io";
    let token = plan
        .patches
        .last()
        .and_then(|p| p.patch.pointer("/metadata/annotations"))
        .and_then(|a| a.get(FLUX_REQUESTED_AT))
        .and_then(Value::as_str)
        .map(str::to_string);
    let goal = match (action, argo) {
        (LiveAction::Sync { .. } | LiveAction::Rollback { .. } | LiveAction::Terminate, true) => {
            Goal::Operation
        }
        (LiveAction::Refresh { .. }, true) => Goal::Refreshed,
        (LiveAction::Sync { .. } | LiveAction::Refresh { .. }, false) => {
            token.map_or(Goal::Done, Goal::Handled)
        }
        (LiveAction::Resume, false) => Goal::Ready,
        _ => Goal::Done,
    };
    let verb = match action {
        LiveAction::Sync { .. } => "synced",
        LiveAction::Refresh { .. } => "refreshed",
        LiveAction::Terminate => "terminated",
        LiveAction::Pause { .. } => "paused",
        LiveAction::Resume => "resumed",
        LiveAction::Rollback { .. } => "rolled back",
    };
    let fail = |message: String| EngineError::Sync {
        app: app.name.clone(),
        message,
    };
    if matches!(goal, Goal::Done) {
        return Ok(format!("{verb} {}", app.reference()));
    }
    let started = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut last_phase = String::new();
    loop {
        let object = client
            .get(gvk, Some(namespace), name)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?
            .ok_or_else(|| fail(format!("{name} was deleted while waiting")))?;
        match &goal {
            Goal::Operation => {
                let phase = text(&object, "/status/operationState/phase");
                if phase != last_phase && !phase.is_empty() {
                    report(progress, app, "operation", phase);
                    last_phase = phase.to_string();
                }
                for result in object
                    .pointer("/status/operationState/syncResult/resources")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let line = format!(
                        "{}/{} {}",
                        text(result, "/kind"),
                        text(result, "/name"),
                        text(result, "/status")
                    );
                    if seen.insert(line.clone()) {
                        let what = match text(result, "/message") {
                            "" => text(result, "/status").to_string(),
                            m => format!("{}: {m}", text(result, "/status")),
                        };
                        report(
                            progress,
                            app,
                            &format!("{}/{}", text(result, "/kind"), text(result, "/name")),
                            &what,
                        );
                    }
                }
                let message = text(&object, "/status/operationState/message");
                match phase {
                    "Succeeded" => {
                        let revision = text(&object, "/status/operationState/syncResult/revision");
                        return Ok(format!(
                            "{verb} {} at {}: {message}",
                            app.reference(),
                            short(revision)
                        ));
                    }
                    "Failed" | "Error" if matches!(action, LiveAction::Terminate) => {
                        return Ok(format!("{verb} {}: {message}", app.reference()));
                    }
                    "Failed" | "Error" => {
                        return Err(fail(format!("the sync operation ended {phase}: {message}")));
                    }
                    _ => {}
                }
            }
            Goal::Refreshed => {
                let pending = object
                    .pointer("/metadata/annotations")
                    .and_then(|a| a.get(ARGO_REFRESH))
                    .is_some();
                if !pending {
                    return Ok(format!("{verb} {}", app.reference()));
                }
            }
            Goal::Handled(_) | Goal::Ready => {
                let handled = match &goal {
                    Goal::Handled(token) => {
                        text(&object, "/status/lastHandledReconcileAt") == token
                    }
                    _ => true,
                };
                let ready = crate::health::condition(&object, "Ready");
                let status = ready.map_or("", |c| text(c, "/status"));
                if handled && status == "True" {
                    return Ok(format!(
                        "{verb} {}: {}",
                        app.reference(),
                        crate::flux::status::ready_message(&object)
                    ));
                }
                if handled && status == "False" {
                    return Err(fail(format!(
                        "reconcile failed: {}",
                        crate::flux::status::ready_message(&object)
                    )));
                }
            }
            Goal::Done => {}
        }
        if started.elapsed() >= wait {
            return Err(fail(format!(
                "no answer from the {} controller within {}s (the request was sent; check that it runs)",
                if argo { "Argo CD" } else { "Flux" },
                wait.as_secs()
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

fn short(revision: &str) -> &str {
    revision.get(..7).unwrap_or(revision)
}
