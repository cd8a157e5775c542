//! The apps table: NAME, PROJECT, CLUSTER, NAMESPACE, REVISION, SYNC,
//! HEALTH, MESSAGE — state words always with their glyph.

use crate::model::AppStatus;
use crate::tui::app::{App, Mode};
use crate::tui::apps_table::{SortColumn, short_revision};
use crate::tui::theme::{Theme, health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

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

/// Columns dropped, in order, when MESSAGE would get narrower than this.
const MIN_MESSAGE_WIDTH: usize = 24;
/// Indices of the columns that may be dropped, least useful first.
const DROPPABLE: [usize; 2] = [3, 1];

/// Draws the apps table into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let texts: Vec<[String; 7]> = app
        .table
        .rows(&app.snapshot)
        .map(|status| plain_columns(theme, status))
        .collect();
    let content: Vec<usize> = (0..7)
        .map(|c| {
            let widest = texts.iter().map(|t| Span::raw(t[c].as_str()).width());
            widest.max().unwrap_or(0).max(COLUMNS[c].len())
        })
        .collect();
    let shown = shown_columns(&content, usize::from(area.width));
    let mut widths: Vec<Constraint> = shown
        .iter()
        .filter(|&&c| c < 7)
        .map(|&c| Constraint::Length(u16::try_from(content[c]).unwrap_or(u16::MAX)))
        .collect();
    widths.push(Constraint::Fill(1));
    let pick = |cells: [Cell<'static>; 8]| -> Row<'static> {
        let mut cells = cells.map(Some);
        Row::new(shown.iter().filter_map(|&c| cells[c].take()))
    };
    let grouping = app.table.grouping();
    let mut rows: Vec<Row> = Vec::with_capacity(app.table.len());
    let mut group: Option<&str> = None;
    let (mut selected, mut offset) = (app.table.selected(), app.table.offset());
    for (i, status) in app.table.rows(&app.snapshot).enumerate() {
        let key = grouping.key(status);
        if key.is_some() && key != group {
            group = key;
            let heading = format!("{} ({})", key.unwrap_or_default(), count_in(app, key));
            rows.push(Row::new([Cell::from(Span::styled(
                heading,
                theme.style("help.section"),
            ))]));
            selected = selected.map(|s| if s >= i { s + 1 } else { s });
            if offset >= i {
                offset += 1;
            }
        }
        rows.push(pick(row_cells(theme, status)));
    }
    if grouping != crate::tui::apps_table::Grouping::None {
        offset = offset.saturating_sub(1);
    }
    let (sort, descending) = app.table.sort();
    let glyph = theme.glyph(if descending {
        "sort_descending"
    } else {
        "sort_ascending"
    });
    let headers = COLUMNS.map(|c| {
        if c == sort.header() && (sort != SortColumn::Cluster || descending) {
            Cell::from(format!("{c}{glyph}"))
        } else {
            Cell::from(c)
        }
    });
    let header = pick(headers).style(theme.style("table.header"));
    let selection = format!("{} ", theme.glyph("selection"));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block(app))
        .row_highlight_style(theme.style("selection"))
        .highlight_symbol(Line::from(selection))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    if app.table.is_empty() {
        let text = if app.table.filter().is_empty() {
            "no apps".to_string()
        } else {
            format!("no app matches '{}'", app.table.filter())
        };
        let empty = Paragraph::new(Span::styled(text, theme.style("status_line")))
            .alignment(Alignment::Center)
            .block(block(app));
        frame.render_widget(empty, area);
        return;
    }
    let mut state = TableState::default()
        .with_offset(offset)
        .with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}

/// Visible apps in group `key`.
fn count_in(app: &App, key: Option<&str>) -> usize {
    let grouping = app.table.grouping();
    app.table
        .rows(&app.snapshot)
        .filter(|a| grouping.key(a) == key)
        .count()
}

/// The columns to show (MESSAGE, index 7, always), dropping the droppable
/// ones while MESSAGE would be too narrow.
fn shown_columns(content: &[usize], width: usize) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..8).collect();
    // Borders, the selection symbol and one space between columns.
    let chrome = 2 + 2;
    for drop in DROPPABLE {
        let fixed: usize = shown
            .iter()
            .filter(|&&c| c < 7)
            .map(|&c| content[c] + 1)
            .sum();
        if width.saturating_sub(chrome + fixed) >= MIN_MESSAGE_WIDTH {
            break;
        }
        shown.retain(|&c| c != drop);
    }
    shown
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
