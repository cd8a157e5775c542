//! Health assessment per kind, as Argo CD assesses it: pure functions from a
//! live object to a [`Health`]. Our own code after its documented rules.

mod argocd;
mod canary;
mod flux;
mod other;
mod pod;
mod rollout;
mod rollout_info;
mod workloads;

pub use canary::canary_summary;
pub use rollout_info::{RolloutInfo, rollout_info};

use crate::model::HealthStatus;
use serde_json::Value;

/// A health verdict with the reason behind it (empty when Healthy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

impl Health {
    pub fn new(status: HealthStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn healthy() -> Self {
        Self::new(HealthStatus::Healthy, "")
    }
}

/// What the tree and `status` show beside the health of a progressive
/// delivery object: a Rollout's phase, step x/n, set and actual weight,
/// pause reasons and analysis runs; a Canary's phase, weight, iterations
/// and failed checks. Empty for other kinds. `owned` are the objects the
/// live object owns (a Rollout's ReplicaSets give its actual weight).
pub fn details(object: &Value, owned: &[&Value]) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    match (api_version.split_once('/').map_or("", |(g, _)| g), kind) {
        ("argoproj.io", "Rollout") => rollout_info(object, owned).summary(),
        ("flagger.app", "Canary") => canary_summary(object),
        _ => String::new(),
    }
}

/// The health of one live object.
pub fn assess(object: &Value) -> Health {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let group = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/').map(|(g, _)| g))
        .unwrap_or("");
    match (group, kind) {
        ("apps", "Deployment") => workloads::deployment(object),
        ("apps", "ReplicaSet") => workloads::replica_set(object),
        ("apps", "StatefulSet") => workloads::stateful_set(object),
        ("apps", "DaemonSet") => workloads::daemon_set(object),
        ("", "Pod") => pod::pod(object),
        ("batch", "Job") => other::job(object),
        ("batch", "CronJob") => other::cron_job(object),
        ("", "PersistentVolumeClaim") => other::pvc(object),
        ("", "Service") => other::service(object),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => other::crd(object),
        ("networking.k8s.io", "Ingress") => other::ingress(object),
        ("autoscaling", "HorizontalPodAutoscaler") => other::hpa(object),
        ("policy", "PodDisruptionBudget") => other::pdb(object),
        ("apiregistration.k8s.io", "APIService") => other::api_service(object),
        ("kustomize.toolkit.fluxcd.io", "Kustomization")
        | ("helm.toolkit.fluxcd.io", "HelmRelease") => flux::reconciler(object),
        ("source.toolkit.fluxcd.io", "HelmRepository") => flux::helm_repository(object),
        (
            "source.toolkit.fluxcd.io",
            "GitRepository" | "OCIRepository" | "Bucket" | "HelmChart",
        ) => flux::source(object),
        ("argoproj.io", "Application") => argocd::application(object),
        ("argoproj.io", "Rollout") => rollout::rollout(object),
        ("flagger.app", "Canary") => canary::canary(object),
        ("", _)
        | ("apps", _)
        | ("batch", _)
        | ("rbac.authorization.k8s.io", _)
        | ("networking.k8s.io", _)
        | ("policy", _)
        | ("autoscaling", _)
        | ("coordination.k8s.io", _)
        | ("storage.k8s.io", _) => Health::healthy(),
        _ => other::by_conditions(object),
    }
}

/// The worst health of several: Degraded > Missing > Progressing >
/// Suspended > Healthy; Unknown when there is nothing.
pub fn worst(items: impl IntoIterator<Item = HealthStatus>) -> HealthStatus {
    items.into_iter().max().unwrap_or(HealthStatus::Healthy)
}

pub(crate) fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

pub(crate) fn opt_int(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

pub(crate) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The condition of `type` in `status.conditions`.
pub(crate) fn condition<'a>(v: &'a Value, kind: &str) -> Option<&'a Value> {
    v.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))
}

/// True when the controller has seen the latest spec.
pub(crate) fn observed_latest(v: &Value) -> bool {
    match opt_int(v, "/metadata/generation") {
        Some(generation) => int(v, "/status/observedGeneration") >= generation,
        None => true,
    }
}

#[cfg(test)]
mod tests;
