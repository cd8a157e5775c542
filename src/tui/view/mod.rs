//! Drawing. Every function here is pure: it reads the [`App`] and writes
//! into the frame, with no I/O and no locks.

mod actions;
mod appsets;
mod common;
mod contexts;
mod dialog;
mod diff;
mod events;
mod header;
mod help;
mod history;
mod live_dialog;
mod operation;
mod pipeline;
mod policy;
mod progress;
mod promote;
mod revert;
mod status;
mod table;
mod tree;
mod yaml;

use super::app::{App, Mode};
use super::state::View;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

pub use help::help_line_count;
pub use live_dialog::live_body_lines;

/// Lines of the header.
const HEADER_HEIGHT: u16 = 5;
/// Lines of the status line.
const STATUS_HEIGHT: u16 = 1;

/// How many table rows fit in a terminal `height` lines tall.
pub fn table_rows(height: u16) -> u16 {
    // Borders (2) and the column header (1) besides the header and status.
    height.saturating_sub(HEADER_HEIGHT + STATUS_HEIGHT + 3)
}

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.theme.style("text")), area);
    let [header_area, body, status_area] = split(area);
    header::render(app, frame, header_area);
    match (&app.mode, app.views.last()) {
        (Mode::Help(scroll), _) => help::render(app, frame, body, *scroll),
        (_, None) => table::render(app, frame, body),
        (_, Some(view)) => render_view(app, frame, body, view),
    }
    // The operation view shows a live sync's progress itself.
    let shown_in_view = |p: &crate::tui::app::SyncProgress| matches!(app.views.last(), Some(View::Operation(o)) if o.app == p.app);
    if let Some(progress) = app.progress.as_ref().filter(|p| !shown_in_view(p)) {
        progress::render(app, frame, body, progress);
    }
    status::render(app, frame, status_area);
    match &app.mode {
        Mode::ConfirmSync { app: name, prune } => {
            dialog::render_sync(app, frame, body, name, *prune);
        }
        Mode::PauseReason { app: name, input } => {
            dialog::render_pause(app, frame, body, name, input);
        }
        Mode::ConfirmResume { app: name } => dialog::render_resume(app, frame, body, name),
        Mode::ConfirmLive { app: name, action } => {
            live_dialog::render_confirm(app, frame, body, name, action);
        }
        Mode::ConfirmRevert => {
            if let Some(state) = &app.revert {
                revert::render(app, frame, body, state);
            }
        }
        Mode::ConfirmPromote => {
            if let Some(state) = &app.promote {
                promote::render(app, frame, body, state);
            }
        }
        Mode::ActionMenu {
            resource,
            actions: choices,
            selected,
            ..
        } => actions::render_menu(app, frame, body, resource, choices, *selected),
        Mode::ConfirmAction {
            resource, action, ..
        } => actions::render_confirm(app, frame, body, resource, action),
        _ => {}
    }
}

fn render_view(app: &App, frame: &mut Frame, area: Rect, view: &View) {
    match view {
        View::Tree(state) => tree::render(app, frame, area, state),
        View::Diff(state) => diff::render(app, frame, area, state),
        View::History(state) => history::render(app, frame, area, state),
        View::Events(state) => events::render(app, frame, area, state),
        View::Yaml(state) => yaml::render(app, frame, area, state),
        View::Contexts(cursor) => contexts::render(app, frame, area, *cursor),
        View::AppSets(cursor) => appsets::render(app, frame, area, *cursor),
        View::AppSetApps(state) => appsets::render_apps(app, frame, area, state),
        View::Operation(state) => operation::render(app, frame, area, state),
        View::Pipeline(state) => pipeline::render(app, frame, area, state),
    }
}

fn split(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Fill(1),
        Constraint::Length(STATUS_HEIGHT),
    ])
    .areas(area)
}
