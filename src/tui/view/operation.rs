//! The Argo CD operation of a live app: its phase and message, who asked
//! for which revision, and each resource's result under its sync phase
//! and wave — read again with every snapshot while it is shown.

use super::common::{Listing, block, placeholder, table};
use crate::engine::{OperationResource, OperationView};
use crate::tui::app::App;
use crate::tui::apps_table::short_revision;
use crate::tui::state::ListCursor;
use crate::tui::state::Loadable;
use crate::tui::state::operation::{OperationRow, OperationState};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

/// Draws the operation of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &OperationState) {
    let theme = &app.theme;
    let mut title = vec![Span::styled(
        format!(" Operation {} ", state.app),
        theme.style("title"),
    )];
    if let Loadable::Ready(op) = &state.operation {
        let phase = phase_word(op);
        title.push(Span::styled(
            format!("{phase} "),
            theme.style(phase_scope(&op.phase, op.requested)),
        ));
        if op.running() {
            title.push(Span::styled(
                format!("{} ", theme.spinner(app.spinner)),
                theme.style("progressing"),
            ));
        }
    }
    let block = block(app, String::new()).title(Line::from(title));
    if placeholder(
        app,
        frame,
        area,
        block.clone(),
        "operation",
        &state.operation,
    ) {
        return;
    }
    let Loadable::Ready(op) = &state.operation else {
        return;
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(summary(theme, op)), head);
    if state.rows.is_empty() {
        let text = if op.phase.is_empty() && !op.requested {
            "no operation has run since Argo CD last started one for this app"
        } else {
            "no resource results yet"
        };
        let line = Line::from(Span::styled(text, theme.style("status_line")));
        frame.render_widget(Paragraph::new(line).alignment(Alignment::Center), body);
        return;
    }
    let window = usize::from(body.height.saturating_sub(1)).max(1);
    let offset = state
        .cursor
        .offset
        .max((state.cursor.selected + 1).saturating_sub(window));
    let rows: Vec<Row> = state
        .rows
        .iter()
        .skip(offset)
        .take(window)
        .map(|row| match row {
            OperationRow::Heading(h) => Row::new([Cell::from(Span::styled(
                h.clone(),
                theme.style("help.section"),
            ))]),
            OperationRow::Resource(i) => op
                .resources
                .get(*i)
                .map_or_else(|| Row::new([""]), |r| resource_row(theme, r)),
        })
        .collect();
    let widths = vec![
        Constraint::Length(resource_width(op)),
        Constraint::Length(12),
        Constraint::Length(18),
        Constraint::Fill(1),
    ];
    let listing = Listing {
        block: ratatui::widgets::Block::new(),
        header: Row::new(["RESOURCE", "STATUS", "HOOK", "MESSAGE"]),
        rows,
        widths,
    };
    let cursor = ListCursor {
        selected: state.cursor.selected.saturating_sub(offset),
        offset: 0,
    };
    table(app, frame, body, listing, cursor);
}

/// Three lines: phase and times; who asked for what; the message.
fn summary(theme: &Theme, op: &OperationView) -> Vec<Line<'static>> {
    let label = |s: &str| Span::styled(s.to_string(), theme.style("header.label"));
    let value = |s: String| Span::styled(s, theme.style("text"));
    let mut first = vec![
        label("phase "),
        Span::styled(
            phase_word(op),
            theme.style(phase_scope(&op.phase, op.requested)),
        ),
    ];
    if !op.started_at.is_empty() {
        first.extend([label("  started "), value(op.started_at.clone())]);
    }
    if !op.finished_at.is_empty() {
        first.extend([label("  finished "), value(op.finished_at.clone())]);
    }
    if op.retry_count > 0 {
        first.extend([label("  retries "), value(op.retry_count.to_string())]);
    }
    let mut second = vec![
        label("revision "),
        Span::styled(
            short_revision(&op.revision).to_string(),
            theme.style("revision"),
        ),
    ];
    if op.prune {
        second.push(value(" with prune".to_string()));
    }
    if !op.initiated_by.is_empty() {
        second.extend([label("  by "), value(op.initiated_by.clone())]);
    }
    vec![
        Line::from(first),
        Line::from(second),
        Line::from(vec![label("message "), value(op.message.clone())]),
    ]
}

/// The phase, or what stands for it before the controller starts.
fn phase_word(op: &OperationView) -> String {
    match (op.phase.as_str(), op.requested) {
        (_, true) => "Requested".to_string(),
        ("", false) => "none".to_string(),
        (phase, false) => phase.to_string(),
    }
}

fn phase_scope(phase: &str, requested: bool) -> &'static str {
    match phase {
        _ if requested => "progressing",
        "Succeeded" => "healthy",
        "Running" | "Terminating" => "progressing",
        "Failed" | "Error" => "degraded",
        _ => "unknown",
    }
}

fn resource_row(theme: &Theme, r: &OperationResource) -> Row<'static> {
    let status_scope = match r.status.as_str() {
        "Synced" => "synced",
        "SyncFailed" => "degraded",
        "Pruned" => "diff.removed",
        "PruneSkipped" => "out_of_sync",
        _ => "unknown",
    };
    let hook_scope = match r.hook_phase.as_str() {
        "Succeeded" => "healthy",
        "Running" | "Pending" | "Terminating" => "progressing",
        "Failed" | "Error" => "degraded",
        _ => "text",
    };
    let hook = match (r.hook_type.as_str(), r.hook_phase.as_str()) {
        ("", phase) => phase.to_string(),
        (kind, phase) => format!("{kind} {phase}"),
    };
    Row::new(vec![
        Cell::from(format!("  {}/{}", r.kind, r.name)),
        Cell::from(Span::styled(r.status.clone(), theme.style(status_scope))),
        Cell::from(Span::styled(hook, theme.style(hook_scope))),
        Cell::from(r.message.clone()),
    ])
}

fn resource_width(op: &OperationView) -> u16 {
    let widest = op
        .resources
        .iter()
        .map(|r| Span::raw(format!("  {}/{}", r.kind, r.name)).width())
        .max()
        .unwrap_or(0)
        .max("RESOURCE".len())
        .max(op.groups().iter().map(|(h, _)| h.len()).max().unwrap_or(0));
    u16::try_from(widest).unwrap_or(u16::MAX)
}
