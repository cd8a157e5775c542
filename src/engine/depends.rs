//! Dependencies between apps (`dependsOn`, DESIGN.md §7), with Flux's
//! semantics: an app syncs only once every app it depends on is Synced
//! and Healthy. A waiting app says what it waits for, in its status
//! message and as sync progress: `waits for app db-prod: Progressing`.

use super::{Engine, EngineError, EngineEvent};
use crate::model::{AppSpec, AppStatus, HealthStatus, SyncStatus};
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

fn row<'a>(rows: &'a [AppStatus], name: &str) -> Option<&'a AppStatus> {
    rows.iter().find(|s| s.key() == name || s.name == name)
}

/// The first dependency of `app` that is not ready among `rows`, in words.
pub fn waiting_for(app: &AppSpec, rows: &[AppStatus]) -> Option<String> {
    app.depends_on
        .iter()
        .find_map(|dep| not_ready(dep, row(rows, dep)))
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
            Some((i, waiting_for(app, rows)?))
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
        for dep in &app.depends_on {
            let status = match self.app(dep) {
                Ok(spec) => Some(self.own_status(&spec, &None).await),
                Err(_) => None,
            };
            if let Some(wait) = not_ready(dep, status.as_ref()) {
                return Some(wait);
            }
        }
        None
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
            let Some(wait) = self.dependency_wait(app).await else {
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
