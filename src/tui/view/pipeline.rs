//! A pipeline (`:pipeline NAME`): one row per stage with what it runs,
//! sync and health, the gates into it and the resources the next
//! promotion would change; the selected stage's gates and notes below.

use super::common::{Listing, block, empty, placeholder, table, width_of};
use crate::tui::app::App;
use crate::tui::apps_table::short_revision;
use crate::tui::state::pipeline::PipelineState;
use crate::tui::state::views::Loadable;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Wrap};

/// Draws the pipeline of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &PipelineState) {
    let theme = &app.theme;
    let title = Line::from(Span::styled(
        format!(" Pipeline {} [{}] ", state.name, state.len()),
        theme.style("title"),
    ));
    let block = block(app, String::new()).title(title);
    if placeholder(app, frame, area, block.clone(), "pipeline", &state.view) {
        return;
    }
    let Loadable::Ready(view) = &state.view else {
        return;
    };
    if view.stages.is_empty() {
        empty(app, frame, area, block, "no stages");
        return;
    }
    let texts: Vec<[String; 7]> = view
        .stages
        .iter()
        .map(|s| {
            let gates = if s.gates.is_empty() {
                "-".to_string()
            } else if s.gates.iter().all(|g| g.ok) {
                "open".to_string()
            } else {
                let failed: Vec<&str> = s
                    .gates
                    .iter()
                    .filter(|g| !g.ok)
                    .map(|g| g.name.as_str())
                    .collect();
                format!("closed: {}", failed.join(", "))
            };
            [
                s.app.clone(),
                s.cluster.clone(),
                short_revision(&s.revision).to_string(),
                s.images.join(", "),
                format!("{}/{}", s.sync, s.health),
                gates,
                s.pending_changes
                    .map_or_else(|| "-".to_string(), |n| n.to_string()),
            ]
        })
        .collect();
    let rows: Vec<Row> = texts.iter().map(|t| Row::new(t.clone())).collect();
    let headers = [
        "STAGE",
        "CLUSTER",
        "REVISION",
        "IMAGES",
        "SYNC/HEALTH",
        "GATES",
        "PENDING",
    ];
    let widths: Vec<Constraint> = (0..7)
        .map(|c| width_of(headers[c], texts.iter().map(|t| t[c].as_str())))
        .collect();
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(6)]).areas(area);
    let listing = Listing {
        block,
        header: Row::new(headers),
        rows,
        widths,
    };
    table(app, frame, top, listing, state.cursor);
    let Some(stage) = view.stages.get(state.cursor.selected) else {
        return;
    };
    let mut lines: Vec<Line> = stage
        .gates
        .iter()
        .map(|g| {
            let (mark, style) = if g.ok {
                ("ok  ", theme.style("healthy"))
            } else {
                ("FAIL", theme.style("degraded"))
            };
            Line::from(vec![
                Span::styled(format!("{mark} {} ", g.name), style),
                Span::raw(g.message.clone()),
            ])
        })
        .collect();
    lines.extend(stage.notes.iter().map(|n| Line::from(format!("note {n}"))));
    let details = Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(super::common::block(app, format!(" {} ", stage.app)));
    frame.render_widget(details, bottom);
}
