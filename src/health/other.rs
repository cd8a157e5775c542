use super::{Health, condition, observed_latest, text};
use crate::model::HealthStatus::{Degraded, Healthy, Progressing, Suspended};
use serde_json::Value;

pub fn job(j: &Value) -> Health {
    if let Some(c) = condition(j, "Failed")
        && text(c, "/status") == "True"
    {
        return Health::new(Degraded, text(c, "/message"));
    }
    if let Some(c) = condition(j, "Complete")
        && text(c, "/status") == "True"
    {
        return Health::new(Healthy, text(c, "/message"));
    }
    if j.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "job is suspended");
    }
    Health::new(Progressing, "job is running")
}

pub fn cron_job(c: &Value) -> Health {
    if c.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "CronJob is suspended");
    }
    Health::healthy()
}

pub fn pvc(p: &Value) -> Health {
    match text(p, "/status/phase") {
        "Bound" => Health::healthy(),
        "Lost" => Health::new(Degraded, "claim lost its volume"),
        _ => Health::new(Progressing, "waiting for the claim to be bound"),
    }
}

pub fn service(s: &Value) -> Health {
    if text(s, "/spec/type") == "LoadBalancer" {
        let ingress = s
            .pointer("/status/loadBalancer/ingress")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if !ingress {
            return Health::new(Progressing, "waiting for a load balancer address");
        }
    }
    Health::healthy()
}

pub fn crd(c: &Value) -> Health {
    match condition(c, "Established") {
        Some(e) if text(e, "/status") == "True" => Health::healthy(),
        _ => Health::new(Progressing, "waiting for the CRD to be established"),
    }
}

/// Custom resources: Ready/Available/Healthy conditions with
/// observedGeneration, as kstatus reads them; no conditions = Healthy.
pub fn by_conditions(o: &Value) -> Health {
    if !observed_latest(o) {
        return Health::new(
            Progressing,
            "waiting for the controller to observe the latest spec",
        );
    }
    for kind in ["Ready", "Available", "Healthy"] {
        if let Some(c) = condition(o, kind) {
            return match text(c, "/status") {
                "True" => Health::new(Healthy, text(c, "/message")),
                "False" => Health::new(Degraded, text(c, "/message")),
                _ => Health::new(Progressing, text(c, "/message")),
            };
        }
    }
    Health::healthy()
}

pub fn ingress(i: &Value) -> Health {
    let has_address = i
        .pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if has_address {
        Health::healthy()
    } else {
        Health::new(Progressing, "waiting for an ingress address")
    }
}

/// HPA health from its conditions: a failed scaling condition is
/// Degraded, ScalingLimited is fine, no conditions yet is Progressing.
pub fn hpa(h: &Value) -> Health {
    let conditions = h
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if conditions.is_empty() {
        return Health::new(Progressing, "waiting for the autoscaler to observe metrics");
    }
    for c in &conditions {
        let (kind, status, reason) = (text(c, "/type"), text(c, "/status"), text(c, "/reason"));
        let failed = reason.starts_with("Failed") || reason == "InvalidMetricSourceType";
        if (kind == "AbleToScale" && status == "False") || failed {
            return Health::new(Degraded, text(c, "/message"));
        }
    }
    Health::healthy()
}

pub fn pdb(p: &Value) -> Health {
    match condition(p, "DisruptionAllowed") {
        Some(c) if text(c, "/status") == "False" && text(c, "/reason") == "InsufficientPods" => {
            Health::new(Degraded, text(c, "/message"))
        }
        _ => Health::healthy(),
    }
}

pub fn api_service(a: &Value) -> Health {
    match condition(a, "Available") {
        Some(c) if text(c, "/status") == "True" => Health::healthy(),
        Some(c) => Health::new(Progressing, text(c, "/message")),
        None => Health::new(Progressing, "waiting for the API service to be available"),
    }
}
