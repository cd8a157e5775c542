//! Keys in the modes beside the tables: filter input, help, the sync
//! confirmation with its plan, and pause / resume.

use super::action::Action;
use super::app::{App, Effect, Mode, SyncProgress};
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::state::{Loadable, RequestKind};
use super::view;
use crate::engine::EngineCommand;
use std::sync::Arc;

pub use super::app_command::COMMANDS;

impl App {
    pub(super) fn filter_key(&mut self, chord: &KeyChord) -> Vec<Effect> {
        let snapshot = Arc::clone(&self.snapshot);
        let mut filter = self.table.filter().to_string();
        match self.keymap.get(KeyContext::Input, chord) {
            Some(Action::Confirm) => self.mode = Mode::Normal,
            Some(Action::Cancel) => {
                filter.clear();
                self.mode = Mode::Normal;
            }
            Some(Action::DeleteChar) => {
                filter.pop();
            }
            _ => {
                if let Some(c) = chord.typed_char() {
                    filter.push(c);
                }
            }
        }
        if filter != self.table.filter() {
            self.table.set_filter(&filter, &snapshot);
        }
        Vec::new()
    }

    pub(super) fn help_key(&mut self, chord: &KeyChord, scroll: usize) -> Vec<Effect> {
        let last = view::help_line_count(self).saturating_sub(1);
        match self.resolve_pending(KeyContext::Help, chord) {
            Some(Action::Quit) => return vec![Effect::Quit],
            Some(Action::Back | Action::Help) => self.mode = Mode::Normal,
            Some(Action::MoveDown) => self.mode = Mode::Help((scroll + 1).min(last)),
            Some(Action::MoveUp) => self.mode = Mode::Help(scroll.saturating_sub(1)),
            Some(Action::PageDown) => self.mode = Mode::Help((scroll + self.page_size).min(last)),
            Some(Action::PageUp) => self.mode = Mode::Help(scroll.saturating_sub(self.page_size)),
            Some(Action::Top) => self.mode = Mode::Help(0),
            Some(Action::Bottom) => self.mode = Mode::Help(last),
            _ => {}
        }
        Vec::new()
    }

    /// The sync confirmation: `yes` sends the sync once the plan is here
    /// (or the engine said why there is none).
    pub(super) fn confirm_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        prune: bool,
    ) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::Confirm) if self.plan == Some(Loadable::Loading) => {
                self.warn("waiting for the plan…");
                Vec::new()
            }
            Some(Action::Confirm) => {
                self.close_dialog();
                let with = if prune { " with prune" } else { "" };
                self.info(format!("sync of {app}{with} requested"));
                self.progress = Some(SyncProgress::sync(&app));
                vec![Effect::Send(EngineCommand::Sync { app, prune })]
            }
            Some(Action::Cancel) => {
                self.close_dialog();
                self.info(format!("sync of {app} cancelled"));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn close_dialog(&mut self) {
        self.mode = Mode::Normal;
        self.plan = None;
        self.requests.cancel(RequestKind::Plan);
    }

    /// Typing the pause reason: accept sends the pause.
    pub(super) fn reason_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        mut input: String,
    ) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Input, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                let reason = input.trim().to_string();
                if self.live_row(&app).is_some() {
                    return self.send_live_pause(app, reason);
                }
                self.info(format!("pause of {app} requested"));
                return vec![Effect::Send(EngineCommand::Pause { app, reason })];
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                self.close_live_plan();
                self.info(format!("pause of {app} cancelled"));
            }
            Some(Action::DeleteChar) => {
                input.pop();
                self.mode = Mode::PauseReason { app, input };
            }
            _ => {
                if let Some(c) = chord.typed_char() {
                    input.push(c);
                    self.mode = Mode::PauseReason { app, input };
                }
            }
        }
        Vec::new()
    }

    /// Confirming a resume.
    pub(super) fn resume_key(&mut self, chord: &KeyChord, app: String) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                self.info(format!("resume of {app} requested"));
                vec![Effect::Send(EngineCommand::Resume { app })]
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
