//! The apps table: NAME, PROJECT, CLUSTER, NAMESPACE, REVISION, SYNC,
//! HEALTH, MESSAGE — state words always with their glyph.

use crate::model::AppStatus;
use crate::tui::app::{App, Mode};
use crate::tui::apps_table::short_revision;
use crate::tui::theme::{Theme, health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table, TableState};

const COLUMNS: [&str; 8] = [
    "NAME",
    "PROJECT",
    "CLUSTER",
    "NAMESPACE",
    "REVISION",
    "SYNC",
    "HEALTH",
    "MESSAGE",
];

/// Draws the apps table into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let cells: Vec<[Cell<'static>; 8]> = app
        .table
        .rows(&app.snapshot)
        .map(|status| row_cells(theme, status))
        .collect();
    let texts: Vec<[String; 7]> = app
        .table
        .rows(&app.snapshot)
        .map(|status| plain_columns(theme, status))
        .collect();
    let mut widths: Vec<Constraint> = (0..7)
        .map(|c| {
            let content = texts
                .iter()
                .map(|t| Span::raw(t[c].as_str()).width())
                .max()
                .unwrap_or(0);
            let width = content.max(COLUMNS[c].len());
            Constraint::Length(u16::try_from(width).unwrap_or(u16::MAX))
        })
        .collect();
    widths.push(Constraint::Fill(1));
    let header = Row::new(COLUMNS.map(Cell::from)).style(theme.style("table.header"));
    let selection = format!("{} ", theme.glyph("selection"));
    let table = Table::new(cells.into_iter().map(Row::new), widths)
        .header(header)
        .block(block(app))
        .row_highlight_style(theme.style("selection"))
        .highlight_symbol(Line::from(selection))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(app.table.selected());
    frame.render_stateful_widget(table, area, &mut state);
}

fn block(app: &App) -> Block<'static> {
    let theme = &app.theme;
    let total = app.snapshot.apps.len();
    let mut title = vec![Span::styled(
        format!(" Apps [{}/{total}] ", app.table.len()),
        theme.style("title"),
    )];
    let filter = app.table.filter();
    if !filter.is_empty() || app.mode == Mode::Filter {
        title.push(Span::styled(format!("</{filter}> "), theme.style("filter")));
    }
    Block::bordered()
        .border_style(theme.style("borders"))
        .title(Line::from(title))
}

/// The text of every column but MESSAGE, for widths.
fn plain_columns(theme: &Theme, status: &AppStatus) -> [String; 7] {
    [
        status.name.clone(),
        status.project.clone(),
        status.cluster.clone(),
        status.namespace.clone(),
        short_revision(&status.revision).to_string(),
        theme.labelled(sync_scope(status.sync), status.sync.as_str()),
        theme.labelled(health_scope(status.health), status.health.as_str()),
    ]
}

fn row_cells(theme: &Theme, status: &AppStatus) -> [Cell<'static>; 8] {
    let sync = sync_scope(status.sync);
    let health = health_scope(status.health);
    let mut message = Vec::new();
    if status.paused {
        message.push(Span::styled(
            format!("{} ", theme.labelled("paused", "paused")),
            theme.style("paused"),
        ));
    }
    message.push(Span::raw(status.message.clone()));
    [
        Cell::from(status.name.clone()),
        Cell::from(status.project.clone()),
        Cell::from(status.cluster.clone()),
        Cell::from(status.namespace.clone()),
        Cell::from(Span::styled(
            short_revision(&status.revision).to_string(),
            theme.style("revision"),
        )),
        Cell::from(Span::styled(
            theme.labelled(sync, status.sync.as_str()),
            theme.style(sync),
        )),
        Cell::from(Span::styled(
            theme.labelled(health, status.health.as_str()),
            theme.style(health),
        )),
        Cell::from(Line::from(message)),
    ]
}
