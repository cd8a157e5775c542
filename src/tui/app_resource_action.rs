//! Resource actions in the tree view (DESIGN.md §7): `a` on a Rollout,
//! Canary or Deployment opens a menu of the actions that apply to it now
//! (as the engine found them when it built the tree); the chosen action is
//! confirmed, then sent to the engine, which checks it again on a fresh
//! read of the object.

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::state::View;
use crate::engine::EngineCommand;
use crate::model::ResourceKey;

impl App {
    /// Opens the action menu of the selected tree node of `app`.
    pub(super) fn open_action_menu(
        &mut self,
        app: &str,
        resource: Option<ResourceKey>,
    ) -> Vec<Effect> {
        if self.read_only {
            self.warn("read-only: resource actions are disabled");
            return Vec::new();
        }
        let Some(View::Tree(tree)) = self.views.last() else {
            self.warn("resource actions are per resource: open the tree (t) and select one");
            return Vec::new();
        };
        let node = tree
            .rows
            .get(tree.cursor.selected)
            .and_then(|row| tree.node(row));
        let (Some(resource), Some(node)) = (resource, node) else {
            self.warn("no resource selected");
            return Vec::new();
        };
        if node.actions.is_empty() {
            self.warn(format!(
                "{}/{} has no actions that apply now (Rollout, Canary and Deployment have)",
                node.kind, node.name
            ));
            return Vec::new();
        }
        self.mode = Mode::ActionMenu {
            app: app.to_string(),
            resource,
            actions: node.actions.clone(),
            selected: 0,
        };
        Vec::new()
    }

    /// A key in the action menu: move, choose (then confirm), or cancel.
    pub(super) fn action_menu_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        resource: ResourceKey,
        actions: Vec<String>,
        selected: usize,
    ) -> Vec<Effect> {
        let last = actions.len().saturating_sub(1);
        let selected = match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::ScrollDown | Action::MoveDown | Action::PageDown) => {
                (selected + 1).min(last)
            }
            Some(Action::ScrollUp | Action::MoveUp | Action::PageUp) => selected.saturating_sub(1),
            Some(Action::Confirm) => {
                if let Some(action) = actions.get(selected) {
                    self.mode = Mode::ConfirmAction {
                        app,
                        resource,
                        action: action.clone(),
                    };
                }
                return Vec::new();
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            _ => selected,
        };
        self.mode = Mode::ActionMenu {
            app,
            resource,
            actions,
            selected,
        };
        Vec::new()
    }

    /// Confirming the chosen action: yes sends it.
    pub(super) fn confirm_action_key(
        &mut self,
        chord: &KeyChord,
        app: String,
        resource: ResourceKey,
        action: String,
    ) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                self.info(format!(
                    "{action} {}/{} requested",
                    resource.kind, resource.name
                ));
                vec![Effect::Send(EngineCommand::ResourceAction {
                    app,
                    resource,
                    action,
                })]
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                self.info(format!(
                    "{action} {}/{} cancelled",
                    resource.kind, resource.name
                ));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
