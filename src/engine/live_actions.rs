//! Actions on live Argo CD and Flux apps (DESIGN.md §6): each is one or two
//! merge patches on the app's object, read fresh first, checked, described
//! in words before they are sent, and then followed until the controller
//! answers (or a deadline passes).

use super::{Engine, EngineError, EngineEvent};
use crate::cluster::ClusterClient;
use crate::live::patches::{self, ArgoSync};
use crate::live::{LiveKind, SOURCE_KINDS};
use crate::model::{AppEngine, AppOrigin, AppOriginKind, AppSpec, GroupVersionKind, ResourceKey};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// What to do to a live app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveAction {
    /// Argo CD: start a sync operation; Flux: request a reconcile.
    Sync {
        prune: bool,
        /// Argo CD: sync this revision (refused on automated apps unless it
        /// is the target revision).
        revision: Option<String>,
        /// Argo CD: only these resources.
        resources: Vec<ResourceKey>,
        /// Flux: reconcile the source first.
        with_source: bool,
        /// Flux HelmRelease: a one-off upgrade even without changes.
        force: bool,
    },
    /// Argo CD: refresh (hard: drop the manifest cache); Flux: reconcile.
    Refresh { hard: bool, with_source: bool },
    /// Argo CD: terminate the running operation.
    Terminate,
    /// Argo CD: automated sync off (kept); Flux: suspend.
    Pause { reason: String },
    /// Undo a pause.
    Resume,
    /// Argo CD: sync history entry `id` after pausing; Flux has none.
    Rollback { id: i64, prune: bool },
}

impl LiveAction {
    fn verb(&self) -> &'static str {
        match self {
            LiveAction::Sync { .. } => "sync",
            LiveAction::Refresh { .. } => "refresh",
            LiveAction::Terminate => "terminate",
            LiveAction::Pause { .. } => "pause",
            LiveAction::Resume => "resume",
            LiveAction::Rollback { .. } => "rollback",
        }
    }
}

/// One patch of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPatch {
    /// `Application/argocd/web`.
    pub target: String,
    pub patch: Value,
    /// The patch in words.
    pub words: String,
}

/// What an action will send, shown before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LivePlan {
    /// The app's ref.
    pub app: String,
    pub patches: Vec<PlannedPatch>,
    /// Things to know first (an ApplicationSet that may revert the edit).
    pub warnings: Vec<String>,
}

impl LivePlan {
    /// The plan in words, one patch after the other.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for warning in &self.warnings {
            out.push_str(&format!("warning: {warning}\n"));
        }
        for p in &self.patches {
            out.push_str(&format!("patch {}:\n", p.target));
            for line in p.words.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

/// How long a live action waits for the controller by default.
pub const LIVE_WAIT: Duration = Duration::from_secs(300);

/// The live object an app stands for: its context, kind and key.
pub(super) struct Live<'a> {
    pub(super) app: &'a AppSpec,
    pub(super) origin: &'a AppOrigin,
    pub(super) context: String,
    pub(super) kind: LiveKind,
}

impl Live<'_> {
    fn gvk(&self) -> GroupVersionKind {
        self.kind.gvk()
    }

    fn target(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.kind, self.origin.namespace, self.origin.name
        )
    }
}

pub(super) fn fail(app: &AppSpec, message: impl Into<String>) -> EngineError {
    EngineError::Sync {
        app: app.name.clone(),
        message: message.into(),
    }
}

impl Engine {
    /// Whether `name` is a live app (origin `cluster`).
    pub fn is_live(&self, name: &str) -> bool {
        self.app(name).is_ok_and(|a| {
            a.origin
                .as_ref()
                .is_some_and(|o| o.origin == AppOriginKind::Cluster)
        })
    }

    pub(super) fn live_of<'a>(&self, app: &'a AppSpec) -> Result<Live<'a>, EngineError> {
        let origin = app
            .origin
            .as_deref()
            .filter(|o| o.origin == AppOriginKind::Cluster)
            .ok_or_else(|| fail(app, "it is not a live Argo CD or Flux app"))?;
        let kind = crate::live::kind_of(&origin.object)
            .ok_or_else(|| fail(app, "its object is of no known kind"))?;
        Ok(Live {
            app,
            origin,
            context: origin.home_context.clone().unwrap_or_default(),
            kind,
        })
    }

    pub(super) async fn live_client(
        &self,
        live: &Live<'_>,
    ) -> Result<Arc<ClusterClient>, EngineError> {
        let client = self
            .clusters
            .client(Some(&live.context))
            .await
            .map_err(|e| EngineError::cluster(&live.app.name, e))?;
        client
            .ping()
            .await
            .map_err(|e| EngineError::cluster(&live.app.name, e))?;
        Ok(client)
    }

    pub(super) async fn fetch(
        &self,
        live: &Live<'_>,
        client: &ClusterClient,
    ) -> Result<Value, EngineError> {
        client
            .get(&live.gvk(), Some(&live.origin.namespace), &live.origin.name)
            .await
            .map_err(|e| EngineError::cluster(&live.app.name, e))?
            .ok_or_else(|| fail(live.app, format!("{} no longer exists", live.target())))
    }

    /// What `action` on the live app `name` would send, from its current
    /// object; sends nothing. Refusals (an operation running, a suspended
    /// object, Flux rollback…) are errors here already.
    pub async fn live_plan(
        &self,
        name: &str,
        action: &LiveAction,
    ) -> Result<LivePlan, EngineError> {
        let app = self.app(name)?;
        let live = self.live_of(&app)?;
        let client = self.live_client(&live).await?;
        let object = self.fetch(&live, &client).await?;
        self.plan_for(&live, &object, action, &client).await
    }

    async fn plan_for(
        &self,
        live: &Live<'_>,
        object: &Value,
        action: &LiveAction,
        client: &ClusterClient,
    ) -> Result<LivePlan, EngineError> {
        let app = live.app;
        let refuse = |e: String| fail(app, format!("cannot {}: {e}", action.verb()));
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        let by = super::whoami();
        let user = format!("tether:{}", by.split('@').next().unwrap_or(&by));
        let mut plan = LivePlan {
            app: app.reference(),
            ..LivePlan::default()
        };
        let mut push = |target: String, patch: Value| {
            plan.patches.push(PlannedPatch {
                words: patches::describe(&patch),
                target,
                patch,
            });
        };
        let argo = live.kind.engine == AppEngine::Argocd;
        match (action, argo) {
            (
                LiveAction::Sync {
                    prune,
                    revision,
                    resources,
                    ..
                },
                true,
            ) => {
                let request = ArgoSync {
                    user,
                    revision: revision.clone(),
                    prune: *prune,
                    resources: resources.clone(),
                };
                push(
                    live.target(),
                    patches::argo_sync(object, &request).map_err(refuse)?,
                );
            }
            (
                LiveAction::Sync {
                    with_source, force, ..
                },
                false,
            )
            | (
                LiveAction::Refresh {
                    with_source,
                    hard: force,
                },
                false,
            ) => {
                if *with_source {
                    let (target, source) = self.flux_source(live, object, client).await?;
                    push(
                        target,
                        patches::flux_reconcile(&source, &now, false).map_err(refuse)?,
                    );
                }
                let force = *force && live.kind.kind == "HelmRelease";
                push(
                    live.target(),
                    patches::flux_reconcile(object, &now, force).map_err(refuse)?,
                );
            }
            (LiveAction::Refresh { hard, .. }, true) => {
                push(live.target(), patches::argo_refresh(*hard, &now));
            }
            (LiveAction::Terminate, true) => {
                push(
                    live.target(),
                    patches::argo_terminate(object).map_err(refuse)?,
                );
            }
            (LiveAction::Terminate, false) => {
                return Err(refuse("Flux has no operations to terminate".into()));
            }
            (LiveAction::Pause { reason }, true) => {
                if let Some(appset) = patches::owning_appset(object) {
                    plan.warnings.push(format!(
                        "ApplicationSet {appset} owns this app: its controller reverts the edit unless its ignoreApplicationDifferences covers /spec/syncPolicy"
                    ));
                }
                push(
                    live.target(),
                    patches::argo_pause(object, &by, &now, reason).map_err(refuse)?,
                );
            }
            (LiveAction::Pause { reason }, false) => {
                push(
                    live.target(),
                    patches::flux_suspend(object, &by, &now, reason).map_err(refuse)?,
                );
            }
            (LiveAction::Resume, true) => {
                push(live.target(), patches::argo_resume(object).map_err(refuse)?);
            }
            (LiveAction::Resume, false) => {
                push(live.target(), patches::flux_resume(object).map_err(refuse)?);
            }
            (LiveAction::Rollback { id, prune }, true) => {
                if crate::argocd::is_automated(object) {
                    push(
                        live.target(),
                        patches::argo_pause(
                            object,
                            &by,
                            &now,
                            &format!("rollback to history {id}"),
                        )
                        .map_err(refuse)?,
                    );
                    // The sync is built on the object as the pause leaves it.
                    let mut paused = object.clone();
                    if let Some(policy) = paused.pointer_mut("/spec/syncPolicy") {
                        policy["automated"] = Value::Null;
                    }
                    push(
                        live.target(),
                        patches::argo_rollback(&paused, *id, &user, *prune).map_err(refuse)?,
                    );
                } else {
                    push(
                        live.target(),
                        patches::argo_rollback(object, *id, &user, *prune).map_err(refuse)?,
                    );
                }
            }
            (LiveAction::Rollback { .. }, false) => {
                return Err(refuse(
                    "Flux has no rollback; revert the commit in Git instead (`tether revert`), or let HelmRelease remediation roll back".into(),
                ));
            }
        }
        Ok(plan)
    }

    /// The source object a Flux app reads (read live), with its target name.
    async fn flux_source(
        &self,
        live: &Live<'_>,
        object: &Value,
        client: &ClusterClient,
    ) -> Result<(String, Value), EngineError> {
        let app = live.app;
        let reference = crate::flux::status::source_ref(object)
            .ok_or_else(|| fail(app, "it names no source"))?;
        let kind = SOURCE_KINDS
            .iter()
            .find(|k| k.kind == reference.kind)
            .ok_or_else(|| {
                fail(
                    app,
                    format!("its source kind {} is not known", reference.kind),
                )
            })?;
        let source = client
            .get(&kind.gvk(), Some(&reference.namespace), &reference.name)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?
            .ok_or_else(|| {
                fail(
                    app,
                    format!(
                        "its source {}/{}/{} does not exist",
                        reference.kind, reference.namespace, reference.name
                    ),
                )
            })?;
        Ok((
            format!(
                "{}/{}/{}",
                reference.kind, reference.namespace, reference.name
            ),
            source,
        ))
    }

    /// Runs `action` on the live app `name`: sends the plan's patches (each
    /// at the resourceVersion read, so a concurrent change fails with a
    /// conflict and nothing is changed), then follows the controller until
    /// it answers or `wait` passes (None: do not wait). Progress goes to
    /// `progress`. Returns what happened, in words.
    pub async fn live_run(
        &self,
        name: &str,
        action: &LiveAction,
        wait: Option<Duration>,
        progress: Option<&broadcast::Sender<EngineEvent>>,
    ) -> Result<String, EngineError> {
        let app = self.app(name)?;
        let live = self.live_of(&app)?;
        let client = self.live_client(&live).await?;
        let object = self.fetch(&live, &client).await?;
        let plan = self.plan_for(&live, &object, action, &client).await?;
        let mut last = object;
        for (i, step) in plan.patches.iter().enumerate() {
            let (gvk, namespace, name) = self.patch_target(&live, &step.target);
            let mut patch = step.patch.clone();
            if i > 0 && step.target == live.target() {
                // A second patch of the same object: at its new version.
                if let Some(rv) = last.pointer("/metadata/resourceVersion").cloned() {
                    patch["metadata"]["resourceVersion"] = rv;
                }
            }
            let patched = client
                .merge_patch(&gvk, Some(&namespace), &name, &patch, None)
                .await
                .map_err(|e| {
                    fail(
                        &app,
                        format!(
                            "cannot {} {}: {}",
                            action.verb(),
                            step.target,
                            describe_error(&e)
                        ),
                    )
                })?;
            report(progress, &app, &step.target, "patched");
            if step.target == live.target() {
                last = patched;
            }
        }
        let Some(wait) = wait else {
            return Ok(format!("{} {}: sent", action.verb(), app.reference()));
        };
        super::live_wait::follow(
            self,
            &live.gvk(),
            &live.origin.namespace,
            &live.origin.name,
            &client,
            &app,
            action,
            &plan,
            wait,
            progress,
        )
        .await
    }

    fn patch_target(&self, live: &Live<'_>, target: &str) -> (GroupVersionKind, String, String) {
        let mut parts = target.splitn(3, '/');
        let kind = parts.next().unwrap_or_default();
        let namespace = parts.next().unwrap_or_default().to_string();
        let name = parts.next().unwrap_or_default().to_string();
        let gvk = SOURCE_KINDS
            .iter()
            .find(|k| k.kind == kind)
            .map_or_else(|| live.gvk(), LiveKind::gvk);
        (gvk, namespace, name)
    }
}

/// A failed patch in words: a conflict says what it means.
fn describe_error(e: &crate::cluster::ClusterError) -> String {
    match e {
        crate::cluster::ClusterError::Api { code: 409, .. } => {
            "the object changed since it was read (conflict); nothing was changed — try again"
                .to_string()
        }
        other => other.to_string(),
    }
}

pub(super) fn report(
    progress: Option<&broadcast::Sender<EngineEvent>>,
    app: &AppSpec,
    resource: &str,
    action: &str,
) {
    if let Some(tx) = progress {
        let _ = tx.send(EngineEvent::SyncProgress {
            app: app.reference(),
            resource: resource.to_string(),
            action: action.to_string(),
        });
    }
}
