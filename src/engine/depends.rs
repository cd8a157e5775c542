//! Dependencies between apps (`dependsOn`, DESIGN.md §7), with Flux's
//! semantics: an app syncs only once every app it depends on is Synced
//! and Healthy. A waiting app says what it waits for, in its status
//! message and as sync progress: `waits for app db-prod: Progressing`.
//!
//! A Flux Kustomization's `dependsOn[].readyExpr` replaces that check
//! for its dependency ([`crate::flux::ready_expr`]): the expression reads
//! the dependency (`dep`, with the status tether's reconciliation gives
//! it) and the Kustomization itself (`self`); one that does not compile
//! or yields no bool fails the sync.

use super::{Engine, EngineError, EngineEvent};
use crate::flux::ready_expr::{self, Readiness, Reconciled};
use crate::model::{AppEngine, AppSpec, AppStatus, HealthStatus, SyncStatus};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::Instant;

/// The longest a waiting sync sleeps without a change in the cluster of
/// the dependency (Git changes are not watched).
const RECHECK: Duration = Duration::from_secs(5);

/// Why the dependency `name` (whose status is `status`, None when no app
/// has that name) keeps its dependents waiting; None when it is Synced
/// and Healthy.
pub fn not_ready(name: &str, status: Option<&AppStatus>) -> Option<String> {
    let Some(status) = status else {
        return Some(format!("waits for app {name}: no such app"));
    };
    let mut states = Vec::new();
    if status.sync != SyncStatus::Synced {
        states.push(status.sync.as_str());
    }
    if status.health != HealthStatus::Healthy {
        states.push(status.health.as_str());
    }
    (!states.is_empty()).then(|| format!("waits for app {name}: {}", states.join(", ")))
}

/// Why the dependency `name` (the app `dep`, whose status is `status`)
/// keeps `app` waiting, None when it is ready: by `app`'s `readyExpr` for
/// it when it has one, else [`not_ready`]. The error is a `readyExpr`
/// that yields no bool.
pub fn dependency_check(
    app: &AppSpec,
    name: &str,
    dep: Option<&AppSpec>,
    status: Option<&AppStatus>,
) -> Result<Option<String>, String> {
    let (Some(dep), Some(status)) = (dep, status) else {
        return Ok(not_ready(name, status));
    };
    let Some((this, i, source, dep_origin)) = ready_expr_for(app, dep) else {
        return Ok(not_ready(name, Some(status)));
    };
    let reconciled = match (status.sync, status.health) {
        (SyncStatus::Synced, HealthStatus::Healthy) => Reconciled::Ready,
        (_, HealthStatus::Progressing) => Reconciled::Progressing,
        _ => Reconciled::NotReady,
    };
    let dep_object =
        ready_expr::as_reconciled(dep_origin, reconciled, &status.revision, &status.message);
    let this_object = ready_expr::with_generation(this);
    match ready_expr::readiness(i, source, &this_object, &dep_object) {
        Readiness::Ready => Ok(None),
        Readiness::NotReady => Ok(Some(format!(
            "waits for app {name}: not ready according to its readyExpr"
        ))),
        Readiness::Failed(e) => Ok(Some(format!("waits for app {name}: {e}"))),
        Readiness::Invalid(e) => Err(e),
    }
}

/// `app`'s Kustomization object, and the index and text of its
/// `readyExpr` for the Kustomization `dep` with `dep`'s object.
fn ready_expr_for<'a>(
    app: &'a AppSpec,
    dep: &'a AppSpec,
) -> Option<(&'a serde_json::Value, usize, &'a str, &'a serde_json::Value)> {
    let own = app.origin.as_deref()?;
    let other = dep.origin.as_deref()?;
    if own.engine != AppEngine::Flux || own.kind != "Kustomization" || other.kind != own.kind {
        return None;
    }
    let (i, source) =
        ready_expr::ready_expr_of(&own.object, &own.namespace, &other.namespace, &other.name)?;
    Some((&own.object, i, source, &other.object))
}

/// [`dependency_check`] for display: an invalid `readyExpr` is a reason
/// to wait too.
fn waits(
    app: &AppSpec,
    name: &str,
    dep: Option<&AppSpec>,
    status: Option<&AppStatus>,
) -> Option<String> {
    dependency_check(app, name, dep, status)
        .unwrap_or_else(|e| Some(format!("waits for app {name}: {e}")))
}

fn row<'a>(rows: &'a [AppStatus], name: &str) -> Option<&'a AppStatus> {
    rows.iter().find(|s| s.key() == name || s.name == name)
}

fn spec<'a>(apps: &'a [AppSpec], name: &str) -> Option<&'a AppSpec> {
    apps.iter()
        .find(|a| a.reference() == name)
        .or_else(|| apps.iter().find(|a| a.name == name))
}

/// The first dependency of `app` (among `apps`) that is not ready among
/// `rows`, in words.
pub fn waiting_for(app: &AppSpec, apps: &[AppSpec], rows: &[AppStatus]) -> Option<String> {
    app.depends_on
        .iter()
        .find_map(|dep| waits(app, dep, spec(apps, dep), row(rows, dep)))
}

/// Puts what the app waits for in front of its status message.
fn mark(status: &mut AppStatus, wait: String) {
    status.message = if status.message.is_empty() {
        wait
    } else {
        format!("{wait}; {}", status.message)
    };
}

/// Marks every row of `apps` whose dependencies (among `rows`) are not ready.
pub(super) fn mark_all_waiting(apps: &[AppSpec], rows: &mut [AppStatus]) {
    let waits: Vec<(usize, String)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, status)| {
            let app = apps
                .iter()
                .find(|a| !a.depends_on.is_empty() && a.reference() == status.key())?;
            Some((i, waiting_for(app, apps, rows)?))
        })
        .collect();
    for (i, wait) in waits {
        mark(&mut rows[i], wait);
    }
}

impl Engine {
    /// What `app` waits for now, from fresh statuses of its dependencies;
    /// None when it may sync.
    pub async fn dependency_wait(&self, app: &AppSpec) -> Option<String> {
        self.check_dependencies(app)
            .await
            .unwrap_or_else(|(name, e)| Some(format!("waits for app {name}: {e}")))
    }

    /// [`Self::dependency_wait`]; the error is an invalid `readyExpr`
    /// with the dependency it is for.
    async fn check_dependencies(&self, app: &AppSpec) -> Result<Option<String>, (String, String)> {
        for dep in &app.depends_on {
            let spec = self.app(dep).ok();
            let status = match &spec {
                Some(spec) => Some(self.own_status(spec, &None).await),
                None => None,
            };
            let wait = dependency_check(app, dep, spec.as_deref(), status.as_ref())
                .map_err(|e| (dep.clone(), e))?;
            if wait.is_some() {
                return Ok(wait);
            }
        }
        Ok(None)
    }

    pub(super) async fn mark_waiting(&self, app: &AppSpec, status: &mut AppStatus) {
        if let Some(wait) = self.dependency_wait(app).await {
            mark(status, wait);
        }
    }

    /// Waits until every dependency of `app` is Synced and Healthy, each
    /// new reason reported on `progress`; woken by changes in the
    /// dependency's cluster. Fails, naming the dependency, after
    /// [`super::EngineOptions::dependency_timeout`].
    pub(super) async fn wait_for_dependencies(
        &self,
        app: &AppSpec,
        progress: Option<&broadcast::Sender<EngineEvent>>,
    ) -> Result<(), EngineError> {
        if app.depends_on.is_empty() {
            return Ok(());
        }
        let timeout = self.options.dependency_timeout;
        let deadline = Instant::now() + timeout;
        let mut last: Option<String> = None;
        let reporter = super::sync_progress::SyncReporter::since(
            &app.name,
            progress,
            std::time::Instant::now(),
        );
        loop {
            let wait =
                self.check_dependencies(app)
                    .await
                    .map_err(|(dep, e)| EngineError::Sync {
                        app: app.name.clone(),
                        message: format!("dependsOn {dep}: {e}; nothing was applied"),
                    })?;
            let Some(wait) = wait else {
                return Ok(());
            };
            if last.as_ref() != Some(&wait) {
                reporter.send(super::SyncStep::Blocked {
                    waits: wait.clone(),
                });
                last = Some(wait.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(EngineError::Sync {
                    app: app.name.clone(),
                    message: format!("still {wait} after {timeout:?}; nothing was applied"),
                });
            }
            let until = deadline.min(now + RECHECK);
            match self.dependency_changes(app).await {
                Some(mut changes) => {
                    let _ = tokio::time::timeout_at(until, changes.changed()).await;
                }
                None => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Change notices of the cluster of `app`'s first dependency.
    async fn dependency_changes(&self, app: &AppSpec) -> Option<tokio::sync::watch::Receiver<u64>> {
        let dep = self.app(app.depends_on.first()?).ok()?;
        let client = self
            .clusters
            .client(dep.destination.context.as_deref())
            .await
            .ok()?;
        Some(client.subscribe_changes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(name: &str, sync: SyncStatus, health: HealthStatus) -> AppStatus {
        AppStatus {
            name: name.to_string(),
            sync,
            health,
            ..AppStatus::default()
        }
    }

    #[test]
    fn a_dependency_is_ready_when_synced_and_healthy() {
        use HealthStatus::{Healthy, Missing, Progressing};
        use SyncStatus::{OutOfSync, Synced};
        assert_eq!(not_ready("db", Some(&status("db", Synced, Healthy))), None);
        assert_eq!(
            not_ready("db", Some(&status("db", Synced, Progressing))).as_deref(),
            Some("waits for app db: Progressing")
        );
        assert_eq!(
            not_ready("db", Some(&status("db", OutOfSync, Missing))).as_deref(),
            Some("waits for app db: OutOfSync, Missing")
        );
        assert_eq!(
            not_ready("db", None).as_deref(),
            Some("waits for app db: no such app")
        );
    }
}
