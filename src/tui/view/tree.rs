//! The resource tree: children indented under their parents, sync and
//! health with glyph and word, and why a node is not Healthy.

use super::common::{Listing, block, empty, paused_note, placeholder, table, width_of};
use crate::model::HealthStatus;
use crate::tui::app::App;
use crate::tui::state::tree::TreeState;
use crate::tui::theme::{health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

/// Draws the tree of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &TreeState) {
    let theme = &app.theme;
    let mut title = vec![Span::styled(
        format!(" Tree {} [{}] ", state.app, state.rows.len()),
        theme.style("title"),
    )];
    title.extend(paused_note(app, &state.app));
    let block = block(app, String::new()).title(Line::from(title));
    if placeholder(app, frame, area, block.clone(), "tree", &state.nodes) {
        return;
    }
    let names: Vec<(String, String)> = state
        .rows
        .iter()
        .filter_map(|row| {
            let node = state.node(row)?;
            let toggle = match (row.has_children, row.collapsed) {
                (false, _) => String::new(),
                (true, false) => format!("{} ", theme.glyph("expanded")),
                (true, true) => format!("{} ", theme.glyph("collapsed")),
            };
            Some((
                row.prefix.clone(),
                format!("{toggle}{}/{}", node.kind, node.name),
            ))
        })
        .collect();
    let joined: Vec<String> = names.iter().map(|(p, n)| format!("{p}{n}")).collect();
    let rows: Vec<Row> = state
        .rows
        .iter()
        .zip(&names)
        .filter_map(|(row, (prefix, name))| {
            let node = state.node(row)?;
            let sync = node.sync.map_or_else(
                || Cell::from(""),
                |s| {
                    let scope = sync_scope(s);
                    Cell::from(Span::styled(
                        theme.labelled(scope, s.as_str()),
                        theme.style(scope),
                    ))
                },
            );
            let health = health_scope(node.health);
            let message = if node.health == HealthStatus::Healthy {
                String::new()
            } else {
                node.message.clone()
            };
            Some(Row::new(vec![
                Cell::from(Line::from(vec![
                    Span::styled(prefix.clone(), theme.style("tree.guide")),
                    Span::raw(name.clone()),
                ])),
                Cell::from(node.namespace.clone()),
                sync,
                Cell::from(Span::styled(
                    theme.labelled(health, node.health.as_str()),
                    theme.style(health),
                )),
                Cell::from(message),
            ]))
        })
        .collect();
    if rows.is_empty() {
        empty(app, frame, area, block, "the app has no resources");
        return;
    }
    let widths = vec![
        width_of("RESOURCE", joined.iter().map(String::as_str)),
        width_of(
            "NAMESPACE",
            names.iter().map(|_| "").chain(namespaces(state)),
        ),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let header = Row::new(["RESOURCE", "NAMESPACE", "SYNC", "HEALTH", "MESSAGE"]);
    let listing = Listing {
        block,
        header,
        rows,
        widths,
    };
    table(app, frame, area, listing, state.cursor);
}

fn namespaces(state: &TreeState) -> impl Iterator<Item = &str> {
    state
        .rows
        .iter()
        .filter_map(|row| state.node(row).map(|n| n.namespace.as_str()))
}
