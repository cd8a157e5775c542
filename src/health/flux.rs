//! Flux objects (Kustomization, HelmRelease and the sources), assessed as
//! Argo CD's health scripts for Flux kinds assess them, with the decision
//! rule of DESIGN.md §6:
//!
//! - `spec.suspend: true` → Suspended, "`<Kind>` is suspended";
//! - HelmRepository of `type: oci` → Healthy (such repositories report
//!   nothing in their status);
//! - no `status.conditions` at all → Progressing, "Status unknown";
//! - Ready=Unknown with Reconciling=True → Progressing;
//! - Ready=True → Healthy; anything else → Degraded.
//!
//! The message is the Ready condition's reason; for sources, the reason
//! of an ArtifactOutdated=True condition listed after Ready is appended,
//! as Argo CD does. (Argo CD's scripts also require Released or
//! TestSuccess for a HelmRelease, and ArtifactInStorage for a source, to
//! be Healthy; DESIGN.md §6 asks for Ready alone.)

use super::{Health, condition, text};
use crate::model::HealthStatus::{Degraded, Healthy, Progressing, Suspended};
use serde_json::Value;

/// Kustomization and HelmRelease.
pub fn reconciler(o: &Value) -> Health {
    assess(o, false)
}

/// GitRepository, OCIRepository, Bucket, HelmChart.
pub fn source(o: &Value) -> Health {
    assess(o, true)
}

/// HelmRepository.
pub fn helm_repository(o: &Value) -> Health {
    if suspended(o) {
        return suspended_health(o);
    }
    if text(o, "/spec/type") == "oci" {
        return Health::new(
            Healthy,
            "Helm repositories of type 'oci' do not contain any information in the status.",
        );
    }
    assess(o, true)
}

fn suspended(o: &Value) -> bool {
    o.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true)
}

fn suspended_health(o: &Value) -> Health {
    Health::new(Suspended, format!("{} is suspended", text(o, "/kind")))
}

fn assess(o: &Value, artifact_outdated: bool) -> Health {
    if suspended(o) {
        return suspended_health(o);
    }
    let Some(conditions) = o.pointer("/status/conditions").and_then(Value::as_array) else {
        return Health::new(Progressing, "Status unknown");
    };
    let mut message = String::new();
    for c in conditions {
        match text(c, "/type") {
            "Ready" => message = text(c, "/reason").to_string(),
            "ArtifactOutdated" if artifact_outdated && text(c, "/status") == "True" => {
                message = format!("{message} {}", text(c, "/reason"));
            }
            _ => {}
        }
    }
    let status_of = |kind: &str| condition(o, kind).map_or("", |c| text(c, "/status"));
    let status = match (status_of("Ready"), status_of("Reconciling")) {
        ("Unknown", "True") => Progressing,
        ("True", _) => Healthy,
        _ => Degraded,
    };
    Health::new(status, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(conditions: Value) -> Value {
        json!({"kind": "GitRepository", "spec": {}, "status": {"conditions": conditions}})
    }

    #[test]
    fn decides_as_design_section_6_says() {
        let ready = |s: &str| json!({"type": "Ready", "status": s, "reason": "R"});
        let reconciling = json!({"type": "Reconciling", "status": "True", "reason": "Progressing"});
        assert_eq!(source(&with(json!([ready("True")]))).status, Healthy);
        assert_eq!(source(&with(json!([ready("False")]))).status, Degraded);
        assert_eq!(source(&with(json!([ready("Unknown")]))).status, Degraded);
        let h = source(&with(json!([reconciling, ready("Unknown")])));
        assert_eq!((h.status, h.message.as_str()), (Progressing, "R"));
        assert_eq!(source(&with(json!([]))), Health::new(Degraded, ""));
        let none = json!({"kind": "Bucket", "spec": {}, "status": {}});
        assert_eq!(source(&none), Health::new(Progressing, "Status unknown"));
        let paused = json!({"kind": "Kustomization", "spec": {"suspend": true}});
        assert_eq!(
            reconciler(&paused),
            Health::new(Suspended, "Kustomization is suspended")
        );
    }

    #[test]
    fn sources_append_an_outdated_artifact_reason() {
        let o = with(json!([
            {"type": "Ready", "status": "Unknown", "reason": "Building"},
            {"type": "ArtifactOutdated", "status": "True", "reason": "NewRevision"}]));
        assert_eq!(source(&o).message, "Building NewRevision");
        assert_eq!(reconciler(&o).message, "Building");
    }
}
