use super::{Health, text};
use crate::model::HealthStatus::{Degraded, Healthy, Progressing};
use serde_json::Value;

/// Waiting reasons that mean the pod will not get better by itself.
const BAD_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ErrImagePull",
    "ImagePullBackOff",
    "CreateContainerConfigError",
    "InvalidImageName",
    "CreateContainerError",
];

pub fn pod(p: &Value) -> Health {
    let statuses = container_statuses(p);
    for s in &statuses {
        let reason = text(s, "/state/waiting/reason");
        if BAD_WAITING.contains(&reason) {
            let message = text(s, "/state/waiting/message");
            let name = text(s, "/name");
            return Health::new(
                Degraded,
                format!("container {name}: {reason} {message}")
                    .trim_end()
                    .to_string(),
            );
        }
        if text(s, "/lastState/terminated/reason") == "OOMKilled"
            && s.pointer("/ready").and_then(Value::as_bool) != Some(true)
        {
            let name = text(s, "/name");
            return Health::new(Degraded, format!("container {name}: OOMKilled"));
        }
    }
    match text(p, "/status/phase") {
        "Succeeded" => Health::new(Healthy, text(p, "/status/message")),
        "Failed" => {
            let message = text(p, "/status/message");
            Health::new(
                Degraded,
                if message.is_empty() {
                    "pod failed"
                } else {
                    message
                },
            )
        }
        "Running" => {
            let restart = text(p, "/spec/restartPolicy");
            if restart == "Always" || restart.is_empty() {
                let ready = statuses
                    .iter()
                    .all(|s| s.pointer("/ready").and_then(Value::as_bool) == Some(true));
                if ready && !statuses.is_empty() {
                    Health::healthy()
                } else {
                    Health::new(Progressing, "containers are not ready")
                }
            } else {
                Health::new(Progressing, "pod is running")
            }
        }
        _ => Health::new(Progressing, "pod is pending"),
    }
}

fn container_statuses(p: &Value) -> Vec<&Value> {
    ["/status/initContainerStatuses", "/status/containerStatuses"]
        .iter()
        .filter_map(|ptr| p.pointer(ptr).and_then(Value::as_array))
        .flatten()
        .collect()
}
