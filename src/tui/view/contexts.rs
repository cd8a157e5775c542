//! The clusters (kubeconfig contexts) with their connection state.

use super::common::{Listing, block, empty, table, width_of};
use crate::tui::app::App;
use crate::tui::state::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

/// Draws the clusters into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, cursor: ListCursor) {
    let theme = &app.theme;
    let clusters = &app.snapshot.clusters;
    let block = block(app, format!(" Contexts [{}] ", clusters.len()));
    if clusters.is_empty() {
        empty(app, frame, area, block, "no clusters");
        return;
    }
    let apps_on = |name: &str| {
        app.snapshot
            .apps
            .iter()
            .filter(|a| a.cluster == name)
            .count()
    };
    let state = |connected: bool| {
        if connected {
            (
                "cluster.connected",
                format!("{} connected", theme.glyph("connected")),
            )
        } else {
            (
                "cluster.disconnected",
                format!("{} disconnected", theme.glyph("disconnected")),
            )
        }
    };
    let rows: Vec<Row> = clusters
        .iter()
        .map(|c| {
            let (scope, word) = state(c.connected);
            Row::new(vec![
                Cell::from(c.name.clone()),
                Cell::from(Span::styled(word, theme.style(scope))),
                Cell::from(apps_on(&c.name).to_string()),
                Cell::from(c.server.clone()),
                Cell::from(c.message.clone()),
            ])
        })
        .collect();
    let widths = vec![
        width_of("NAME", clusters.iter().map(|c| c.name.as_str())),
        Constraint::Length(14),
        Constraint::Length(4),
        width_of("SERVER", clusters.iter().map(|c| c.server.as_str())),
        Constraint::Fill(1),
    ];
    let header = Row::new(["NAME", "STATE", "APPS", "SERVER", "MESSAGE"]);
    let listing = Listing {
        block,
        header,
        rows,
        widths,
    };
    table(app, frame, area, listing, cursor);
}
