//! The state of an Argo CD operation as the operation view shows it:
//! phase, message, what was asked, and each resource's result grouped by
//! sync phase and wave (the wave read from `status.resources`, since a
//! result does not carry it). Pure: the Application in, a value out.

use serde_json::Value;
use std::collections::HashMap;

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// One resource's result in an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationResource {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `PreSync`, `Sync`, `PostSync`, `SyncFail` (`Sync` when unset).
    pub sync_phase: String,
    /// The sync wave (0 when the app's status does not say).
    pub wave: i64,
    /// `PreSync`, `PostSync`… for hooks; empty for other resources.
    pub hook_type: String,
    /// `Running`, `Succeeded`, `Failed`… of the resource or hook.
    pub hook_phase: String,
    /// `Synced`, `SyncFailed`, `Pruned`, `PruneSkipped` (empty until done).
    pub status: String,
    pub message: String,
}

/// The operation of one Application, running or finished.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationView {
    /// `Running`, `Terminating`, `Succeeded`, `Failed`, `Error`; empty when
    /// no operation has run (or one was just requested).
    pub phase: String,
    pub message: String,
    /// An operation is requested and not yet picked up by the controller.
    pub requested: bool,
    pub started_at: String,
    pub finished_at: String,
    /// Who asked (`initiatedBy.username`, or `automated`).
    pub initiated_by: String,
    /// The revision synced (the result's, else the one asked for).
    pub revision: String,
    pub prune: bool,
    pub retry_count: i64,
    /// Results in order: by phase (PreSync, Sync, PostSync, SyncFail), then
    /// wave, then as the controller listed them.
    pub resources: Vec<OperationResource>,
}

impl OperationView {
    /// Whether the operation has not finished.
    pub fn running(&self) -> bool {
        self.requested || matches!(self.phase.as_str(), "Running" | "Terminating")
    }

    /// Results in groups with their heading (`PreSync`, `Sync · wave 1`…),
    /// in order.
    pub fn groups(&self) -> Vec<(String, &[OperationResource])> {
        let mut out: Vec<(String, &[OperationResource])> = Vec::new();
        let mut start = 0;
        for i in 1..=self.resources.len() {
            let ends = self
                .resources
                .get(i)
                .is_none_or(|next| group_key(next) != group_key(&self.resources[start]));
            if ends {
                let first = &self.resources[start];
                let heading = if first.sync_phase == "Sync" {
                    format!("Sync · wave {}", first.wave)
                } else {
                    first.sync_phase.clone()
                };
                out.push((heading, &self.resources[start..i]));
                start = i;
            }
        }
        out
    }
}

fn phase_rank(phase: &str) -> u8 {
    match phase {
        "PreSync" => 0,
        "Sync" => 1,
        "PostSync" => 2,
        "SyncFail" => 3,
        _ => 4,
    }
}

fn group_key(r: &OperationResource) -> (u8, i64) {
    let rank = phase_rank(&r.sync_phase);
    (rank, if rank == 1 { r.wave } else { 0 })
}

/// The operation of Application `app` (a view with an empty phase when
/// none has run).
pub fn operation_view(app: &Value) -> OperationView {
    let state = app
        .pointer("/status/operationState")
        .filter(|s| !s.is_null());
    let pending = app.get("operation").filter(|o| !o.is_null());
    let empty = Value::Null;
    let state = state.unwrap_or(&empty);
    let operation = state
        .get("operation")
        .filter(|o| !o.is_null())
        .or(pending)
        .unwrap_or(&empty);
    let waves: HashMap<(String, String, String, String), i64> = app
        .pointer("/status/resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let key = (
                text(r, "/group"),
                text(r, "/kind"),
                text(r, "/namespace"),
                text(r, "/name"),
            );
            (key, r.get("syncWave").and_then(Value::as_i64).unwrap_or(0))
        })
        .collect();
    let mut resources: Vec<OperationResource> = state
        .pointer("/syncResult/resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let key = (
                text(r, "/group"),
                text(r, "/kind"),
                text(r, "/namespace"),
                text(r, "/name"),
            );
            let wave = waves.get(&key).copied().unwrap_or(0);
            let (group, kind, namespace, name) = key;
            let sync_phase = match text(r, "/syncPhase") {
                p if p.is_empty() => "Sync".to_string(),
                p => p,
            };
            OperationResource {
                group,
                kind,
                namespace,
                name,
                sync_phase,
                wave,
                hook_type: text(r, "/hookType"),
                hook_phase: text(r, "/hookPhase"),
                status: text(r, "/status"),
                message: text(r, "/message"),
            }
        })
        .collect();
    // Stable: the controller's order stays within a group.
    resources.sort_by_key(group_key);
    let by = match text(operation, "/initiatedBy/username") {
        u if !u.is_empty() => u,
        _ if operation.pointer("/initiatedBy/automated") == Some(&Value::Bool(true)) => {
            "automated".to_string()
        }
        _ => String::new(),
    };
    let revision = [
        text(state, "/syncResult/revision"),
        text(operation, "/sync/revision"),
        text(operation, "/sync/revisions/0"),
    ]
    .into_iter()
    .find(|r| !r.is_empty())
    .unwrap_or_default();
    let phase = text(state, "/phase");
    // A pending operation the controller has not taken yet: the state
    // shown is the previous one, or none (tether nulls it when asking).
    let requested = pending.is_some() && !matches!(phase.as_str(), "Running" | "Terminating");
    OperationView {
        phase,
        message: text(state, "/message"),
        requested,
        started_at: text(state, "/startedAt"),
        finished_at: text(state, "/finishedAt"),
        initiated_by: by,
        revision,
        prune: operation.pointer("/sync/prune") == Some(&Value::Bool(true)),
        retry_count: state.get("retryCount").and_then(Value::as_i64).unwrap_or(0),
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_group_by_phase_then_wave() {
        let app = json!({
            "status": {
                "resources": [
                    {"group": "apps", "kind": "Deployment", "namespace": "web", "name": "web", "syncWave": 2},
                    {"kind": "ConfigMap", "namespace": "web", "name": "cfg", "syncWave": -1}],
                "operationState": {
                    "phase": "Running", "message": "waiting for completion of hook batch/Job/migrate",
                    "startedAt": "2026-12-01T00:00:00Z",
                    "operation": {"initiatedBy": {"username": "tether:ada"},
                                  "sync": {"revision": "abc", "prune": true}},
                    "syncResult": {"revision": "abc1234", "resources": [
                        {"group": "apps", "kind": "Deployment", "namespace": "web", "name": "web",
                         "status": "Synced", "message": "configured", "syncPhase": "Sync", "hookPhase": "Running"},
                        {"group": "batch", "kind": "Job", "namespace": "web", "name": "smoke",
                         "hookType": "PostSync", "hookPhase": "Running", "syncPhase": "PostSync"},
                        {"kind": "ConfigMap", "namespace": "web", "name": "cfg",
                         "status": "Synced", "message": "unchanged", "syncPhase": "Sync"},
                        {"group": "batch", "kind": "Job", "namespace": "web", "name": "migrate",
                         "hookType": "PreSync", "hookPhase": "Succeeded", "syncPhase": "PreSync"}]}}}});
        let view = operation_view(&app);
        assert_eq!(view.phase, "Running");
        assert!(view.running() && !view.requested && view.prune);
        assert_eq!(view.initiated_by, "tether:ada");
        assert_eq!(view.revision, "abc1234");
        let groups: Vec<(String, Vec<&str>)> = view
            .groups()
            .into_iter()
            .map(|(h, rs)| (h, rs.iter().map(|r| r.name.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                ("PreSync".to_string(), vec!["migrate"]),
                ("Sync · wave -1".to_string(), vec!["cfg"]),
                ("Sync · wave 2".to_string(), vec!["web"]),
                ("PostSync".to_string(), vec!["smoke"]),
            ]
        );
    }

    #[test]
    fn a_requested_operation_before_the_controller_takes_it() {
        let app = json!({"operation": {"initiatedBy": {"automated": true}, "sync": {"revision": "main"}}});
        let view = operation_view(&app);
        assert!(view.requested && view.running());
        assert_eq!(
            (view.phase.as_str(), view.initiated_by.as_str()),
            ("", "automated")
        );
        assert_eq!(view.revision, "main");
        assert!(operation_view(&json!({})).groups().is_empty());
        assert!(!operation_view(&json!({})).running());
    }
}
