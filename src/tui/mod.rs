//! The terminal UI (feature `tui`). Talks to the engine only through its
//! public API: [`EngineHandle`] snapshots and events in, commands out.
//!
//! [`App`] is the state machine (keys in, [`Effect`]s out, pure
//! [`App::render`]); [`run`] puts it on a full-screen terminal. Key bindings
//! come from keymaps/*.yaml ([`keymap`]), colours and glyphs from
//! themes/*.yaml ([`theme`], [`theme_file`]).
//!
//! Drawing needs no terminal, which is how the tests work:
//!
//! ```
//! use std::sync::Arc;
//! use tether::engine::Snapshot;
//! use tether::tui::{App, TuiOptions};
//!
//! let app = App::from_options(Arc::new(Snapshot::default()), &TuiOptions::default(), None);
//! let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))?;
//! terminal.draw(|frame| app.render(frame))?;
//! assert!(terminal.backend().to_string().contains("no apps"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod action;
pub mod app;
mod app_command;
mod app_config;
mod app_events;
pub mod app_input;
mod app_live;
mod app_nav;
mod app_pipeline;
mod app_resource_action;
mod app_revert;
mod app_views;
mod apps_filter;
pub mod apps_table;
pub mod config_error;
mod garbage;
pub mod highlight;
pub mod keymap;
pub mod keymap_doc;
pub mod keymap_file;
pub mod keys;
pub mod policy_marks;
pub mod run;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod theme_file;
mod view;

pub use action::Action;
pub use app::{App, Effect, Mode, StatusLevel, StatusMessage, SyncProgress};
pub use config_error::ConfigError;
pub use keymap::{KeyContext, Keymap, KeymapFile};
pub use keys::{KeyChord, KeySeq};
pub use run::{Screen, event_loop};
pub use theme::Theme;

use crate::engine::EngineHandle;
use color_eyre::eyre::WrapErr;
use std::path::PathBuf;

/// How to start the TUI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TuiOptions {
    /// Theme name (bundled `default`, `light`, `high-contrast`, or a user
    /// file `themes/<name>.yaml` in the config dir); None = `default`.
    pub theme: Option<String>,
    /// Keymap name (bundled `default`, `vim`, or a user file
    /// `keymaps/<name>.yaml` in the config dir); None = `default`.
    pub keymap: Option<String>,
    /// Hide and refuse dangerous actions (sync, prune, pause, revert,
    /// terminate, rollback; no refresh requests to live controllers).
    pub read_only: bool,
    /// Shown in the header, e.g. the config file or `demo`.
    pub title: String,
}

/// The user config dir (`~/.config/tether` on Linux), if there is a home.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "tether", "tether").map(|d| d.config_dir().to_path_buf())
}

impl App {
    /// An app for `opts`, loading its keymap and theme from the bundled
    /// files and `config_dir`; problems show in the status line.
    pub fn from_options(
        snapshot: std::sync::Arc<crate::engine::Snapshot>,
        opts: &TuiOptions,
        config_dir: Option<&std::path::Path>,
    ) -> App {
        let (keymap, mut problems) = Keymap::load(opts.keymap.as_deref(), config_dir);
        let (theme, theme_problems) = Theme::load(opts.theme.as_deref(), config_dir);
        problems.extend(theme_problems);
        let mut app = App::new(snapshot, keymap, theme, opts.read_only, &opts.title);
        app.report_problems(&problems);
        app
    }
}

/// Runs the TUI full-screen until the user quits. The terminal is restored
/// on every exit, panics included; errors inside show in the status line.
pub async fn run(handle: EngineHandle, opts: TuiOptions) -> color_eyre::Result<()> {
    let config_dir = config_dir();
    // Syntax definitions load while the first screen is drawn, not when
    // the first diff arrives.
    tokio::task::spawn_blocking(highlight::warm);
    let mut app = App::from_options(handle.snapshot(), &opts, config_dir.as_deref());
    let mut screen = terminal::FullScreen::enter().wrap_err("cannot open the terminal")?;
    let input = crossterm::event::EventStream::new();
    let result = tokio::select! {
        result = run::event_loop(&mut screen, input, &mut app, &handle, config_dir) => result,
        () = terminated() => Ok(()),
    };
    drop(screen);
    result
}

/// Resolves when the process is asked to stop (SIGTERM or SIGHUP), so the
/// terminal is restored then too. Ctrl-C arrives as a key in raw mode.
#[cfg(unix)]
async fn terminated() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(mut term), Ok(mut hup)) => {
            tokio::select! {
                _ = term.recv() => {},
                _ = hup.recv() => {},
            }
        }
        _ => std::future::pending().await,
    }
}

/// Elsewhere only Ctrl-C stops the process, and it arrives as a key.
#[cfg(not(unix))]
async fn terminated() {
    std::future::pending::<()>().await;
}
