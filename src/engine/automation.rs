//! Automated sync and self-heal. They run only for apps that are not
//! paused and whose Lease this process holds. A new Git revision syncs an
//! automated app; live drift at the same revision re-syncs it only with
//! selfHeal, with a brake: after [`HEAL_LIMIT`] corrections within
//! [`HEAL_WINDOW`] the app is marked Degraded, naming the field managers
//! that keep changing it, and self-heal stops until the drift goes away.
//!
//! Failures never make a hot loop: after a failed automated sync, or a
//! Lease or state that cannot be read, the app waits (5 s doubling to
//! 3 min by default, [`super::EngineOptions`]) before automation tries it
//! again; a success resets the wait. An app whose pause state is unknown,
//! or whose sync the user may not run, is not tried at all, and its status
//! says why.

use super::{Engine, EngineEvent, SyncOptions};
use crate::cluster::read_state;
use crate::model::{AppSpec, AppStatus, HealthStatus, SyncStatus};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Self-heal corrections allowed within [`HEAL_WINDOW`].
pub const HEAL_LIMIT: usize = 5;
/// The window of the self-heal brake.
pub const HEAL_WINDOW: Duration = Duration::from_secs(300);

#[derive(Debug, Default)]
pub(super) struct AppAutomation {
    in_flight: bool,
    corrections: VecDeque<Instant>,
    pub(super) renewed: Option<Instant>,
    /// Who holds the Lease when we do not.
    pub(super) holder: String,
    /// Set when the self-heal brake is on.
    braked: Option<String>,
    /// Why the last attempt could not act (no Lease, no access).
    blocked: Option<String>,
    /// Why automation cannot act on the app's latest status (pause state
    /// unknown, sync denied), renewed with every status.
    held_back: Option<String>,
    /// Failed attempts in a row, and when the next one may start.
    failures: u32,
    retry_at: Option<Instant>,
    /// The revision whose automated sync failed and may not be tried
    /// again (an imported Argo CD app past its `retry.limit`).
    gave_up: Option<String>,
    /// The revision the failures in a row were for (Argo CD apps).
    failed_revision: Option<String>,
    /// When the Lease was last asked for while another process held it.
    pub(super) asked: Option<Instant>,
}

impl AppAutomation {
    /// Counts a failure and pushes the next attempt out.
    fn failed(&mut self, start: Duration, max: Duration) {
        let wait = crate::cluster::doubled(start, max, self.failures);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(Instant::now() + wait);
    }

    /// Counts a failed automated sync of `revision` of an imported Argo
    /// CD app: the next attempt waits as `retry` says, or none is made at
    /// this revision once its limit is reached.
    fn failed_argo(&mut self, retry: &super::argo_automation::RetryPolicy, revision: &str) {
        if self.failed_revision.as_deref() != Some(revision) {
            self.failures = 0;
            self.failed_revision = Some(revision.to_string());
        }
        self.failures = self.failures.saturating_add(1);
        if retry.allows(self.failures) {
            self.retry_at = Some(Instant::now() + retry.backoff(self.failures - 1));
        } else {
            self.retry_at = None;
            self.gave_up = Some(revision.to_string());
            self.blocked.get_or_insert_with(|| {
                format!(
                    "automation stopped: the automated sync of {revision} failed {} time{} (syncPolicy.retry.limit {}); a new revision or a manual sync tries again",
                    self.failures,
                    if self.failures == 1 { "" } else { "s" },
                    retry.limit
                )
            });
        }
    }

    fn succeeded(&mut self) {
        self.failures = 0;
        self.retry_at = None;
        self.blocked = None;
        self.gave_up = None;
        self.failed_revision = None;
    }

    fn waiting(&self) -> bool {
        self.retry_at.is_some_and(|t| Instant::now() < t)
    }
}

/// Automation state of one engine process.
pub struct Automation {
    identity: String,
    apps: Mutex<HashMap<String, AppAutomation>>,
    pub(super) stopped: std::sync::atomic::AtomicBool,
}

impl Automation {
    pub fn new(identity: String) -> Self {
        Self {
            identity,
            apps: Mutex::new(HashMap::new()),
            stopped: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(super) fn busy(&self) -> bool {
        self.apps
            .lock()
            .map(|apps| apps.values().any(|a| a.in_flight))
            .unwrap_or(false)
    }

    /// This process's identity in Leases and history records.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    pub(super) fn with<R>(&self, app: &str, f: impl FnOnce(&mut AppAutomation) -> R) -> R {
        let mut apps = match self.apps.lock() {
            Ok(a) => a,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(apps.entry(app.to_string()).or_default())
    }

    /// Marks statuses with what automation knows: the self-heal brake, and
    /// who runs the app's automation when another process does.
    pub fn annotate(&self, status: &mut AppStatus) {
        self.with(&status.name, |a| {
            if let Some(message) = &a.braked {
                status.health = HealthStatus::Degraded;
                status.message = message.clone();
            } else if let Some(blocked) = a
                .held_back
                .as_ref()
                .or(a.blocked.as_ref())
                .filter(|_| !status.paused)
            {
                // Why nothing happens comes first: an automated app that
                // stays OutOfSync would otherwise look merely slow.
                status.message = if status.message.is_empty() {
                    blocked.clone()
                } else {
                    format!("{blocked}; {}", status.message)
                };
            } else if !a.holder.is_empty() && status.message.is_empty() {
                status.message = format!("automation runs in {}", a.holder);
            }
        });
    }
}

/// How one automation attempt ended.
enum Attempt {
    Succeeded,
    /// Nothing to do, or another process holds the Lease.
    Skipped,
    /// Failed; with the reason automation is blocked, when there is one
    /// to show in the status.
    Failed(Option<String>),
}

/// Why automation cannot act on an app at all, from its status.
fn held_back_by(status: &AppStatus) -> Option<String> {
    if let Some(why) = &status.pause_unknown {
        return Some(format!(
            "automation stopped: the pause state is unknown ({why})"
        ));
    }
    status
        .denied
        .get("sync")
        .map(|why| format!("automation stopped: cannot sync: {why}"))
}

/// Why an automated sync runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    NewRevision,
    SelfHeal,
}

impl Engine {
    /// Starts the automated syncs the latest statuses call for.
    pub fn automate(
        self: &Arc<Self>,
        statuses: &[AppStatus],
        events: &broadcast::Sender<EngineEvent>,
    ) {
        for app in self.apps().iter().filter(|a| a.is_automated()) {
            let Some(status) = statuses.iter().find(|s| s.name == app.name) else {
                continue;
            };
            let held_back = held_back_by(status).or_else(|| {
                let windows = self.window_check(app, false, chrono::Utc::now());
                (!windows.allowed()).then(|| format!("automation waits: {}", windows.reason()))
            });
            let held = held_back.is_some();
            self.automation.with(&app.name, |a| a.held_back = held_back);
            if held {
                continue;
            }
            // Flux's dependsOn: not before every dependency is ready (the
            // status message says which one it waits for).
            if super::depends::waiting_for(app, self.apps(), statuses).is_some() {
                continue;
            }
            // An Argo CD app whose sync of this revision failed past its
            // retry limit (Argo CD does not auto-sync it again).
            if self
                .automation
                .with(&app.name, |a| a.gave_up.as_ref() == Some(&status.revision))
            {
                continue;
            }
            if status.paused || status.sync != SyncStatus::OutOfSync {
                if status.sync == SyncStatus::Synced {
                    self.automation.with(&app.name, |a| a.braked = None);
                }
                continue;
            }
            let started = self.automation.with(&app.name, |a| {
                !a.in_flight && !a.waiting() && {
                    a.in_flight = true;
                    true
                }
            });
            if !started {
                continue;
            }
            let (engine, app, revision, events) = (
                self.clone(),
                app.clone(),
                status.revision.clone(),
                events.clone(),
            );
            tokio::spawn(async move {
                let outcome = engine.run_automation(&app, &revision, &events).await;
                let (start, max) = (
                    engine.options.automation_backoff_start,
                    engine.options.automation_backoff_max,
                );
                let retry = super::argo_automation::retry_policy(&app);
                engine.automation.with(&app.name, |a| {
                    a.in_flight = false;
                    match outcome {
                        // A skip (nothing to do, or the Lease is another
                        // process's) reached the cluster: nothing blocks.
                        Attempt::Succeeded | Attempt::Skipped => a.succeeded(),
                        Attempt::Failed(blocked) => {
                            a.blocked = blocked;
                            match retry {
                                Some(Ok(retry)) => a.failed_argo(&retry, &revision),
                                Some(Err(why)) => {
                                    a.blocked = Some(format!("automation stopped: {why}"));
                                    a.failed(start, max);
                                }
                                None => a.failed(start, max),
                            }
                        }
                    }
                });
            });
        }
    }

    async fn run_automation(
        &self,
        app: &AppSpec,
        revision: &str,
        events: &broadcast::Sender<EngineEvent>,
    ) -> Attempt {
        let client = match self.client_for(app).await {
            Ok(client) => client,
            Err(e) => return Attempt::Failed(Some(format!("automation waits: {e}"))),
        };
        match self.hold_lease(app, &client).await {
            Ok(true) => {}
            Ok(false) => return Attempt::Skipped,
            Err(why) => return Attempt::Failed(Some(why)),
        }
        let last = match read_state(&client, &app.name).await {
            Ok(state) => state
                .history
                .iter()
                .rev()
                .find(|h| h.result == "Succeeded")
                .map(|h| h.revision.clone()),
            Err(e) => {
                return Attempt::Failed(Some(format!(
                    "automation stopped: cannot read the app state: {e}"
                )));
            }
        };
        let trigger = if last.as_deref() != Some(revision) {
            Trigger::NewRevision
        } else if app
            .sync_policy
            .as_ref()
            .and_then(|p| p.automated.as_ref())
            .is_some_and(|a| a.self_heal)
        {
            Trigger::SelfHeal
        } else {
            return Attempt::Skipped;
        };
        if trigger == Trigger::SelfHeal && !self.allow_correction(app).await {
            return Attempt::Skipped;
        }
        let prune = app
            .sync_policy
            .as_ref()
            .and_then(|p| p.automated.as_ref())
            .is_some_and(|a| a.prune);
        // Argo CD's `allowEmpty`: an automated prune never empties an app.
        if prune
            && let Ok(desired) = self.desired.render(app)
            && let Some(why) =
                super::argo_automation::wipe_out_refusal(app, revision, &desired.objects)
        {
            return Attempt::Failed(Some(why));
        }
        let by = match trigger {
            Trigger::NewRevision => format!("automated sync ({})", self.automation.identity()),
            Trigger::SelfHeal => format!("self-heal ({})", self.automation.identity()),
        };
        let options = SyncOptions {
            prune,
            by: Some(by),
            ..Default::default()
        };
        let (event, attempt) = match self.sync(&app.name, &options).await {
            Ok(report) => (
                EngineEvent::CommandDone {
                    app: app.name.clone(),
                    ok: true,
                    message: format!("{}: {}", options.by.unwrap_or_default(), report.summary()),
                },
                Attempt::Succeeded,
            ),
            Err(e) => {
                let blocked = matches!(e, super::EngineError::Denied { .. })
                    .then(|| format!("automation stopped: {e}"));
                (
                    EngineEvent::CommandDone {
                        app: app.name.clone(),
                        ok: false,
                        message: e.to_string(),
                    },
                    Attempt::Failed(blocked),
                )
            }
        };
        let _ = events.send(event);
        attempt
    }

    /// Counts a self-heal correction; false (and the brake on) past the limit.
    async fn allow_correction(&self, app: &AppSpec) -> bool {
        let over = self.automation.with(&app.name, |a| {
            let now = Instant::now();
            while a
                .corrections
                .front()
                .is_some_and(|t| now.duration_since(*t) > HEAL_WINDOW)
            {
                a.corrections.pop_front();
            }
            if a.corrections.len() >= HEAL_LIMIT {
                return true;
            }
            a.corrections.push_back(now);
            false
        });
        if !over {
            return true;
        }
        let managers = self.fighting_managers(app).await;
        let message = format!(
            "self-heal stopped after {HEAL_LIMIT} corrections in {}s: something keeps changing the app ({managers})",
            HEAL_WINDOW.as_secs()
        );
        self.automation
            .with(&app.name, |a| a.braked = Some(message));
        false
    }

    /// The field managers owning the drifted fields, for the brake message.
    async fn fighting_managers(&self, app: &AppSpec) -> String {
        let Ok(diff) = self.diff(&app.name, None).await else {
            return "unknown managers".to_string();
        };
        let mut names: Vec<String> = diff
            .resources
            .iter()
            .flat_map(|r| r.fields.iter().flat_map(|f| f.managers.iter().cloned()))
            .filter(|m| !m.starts_with("tether "))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            "unknown managers".to_string()
        } else {
            format!("field managers: {}", names.join(", "))
        }
    }
}
