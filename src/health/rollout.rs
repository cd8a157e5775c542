//! Argo Rollouts `Rollout` health as Argo CD assesses it: Progressing until
//! the controller has observed the latest spec, then the phase the
//! controller reports (v1.0+), else the legacy rules on conditions, pause
//! state, replica counts and the stable ReplicaSet.

use super::{Health, text};
use crate::model::HealthStatus::{self, Degraded, Healthy, Progressing, Suspended};
use serde_json::Value;

/// The health of a Rollout.
pub fn rollout(ro: &Value) -> Health {
    if !generation_observed(ro) || !workload_generation_observed(ro) {
        return Health::new(
            Progressing,
            "Waiting for rollout spec update to be observed",
        );
    }
    if let Some(phase) = ro.pointer("/status/phase").and_then(Value::as_str) {
        let status = match phase {
            "Paused" => Suspended,
            other => HealthStatus::parse(other),
        };
        return Health::new(status, text(ro, "/status/message"));
    }
    if let Some(verdict) = failed_condition(ro) {
        return verdict;
    }
    if is_paused(ro) {
        return Health::new(Suspended, "Rollout is paused");
    }
    if ro.pointer("/status/currentPodHash").is_none() {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: status has not been reconciled.",
        );
    }
    let desired = number(ro, "/spec/replicas").unwrap_or(1);
    let replicas = number(ro, "/status/replicas").unwrap_or(0);
    let updated = number(ro, "/status/updatedReplicas").unwrap_or(0);
    let available = number(ro, "/status/availableReplicas").unwrap_or(0);
    if updated < desired {
        return waiting("More replicas need to be updated");
    }
    if available < updated {
        return waiting("updated replicas are still becoming available");
    }
    let current = text(ro, "/status/currentPodHash");
    let stable = stable_rs(ro);
    if ro.pointer("/spec/strategy/blueGreen").is_some() {
        if text(ro, "/status/blueGreen/activeSelector") != current
            || ro.pointer("/status/blueGreen").is_none()
        {
            return Health::new(Progressing, "active service cutover pending");
        }
        if !stable.is_empty() && stable != current {
            return Health::new(Progressing, "waiting for analysis to complete");
        }
    } else if ro.pointer("/spec/strategy/canary").is_some() {
        if replicas > updated {
            return waiting("old replicas are pending termination");
        }
        if stable.is_empty() || stable != current {
            return Health::new(Progressing, "Waiting for rollout to finish steps");
        }
    }
    Health::new(Healthy, "")
}

fn waiting(why: &str) -> Health {
    Health::new(
        Progressing,
        format!("Waiting for roll out to finish: {why}"),
    )
}

/// InvalidSpec, an abort or a missed progress deadline: Degraded.
fn failed_condition(ro: &Value) -> Option<Health> {
    let conditions = ro.pointer("/status/conditions")?.as_array()?;
    conditions.iter().find_map(|c| {
        let failed = match text(c, "/type") {
            "InvalidSpec" => true,
            "Progressing" => matches!(
                text(c, "/reason"),
                "RolloutAborted" | "ProgressDeadlineExceeded"
            ),
            _ => false,
        };
        failed.then(|| Health::new(Degraded, text(c, "/message")))
    })
}

/// Paused by a step, an analysis or a user: pause conditions win over
/// `spec.paused`.
pub(crate) fn is_paused(ro: &Value) -> bool {
    match ro
        .pointer("/status/pauseConditions")
        .and_then(Value::as_array)
    {
        Some(conditions) if !conditions.is_empty() => true,
        _ => ro.pointer("/spec/paused").and_then(Value::as_bool) == Some(true),
    }
}

/// The stable ReplicaSet's hash (`status.canary.stableRS` before v0.8).
pub(crate) fn stable_rs(ro: &Value) -> &str {
    ro.pointer("/status/stableRS")
        .or_else(|| ro.pointer("/status/canary/stableRS"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// A number that may be written as a string (`observedGeneration` is a
/// string since v0.10; a v0.9 hash is not a number at all).
pub(crate) fn number(v: &Value, pointer: &str) -> Option<i64> {
    match v.pointer(pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether the controller has seen the latest spec. A v0.9 Rollout (its
/// observedGeneration a hash, or above the generation) always has.
pub(crate) fn generation_observed(ro: &Value) -> bool {
    if ro.get("status").is_none_or(Value::is_null) {
        return false;
    }
    let Some(generation) = number(ro, "/metadata/generation") else {
        return true;
    };
    match number(ro, "/status/observedGeneration") {
        None => true,
        Some(observed) if observed > generation => true,
        Some(observed) => observed == generation,
    }
}

/// Whether the workload a v1.1+ Rollout references (`spec.workloadRef`)
/// has been observed at the generation its annotation records.
fn workload_generation_observed(ro: &Value) -> bool {
    if ro.pointer("/spec/workloadRef").is_none() || ro.pointer("/metadata/annotations").is_none() {
        return true;
    }
    let wanted = number(
        ro,
        "/metadata/annotations/rollout.argoproj.io~1workload-generation",
    );
    wanted == number(ro, "/status/workloadObservedGeneration")
}

/// Whether the Rollout has been aborted (`status.abort`).
pub(crate) fn is_aborted(ro: &Value) -> bool {
    ro.pointer("/status/abort").and_then(Value::as_bool) == Some(true)
}
