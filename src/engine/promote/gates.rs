//! The gates of a promotion into a stage (DESIGN.md §7): the previous
//! stage Synced and Healthy (for the soak time, counted from its last
//! successful sync), its verification Job succeeded, no sync window
//! blocking the stage, and (in `promote`) no admission policy denying the
//! stage's manifests as the promotion leaves them.

use super::super::{Engine, EngineError};
use crate::argocd::parse_go_duration;
use crate::model::{AppSpec, AppStatus, GateSpec, HealthStatus, HistoryEntry, SyncStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One gate and its state (`tether pipeline` JSON `gates[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateState {
    /// `healthy`, `soak`, `verifyJob` or `syncWindow`.
    pub name: String,
    pub ok: bool,
    /// Why, in one sentence.
    pub message: String,
}

impl GateState {
    pub(super) fn new(name: &str, ok: bool, message: String) -> Self {
        Self {
            name: name.to_string(),
            ok,
            message,
        }
    }
}

/// Since when `status`'s app runs what it runs, Synced and Healthy: the
/// end of its last successful sync (None when it is not Synced and
/// Healthy, or no successful sync is recorded). A later commit that does
/// not change its manifests keeps it Synced and does not restart this.
pub fn healthy_since(status: &AppStatus, syncs: &[HistoryEntry]) -> Option<DateTime<Utc>> {
    if status.sync != SyncStatus::Synced || status.health != HealthStatus::Healthy {
        return None;
    }
    syncs
        .iter()
        .rev()
        .filter(|h| h.result == "Succeeded")
        .find_map(|h| DateTime::parse_from_rfc3339(&h.finished).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The gates into `target` from `previous` at `now`.
pub fn evaluate(
    engine: &Engine,
    gates: &GateSpec,
    previous: &AppStatus,
    since: Option<DateTime<Utc>>,
    target: &AppSpec,
    now: DateTime<Utc>,
) -> Vec<GateState> {
    let short = previous.revision.get(..7).unwrap_or(&previous.revision);
    let healthy = previous.sync == SyncStatus::Synced && previous.health == HealthStatus::Healthy;
    let mut out = vec![GateState::new(
        "healthy",
        healthy,
        if healthy {
            format!("{} is Synced and Healthy at {short}", previous.name)
        } else {
            let why = if previous.message.is_empty() {
                String::new()
            } else {
                format!(": {}", previous.message)
            };
            format!(
                "{} is {:?} and {:?} at {short}{why}",
                previous.name, previous.sync, previous.health
            )
        },
    )];
    if let Some(soak) = &gates.soak {
        out.push(soak_gate(&previous.name, soak, healthy, since, now));
    }
    if let Some(job) = &gates.verify_job {
        let found = previous
            .resources
            .iter()
            .find(|r| r.kind == "Job" && r.group == "batch" && r.name == *job);
        out.push(match found {
            Some(r) if r.health == HealthStatus::Healthy && r.sync == SyncStatus::Synced => {
                GateState::new("verifyJob", true, format!("Job {job} succeeded at {short}"))
            }
            Some(r) => GateState::new(
                "verifyJob",
                false,
                format!(
                    "Job {job} of {} is {:?} and {:?}{}",
                    previous.name,
                    r.sync,
                    r.health,
                    if r.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", r.message)
                    }
                ),
            ),
            None => GateState::new(
                "verifyJob",
                false,
                format!("{} has no Job {job} at {short}", previous.name),
            ),
        });
    }
    let windows = engine.window_check(target, true, now);
    out.push(GateState::new(
        "syncWindow",
        windows.allowed(),
        if windows.allowed() {
            format!("no sync window blocks {}", target.name)
        } else {
            windows.reason()
        },
    ));
    out
}

fn soak_gate(
    app: &str,
    soak: &str,
    healthy: bool,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> GateState {
    let Ok(nanos) = parse_go_duration(soak) else {
        return GateState::new("soak", false, format!("soak {soak:?} is not a duration"));
    };
    let need = chrono::Duration::nanoseconds(nanos);
    match (healthy, since) {
        (false, _) => GateState::new(
            "soak",
            false,
            format!("{app} is not Healthy, soak {soak} not started"),
        ),
        (true, None) => GateState::new(
            "soak",
            false,
            format!("no successful sync of {app} is recorded; soak {soak} cannot be counted"),
        ),
        (true, Some(since)) => {
            let held = now - since;
            let at = since.format("%Y-%m-%dT%H:%M:%SZ");
            if held >= need {
                GateState::new(
                    "soak",
                    true,
                    format!("Healthy since {at}, longer than {soak}"),
                )
            } else {
                GateState::new(
                    "soak",
                    false,
                    format!(
                        "Healthy since {at}: {}s of {soak}",
                        held.num_seconds().max(0)
                    ),
                )
            }
        }
    }
}

/// The first failed gate as an error naming it and its state.
pub fn first_failure(app: &str, gates: &[GateState]) -> Option<EngineError> {
    gates.iter().find(|g| !g.ok).map(|g| EngineError::Sync {
        app: app.to_string(),
        message: format!(
            "promotion refused by gate {}: {} (--force promotes anyway), nothing was written",
            g.name, g.message
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceStatus;

    fn engine() -> Engine {
        Engine::new(Vec::new(), Default::default())
    }

    fn app(name: &str) -> AppSpec {
        serde_yaml::from_str(&format!(
            "name: {name}\nsource: {{repo: /r, path: p}}\ndestination: {{context: c, namespace: n}}\n"
        ))
        .unwrap()
    }

    fn status(health: HealthStatus, jobs: &[(&str, HealthStatus)]) -> AppStatus {
        AppStatus {
            name: "web-dev".into(),
            revision: "abcdef0123".into(),
            sync: SyncStatus::Synced,
            health,
            resources: jobs
                .iter()
                .map(|(name, h)| ResourceStatus {
                    group: "batch".into(),
                    version: "v1".into(),
                    kind: "Job".into(),
                    namespace: "n".into(),
                    name: (*name).into(),
                    sync: SyncStatus::Synced,
                    health: *h,
                    message: String::new(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn states(gates: &[GateState]) -> Vec<(&str, bool, &str)> {
        gates
            .iter()
            .map(|g| (g.name.as_str(), g.ok, g.message.as_str()))
            .collect()
    }

    #[test]
    fn soak_and_verification_job_gates_say_why() {
        let spec = GateSpec {
            soak: Some("10m".into()),
            verify_job: Some("smoke".into()),
        };
        let now = DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let since = now - chrono::Duration::minutes(4);
        let engine = engine();
        let target = app("web-prod");
        let ok = status(HealthStatus::Healthy, &[("smoke", HealthStatus::Healthy)]);
        assert_eq!(
            states(&evaluate(&engine, &spec, &ok, Some(since), &target, now)),
            vec![
                ("healthy", true, "web-dev is Synced and Healthy at abcdef0"),
                (
                    "soak",
                    false,
                    "Healthy since 2026-01-01T11:56:00Z: 240s of 10m"
                ),
                ("verifyJob", true, "Job smoke succeeded at abcdef0"),
                ("syncWindow", true, "no sync window blocks web-prod"),
            ]
        );
        let later = now + chrono::Duration::minutes(6);
        let gates = evaluate(&engine, &spec, &ok, Some(since), &target, later);
        assert_eq!(
            states(&gates)[1],
            (
                "soak",
                true,
                "Healthy since 2026-01-01T11:56:00Z, longer than 10m"
            )
        );
        let failed = status(HealthStatus::Degraded, &[("smoke", HealthStatus::Degraded)]);
        let gates = evaluate(&engine, &spec, &failed, None, &target, now);
        assert_eq!(
            states(&gates)[..3],
            [
                (
                    "healthy",
                    false,
                    "web-dev is Synced and Degraded at abcdef0"
                ),
                (
                    "soak",
                    false,
                    "web-dev is not Healthy, soak 10m not started"
                ),
                (
                    "verifyJob",
                    false,
                    "Job smoke of web-dev is Synced and Degraded"
                ),
            ]
        );
        let missing = status(HealthStatus::Healthy, &[]);
        let gates = evaluate(&engine, &spec, &missing, None, &target, now);
        assert_eq!(
            states(&gates)[1..3],
            [
                (
                    "soak",
                    false,
                    "no successful sync of web-dev is recorded; soak 10m cannot be counted"
                ),
                ("verifyJob", false, "web-dev has no Job smoke at abcdef0"),
            ]
        );
        let refused = first_failure("web-prod", &gates).unwrap().to_string();
        assert_eq!(
            refused,
            "app web-prod: promotion refused by gate soak: no successful sync of web-dev is recorded; soak 10m cannot be counted (--force promotes anyway), nothing was written"
        );
    }

    #[test]
    fn healthy_since_is_the_last_successful_sync() {
        let entry = |finished: &str, result: &str| HistoryEntry {
            id: 1,
            revision: "r".into(),
            started: finished.into(),
            finished: finished.into(),
            result: result.into(),
            by: String::new(),
            message: String::new(),
        };
        let syncs = vec![
            entry("2026-01-01T10:00:00Z", "Succeeded"),
            entry("2026-01-01T11:00:00Z", "Succeeded"),
            entry("2026-01-01T11:30:00Z", "Failed"),
        ];
        let healthy = status(HealthStatus::Healthy, &[]);
        assert_eq!(
            healthy_since(&healthy, &syncs).map(|t| t.to_rfc3339()),
            Some("2026-01-01T11:00:00+00:00".to_string())
        );
        assert_eq!(
            healthy_since(&status(HealthStatus::Progressing, &[]), &syncs),
            None
        );
    }
}
