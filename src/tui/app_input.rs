//! Keys in the modes beside the apps table: filter and command input,
//! help, and confirmation dialogs.

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::view;
use crate::engine::EngineCommand;
use std::sync::Arc;

/// The `:` commands this version understands, for the help screen:
/// (how to type it, what it does).
pub const COMMANDS: [(&str, &str); 4] = [
    (":q  :quit", "quit tether"),
    (":apps", "apps table, filter cleared"),
    (":help", "show this help"),
    (":theme NAME", "switch theme"),
];

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

    pub(super) fn command_key(&mut self, chord: &KeyChord, mut input: String) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Input, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                return self.run_command(input.trim());
            }
            Some(Action::Cancel) => self.mode = Mode::Normal,
            Some(Action::DeleteChar) => {
                input.pop();
                self.mode = Mode::Command(input);
            }
            _ => {
                if let Some(c) = chord.typed_char() {
                    input.push(c);
                    self.mode = Mode::Command(input);
                }
            }
        }
        Vec::new()
    }

    fn run_command(&mut self, command: &str) -> Vec<Effect> {
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        match verb {
            "" => {}
            "q" | "q!" | "quit" => return vec![Effect::Quit],
            "apps" | "app" | "a" => {
                let snapshot = Arc::clone(&self.snapshot);
                self.table.set_filter("", &snapshot);
            }
            "help" => self.mode = Mode::Help(0),
            "theme" if argument.trim().is_empty() => self.warn(":theme needs a theme name"),
            "theme" => return vec![Effect::LoadTheme(argument.trim().to_string())],
            "tree" | "diff" | "history" | "ctx" | "events" => {
                self.warn(format!(":{verb}: not available yet"));
            }
            other => self.error(format!("unknown command ':{other}'")),
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

    pub(super) fn confirm_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        prune: bool,
    ) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                let with = if prune { " with prune" } else { "" };
                self.info(format!("sync of {app}{with} requested"));
                vec![Effect::Send(EngineCommand::Sync { app, prune })]
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                self.info(format!("sync of {app} cancelled"));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
