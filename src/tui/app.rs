//! The TUI's state machine: keys and engine updates in, effects out.
//! Drawing lives in [`super::view`] and only reads this state.

use super::action::Action;
use super::apps_table::AppsTable;
use super::keymap::{KeyContext, Keymap, Resolved};
use super::keys::KeyChord;
pub use super::state::progress::SyncProgress;
use super::state::promote::PromoteState;
use super::state::revert::RevertState;
use super::state::{Loadable, Requests, View};
use super::theme::Theme;
use super::view;
use crate::engine::{EngineCommand, LiveAction, LivePlan, Snapshot, SyncReport};
use crate::model::ResourceKey;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use std::sync::Arc;

/// What the event loop must do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the program.
    Quit,
    /// Send a command to the engine.
    Send(EngineCommand),
    /// Load the named theme (`:theme NAME`) and hand it to [`App::set_theme`].
    LoadTheme(String),
    /// Load the named keymap (`:keymap NAME`) and hand it to
    /// [`App::set_keymap`].
    LoadKeymap(String),
}

/// What the screen is doing besides showing the apps table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The apps table has the keys.
    Normal,
    /// Typing a `/` filter; rows narrow as you type.
    Filter,
    /// Typing a `:` command.
    Command(String),
    /// The help screen, scrolled by some lines.
    Help(usize),
    /// Asking whether to sync `app`, showing the plan once it is here.
    ConfirmSync {
        /// The app to sync.
        app: String,
        /// Whether to prune.
        prune: bool,
    },
    /// Typing the reason for pausing `app` (may stay empty).
    PauseReason {
        /// The app to pause.
        app: String,
        /// The reason typed so far.
        input: String,
    },
    /// Asking whether to resume the paused `app`.
    ConfirmResume {
        /// The app to resume.
        app: String,
    },
    /// Showing the preview of a revert (in [`App::revert`]) and asking
    /// whether to commit it.
    ConfirmRevert,
    /// Showing the preview of a promotion (in [`App::promotion`]) and
    /// asking whether to commit it.
    ConfirmPromote,
    /// Choosing a resource action for `resource` of `app`: the actions
    /// that apply to it now, one selected.
    ActionMenu {
        app: String,
        resource: ResourceKey,
        actions: Vec<String>,
        selected: usize,
    },
    /// Asking whether to run `action` on `resource` of `app`.
    ConfirmAction {
        app: String,
        resource: ResourceKey,
        action: String,
    },
    /// Asking whether to run `action` on the live Argo CD / Flux `app`,
    /// showing the patches it sends (in [`App::live_plan`]).
    ConfirmLive {
        /// The app (its ref).
        app: String,
        /// What to do.
        action: LiveAction,
    },
}

/// How a status message should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    /// Something done.
    Info,
    /// Worth a look.
    Warning,
    /// Something failed.
    Error,
}

/// The message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// How it looks.
    pub level: StatusLevel,
    /// What it says.
    pub text: String,
}

/// Rows per page until the terminal size is known.
const DEFAULT_PAGE: usize = 10;
/// Columns until the terminal size is known.
const DEFAULT_WIDTH: u16 = 80;

/// Ticks (1/8 s) an info message stays before the status line shows
/// hints again.
const INFO_TICKS: u32 = 64;

/// The TUI state: the latest snapshot, the table, the mode, the status line,
/// and the active keymap and theme.
#[derive(Debug, Clone)]
pub struct App {
    pub(super) snapshot: Arc<Snapshot>,
    pub(super) table: AppsTable,
    pub(super) mode: Mode,
    pub(super) status: Option<StatusMessage>,
    status_ticks: Option<u32>,
    pub(super) keymap: Keymap,
    pub(super) theme: Theme,
    pub(super) read_only: bool,
    pub(super) title: String,
    pub(super) page_size: usize,
    /// Keys of a sequence typed so far (`g` of `g g`).
    pub(super) pending: Vec<KeyChord>,
    /// Views above the apps table; the last one is shown.
    pub(super) views: Vec<View>,
    /// Outstanding on-demand requests, one per kind.
    pub(super) requests: Requests,
    /// The plan shown in the sync confirmation.
    pub(super) plan: Option<Loadable<Arc<SyncReport>>>,
    /// The patches shown in a live app's confirmation or pause dialog.
    pub(super) live_plan: Option<Loadable<Arc<LivePlan>>>,
    /// First plan line shown in a live app's confirmation.
    pub(super) live_scroll: usize,
    /// Terminal width, for dialogs that wrap.
    pub(super) width: u16,
    /// The sync in flight, shown in a panel.
    pub(super) progress: Option<SyncProgress>,
    /// The revert being confirmed, with its preview.
    pub(super) revert: Option<RevertState>,
    /// The app whose revert was sent and has not finished.
    pub(super) reverting: Option<String>,
    /// The promotion being confirmed, with its preview.
    pub(super) promote: Option<PromoteState>,
    /// The (pipeline, stage) whose promotion was sent and has not finished.
    pub(super) promoting: Option<(String, String)>,
    /// Commands that engine results call for (reloading the history after
    /// a revert), for the loop to send.
    pub(super) outbox: Vec<EngineCommand>,
    /// Spinner frame, advanced on ticks while something loads.
    pub(super) spinner: usize,
    /// Completions offered for the command being typed.
    pub(super) completions: Vec<String>,
    /// Replaced snapshots, freed a chunk at a time between events.
    garbage: super::garbage::Garbage,
}

impl App {
    /// An app showing `snapshot` with the given keymap and theme. In
    /// read-only mode dangerous bindings are dropped from the keymap.
    pub fn new(
        snapshot: Arc<Snapshot>,
        keymap: Keymap,
        theme: Theme,
        read_only: bool,
        title: &str,
    ) -> App {
        let keymap = if read_only {
            keymap.without_dangerous()
        } else {
            keymap
        };
        let mut table = AppsTable::default();
        table.set_policy_glyphs(
            theme.glyph("policy_denied"),
            theme.glyph("policy_warned"),
            &snapshot,
        );
        table.set_page(DEFAULT_PAGE);
        App {
            snapshot,
            table,
            mode: Mode::Normal,
            status: None,
            status_ticks: None,
            keymap,
            theme,
            read_only,
            title: title.to_string(),
            page_size: DEFAULT_PAGE,
            pending: Vec::new(),
            views: Vec::new(),
            requests: Requests::default(),
            plan: None,
            live_plan: None,
            live_scroll: 0,
            width: DEFAULT_WIDTH,
            progress: None,
            revert: None,
            reverting: None,
            promote: None,
            promoting: None,
            outbox: Vec::new(),
            spinner: 0,
            completions: Vec::new(),
            garbage: Default::default(),
        }
    }

    /// Replaces the snapshot; the selection stays on the same app name.
    /// Views listing apps follow it; a shown operation is read again.
    pub fn apply_snapshot(&mut self, snapshot: Arc<Snapshot>) {
        let replaced = std::mem::replace(&mut self.snapshot, snapshot);
        self.garbage.push(replaced);
        self.table.update(&self.snapshot);
        self.follow_snapshot();
    }

    /// Frees a chunk of the snapshots replaced so far (the event loop
    /// calls it when nothing else is waiting); true while more is left.
    pub fn free_some(&mut self) -> bool {
        self.garbage.free_some()
    }

    /// True when replaced snapshots are still to be freed.
    pub fn has_garbage(&self) -> bool {
        !self.garbage.is_empty()
    }

    /// Tells the app how big the terminal is (for paging).
    pub fn resize(&mut self, width: u16, height: u16) {
        self.width = width;
        self.page_size = usize::from(view::table_rows(height)).max(1);
        self.table.set_page(self.page_size);
    }

    /// Advances timers; true when the screen changed.
    pub fn on_tick(&mut self) -> bool {
        let spinning = self.is_loading();
        if spinning {
            self.spinner = self.spinner.wrapping_add(1);
        }
        spinning | self.expire_status()
    }

    fn expire_status(&mut self) -> bool {
        match self.status_ticks {
            Some(0) => {
                self.status = None;
                self.status_ticks = None;
                true
            }
            Some(n) => {
                self.status_ticks = Some(n - 1);
                false
            }
            None => false,
        }
    }

    /// Handles one key press and says what the loop must do.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(chord) = KeyChord::from_event(&key) else {
            return Vec::new();
        };
        match self.mode.clone() {
            Mode::Normal if !self.views.is_empty() => self.view_key(&chord),
            Mode::Normal => self.normal_key(&chord),
            Mode::Filter => self.filter_key(&chord),
            Mode::Command(input) => self.command_key(&chord, input),
            Mode::Help(scroll) => self.help_key(&chord, scroll),
            Mode::ConfirmSync { app, prune } => self.confirm_key(&chord, app, prune),
            Mode::PauseReason { app, input } => self.reason_key(&chord, app, input),
            Mode::ConfirmResume { app } => self.resume_key(&chord, app),
            Mode::ConfirmRevert => self.revert_key(&chord),
            Mode::ConfirmPromote => self.promote_key(&chord),
            Mode::ActionMenu {
                app,
                resource,
                actions,
                selected,
            } => self.action_menu_key(&chord, app, resource, actions, selected),
            Mode::ConfirmAction {
                app,
                resource,
                action,
            } => self.confirm_action_key(&chord, app, resource, action),
            Mode::ConfirmLive { app, action } => self.confirm_live_key(&chord, app, action),
        }
    }

    /// Draws the whole screen. Pure: reads state, does no I/O.
    pub fn render(&self, frame: &mut Frame) {
        view::render(self, frame);
    }

    /// Commands the app wants sent after engine events (keys return
    /// theirs as [`Effect`]s); the loop sends them before drawing.
    pub fn take_commands(&mut self) -> Vec<EngineCommand> {
        std::mem::take(&mut self.outbox)
    }

    /// The current mode.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// Keys of an unfinished sequence.
    pub fn pending_keys(&self) -> &[KeyChord] {
        &self.pending
    }

    /// The status line's message, if any.
    pub fn status(&self) -> Option<&StatusMessage> {
        self.status.as_ref()
    }

    /// The name of the selected app.
    pub fn selected_app(&self) -> Option<&str> {
        self.table.selected_app(&self.snapshot).map(|a| a.key())
    }

    /// Names of the visible apps, in table order.
    pub fn visible_apps(&self) -> Vec<&str> {
        self.table.rows(&self.snapshot).map(|a| a.key()).collect()
    }

    /// The filter text.
    pub fn filter(&self) -> &str {
        self.table.filter()
    }

    /// The active keymap.
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The active theme.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The views above the apps table, the shown one last.
    pub fn views(&self) -> &[View] {
        &self.views
    }

    /// The sync in flight, if any.
    pub fn progress(&self) -> Option<&SyncProgress> {
        self.progress.as_ref()
    }

    /// The plan of the sync being confirmed.
    pub fn plan(&self) -> Option<&Loadable<Arc<SyncReport>>> {
        self.plan.as_ref()
    }

    /// The patches of the live action being confirmed (or paused for).
    pub fn live_plan(&self) -> Option<&Loadable<Arc<LivePlan>>> {
        self.live_plan.as_ref()
    }

    /// The apps table's scope (`:argocd`, `:ctx NAME`…).
    pub fn scope(&self) -> &super::state::scope::AppScope {
        self.table.scope()
    }

    /// Whether something waits for the engine.
    pub fn is_loading(&self) -> bool {
        self.requests.any_pending() || self.progress.is_some()
    }

    pub(super) fn page(&self) -> usize {
        self.page_size
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.set_status(StatusLevel::Info, text.into());
        self.status_ticks = Some(INFO_TICKS);
    }

    pub(super) fn warn(&mut self, text: impl Into<String>) {
        self.set_status(StatusLevel::Warning, text.into());
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.set_status(StatusLevel::Error, text.into());
    }

    fn set_status(&mut self, level: StatusLevel, text: String) {
        self.status = Some(StatusMessage { level, text });
        self.status_ticks = None;
    }

    fn normal_key(&mut self, chord: &KeyChord) -> Vec<Effect> {
        match self.resolve_pending(KeyContext::Apps, chord) {
            Some(action) => self.apps_action(action),
            None => Vec::new(),
        }
    }

    /// Adds `chord` to the keys typed so far and resolves them. A sequence
    /// that leads nowhere is dropped and `chord` tried on its own.
    pub(super) fn resolve_pending(
        &mut self,
        context: KeyContext,
        chord: &KeyChord,
    ) -> Option<Action> {
        let mut keys = std::mem::take(&mut self.pending);
        keys.push(*chord);
        match self.keymap.resolve(context, &keys) {
            Resolved::Action(action) => Some(action),
            Resolved::Pending => {
                self.pending = keys;
                None
            }
            Resolved::Unbound if keys.len() > 1 => self.resolve_pending(context, chord),
            Resolved::Unbound => None,
        }
    }

    fn apps_action(&mut self, action: Action) -> Vec<Effect> {
        let snapshot = Arc::clone(&self.snapshot);
        let page = isize::try_from(self.page_size).unwrap_or(isize::MAX);
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => self.mode = Mode::Help(0),
            Action::Back if !self.table.filter().is_empty() => {
                self.table.set_filter("", &snapshot);
            }
            Action::Command => self.mode = Mode::Command(String::new()),
            Action::Filter => {
                self.table.set_filter("", &snapshot);
                self.mode = Mode::Filter;
            }
            Action::MoveUp => self.table.move_by(-1, &snapshot),
            Action::MoveDown => self.table.move_by(1, &snapshot),
            Action::PageUp => self.table.move_by(-page, &snapshot),
            Action::PageDown => self.table.move_by(page, &snapshot),
            Action::Top => self.table.top(&snapshot),
            Action::Bottom => self.table.bottom(&snapshot),
            Action::SortNext => self.table.next_sort(&snapshot),
            Action::SortReverse => self.table.reverse_sort(&snapshot),
            Action::ToggleGroup => self.table.next_grouping(&snapshot),
            other => {
                let app = self.selected_app().map(str::to_string);
                return self.app_action(other, app.as_deref(), None);
            }
        }
        Vec::new()
    }
}
