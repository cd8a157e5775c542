//! Drawing. Every function here is pure: it reads the [`App`] and writes
//! into the frame, with no I/O and no locks.

mod dialog;
mod header;
mod help;
mod status;
mod table;

use super::app::{App, Mode};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

pub use help::help_line_count;

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
    match &app.mode {
        Mode::Help(scroll) => help::render(app, frame, body, *scroll),
        _ => table::render(app, frame, body),
    }
    status::render(app, frame, status_area);
    if let Mode::ConfirmSync { app: name, prune } = &app.mode {
        dialog::render_sync(app, frame, body, name, *prune);
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
