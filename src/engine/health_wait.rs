//! Waiting during a sync until objects are healthy: between steps (each
//! wave before the next), before PostSync hooks, and for the health
//! checks of a Flux Kustomization ([`super::flux_gate`]). Woken by the
//! live cache rather than by polling the API server; says which objects
//! it waits for, and why, at once and every [`WAIT_REPORT_EVERY`].

use super::EngineError;
use super::order::Step;
use super::sync_progress::{
    PendingHealth, SyncReporter, SyncStep, WAIT_REPORT_EVERY, WAITING_NAMED,
};
use crate::cluster::{ClusterClient, ClusterError, gvk_of};
use crate::flux::health_exprs::HealthExprs;
use crate::health::{self, Health};
use crate::model::{AppSpec, HealthStatus, ResourceKey};
use std::time::Duration;

/// Why a wait ended without every object healthy.
pub(crate) enum WaitFailure {
    /// The time ran out: every object still not healthy, in order.
    Timeout(Vec<(ResourceKey, Health)>),
    /// A `failed` health-check expression holds for these objects (the
    /// Flux controller's fail-fast wait).
    Failed(Vec<(ResourceKey, Health)>),
    /// The cluster could not be read.
    Engine(EngineError),
}

/// What a sync waits on: a step's objects, or (`before` a hook phase)
/// every object of the app.
#[derive(Clone, Copy)]
pub(crate) struct Wait<'a> {
    pub step: &'a Step,
    pub before: Option<&'static str>,
    /// A Flux Kustomization's `healthCheckExprs`, which judge the objects
    /// of the kinds they cover.
    pub judge: Option<&'a HealthExprs>,
}

/// Waits until every object of `wait` is healthy (or suspended); the
/// error names the first that is not after `timeout`.
pub(crate) async fn wait_healthy(
    app: &AppSpec,
    client: &ClusterClient,
    wait: Wait<'_>,
    timeout: Duration,
    reporter: &SyncReporter<'_>,
) -> Result<(), EngineError> {
    let label = super::sync_progress::wait_label(wait.step.wave, wait.before);
    match wait_until_healthy(app, client, wait, timeout, reporter).await {
        Ok(()) => Ok(()),
        Err(WaitFailure::Engine(e)) => Err(e),
        Err(WaitFailure::Timeout(pending) | WaitFailure::Failed(pending)) => {
            let Some((key, verdict)) = pending.first() else {
                return Ok(());
            };
            Err(EngineError::Sync {
                app: app.name.clone(),
                message: format!(
                    "{label}: {key} is not healthy after {}s ({}: {}); {}",
                    timeout.as_secs(),
                    verdict.status,
                    verdict.message,
                    if wait.before.is_some() {
                        "its hooks did not run"
                    } else {
                        "later waves were not applied"
                    }
                ),
            })
        }
    }
}

/// Waits until every object of `step` is healthy (or suspended), or
/// `timeout` runs out.
pub(crate) async fn wait_until_healthy(
    app: &AppSpec,
    client: &ClusterClient,
    wait: Wait<'_>,
    timeout: Duration,
    reporter: &SyncReporter<'_>,
) -> Result<(), WaitFailure> {
    let step = wait.step;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut next_report = tokio::time::Instant::now();
    let mut changes = client.subscribe_changes();
    loop {
        let now = tokio::time::Instant::now();
        let report = now >= next_report || now >= deadline;
        // Every unhealthy object only when they are to be named.
        let (pending, failed) = unhealthy(app, client, wait, report)
            .await
            .map_err(WaitFailure::Engine)?;
        if !failed.is_empty() {
            return Err(WaitFailure::Failed(failed));
        }
        if pending.is_empty() {
            return Ok(());
        }
        if now >= deadline {
            return Err(WaitFailure::Timeout(pending));
        }
        if report {
            reporter.send(SyncStep::Waiting {
                wave: step.wave,
                before: wait.before.map(str::to_string),
                waiting_for: pending.len(),
                pending: pending
                    .iter()
                    .take(WAITING_NAMED)
                    .map(|(k, h)| PendingHealth::new(k, h))
                    .collect(),
            });
            next_report = now + WAIT_REPORT_EVERY;
        }
        let wake = deadline.min(next_report);
        tokio::select! {
            changed = changes.changed() => {
                // The cache is gone (the client shut down): look again at
                // the next report or the deadline, whichever is first.
                if changed.is_err() {
                    tokio::time::sleep_until(wake).await;
                }
            }
            () = tokio::time::sleep_until(wake) => {}
        }
    }
}

/// The live health of the object `object` names (apiVersion, kind,
/// metadata): Missing when absent or of a kind the cluster does not serve;
/// judged by `judge` when it covers the kind.
pub(crate) async fn live_health(
    app: &AppSpec,
    client: &ClusterClient,
    object: &serde_json::Value,
    key: &ResourceKey,
    judge: Option<&HealthExprs>,
) -> Result<Health, EngineError> {
    Ok(judged_health(app, client, object, key, judge).await?.0)
}

/// [`live_health`], and whether a `failed` expression holds.
async fn judged_health(
    app: &AppSpec,
    client: &ClusterClient,
    object: &serde_json::Value,
    key: &ResourceKey,
    judge: Option<&HealthExprs>,
) -> Result<(Health, bool), EngineError> {
    let gvk = gvk_of(object).unwrap_or_default();
    match client
        .cached_get(&gvk, key.namespace.as_deref(), &key.name)
        .await
    {
        Ok(Some(live)) => match judge.and_then(|j| super::flux_gate::judge(app, j, &live)) {
            Some(judged) => judged.map(|j| (j.health, j.failed)),
            None => Ok((health::assess(&live), false)),
        },
        Ok(None) => Ok((Health::new(HealthStatus::Missing, "not found"), false)),
        Err(ClusterError::UnknownKind { .. }) => Ok((
            Health::new(
                HealthStatus::Missing,
                format!("the cluster does not serve {}", gvk.api_version()),
            ),
            false,
        )),
        Err(e) => Err(EngineError::cluster(&app.name, e)),
    }
}

/// Objects awaited and their health.
type Pending = Vec<(ResourceKey, Health)>;

/// The objects of the wait's step that are neither healthy nor suspended,
/// in apply order, with their health (only the first unless `all`); and
/// those a `failed` expression judges failed (all of them).
async fn unhealthy(
    app: &AppSpec,
    client: &ClusterClient,
    wait: Wait<'_>,
    all: bool,
) -> Result<(Pending, Pending), EngineError> {
    let mut pending = Vec::new();
    let mut failed = Vec::new();
    for object in &wait.step.objects {
        let Some(key) = ResourceKey::from_object(object) else {
            continue;
        };
        let (verdict, has_failed) = judged_health(app, client, object, &key, wait.judge).await?;
        if has_failed {
            failed.push((key, verdict));
            continue;
        }
        if !matches!(
            verdict.status,
            HealthStatus::Healthy | HealthStatus::Suspended
        ) && (all || pending.is_empty())
        {
            pending.push((key, verdict));
            // Without expressions no later object can fail fast.
            if !all && wait.judge.is_none() {
                break;
            }
        }
    }
    Ok((pending, failed))
}
