//! The apps table: NAME, (ENGINE,) PROJECT, CLUSTER, NAMESPACE, REVISION,
//! SYNC, HEALTH, (POLICY,) MESSAGE — state words always with their glyph.
//! ENGINE shows only when Argo CD or Flux apps are listed, POLICY only
//! when an app's desired state violates an admission policy.

use crate::model::AppStatus;
use crate::model::{HealthStatus, SyncStatus};
use crate::tui::app::{App, Mode};
use crate::tui::apps_table::{Grouping, SortColumn, short_revision};
use crate::tui::theme::{Theme, health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

/// Column titles by index; ENGINE (8) is shown after NAME, POLICY (9)
/// after HEALTH.
const COLUMNS: [&str; 10] = [
    "NAME",
    "PROJECT",
    "CLUSTER",
    "NAMESPACE",
    "REVISION",
    "SYNC",
    "HEALTH",
    "MESSAGE",
    "ENGINE",
    "POLICY",
];
/// Index of MESSAGE, the column that takes the remaining width.
const MESSAGE: usize = 7;
/// Index of ENGINE.
const ENGINE: usize = 8;
/// Index of POLICY.
const POLICY: usize = 9;

/// Columns dropped, in order, when MESSAGE would get narrower than this.
const MIN_MESSAGE_WIDTH: usize = 24;
/// Indices of the columns that may be dropped, least useful first.
const DROPPABLE: [usize; 3] = [3, 1, ENGINE];

/// Draws the apps table into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let content = column_widths(app);
    let engines = app
        .snapshot
        .apps
        .iter()
        .any(|a| a.engine != crate::model::AppEngine::Tether);
    let policy = app
        .snapshot
        .apps
        .iter()
        .any(crate::tui::policy_marks::has_findings);
    let shown = shown_columns(&content, usize::from(area.width), engines, policy);
    let mut widths: Vec<Constraint> = shown
        .iter()
        .filter(|&&c| c != MESSAGE)
        .map(|&c| Constraint::Length(u16::try_from(content[c]).unwrap_or(u16::MAX)))
        .collect();
    widths.push(Constraint::Fill(1));
    let pick = |cells: [Cell<'static>; 10]| -> Row<'static> {
        let mut cells = cells.map(Some);
        Row::new(shown.iter().filter_map(|&c| cells[c].take()))
    };
    let grouping = app.table.grouping();
    let (rows, selected, offset) = if grouping == Grouping::None {
        // Only the rows on screen are built: the table may hold thousands.
        let window = usize::from(area.height.saturating_sub(3)).max(1);
        let selected = app.table.selected().unwrap_or(0);
        let mut offset = app.table.offset();
        if selected < offset || selected >= offset + window {
            offset = selected.saturating_sub(window - 1);
        }
        let rows: Vec<Row> = app
            .table
            .rows(&app.snapshot)
            .skip(offset)
            .take(window)
            .map(|status| pick(row_cells(theme, status)))
            .collect();
        let selected = app.table.selected().map(|s| s - offset);
        (rows, selected, 0)
    } else {
        grouped_rows(app, &pick)
    };
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
        let scope = app.table.scope();
        let text = if !app.table.filter().is_empty() {
            format!("no app matches '{}'", app.table.filter())
        } else if !scope.is_all() && !app.snapshot.apps.is_empty() {
            format!("no apps ({}); :all lists every app", scope.describe())
        } else {
            "no apps".to_string()
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

/// Rows with a heading before each group, and the selection and offset
/// moved past the headings.
fn grouped_rows(
    app: &App,
    pick: &dyn Fn([Cell<'static>; 10]) -> Row<'static>,
) -> (Vec<Row<'static>>, Option<usize>, usize) {
    let theme = &app.theme;
    let grouping = app.table.grouping();
    let mut rows: Vec<Row> = Vec::with_capacity(app.table.len());
    let mut group: Option<&str> = None;
    let (mut selected, mut offset) = (app.table.selected(), app.table.offset());
    for (i, status) in app.table.rows(&app.snapshot).enumerate() {
        let key = grouping.key(status);
        if key.is_some() && key != group {
            group = key;
            let heading = format!("{} ({})", key.unwrap_or_default(), count_in(app, key));
            let style = theme.style("help.section");
            rows.push(Row::new([Cell::from(Span::styled(heading, style))]));
            selected = selected.map(|s| if s >= i { s + 1 } else { s });
            if offset >= i {
                offset += 1;
            }
        }
        rows.push(pick(row_cells(theme, status)));
    }
    (rows, selected, offset.saturating_sub(1))
}

/// Widest text per column but MESSAGE (header included), without
/// building the cells.
fn column_widths(app: &App) -> Vec<usize> {
    let theme = &app.theme;
    let width = text_width;
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| c.len()).collect();
    // The sorted column's header carries the sort glyph.
    let (sort, descending) = app.table.sort();
    if sort != SortColumn::Cluster || descending {
        let glyph = theme.glyph(if descending {
            "sort_descending"
        } else {
            "sort_ascending"
        });
        if let Some(i) = COLUMNS.iter().position(|&c| c == sort.header()) {
            widths[i] += width(glyph);
        }
    }
    widths[MESSAGE] = 0;
    let states = |scope: &str, word: &str| width(&theme.labelled(scope, word));
    let sync_widths = [
        SyncStatus::Synced,
        SyncStatus::OutOfSync,
        SyncStatus::Unknown,
    ]
    .map(|s| (s, states(sync_scope(s), s.as_str())));
    let health_widths = [
        HealthStatus::Healthy,
        HealthStatus::Suspended,
        HealthStatus::Progressing,
        HealthStatus::Missing,
        HealthStatus::Degraded,
        HealthStatus::Unknown,
    ]
    .map(|h| (h, states(health_scope(h), h.as_str())));
    for status in app.table.rows(&app.snapshot) {
        let sync = sync_widths
            .iter()
            .find(|(s, _)| *s == status.sync)
            .map_or(0, |(_, w)| *w);
        let health = health_widths
            .iter()
            .find(|(h, _)| *h == status.health)
            .map_or(0, |(_, w)| *w);
        let row = [
            width(&status.name),
            width(&status.project),
            width(&status.cluster),
            width(&status.namespace),
            width(short_revision(&status.revision)),
            sync,
            health,
            0,
            width(status.engine.as_str()),
            policy_marks(theme, status)
                .iter()
                .map(|(text, _)| width(text))
                .sum(),
        ];
        for (w, r) in widths.iter_mut().zip(row) {
            *w = (*w).max(r);
        }
    }
    widths
}

/// Display width of `s`: its length when it is printable ASCII, as
/// names, namespaces and revisions nearly always are (measured for every
/// row on every frame), else what Unicode says.
fn text_width(s: &str) -> usize {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        s.len()
    } else {
        Span::raw(s).width()
    }
}

/// Visible apps in group `key`.
fn count_in(app: &App, key: Option<&str>) -> usize {
    let grouping = app.table.grouping();
    app.table
        .rows(&app.snapshot)
        .filter(|a| grouping.key(a) == key)
        .count()
}

/// The columns to show in display order (MESSAGE always, last; ENGINE
/// after NAME when `engines`; POLICY before MESSAGE when `policy`),
/// dropping the droppable ones while MESSAGE would be too narrow.
fn shown_columns(content: &[usize], width: usize, engines: bool, policy: bool) -> Vec<usize> {
    let mut shown: Vec<usize> = vec![0];
    if engines {
        shown.push(ENGINE);
    }
    shown.extend(1..MESSAGE);
    if policy {
        shown.push(POLICY);
    }
    shown.push(MESSAGE);
    // Borders, the selection symbol and one space between columns.
    let chrome = 2 + 2;
    for drop in DROPPABLE {
        let fixed: usize = shown
            .iter()
            .filter(|&&c| c != MESSAGE)
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
    let scope = app.table.scope().describe();
    let scope = if scope.is_empty() {
        String::new()
    } else {
        format!("({scope}) ")
    };
    let mut title = vec![Span::styled(
        format!(" Apps {scope}[{}/{total}] ", app.table.len()),
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

fn row_cells(theme: &Theme, status: &AppStatus) -> [Cell<'static>; 10] {
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
        Cell::from(status.engine.as_str()),
        Cell::from(Line::from(
            policy_marks(theme, status)
                .into_iter()
                .map(|(text, scope)| Span::styled(text, theme.style(scope)))
                .collect::<Vec<_>>(),
        )),
    ]
}

/// The POLICY cell's pieces with their style scopes: `✗2` denials (the
/// error style), `!1` warnings and audits (the warning style), `✗err`
/// when the policies could not be checked; nothing when the app passes
/// or was not checked.
fn policy_marks(theme: &Theme, status: &AppStatus) -> Vec<(String, &'static str)> {
    let (denied, warned) = (theme.glyph("policy_denied"), theme.glyph("policy_warned"));
    crate::tui::policy_marks::pieces(status, denied, warned)
        .into_iter()
        .map(|(text, mark)| (text, mark.scope()))
        .collect()
}

#[cfg(test)]
mod width_tests {
    use super::*;

    #[test]
    fn printable_ascii_is_its_length_and_the_rest_is_unicodes_width() {
        assert_eq!(text_width("web-prod"), 8);
        assert_eq!(text_width(""), 0);
        assert_eq!(text_width("café"), 4);
        assert_eq!(text_width("日本"), 4);
        assert_eq!(text_width("✗2"), Span::raw("✗2").width());
    }
}
