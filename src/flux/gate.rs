//! What kustomize-controller (v1.x) waits for after it applied and pruned
//! a Kustomization before it marks it Ready, read from the object:
//!
//! - `spec.wait: true` — every object it applied (skipped objects, see
//!   [`super::policy::skip_reason`], excepted); `spec.healthChecks` is
//!   then ignored;
//! - else `spec.healthChecks` — the objects listed (`apiVersion` defaults
//!   to `apps/v1`; without `namespace` the reference has none, as the
//!   controller reads it);
//! - else nothing: Ready as soon as the apply succeeded.
//!
//! The objects of a kind `spec.healthCheckExprs` covers are judged by its
//! CEL expressions ([`super::health_exprs`]) instead of the built-in
//! rules.
//!
//! The Kustomization itself is never waited on (the controller's guard
//! against waiting on itself). The wait lasts `spec.timeout`, else
//! `spec.interval` minus 30 s, and never less than 30 s
//! (`Kustomization.GetTimeout`); when it runs out the reconciliation fails
//! with `HealthCheckFailed`: `health check failed after …: timeout
//! waiting for: [Kind/ns/name status: '…']`.

use super::health_exprs::HealthExprs;
use crate::argocd::parse_go_duration;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// The shortest health-check timeout the controller uses.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(30);

/// One object a Kustomization waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRef {
    pub api_version: String,
    pub kind: String,
    /// None when the reference gives none.
    pub namespace: Option<String>,
    pub name: String,
}

impl CheckRef {
    /// The reference as a minimal object (apiVersion, kind, name,
    /// namespace), for code that addresses objects by their manifest.
    pub fn as_object(&self) -> Value {
        let mut metadata = serde_json::json!({ "name": self.name });
        if let Some(ns) = &self.namespace {
            metadata["namespace"] = Value::String(ns.clone());
        }
        serde_json::json!({
            "apiVersion": self.api_version,
            "kind": self.kind,
            "metadata": metadata,
        })
    }
}

/// Which objects gate readiness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checks {
    /// Neither `wait` nor `healthChecks`: Ready once applied.
    None,
    /// `wait: true`: every applied object.
    Applied,
    /// `healthChecks`: these objects.
    Listed(Vec<CheckRef>),
}

/// What a Kustomization waits for, and for how long.
#[derive(Debug, Clone)]
pub struct HealthGate {
    pub checks: Checks,
    pub timeout: Duration,
    /// `spec.healthCheckExprs`, compiled.
    pub exprs: Arc<HealthExprs>,
    /// The Kustomization's own namespace and name (never waited on).
    pub namespace: String,
    pub name: String,
}

impl HealthGate {
    /// Whether `object` (apiVersion/kind/metadata) is the Kustomization
    /// itself, which the controller never waits on.
    pub fn is_self(&self, object: &Value) -> bool {
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        text("/kind") == "Kustomization"
            && text("/metadata/name") == self.name
            && text("/metadata/namespace") == self.namespace
    }
}

/// The gate of a Kustomization object; the error names the field.
pub fn health_gate(object: &Value) -> Result<HealthGate, String> {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    let checks = if spec.get("wait").and_then(Value::as_bool) == Some(true) {
        Checks::Applied
    } else {
        let listed = spec
            .get("healthChecks")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let refs = listed
            .iter()
            .enumerate()
            .map(|(i, c)| check_ref(c).map_err(|e| format!("spec.healthChecks[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        if refs.is_empty() {
            Checks::None
        } else {
            Checks::Listed(refs)
        }
    };
    Ok(HealthGate {
        checks,
        timeout: timeout(spec)?,
        exprs: Arc::new(HealthExprs::parse(object)?),
        namespace: match text("/metadata/namespace") {
            "" => "flux-system".to_string(),
            ns => ns.to_string(),
        },
        name: text("/metadata/name").to_string(),
    })
}

fn check_ref(entry: &Value) -> Result<CheckRef, String> {
    let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
    if text("kind").is_empty() || text("name").is_empty() {
        return Err("kind and name are required".to_string());
    }
    Ok(CheckRef {
        api_version: match text("apiVersion") {
            "" => "apps/v1".to_string(),
            v => v.to_string(),
        },
        kind: text("kind").to_string(),
        namespace: Some(text("namespace"))
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        name: text("name").to_string(),
    })
}

/// `Kustomization.GetTimeout`: `timeout`, else `interval` − 30 s; at
/// least 30 s.
fn timeout(spec: &Value) -> Result<Duration, String> {
    let read = |field: &str| -> Result<Option<i64>, String> {
        match spec.get(field).and_then(Value::as_str) {
            None => Ok(None),
            Some(text) => parse_go_duration(text)
                .map(Some)
                .map_err(|e| format!("spec.{field}: {e}")),
        }
    };
    let nanos = match read("timeout")? {
        Some(t) => t,
        None => read("interval")?.unwrap_or(0) - 30_000_000_000,
    };
    let duration = u64::try_from(nanos).map_or(Duration::ZERO, Duration::from_nanos);
    Ok(duration.max(MIN_TIMEOUT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ks(spec: Value) -> Value {
        json!({"kind": "Kustomization", "metadata": {"name": "apps", "namespace": "flux-system"}, "spec": spec})
    }

    #[test]
    fn wait_wins_over_health_checks() {
        let gate = health_gate(&ks(json!({
            "interval": "10m", "wait": true,
            "healthChecks": [{"kind": "Deployment", "name": "web", "namespace": "web"}]
        })))
        .unwrap();
        assert_eq!(gate.checks, Checks::Applied);
        assert_eq!(gate.timeout, Duration::from_secs(570));
    }

    #[test]
    fn health_checks_default_to_apps_v1_and_no_namespace() {
        let gate = health_gate(&ks(json!({
            "interval": "1m", "timeout": "2m30s",
            "healthChecks": [
                {"kind": "Deployment", "name": "web"},
                {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "name": "db", "namespace": "data"}
            ]
        })))
        .unwrap();
        assert_eq!(gate.timeout, Duration::from_secs(150));
        let Checks::Listed(refs) = gate.checks else {
            panic!("listed")
        };
        assert_eq!(refs[0].api_version, "apps/v1");
        assert_eq!(refs[0].namespace, None);
        assert_eq!(refs[1].namespace.as_deref(), Some("data"));
        assert_eq!(
            refs[1].as_object()["apiVersion"],
            "helm.toolkit.fluxcd.io/v2"
        );
    }

    #[test]
    fn timeout_is_never_under_thirty_seconds() {
        let gate = health_gate(&ks(json!({"interval": "45s"}))).unwrap();
        assert_eq!(gate.checks, Checks::None);
        assert_eq!(gate.timeout, MIN_TIMEOUT);
        let gate = health_gate(&ks(json!({"interval": "5m", "timeout": "5s"}))).unwrap();
        assert_eq!(gate.timeout, MIN_TIMEOUT);
        assert!(health_gate(&ks(json!({"timeout": "soon"}))).is_err());
        let err = health_gate(&ks(json!({"healthChecks": [{"kind": "Deployment"}]}))).unwrap_err();
        assert_eq!(err, "spec.healthChecks[0]: kind and name are required");
    }

    #[test]
    fn the_kustomization_itself_is_never_waited_on() {
        let gate = health_gate(&ks(json!({"wait": true}))).unwrap();
        assert!(gate.is_self(&ks(json!({}))));
        assert!(!gate.is_self(
            &json!({"kind": "Kustomization", "metadata": {"name": "apps", "namespace": "other"}})
        ));
    }
}
