//! Reverting a commit from the history view: `x` asks the engine for a
//! preview (the diff the revert would commit) and shows it in a dialog;
//! only a shown preview can be confirmed, which sends the revert. On a
//! sync record of a live Argo CD app `x` rolls back to it instead (a
//! confirmation showing both patches); Flux has no rollback, so there `x`
//! offers to revert the commit the record applied.

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::apps_table::short_revision;
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::state::history::{HistoryState, TimelineEntry, same_revision};
use super::state::revert::RevertState;
use super::state::{Loadable, RequestKind, View};
use crate::engine::{EngineCommand, LiveAction};
use crate::model::{AppEngine, CommitRecord};

impl App {
    /// `x` in the history of `app`: previews a revert of the selected commit.
    pub(super) fn start_revert(&mut self, app: &str) -> Vec<Effect> {
        if self.read_only {
            self.warn("read-only: revert is disabled");
            return Vec::new();
        }
        let selected = match self.views.last() {
            Some(View::History(h)) if h.app == app => h.selected(),
            _ => {
                self.warn("revert: open the history (h) and select a commit");
                return Vec::new();
            }
        };
        let engine = self.live_row(app).map(|r| r.engine);
        let (commit, summary, note) = match (selected, engine) {
            (Some(TimelineEntry::Commit(c)), _) => (c.id.clone(), c.summary.clone(), None),
            (Some(TimelineEntry::Sync(s)), Some(AppEngine::Argocd)) => {
                let id = i64::try_from(s.id).unwrap_or(i64::MAX);
                return self.start_live(app, LiveAction::Rollback { id, prune: false });
            }
            (Some(TimelineEntry::Sync(s)), Some(AppEngine::Flux)) => {
                let Some(c) = self.commit_of_revision(app, &s.revision) else {
                    self.warn(
                        "Flux has no rollback; select the commit to undo and press the revert key to revert it in Git",
                    );
                    return Vec::new();
                };
                let note = "Flux has no rollback: this reverts the commit it applied, in Git";
                (c.id, c.summary, Some(note.to_string()))
            }
            (Some(TimelineEntry::Sync(_)), _) => {
                self.warn("revert: select a commit; sync records cannot be reverted");
                return Vec::new();
            }
            (None, _) => {
                self.warn("revert: no commit selected");
                return Vec::new();
            }
        };
        let mut state = RevertState::loading(app, &commit, &summary);
        state.note = note;
        self.revert = Some(state);
        self.mode = Mode::ConfirmRevert;
        self.requests.start(RequestKind::RevertPreview, app, None);
        vec![Effect::Send(EngineCommand::RevertPreview {
            app: app.to_string(),
            commit: Some(commit),
        })]
    }

    /// The commit of the shown history whose id a Flux revision
    /// (`main@sha1:<hex>`) names.
    fn commit_of_revision(&self, app: &str, revision: &str) -> Option<CommitRecord> {
        let hash = revision.rsplit(':').next().unwrap_or(revision);
        if hash.len() < 7 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let Some(View::History(h)) = self.views.last() else {
            return None;
        };
        if h.app != app {
            return None;
        }
        h.entries.iter().find_map(|e| match e {
            TimelineEntry::Commit(c) if same_revision(&c.id, hash) => Some(c.clone()),
            _ => None,
        })
    }

    /// The engine's preview of a revert: shown when it answers the open
    /// dialog, dropped as stale otherwise.
    pub(super) fn revert_preview(&mut self, app: &str, commit: String, diff: &str) {
        let theme = self.theme.syntax_theme().to_string();
        let Some(state) = self.revert.as_mut().filter(|s| s.answers(app, &commit)) else {
            tracing::debug!(app, commit, "stale revert preview dropped");
            return;
        };
        if self.requests.accept(RequestKind::RevertPreview, app, None) {
            state.set_preview(commit, diff, &theme);
            self.status = None;
        }
    }

    /// The engine refused the preview (conflict, dirty path, detached
    /// HEAD, merge commit…): the dialog shows why.
    pub(super) fn revert_refused(&mut self, app: &str, message: &str) {
        if let Some(state) = self.revert.as_mut().filter(|s| s.app == app) {
            state.preview = Loadable::Failed(message.to_string());
        }
    }

    /// Keys in the revert dialog: scroll the preview, confirm once it is
    /// shown, cancel.
    pub(super) fn revert_key(&mut self, chord: &KeyChord) -> Vec<Effect> {
        let page = isize::try_from(self.page()).unwrap_or(isize::MAX);
        let Some(state) = self.revert.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::ScrollDown | Action::MoveDown) => state.scroll_by(1),
            Some(Action::ScrollUp | Action::MoveUp) => state.scroll_by(-1),
            Some(Action::PageDown) => state.scroll_by(page),
            Some(Action::PageUp) => state.scroll_by(-page),
            Some(Action::Confirm) => return self.confirm_revert(),
            Some(Action::Cancel) => {
                let short = short_revision(&state.commit).to_string();
                self.close_revert();
                self.info(format!("revert of {short} cancelled"));
            }
            _ => {}
        }
        Vec::new()
    }

    fn confirm_revert(&mut self) -> Vec<Effect> {
        let Some(state) = &self.revert else {
            return Vec::new();
        };
        let app = state.app.clone();
        match (&state.preview, state.ready_commit()) {
            (_, Some(commit)) => {
                let commit = commit.to_string();
                self.close_revert();
                self.reverting = Some(app.clone());
                self.info(format!(
                    "revert of {} in {app} requested",
                    short_revision(&commit)
                ));
                vec![Effect::Send(EngineCommand::Revert {
                    app,
                    commit: Some(commit),
                })]
            }
            (Loadable::Failed(reason), None) => {
                let text = format!("{app}: nothing to revert: {reason}");
                self.error(text);
                Vec::new()
            }
            _ => {
                self.warn("waiting for the revert preview…");
                Vec::new()
            }
        }
    }

    /// A command of `app` finished: when it is the revert sent (its
    /// `committed …`, or a failure no request claimed), the history shown
    /// for the app is loaded again to show the new commit.
    pub(super) fn revert_done(&mut self, app: &str, ok: bool, message: &str, claimed: bool) {
        let ours = if ok {
            message.starts_with("committed")
        } else {
            !claimed
        };
        if !ours || self.reverting.as_deref() != Some(app) {
            return;
        }
        self.reverting = None;
        let shown = matches!(self.views.last(), Some(View::History(h)) if h.app == app);
        if ok && shown {
            self.views.pop();
            self.views.push(View::History(HistoryState::loading(app)));
            self.requests.start(RequestKind::History, app, None);
            self.outbox.push(EngineCommand::History {
                app: app.to_string(),
            });
        }
    }

    fn close_revert(&mut self) {
        self.mode = Mode::Normal;
        self.revert = None;
        self.requests.cancel(RequestKind::RevertPreview);
    }

    /// The revert being confirmed, if any.
    pub fn revert(&self) -> Option<&RevertState> {
        self.revert.as_ref()
    }
}
