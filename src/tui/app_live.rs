//! Actions on live Argo CD and Flux apps: the same keys as for tether's
//! apps, answered with the patches the engine would send. `s`/`S`, resume
//! and terminate ask for confirmation showing the plan in words; `p` asks
//! for a reason showing the plan's warnings; `r` also asks the controller
//! to refresh; `o` shows the Argo CD operation, live.

use super::action::Action;
use super::app::{App, Effect, Mode, SyncProgress};
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::state::operation::OperationState;
use super::state::{Loadable, RequestKind, View};
use crate::engine::{EngineCommand, LiveAction, LivePlan};
use crate::model::{AppEngine, AppOriginKind, AppStatus};
use std::sync::Arc;

impl App {
    /// The row of `app` when it is a live Argo CD / Flux app.
    pub(super) fn live_row(&self, app: &str) -> Option<&AppStatus> {
        self.snapshot
            .apps
            .iter()
            .find(|a| a.key() == app && a.origin == AppOriginKind::Cluster)
    }

    /// `action` on the live app `app`; None when the action is not one
    /// that differs for live apps.
    pub(super) fn live_action(&mut self, action: Action, app: &str) -> Option<Vec<Effect>> {
        let row = self.live_row(app)?;
        let (engine, paused) = (row.engine, row.paused);
        let effects = match action {
            Action::Sync | Action::SyncPrune => self.start_live(
                app,
                LiveAction::Sync {
                    prune: action == Action::SyncPrune,
                    revision: None,
                    resources: Vec::new(),
                    with_source: false,
                    force: false,
                },
            ),
            Action::Pause if paused => self.start_live(app, LiveAction::Resume),
            Action::Pause => {
                self.mode = Mode::PauseReason {
                    app: app.to_string(),
                    input: String::new(),
                };
                self.ask_live_plan(
                    app,
                    LiveAction::Pause {
                        reason: String::new(),
                    },
                )
            }
            Action::Terminate if engine == AppEngine::Argocd => {
                self.start_live(app, LiveAction::Terminate)
            }
            Action::Terminate => {
                self.warn("terminate: Flux runs no operations to terminate");
                Vec::new()
            }
            Action::Operation if engine == AppEngine::Argocd => self.open_operation(app),
            Action::Operation => {
                self.warn(
                    "operation: Flux runs no operations; its history (h) shows its reconciliations",
                );
                Vec::new()
            }
            Action::Refresh => {
                let mut effects = vec![Effect::Send(EngineCommand::Refresh)];
                match self.live_refresh(app) {
                    Some(ask) => {
                        self.info(format!(
                            "refresh of {app} requested from {}",
                            engine.product()
                        ));
                        effects.push(ask);
                    }
                    None => self.info("refresh requested"),
                }
                effects
            }
            _ => return None,
        };
        Some(effects)
    }

    /// The request asking the controller of the live app `app` to refresh
    /// it, when one may be sent: it is a write, so not in read-only mode,
    /// and a suspended Flux object refuses it.
    pub(super) fn live_refresh(&self, app: &str) -> Option<Effect> {
        let row = self.live_row(app)?;
        if self.read_only || row.suspended == Some(true) {
            return None;
        }
        Some(Effect::Send(EngineCommand::Live {
            app: app.to_string(),
            action: LiveAction::Refresh {
                hard: false,
                with_source: false,
            },
        }))
    }

    /// Opens the confirmation of `action` on `app` and asks for its plan.
    pub(super) fn start_live(&mut self, app: &str, action: LiveAction) -> Vec<Effect> {
        self.mode = Mode::ConfirmLive {
            app: app.to_string(),
            action: action.clone(),
        };
        self.ask_live_plan(app, action)
    }

    fn ask_live_plan(&mut self, app: &str, action: LiveAction) -> Vec<Effect> {
        self.live_plan = Some(Loadable::Loading);
        self.live_scroll = 0;
        self.requests.start(RequestKind::LivePlan, app, None);
        vec![Effect::Send(EngineCommand::LivePlan {
            app: app.to_string(),
            action,
        })]
    }

    /// The engine's plan: shown when it answers the open dialog.
    pub(super) fn live_plan_arrived(
        &mut self,
        app: &str,
        action: &LiveAction,
        plan: Arc<LivePlan>,
    ) {
        let answers = match &self.mode {
            Mode::ConfirmLive {
                app: a,
                action: wanted,
            } => a == app && wanted == action,
            Mode::PauseReason { app: a, .. } => {
                a == app && matches!(action, LiveAction::Pause { .. })
            }
            _ => false,
        };
        if answers && self.requests.accept(RequestKind::LivePlan, app, None) {
            self.live_plan = Some(Loadable::Ready(plan));
            self.status = None;
        }
    }

    pub(super) fn close_live_plan(&mut self) {
        self.live_plan = None;
        self.requests.cancel(RequestKind::LivePlan);
    }

    /// Keys in a live action's confirmation: yes sends the action once its
    /// plan is shown; a refused plan sends nothing.
    pub(super) fn confirm_live_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        action: LiveAction,
    ) -> Vec<Effect> {
        let verb = verb(&action);
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::Confirm) => match &self.live_plan {
                Some(Loadable::Ready(_)) => {
                    self.mode = Mode::Normal;
                    self.close_live_plan();
                    self.info(format!("{verb} of {app} requested"));
                    self.run_live(app, action)
                }
                Some(Loadable::Failed(reason)) => {
                    let text = format!("{app}: nothing sent: {reason}");
                    self.mode = Mode::Normal;
                    self.close_live_plan();
                    self.error(text);
                    Vec::new()
                }
                _ => {
                    self.warn("waiting for the plan…");
                    Vec::new()
                }
            },
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                self.close_live_plan();
                self.info(format!("{verb} of {app} cancelled"));
                Vec::new()
            }
            Some(
                scroll
                @ (Action::ScrollDown | Action::ScrollUp | Action::PageDown | Action::PageUp),
            ) => {
                let page = isize::try_from(self.page()).unwrap_or(isize::MAX);
                let delta = match scroll {
                    Action::ScrollDown => 1,
                    Action::ScrollUp => -1,
                    Action::PageDown => page,
                    _ => -page,
                };
                let last = super::view::live_body_lines(self, &app, &action).saturating_sub(1);
                self.live_scroll = self.live_scroll.saturating_add_signed(delta).min(last);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Sends `action`; a sync, rollback or terminate shows its progress,
    /// and an Argo CD sync or rollback opens the operation view.
    fn run_live(&mut self, app: String, action: LiveAction) -> Vec<Effect> {
        let argo = self
            .live_row(&app)
            .is_some_and(|r| r.engine == AppEngine::Argocd);
        let progress = match &action {
            LiveAction::Sync { .. } => Some(("Syncing", "synced")),
            LiveAction::Rollback { .. } => Some(("Rolling back", "rolled back")),
            LiveAction::Terminate => Some(("Terminating", "terminated")),
            _ => None,
        };
        if let Some((doing, done)) = progress {
            self.progress = Some(SyncProgress {
                doing,
                done,
                ..SyncProgress::sync(&app)
            });
        }
        let mut effects = vec![Effect::Send(EngineCommand::Live {
            app: app.clone(),
            action: action.clone(),
        })];
        if argo
            && matches!(
                action,
                LiveAction::Sync { .. } | LiveAction::Rollback { .. }
            )
        {
            effects.extend(self.open_operation(&app));
        }
        effects
    }

    /// The typed reason accepted: pauses the live app, unless its plan was
    /// refused.
    pub(super) fn send_live_pause(&mut self, app: String, reason: String) -> Vec<Effect> {
        if let Some(Loadable::Failed(why)) = &self.live_plan {
            let text = format!("{app}: nothing sent: {why}");
            self.close_live_plan();
            self.error(text);
            return Vec::new();
        }
        self.close_live_plan();
        self.info(format!("pause of {app} requested"));
        vec![Effect::Send(EngineCommand::Live {
            app,
            action: LiveAction::Pause { reason },
        })]
    }

    /// Shows the Argo CD operation of `app`, read again with each snapshot.
    pub(super) fn open_operation(&mut self, app: &str) -> Vec<Effect> {
        let shown = matches!(self.views.last(), Some(View::Operation(o)) if o.app == app);
        if !shown {
            self.views
                .push(View::Operation(OperationState::loading(app)));
        }
        self.requests.start(RequestKind::Operation, app, None);
        vec![Effect::Send(EngineCommand::Operation {
            app: app.to_string(),
        })]
    }

    /// After a new snapshot: the apps of ApplicationSets follow it, and a
    /// shown operation is read again (the engine answers from the watch
    /// cache the snapshot came from).
    pub(super) fn follow_snapshot(&mut self) {
        let page = self.page();
        let snapshot = Arc::clone(&self.snapshot);
        for view in &mut self.views {
            if let View::AppSetApps(state) = view {
                state.update(&snapshot, page);
            }
        }
        if let Some(View::Operation(o)) = self.views.last() {
            let app = o.app.clone();
            self.requests.start(RequestKind::Operation, &app, None);
            self.outbox.push(EngineCommand::Operation { app });
        }
    }
}

/// The action in words, for the status line.
fn verb(action: &LiveAction) -> &'static str {
    match action {
        LiveAction::Sync { prune: true, .. } => "sync with prune",
        LiveAction::Sync { .. } => "sync",
        LiveAction::Refresh { .. } => "refresh",
        LiveAction::Terminate => "terminate",
        LiveAction::Pause { .. } => "pause",
        LiveAction::Resume => "resume",
        LiveAction::Rollback { .. } => "rollback",
    }
}

impl App {
    /// The operation view taken off the stack for a reload: back on it,
    /// read again.
    pub(super) fn open_operation_again(&mut self, state: OperationState) -> Vec<Effect> {
        let app = state.app.clone();
        self.views.push(View::Operation(state));
        self.open_operation(&app)
    }
}
