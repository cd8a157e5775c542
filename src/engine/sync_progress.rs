//! The steps of a running sync of a tether app, as they happen: a step
//! (Namespaces and CRDs, or a wave) started, a resource applied or
//! pruned, a wave still waiting for health (which resources and why).
//! They go out as [`EngineEvent::SyncStep`] on the sync's progress
//! channel ([`super::SyncOptions::progress`]), which the TUI's progress
//! panel and `tether sync` read.

use super::EngineEvent;
use super::sync::ResourceResult;
use crate::health::Health;
use crate::model::ResourceKey;
use serde::Serialize;
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How often a wave that waits for health says so again.
pub const WAIT_REPORT_EVERY: Duration = Duration::from_secs(5);

/// At most this many waiting resources are named in one [`SyncStep::Waiting`].
pub const WAITING_NAMED: usize = 10;

/// One step of a sync. Serialised with its name in `event`
/// (`wave`, `applied`, `pruned`, `waiting`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncStep {
    /// The sync has not started: the app waits for the apps it depends
    /// on (`dependsOn`) — `waits` says which and why
    /// (`waits for app db: Progressing`). Sent whenever the reason changes.
    Blocked { waits: String },
    /// A step started: `wave` None is the first step (Namespaces and
    /// CRDs); `resources` objects are applied in it.
    Wave { wave: Option<i64>, resources: usize },
    /// One object applied (a dry-run: would be), `action` saying how.
    Applied(ResourceResult),
    /// One object pruned (a dry-run: would be).
    Pruned(ResourceResult),
    /// The step is applied and waits until these objects are healthy
    /// before the next one starts: `waiting_for` objects in all, the
    /// first [`WAITING_NAMED`] of them in `pending`.
    Waiting {
        wave: Option<i64>,
        /// Set when the wait is not a wave's but the whole app's before
        /// the hooks of this phase (`PostSync`); `wave` is then None.
        #[serde(skip_serializing_if = "Option::is_none")]
        before: Option<String>,
        waiting_for: usize,
        pending: Vec<PendingHealth>,
    },
}

/// An object a wave waits for, with its health now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingHealth {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `Progressing`, `Degraded`, `Missing`…
    pub health: String,
    /// Why, in the health check's words (may be empty).
    pub message: String,
}

impl PendingHealth {
    /// `key`, whose health is `health`.
    pub fn new(key: &ResourceKey, health: &Health) -> Self {
        PendingHealth {
            group: key.group.clone(),
            kind: key.kind.clone(),
            namespace: key.namespace.clone().unwrap_or_default(),
            name: key.name.clone(),
            health: health.status.to_string(),
            message: health.message.clone(),
        }
    }
}

/// `wave 2`, or `Namespaces and CRDs` for the first step.
pub fn step_label(wave: Option<i64>) -> String {
    wave.map_or("Namespaces and CRDs".to_string(), |w| format!("wave {w}"))
}

/// What a wait is for: a step ([`step_label`]), or every resource of the
/// app before the hooks of a phase (`before PostSync hooks`).
pub fn wait_label(wave: Option<i64>, before: Option<&str>) -> String {
    match before {
        Some(phase) => format!("before {phase} hooks"),
        None => step_label(wave),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One line for people: `wave 1: 3 resources`, `ConfigMap/web created`,
/// `ConfigMap/old pruned`, `wave 0: waiting for 2 resources:
/// Deployment/web (Progressing: …), …`.
impl fmt::Display for SyncStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncStep::Blocked { waits } => write!(f, "{waits}"),
            SyncStep::Wave { wave, resources } => write!(
                f,
                "{}: {resources} resource{}",
                step_label(*wave),
                plural(*resources)
            ),
            SyncStep::Applied(r) => write!(f, "{}/{} {}", r.kind, r.name, r.action),
            SyncStep::Pruned(r) => write!(f, "{}/{} pruned", r.kind, r.name),
            SyncStep::Waiting {
                wave,
                before,
                waiting_for,
                pending,
            } => {
                write!(
                    f,
                    "{}: waiting for {waiting_for} resource{} to be healthy:",
                    wait_label(*wave, before.as_deref()),
                    plural(*waiting_for)
                )?;
                const SHOWN: usize = 3;
                for (i, p) in pending.iter().take(SHOWN).enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}{}/{} ({}", p.kind, p.name, p.health)?;
                    if !p.message.is_empty() {
                        write!(f, ": {}", p.message)?;
                    }
                    write!(f, ")")?;
                }
                let more = waiting_for.saturating_sub(pending.len().min(SHOWN));
                if more > 0 {
                    write!(f, " and {more} more")?;
                }
                Ok(())
            }
        }
    }
}

/// Sends the steps of one sync of `app` on its progress channel (if
/// any), each with the time since the sync started.
pub(crate) struct SyncReporter<'a> {
    app: &'a str,
    channel: Option<&'a broadcast::Sender<EngineEvent>>,
    started: Instant,
}

impl<'a> SyncReporter<'a> {
    /// A reporter for a sync of `app` that started at `started`.
    pub(crate) fn since(
        app: &'a str,
        channel: Option<&'a broadcast::Sender<EngineEvent>>,
        started: Instant,
    ) -> Self {
        SyncReporter {
            app,
            channel,
            started,
        }
    }

    /// Sends `step` (nobody listening is fine).
    pub(crate) fn send(&self, step: SyncStep) {
        if let Some(channel) = self.channel {
            let elapsed_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let _ = channel.send(EngineEvent::SyncStep {
                app: self.app.to_string(),
                elapsed_ms,
                step,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(kind: &str, name: &str, action: &str) -> ResourceResult {
        ResourceResult {
            group: String::new(),
            kind: kind.to_string(),
            namespace: "web".to_string(),
            name: name.to_string(),
            wave: Some(0),
            action: action.to_string(),
            takeovers: Vec::new(),
        }
    }

    fn pending(name: &str, message: &str) -> PendingHealth {
        PendingHealth {
            group: "apps".to_string(),
            kind: "Deployment".to_string(),
            namespace: "web".to_string(),
            name: name.to_string(),
            health: "Progressing".to_string(),
            message: message.to_string(),
        }
    }

    #[test]
    fn steps_read_as_one_line_each() {
        let first = SyncStep::Wave {
            wave: None,
            resources: 1,
        };
        assert_eq!(first.to_string(), "Namespaces and CRDs: 1 resource");
        let wave = SyncStep::Wave {
            wave: Some(-1),
            resources: 3,
        };
        assert_eq!(wave.to_string(), "wave -1: 3 resources");
        let applied = SyncStep::Applied(result("ConfigMap", "web", "created"));
        assert_eq!(applied.to_string(), "ConfigMap/web created");
        let pruned = SyncStep::Pruned(result("ConfigMap", "old", "deleted"));
        assert_eq!(pruned.to_string(), "ConfigMap/old pruned");
        let waiting = SyncStep::Waiting {
            wave: Some(0),
            before: None,
            waiting_for: 5,
            pending: (0..5)
                .map(|i| pending(&format!("w{i}"), "0 of 2 ready"))
                .collect(),
        };
        assert_eq!(
            waiting.to_string(),
            "wave 0: waiting for 5 resources to be healthy: \
             Deployment/w0 (Progressing: 0 of 2 ready), Deployment/w1 (Progressing: 0 of 2 ready), \
             Deployment/w2 (Progressing: 0 of 2 ready) and 2 more"
        );
        let bare = SyncStep::Waiting {
            wave: Some(1),
            before: None,
            waiting_for: 1,
            pending: vec![pending("api", "")],
        };
        assert_eq!(
            bare.to_string(),
            "wave 1: waiting for 1 resource to be healthy: Deployment/api (Progressing)"
        );
        let all = SyncStep::Waiting {
            wave: None,
            before: Some("PostSync".into()),
            waiting_for: 1,
            pending: vec![pending("api", "")],
        };
        assert_eq!(
            all.to_string(),
            "before PostSync hooks: waiting for 1 resource to be healthy: Deployment/api (Progressing)"
        );
    }

    #[test]
    fn steps_serialise_with_their_event_name() {
        let applied =
            serde_json::to_value(SyncStep::Applied(result("ConfigMap", "a", "created"))).unwrap();
        assert_eq!(applied["event"], "applied");
        assert_eq!(applied["kind"], "ConfigMap");
        assert_eq!(applied["action"], "created");
        assert_eq!(applied["wave"], 0);
        let first = serde_json::to_value(SyncStep::Wave {
            wave: None,
            resources: 2,
        })
        .unwrap();
        assert_eq!(
            first,
            serde_json::json!({"event": "wave", "wave": null, "resources": 2})
        );
        let waiting = serde_json::to_value(SyncStep::Waiting {
            wave: Some(0),
            before: None,
            waiting_for: 1,
            pending: vec![pending("web", "starting")],
        })
        .unwrap();
        assert_eq!(waiting["event"], "waiting");
        assert_eq!(waiting["pending"][0]["health"], "Progressing");
        assert_eq!(waiting["pending"][0]["message"], "starting");
    }
}
