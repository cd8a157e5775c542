//! Opening views and the keys inside them: each view is filled by one
//! on-demand engine request (newest request wins, see [`super::state::requests`]).

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::keys::KeyChord;
use super::state::diff_state::DiffState;
use super::state::history::HistoryState;
use super::state::pipeline::PipelineState;
use super::state::tree::TreeState;
use super::state::views::EventsState;
use super::state::{ListCursor, Loadable, RequestKind, TextState, View};
use crate::engine::EngineCommand;
use crate::model::ResourceKey;

impl App {
    /// Something to do with `app` (and the selected `resource` of a view),
    /// from the apps table or any view.
    pub(super) fn app_action(
        &mut self,
        action: Action,
        app: Option<&str>,
        resource: Option<ResourceKey>,
    ) -> Vec<Effect> {
        let Some(app) = app.map(str::to_string) else {
            if app_scoped(action) {
                self.warn("no app selected");
            }
            return Vec::new();
        };
        let refused = self.read_only && action.dangerous();
        if !refused && let Some(effects) = self.live_action(action, &app) {
            return effects;
        }
        match action {
            Action::Refresh => {
                self.info("refresh requested");
                vec![Effect::Send(EngineCommand::Refresh)]
            }
            Action::Terminate if self.read_only => {
                self.warn("read-only: terminate is disabled");
                Vec::new()
            }
            Action::Terminate | Action::Operation => {
                self.warn(format!(
                    "{}: only a live Argo CD app runs operations ({app} is not one)",
                    action.name()
                ));
                Vec::new()
            }
            Action::Sync | Action::SyncPrune if self.read_only => {
                self.warn("read-only: sync is disabled");
                Vec::new()
            }
            Action::Sync | Action::SyncPrune => {
                let prune = action == Action::SyncPrune;
                if self.explain_denied(&app, if prune { "prune" } else { "sync" }) {
                    return Vec::new();
                }
                self.mode = Mode::ConfirmSync {
                    app: app.clone(),
                    prune,
                };
                self.plan = Some(Loadable::Loading);
                self.requests.start(RequestKind::Plan, &app, None);
                vec![Effect::Send(EngineCommand::Plan { app, prune })]
            }
            Action::Pause if self.read_only => {
                self.warn("read-only: pause and resume are disabled");
                Vec::new()
            }
            Action::Pause => {
                let paused = self
                    .snapshot
                    .apps
                    .iter()
                    .any(|a| a.key() == app && a.paused);
                if self.explain_denied(&app, if paused { "resume" } else { "pause" }) {
                    return Vec::new();
                }
                self.mode = if paused {
                    Mode::ConfirmResume { app }
                } else {
                    Mode::PauseReason {
                        app,
                        input: String::new(),
                    }
                };
                Vec::new()
            }
            Action::Tree | Action::DrillIn => self.open_tree(&app),
            Action::Diff => self.open_diff(&app),
            Action::History => self.open_history(&app),
            Action::Events => self.open_events(&app, resource),
            Action::Yaml => match resource {
                Some(resource) => self.open_yaml(&app, resource),
                None => {
                    self.warn("YAML is per resource: open the tree (t) and select one");
                    Vec::new()
                }
            },
            Action::Revert => self.start_revert(&app),
            Action::ResourceAction => self.open_action_menu(&app, resource),
            _ => Vec::new(),
        }
    }

    /// When the engine found that the kubeconfig user may not run
    /// `action` on `app`, says which permission is missing in the status
    /// line (instead of a dialog that would fail) and returns true.
    pub(super) fn explain_denied(&mut self, app: &str, action: &str) -> bool {
        let reason = self
            .snapshot
            .apps
            .iter()
            .find(|a| a.key() == app)
            .and_then(|a| a.denied.get(action))
            .cloned();
        match reason {
            Some(reason) => {
                self.error(format!("{app}: cannot {action}: {reason}"));
                true
            }
            None => false,
        }
    }

    /// Shows the resource tree of `app`.
    pub(super) fn open_tree(&mut self, app: &str) -> Vec<Effect> {
        self.push(View::Tree(TreeState::loading(app)));
        self.request(
            RequestKind::Tree,
            app,
            None,
            EngineCommand::Tree { app: app.into() },
        )
    }

    /// Shows the diff of `app`.
    pub(super) fn open_diff(&mut self, app: &str) -> Vec<Effect> {
        self.push(View::Diff(Box::new(DiffState::loading(app))));
        let command = EngineCommand::Diff {
            app: app.into(),
            revision: None,
        };
        self.request(RequestKind::Diff, app, None, command)
    }

    /// Shows the history of `app`.
    pub(super) fn open_history(&mut self, app: &str) -> Vec<Effect> {
        self.push(View::History(HistoryState::loading(app)));
        let command = EngineCommand::History { app: app.into() };
        self.request(RequestKind::History, app, None, command)
    }

    /// Shows the stages of pipeline `name`.
    pub(super) fn open_pipeline(&mut self, name: &str) -> Vec<Effect> {
        self.push(View::Pipeline(PipelineState::loading(name)));
        let command = EngineCommand::Pipeline { name: name.into() };
        self.request(RequestKind::Pipeline, name, None, command)
    }

    /// Shows the clusters.
    pub(super) fn open_contexts(&mut self) {
        self.push(View::Contexts(ListCursor::default()));
    }

    fn open_events(&mut self, app: &str, resource: Option<ResourceKey>) -> Vec<Effect> {
        self.push(View::Events(EventsState {
            app: app.to_string(),
            resource: resource.clone(),
            events: Loadable::Loading,
            cursor: ListCursor::default(),
        }));
        let command = EngineCommand::Events {
            app: app.into(),
            resource: resource.clone(),
        };
        self.request(RequestKind::Events, app, resource, command)
    }

    fn open_yaml(&mut self, app: &str, resource: ResourceKey) -> Vec<Effect> {
        self.push(View::Yaml(TextState {
            app: app.to_string(),
            resource: resource.clone(),
            text: Loadable::Loading,
            lines: Vec::new(),
            scroll: 0,
        }));
        let command = EngineCommand::Yaml {
            app: app.into(),
            resource: resource.clone(),
        };
        self.request(RequestKind::Yaml, app, Some(resource), command)
    }

    /// Shows `view`, replacing the shown one when it is the same kind of
    /// view (so `t t t` does not pile up trees).
    pub(super) fn push(&mut self, view: View) {
        let same = self
            .views
            .last()
            .is_some_and(|top| std::mem::discriminant(top) == std::mem::discriminant(&view));
        if same {
            self.views.pop();
        }
        self.views.push(view);
    }

    fn request(
        &mut self,
        kind: RequestKind,
        app: &str,
        resource: Option<ResourceKey>,
        command: EngineCommand,
    ) -> Vec<Effect> {
        self.requests.start(kind, app, resource);
        vec![Effect::Send(command)]
    }

    /// Leaves the shown view; its request, if still running, is dropped
    /// (an operation view asks again with every snapshot).
    pub(super) fn pop_view(&mut self) {
        if let Some(view) = self.views.pop()
            && let Some(kind) = view.request_kind()
            && (view.is_loading() || kind == RequestKind::Operation)
        {
            self.requests.cancel(kind);
        }
    }

    /// A key while a view is shown.
    pub(super) fn view_key(&mut self, chord: &KeyChord) -> Vec<Effect> {
        let Some(context) = self.views.last().map(View::key_context) else {
            return Vec::new();
        };
        let Some(action) = self.resolve_pending(context, chord) else {
            return Vec::new();
        };
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => self.mode = Mode::Help(0),
            Action::Back => self.pop_view(),
            Action::Command => self.mode = Mode::Command(String::new()),
            Action::Refresh => return self.reload_view(),
            Action::CompareStages => return self.compare_stages(),
            Action::Promote => return self.start_promote(),
            Action::DrillIn | Action::ToggleNode => {
                if let Some(effects) = self.drill_in_view() {
                    return effects;
                }
                self.move_in_view(action);
            }
            other => {
                if !self.move_in_view(other) {
                    let (app, resource) = self.view_target();
                    return self.app_action(other, app.as_deref(), resource);
                }
            }
        }
        Vec::new()
    }

    /// The app and the selected resource of the shown view.
    fn view_target(&self) -> (Option<String>, Option<ResourceKey>) {
        let Some(view) = self.views.last() else {
            return (None, None);
        };
        let resource = match view {
            View::Tree(t) => t.selected_key(),
            View::Diff(d) if d.compare.is_some() => None,
            View::Diff(d) => d.selected_key(),
            View::Events(e) => e.resource.clone(),
            View::Yaml(y) => Some(y.resource.clone()),
            View::AppSetApps(state) => {
                let app = state.selected(&self.snapshot).map(|a| a.key().to_string());
                return (app, None);
            }
            View::Pipeline(p) => return (p.selected_stage().map(str::to_string), None),
            _ => None,
        };
        (view.app().map(str::to_string), resource)
    }

    /// Asks again for what the shown view shows (and a live app's
    /// controller to refresh it).
    fn reload_view(&mut self) -> Vec<Effect> {
        let (app, _) = self.view_target();
        let mut effects = self.reload_shown_view();
        effects.extend(app.and_then(|a| self.live_refresh(&a)));
        effects
    }

    fn reload_shown_view(&mut self) -> Vec<Effect> {
        let Some(view) = self.views.pop() else {
            return Vec::new();
        };
        match view {
            View::Tree(t) => self.open_tree(&t.app),
            View::Diff(d) => match &d.compare {
                Some(next) => self.open_compare(&d.app, &next.app),
                None => self.open_diff(&d.app),
            },
            View::History(h) => self.open_history(&h.app),
            View::Pipeline(p) => self.open_pipeline(&p.name),
            View::Events(e) => self.open_events(&e.app, e.resource),
            View::Yaml(y) => self.open_yaml(&y.app, y.resource),
            View::Operation(o) => {
                let mut effects = vec![Effect::Send(EngineCommand::Refresh)];
                effects.extend(self.open_operation_again(o));
                effects
            }
            view @ (View::Contexts(_) | View::AppSets(_) | View::AppSetApps(_)) => {
                self.views.push(view);
                vec![Effect::Send(EngineCommand::Refresh)]
            }
        }
    }

    /// Movement and view-specific toggles; false when `action` is not one.
    fn move_in_view(&mut self, action: Action) -> bool {
        let page = self.page();
        let page_delta = isize::try_from(page).unwrap_or(isize::MAX);
        let delta = match action {
            Action::MoveDown => 1,
            Action::MoveUp => -1,
            Action::PageDown => page_delta,
            Action::PageUp => -page_delta,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => 0,
        };
        let theme = self.theme.syntax_theme().to_string();
        let clusters = self.snapshot.clusters.len();
        let snapshot = std::sync::Arc::clone(&self.snapshot);
        let Some(view) = self.views.last_mut() else {
            return false;
        };
        let mut at_end = false;
        match (view, action) {
            (View::Tree(t), Action::ToggleNode | Action::DrillIn) => t.toggle(page),
            (View::Diff(d), Action::PageDown | Action::PageUp) => d.scroll_by(delta),
            (View::Diff(d), Action::ScrollDown) => d.scroll_by(1),
            (View::Diff(d), Action::ScrollUp) => d.scroll_by(-1),
            (View::Diff(d), Action::NextHunk | Action::PrevHunk) => {
                at_end = !d.jump_hunk(action == Action::NextHunk);
            }
            (View::Diff(d), Action::ToggleUnified) => d.toggle_unified(),
            (View::Diff(d), Action::ToggleUnchanged) => d.toggle_unchanged(page, &theme),
            (_, _) if delta == 0 => return false,
            (View::Tree(t), _) => t.move_by(delta, page),
            (View::Diff(d), _) => d.move_by(delta, page, &theme),
            (View::History(h), _) => h.cursor.move_by(delta, h.entries.len(), page),
            (View::Events(e), _) => {
                let len = match &e.events {
                    Loadable::Ready(events) => events.len(),
                    _ => 0,
                };
                e.cursor.move_by(delta, len, page);
            }
            (View::Yaml(y), _) => {
                let last = y.lines.len().saturating_sub(1);
                y.scroll = y.scroll.saturating_add_signed(delta).min(last);
            }
            (View::Contexts(c), _) => c.move_by(delta, clusters, page),
            (View::AppSets(c), _) => c.move_by(delta, snapshot.appsets.len(), page),
            (View::AppSetApps(a), _) => a.move_by(delta, &snapshot, page),
            (View::Operation(o), _) => o.cursor.move_by(delta, o.rows.len(), page),
            (View::Pipeline(p), _) => {
                let len = p.len();
                p.cursor.move_by(delta, len, page);
            }
        }
        if at_end {
            self.info("no more hunks");
        }
        true
    }

    /// Highlights open diffs and YAML again (after a theme change).
    pub(super) fn rehighlight(&mut self) {
        let theme = self.theme.syntax_theme().to_string();
        for view in &mut self.views {
            match view {
                View::Diff(d) => d.rehighlight(&theme),
                View::Yaml(y) => {
                    if let Loadable::Ready(text) = &y.text {
                        y.lines = super::highlight::yaml(text.lines(), &theme);
                    }
                }
                _ => {}
            }
        }
        if let Some(revert) = &mut self.revert {
            revert.rehighlight(&theme);
        }
        if let Some(promote) = &mut self.promote {
            promote.rehighlight(&theme);
        }
    }
}

/// Actions that need a selected app.
fn app_scoped(action: Action) -> bool {
    matches!(
        action,
        Action::Sync
            | Action::SyncPrune
            | Action::Pause
            | Action::Terminate
            | Action::Operation
            | Action::Tree
            | Action::DrillIn
            | Action::Diff
            | Action::History
            | Action::Events
            | Action::Yaml
    )
}
