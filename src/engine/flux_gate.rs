//! kustomize-controller's semantics for a Flux Kustomization imported
//! from Git, in tether's engine:
//!
//! - objects the controller skips ([`crate::flux::policy::skip_reason`]:
//!   `reconcile: disabled`, `ssa: Ignore`, `ssa: IfNotPresent` when it
//!   exists) are not applied, count as Synced, show no diff, stay in the
//!   inventory (so a prune keeps them) and are not health-checked;
//! - health is the controller's Ready: with `wait: true` the health of
//!   every applied object, with `healthChecks` the health of the objects
//!   listed, else Healthy once applied ([`crate::flux::gate`]);
//! - objects of a kind `spec.healthCheckExprs` covers are judged by its
//!   CEL expressions ([`crate::flux::health_exprs`]), in the resource
//!   health shown and in the wait; invalid expressions fail a sync before
//!   anything is applied;
//! - how objects are applied (`ssa: Override` / `Merge`, `force`):
//!   [`super::flux_apply`];
//! - a sync waits, after applying and pruning, until those objects are
//!   healthy, for the Kustomization's timeout, and fails as the controller
//!   does (`health check failed after …: timeout waiting for: […]`, or at
//!   once when a `failed` expression holds: `failed early due to stalled
//!   resources: […]`).

use super::EngineError;
use super::health_wait::{Wait, WaitFailure, live_health, wait_until_healthy};
use super::order::Step;
use super::sync::ResourceResult;
use super::sync_progress::SyncReporter;
use crate::cluster::ClusterClient;
use crate::flux::gate::{Checks, HealthGate, health_gate};
use crate::flux::health_exprs::{HealthExprs, Judgement};
use crate::health::{self, Health};
use crate::model::{
    AppEngine, AppOriginKind, AppSpec, AppStatus, HealthStatus, ResourceKey, ResourceStatus,
    SyncStatus,
};
use serde_json::Value;
use std::time::Instant;

/// The action of an object a sync did not apply.
pub const SKIPPED: &str = "skipped";

/// The start of the message of a resource the controller skips.
const SKIPPED_MESSAGE: &str = "not applied:";

/// The Kustomization object of `app`, when it is a Flux Kustomization
/// imported from Git.
pub(super) fn kustomization(app: &AppSpec) -> Option<&Value> {
    let origin = app.origin.as_deref()?;
    (origin.engine == AppEngine::Flux
        && origin.origin == AppOriginKind::Git
        && origin.kind == "Kustomization")
        .then_some(&origin.object)
}

/// Why the controller of `app` would not apply `desired` (see the module
/// documentation); None for every other app.
pub(crate) fn skip_reason(app: &AppSpec, desired: &Value, live: Option<&Value>) -> Option<String> {
    kustomization(app)?;
    crate::flux::policy::skip_reason(desired, live)
}

/// The health gate of `app`, None for every app but a Flux Kustomization.
pub(crate) fn gate(app: &AppSpec) -> Option<Result<HealthGate, EngineError>> {
    let object = kustomization(app)?;
    Some(health_gate(object).map_err(|message| invalid(app, message)))
}

/// An error of `app`'s Kustomization object, naming it.
fn invalid(app: &AppSpec, message: String) -> EngineError {
    let named = app
        .origin
        .as_deref()
        .map(|o| format!("Kustomization {}/{}: ", o.namespace, o.name))
        .unwrap_or_default();
    EngineError::Sync {
        app: app.name.clone(),
        message: format!("{named}{message}"),
    }
}

/// Before a sync applies anything: the Kustomization's health gate and
/// `dependsOn[].readyExpr` expressions are valid (the controller stops
/// with `InvalidCELExpression` before applying).
pub(crate) fn check_before_sync(app: &AppSpec) -> Result<(), EngineError> {
    let Some(object) = kustomization(app) else {
        return Ok(());
    };
    health_gate(object).map_err(|message| invalid(app, message))?;
    crate::flux::ready_expr::check_all(object).map_err(|message| invalid(app, message))
}

/// The health of `live` as the Kustomization's `healthCheckExprs` judge
/// it; None when no entry covers its kind (the built-in rules judge it).
/// The error is an expression that yields no bool, naming the
/// Kustomization.
pub(crate) fn judge(
    app: &AppSpec,
    exprs: &HealthExprs,
    live: &Value,
) -> Option<Result<Judgement, EngineError>> {
    Some(exprs.judge(live)?.map_err(|message| invalid(app, message)))
}

/// The result of an object a sync skipped.
pub(crate) fn skipped_result(key: ResourceKey, wave: Option<i64>) -> ResourceResult {
    ResourceResult {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        wave,
        action: SKIPPED.to_string(),
        takeovers: Vec::new(),
    }
}

/// Marks `status` (of `desired`) Synced when the controller skips it;
/// else judges its health by the Kustomization's `healthCheckExprs` when
/// they cover its kind and the Kustomization checks health.
pub(crate) async fn mark_skipped(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &Value,
    status: &mut ResourceStatus,
) {
    if kustomization(app).is_none() {
        return;
    }
    let gvk = crate::cluster::gvk_of(desired).unwrap_or_default();
    let live = client
        .cached_get(
            &gvk,
            Some(&status.namespace)
                .filter(|n| !n.is_empty())
                .map(String::as_str),
            &status.name,
        )
        .await
        .ok()
        .flatten();
    if let Some(reason) = crate::flux::policy::skip_reason(desired, live.as_deref()) {
        status.sync = SyncStatus::Synced;
        status.message = format!("{SKIPPED_MESSAGE} {reason}");
        return;
    }
    let (Some(live), Some(Ok(gate))) = (live, gate(app)) else {
        return;
    };
    // Without `wait` or `healthChecks` the controller checks no health:
    // its expressions judge nothing.
    if gate.checks == Checks::None {
        return;
    }
    let verdict = match judge(app, &gate.exprs, &live) {
        None => return,
        Some(Ok(judged)) => judged.health,
        Some(Err(e)) => Health::new(HealthStatus::Unknown, e.to_string()),
    };
    status.health = verdict.status;
    if status.sync == SyncStatus::Synced {
        status.message = verdict.message;
    }
}

/// Sets the health of a Flux Kustomization's `status` as the controller's
/// Ready says it (see the module documentation); `desired` are its
/// prepared objects, in the order of `status.resources`' first entries.
pub(crate) async fn roll_up(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &[Value],
    status: &mut AppStatus,
) {
    let Some(gate) = gate(app) else {
        return;
    };
    let verdict = match gate {
        Ok(gate) => gate_health(app, client, &gate, desired, &status.resources).await,
        Err(e) => Health::new(HealthStatus::Unknown, e.to_string()),
    };
    status.health = verdict.status;
    let out_of_sync = status
        .resources
        .iter()
        .find(|r| r.sync != SyncStatus::Synced)
        .map(|r| format!("{}/{}: {}", r.kind, r.name, r.message));
    if let Some(message) = out_of_sync {
        status.message = message;
    } else if verdict.status != HealthStatus::Healthy {
        status.message = verdict.message;
    } else {
        status.message.clear();
    }
}

/// The health the gate reads now.
async fn gate_health(
    app: &AppSpec,
    client: &ClusterClient,
    gate: &HealthGate,
    desired: &[Value],
    resources: &[ResourceStatus],
) -> Health {
    let mut checked: Vec<(String, Health)> = Vec::new();
    match &gate.checks {
        Checks::Applied => {
            for (object, resource) in desired.iter().zip(resources) {
                if gate.is_self(object) || resource.message.starts_with(SKIPPED_MESSAGE) {
                    continue;
                }
                let name = ResourceKey::from_object(object).map(|k| k.to_string());
                let verdict = Health::new(resource.health, resource.message.clone());
                checked.push((name.unwrap_or_default(), verdict));
            }
        }
        Checks::Listed(refs) => {
            for reference in refs {
                let object = reference.as_object();
                if gate.is_self(&object) {
                    continue;
                }
                let Some(key) = ResourceKey::from_object(&object) else {
                    continue;
                };
                let verdict = live_health(app, client, &object, &key, Some(&gate.exprs))
                    .await
                    .unwrap_or_else(|e| Health::new(HealthStatus::Unknown, e.to_string()));
                checked.push((key.to_string(), verdict));
            }
        }
        Checks::None => {
            // Ready once applied: only an object that is not there (or
            // cannot be read) says otherwise.
            for (object, resource) in desired.iter().zip(resources) {
                if matches!(
                    resource.health,
                    HealthStatus::Missing | HealthStatus::Unknown
                ) && !resource.message.starts_with(SKIPPED_MESSAGE)
                {
                    let name = ResourceKey::from_object(object).map(|k| k.to_string());
                    let verdict = Health::new(resource.health, resource.message.clone());
                    checked.push((name.unwrap_or_default(), verdict));
                }
            }
        }
    }
    let worst = health::worst(
        checked
            .iter()
            .map(|(_, h)| h.status)
            .filter(|s| *s != HealthStatus::Suspended),
    );
    let message = checked
        .iter()
        .find(|(_, h)| h.status == worst && worst != HealthStatus::Healthy)
        .map(|(name, h)| format!("health check: {name} {}: {}", h.status, h.message))
        .unwrap_or_default();
    Health::new(worst, message)
}

/// After a sync applied and pruned: waits, as the controller does, until
/// the gate's objects are healthy (the ones the sync skipped excepted),
/// for the gate's timeout.
pub(crate) async fn wait_for_gate(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &[Value],
    results: &[ResourceResult],
    reporter: &SyncReporter<'_>,
) -> Result<(), EngineError> {
    let Some(gate) = gate(app) else {
        return Ok(());
    };
    let gate = gate?;
    let skipped = |object: &Value| {
        ResourceKey::from_object(object).is_some_and(|key| {
            results.iter().any(|r| {
                r.action == SKIPPED
                    && r.kind == key.kind
                    && r.group == key.group
                    && r.name == key.name
                    && r.namespace == key.namespace.as_deref().unwrap_or_default()
            })
        })
    };
    let objects: Vec<Value> = match &gate.checks {
        Checks::None => return Ok(()),
        Checks::Applied => desired
            .iter()
            .filter(|o| !gate.is_self(o) && !skipped(o))
            .cloned()
            .collect(),
        Checks::Listed(refs) => refs
            .iter()
            .map(|r| r.as_object())
            .filter(|o| !gate.is_self(o))
            .collect(),
    };
    let step = Step {
        wave: Some(0),
        objects,
    };
    let started = Instant::now();
    let wait = Wait {
        step: &step,
        before: None,
        judge: Some(&gate.exprs),
    };
    let (why, pending) = match wait_until_healthy(app, client, wait, gate.timeout, reporter).await {
        Ok(()) => return Ok(()),
        Err(WaitFailure::Engine(e)) => return Err(e),
        Err(WaitFailure::Timeout(pending)) => ("timeout waiting for", pending),
        Err(WaitFailure::Failed(failed)) => ("failed early due to stalled resources", failed),
    };
    let waiting: Vec<String> = pending
        .iter()
        .map(|(key, h)| {
            let mut text = format!("{key} status: '{}'", h.status);
            if !h.message.is_empty() {
                text.push_str(&format!(" ({})", h.message));
            }
            text
        })
        .collect();
    Err(EngineError::Sync {
        app: app.name.clone(),
        message: format!(
            "health check failed after {:.1}s: {why}: [{}]",
            started.elapsed().as_secs_f64(),
            waiting.join(", ")
        ),
    })
}
