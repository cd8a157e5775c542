//! `status.history` of Flux objects, newest first: a Kustomization keeps
//! its last reconciliations (digest of what it built, revision, status,
//! counts), a HelmRelease its Helm release snapshots. Both map onto
//! tether's [`HistoryEntry`] for the `history` command.

use crate::model::HistoryEntry;
use serde_json::Value;
use std::collections::BTreeMap;

/// One `status.history` entry of a Kustomization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileSnapshot {
    /// Digest of the built manifests.
    pub digest: String,
    pub first_reconciled: String,
    pub last_reconciled: String,
    pub last_reconciled_duration: String,
    /// `ReconciliationSucceeded`, `HealthCheckFailed`, …
    pub last_reconciled_status: String,
    pub total_reconciliations: u64,
    /// `metadata` (`revision`, `originRevision`).
    pub metadata: BTreeMap<String, String>,
}

/// One `status.history` entry of a HelmRelease (a Helm release version).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseSnapshot {
    /// The Helm release version.
    pub version: u64,
    pub name: String,
    pub namespace: String,
    /// `deployed`, `superseded`, `failed`, …
    pub status: String,
    /// `install`, `upgrade`, … (empty in older snapshots).
    pub action: String,
    pub chart_name: String,
    pub chart_version: String,
    pub app_version: String,
    pub config_digest: String,
    pub digest: String,
    pub oci_digest: String,
    pub first_deployed: String,
    pub last_deployed: String,
    pub deleted: String,
    /// Test hook name → phase.
    pub test_hooks: BTreeMap<String, String>,
}

fn text(v: &Value, field: &str) -> String {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn entries(object: &Value) -> &[Value] {
    object
        .pointer("/status/history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A Kustomization's history.
pub fn reconcile_history(object: &Value) -> Vec<ReconcileSnapshot> {
    entries(object)
        .iter()
        .map(|e| ReconcileSnapshot {
            digest: text(e, "digest"),
            first_reconciled: text(e, "firstReconciled"),
            last_reconciled: text(e, "lastReconciled"),
            last_reconciled_duration: text(e, "lastReconciledDuration"),
            last_reconciled_status: text(e, "lastReconciledStatus"),
            total_reconciliations: e
                .get("totalReconciliations")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            metadata: e
                .get("metadata")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// A HelmRelease's history.
pub fn release_history(object: &Value) -> Vec<ReleaseSnapshot> {
    entries(object)
        .iter()
        .map(|e| ReleaseSnapshot {
            version: e.get("version").and_then(Value::as_u64).unwrap_or(0),
            name: text(e, "name"),
            namespace: text(e, "namespace"),
            status: text(e, "status"),
            action: text(e, "action"),
            chart_name: text(e, "chartName"),
            chart_version: text(e, "chartVersion"),
            app_version: text(e, "appVersion"),
            config_digest: text(e, "configDigest"),
            digest: text(e, "digest"),
            oci_digest: text(e, "ociDigest"),
            first_deployed: text(e, "firstDeployed"),
            last_deployed: text(e, "lastDeployed"),
            deleted: text(e, "deleted"),
            test_hooks: e
                .get("testHooks")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), text(v, "phase")))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The history of a Kustomization or HelmRelease as tether's records,
/// newest first. Kustomization: `id` counts entries from the oldest kept
/// (1), `revision` is `metadata.revision`, `result` the status, `message`
/// how many reconciliations and the last one's duration. HelmRelease: `id`
/// is the Helm release version, `revision` the chart version, `result` the
/// release status, `message` the action and chart.
pub fn history_entries(object: &Value) -> Vec<HistoryEntry> {
    match object.get("kind").and_then(Value::as_str) {
        Some("HelmRelease") => release_history(object)
            .into_iter()
            .map(|s| HistoryEntry {
                id: s.version,
                revision: s.chart_version.clone(),
                started: s.first_deployed,
                finished: s.last_deployed,
                result: s.status,
                by: "helm-controller".into(),
                message: format!(
                    "{}{}@{} (app {})",
                    if s.action.is_empty() {
                        String::new()
                    } else {
                        format!("{} ", s.action)
                    },
                    s.chart_name,
                    s.chart_version,
                    s.app_version
                ),
            })
            .collect(),
        _ => {
            let all = reconcile_history(object);
            let n = all.len() as u64;
            all.into_iter()
                .enumerate()
                .map(|(i, s)| HistoryEntry {
                    id: n - i as u64,
                    revision: s.metadata.get("revision").cloned().unwrap_or_default(),
                    started: s.first_reconciled,
                    finished: s.last_reconciled,
                    result: s.last_reconciled_status,
                    by: "kustomize-controller".into(),
                    message: format!(
                        "{} reconciliations, last took {}",
                        s.total_reconciliations, s.last_reconciled_duration
                    ),
                })
                .collect()
        }
    }
}
