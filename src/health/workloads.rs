use super::{Health, condition, int, observed_latest, opt_int, text};
use crate::model::HealthStatus::{Degraded, Progressing, Suspended};
use serde_json::Value;

pub fn deployment(d: &Value) -> Health {
    if d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "Deployment is paused");
    }
    if !observed_latest(d) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: observed deployment generation less than desired generation",
        );
    }
    if let Some(c) = condition(d, "Progressing")
        && text(c, "/reason") == "ProgressDeadlineExceeded"
    {
        let name = text(d, "/metadata/name");
        return Health::new(
            Degraded,
            format!("Deployment \"{name}\" exceeded its progress deadline"),
        );
    }
    let replicas = opt_int(d, "/spec/replicas").unwrap_or(1);
    let updated = int(d, "/status/updatedReplicas");
    let current = int(d, "/status/replicas");
    let available = int(d, "/status/availableReplicas");
    if updated < replicas {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {updated} out of {replicas} new replicas have been updated..."
            ),
        );
    }
    if current > updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {} old replicas are pending termination...",
                current - updated
            ),
        );
    }
    if available < updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} of {updated} updated replicas are available..."
            ),
        );
    }
    Health::healthy()
}

pub fn replica_set(rs: &Value) -> Health {
    if !observed_latest(rs) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: observed replica set generation less than desired generation",
        );
    }
    if let Some(c) = condition(rs, "ReplicaFailure")
        && text(c, "/status") == "True"
    {
        return Health::new(Degraded, text(c, "/message"));
    }
    let replicas = opt_int(rs, "/spec/replicas").unwrap_or(1);
    let available = int(rs, "/status/availableReplicas");
    if available < replicas {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} out of {replicas} replicas are available..."
            ),
        );
    }
    Health::healthy()
}

pub fn stateful_set(s: &Value) -> Health {
    if !observed_latest(s) {
        return Health::new(
            Progressing,
            "Waiting for statefulset spec update to be observed...",
        );
    }
    let replicas = opt_int(s, "/spec/replicas").unwrap_or(1);
    let ready = int(s, "/status/readyReplicas");
    if ready < replicas {
        return Health::new(
            Progressing,
            format!("Waiting for {} pods to be ready...", replicas - ready),
        );
    }
    if text(s, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::new(
            crate::model::HealthStatus::Healthy,
            "statefulset has OnDelete update strategy",
        );
    }
    let partition = int(s, "/spec/updateStrategy/rollingUpdate/partition");
    let updated = int(s, "/status/updatedReplicas");
    if partition > 0 {
        let expected = replicas - partition;
        if updated < expected {
            return Health::new(
                Progressing,
                format!(
                    "Waiting for partitioned roll out to finish: {updated} out of {expected} new pods have been updated..."
                ),
            );
        }
        return Health::new(
            crate::model::HealthStatus::Healthy,
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
        );
    }
    let current_rev = text(s, "/status/currentRevision");
    let update_rev = text(s, "/status/updateRevision");
    if current_rev != update_rev {
        return Health::new(
            Progressing,
            format!(
                "waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."
            ),
        );
    }
    Health::healthy()
}

pub fn daemon_set(d: &Value) -> Health {
    if !observed_latest(d) {
        return Health::new(
            Progressing,
            "Waiting for daemon set spec update to be observed...",
        );
    }
    let desired = int(d, "/status/desiredNumberScheduled");
    let updated = int(d, "/status/updatedNumberScheduled");
    let available = int(d, "/status/numberAvailable");
    if text(d, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::healthy();
    }
    if updated < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for daemon set rollout to finish: {updated} out of {desired} new pods have been updated..."
            ),
        );
    }
    if available < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for daemon set rollout to finish: {available} of {desired} updated pods are available..."
            ),
        );
    }
    Health::healthy()
}
