use super::{AppEngine, AppOriginKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether the live state matches the desired state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum SyncStatus {
    Synced,
    OutOfSync,
    #[default]
    Unknown,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatus::Synced => "Synced",
            SyncStatus::OutOfSync => "OutOfSync",
            SyncStatus::Unknown => "Unknown",
        }
    }
}

impl fmt::Display for SyncStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Health of a resource or an app. The order is "how bad": an app's health
/// is the worst of its resources (Degraded > Missing > Progressing >
/// Suspended > Healthy), with Unknown worst of all since nothing is known.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub enum HealthStatus {
    Healthy,
    Suspended,
    Progressing,
    Missing,
    Degraded,
    #[default]
    Unknown,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Suspended => "Suspended",
            HealthStatus::Progressing => "Progressing",
            HealthStatus::Missing => "Missing",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Unknown => "Unknown",
        }
    }

    /// The status a controller or Argo CD wrote (`Healthy`, `Degraded`…);
    /// Unknown for anything else.
    pub fn parse(text: &str) -> HealthStatus {
        match text {
            "Healthy" => HealthStatus::Healthy,
            "Suspended" => HealthStatus::Suspended,
            "Progressing" => HealthStatus::Progressing,
            "Missing" => HealthStatus::Missing,
            "Degraded" => HealthStatus::Degraded,
            _ => HealthStatus::Unknown,
        }
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sync and health of one resource of an app (DESIGN.md §3 `resources`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceStatus {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub sync: SyncStatus,
    pub health: HealthStatus,
    pub message: String,
    /// Progress of a Rollout or Canary (`health::details`), empty for
    /// other kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub info: String,
}

/// Sync and health of one app (DESIGN.md §3 `status` JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AppStatus {
    pub name: String,
    pub project: String,
    pub cluster: String,
    pub namespace: String,
    /// The resolved commit id (or `WORKTREE`).
    pub revision: String,
    pub sync: SyncStatus,
    pub health: HealthStatus,
    pub paused: bool,
    pub message: String,
    pub resources: Vec<ResourceStatus>,
    /// Why the pause state could not be read (the state ConfigMap in
    /// `tether-system`); None when it is known. Automation does not act
    /// on an app whose pause state is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_unknown: Option<String>,
    /// Write actions (`sync`, `prune`, `pause`, `resume`, `rollback`) the
    /// kubeconfig user may not run on this app, each with the missing
    /// permission. Filled by the engine loop; empty when all are allowed.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub denied: std::collections::BTreeMap<String, String>,
    /// Which engine reconciles the app (DESIGN.md §6).
    #[serde(default)]
    pub engine: AppEngine,
    /// `Application`, `Kustomization` or `HelmRelease`; None for tether apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The unambiguous name commands take.
    #[serde(rename = "ref", default)]
    pub reference: String,
    #[serde(default)]
    pub origin: AppOriginKind,
    /// For an app both in Git and live: its Git ref.
    #[serde(rename = "gitRef", default, skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// The app-of-apps parent or generating ApplicationSet, as a ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Flux apps: `spec.suspend`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    /// The offline admission policy check of the desired state (as `tether
    /// check` makes it), when `policies:` is configured and the app
    /// renders; None otherwise. JSON: `"policyViolations": {"denied",
    /// "warned"}` (and `"error"` when the check could not run).
    #[serde(
        rename = "policyViolations",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub policy: Option<super::PolicyFindings>,
}

impl AppStatus {
    /// The name commands take for this app: its ref when set, else its name.
    pub fn key(&self) -> &str {
        if self.reference.is_empty() {
            &self.name
        } else {
            &self.reference
        }
    }
}

/// One sync record of an app's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: u64,
    pub revision: String,
    pub started: String,
    pub finished: String,
    pub result: String,
    pub by: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_orders_by_badness() {
        let mut all = vec![
            HealthStatus::Degraded,
            HealthStatus::Healthy,
            HealthStatus::Missing,
            HealthStatus::Suspended,
            HealthStatus::Progressing,
        ];
        all.sort();
        assert_eq!(
            all,
            vec![
                HealthStatus::Healthy,
                HealthStatus::Suspended,
                HealthStatus::Progressing,
                HealthStatus::Missing,
                HealthStatus::Degraded,
            ]
        );
    }
}
