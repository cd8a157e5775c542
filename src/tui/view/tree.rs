//! The resource tree: children indented under their parents, sync and
//! health with glyph and word, and why a node is not Healthy (or how far
//! a Rollout or Canary has come); the app's policy violations below.

use super::common::{Listing, block, empty, paused_note, placeholder, table, width_of};
use crate::model::HealthStatus;
use crate::tui::app::App;
use crate::tui::state::tree::TreeState;
use crate::tui::theme::{health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

/// Narrowest area that shows the NAMESPACE column.
const WIDE: u16 = 100;

/// Draws the tree of `state` into `area`, the app's admission policy
/// findings below it when it has some.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &TreeState) {
    let (area, findings) = super::policy::split(app, area, &state.app);
    render_tree(app, frame, area, state);
    if let Some(panel) = findings {
        super::policy::render(app, frame, panel, &state.app);
    }
}

fn render_tree(app: &App, frame: &mut Frame, area: Rect, state: &TreeState) {
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
    // Narrow terminals give the namespace's room to the message.
    let wide = area.width >= WIDE;
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
            // A Rollout's or Canary's progress says more than its message.
            let message = if !node.info.is_empty() {
                node.info.clone()
            } else if node.health == HealthStatus::Healthy {
                String::new()
            } else {
                node.message.clone()
            };
            let mut cells = vec![Cell::from(Line::from(vec![
                Span::styled(prefix.clone(), theme.style("tree.guide")),
                Span::raw(name.clone()),
            ]))];
            if wide {
                cells.push(Cell::from(node.namespace.clone()));
            }
            cells.extend([
                sync,
                Cell::from(Span::styled(
                    theme.labelled(health, node.health.as_str()),
                    theme.style(health),
                )),
                Cell::from(message),
            ]);
            Some(Row::new(cells))
        })
        .collect();
    if rows.is_empty() {
        empty(app, frame, area, block, "the app has no resources");
        return;
    }
    let mut widths = vec![width_of("RESOURCE", joined.iter().map(String::as_str))];
    let mut titles = vec!["RESOURCE"];
    if wide {
        widths.push(width_of("NAMESPACE", namespaces(state)));
        titles.push("NAMESPACE");
    }
    widths.extend([
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Fill(1),
    ]);
    titles.extend(["SYNC", "HEALTH", "MESSAGE"]);
    let header = Row::new(titles);
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
