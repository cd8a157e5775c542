//! The ApplicationSets (`:appsets`) and the apps one of them generated.

use super::common::{Listing, block, empty, table, width_of};
use crate::model::AppStatus;
use crate::tui::app::App;
use crate::tui::state::ListCursor;
use crate::tui::state::appsets::AppSetAppsState;
use crate::tui::theme::{health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

/// Draws the ApplicationSets into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, cursor: ListCursor) {
    let theme = &app.theme;
    let appsets = &app.snapshot.appsets;
    let block = block(app, format!(" ApplicationSets [{}] ", appsets.len()));
    if appsets.is_empty() {
        empty(
            app,
            frame,
            area,
            block,
            "no ApplicationSets in the watched contexts",
        );
        return;
    }
    let generators: Vec<String> = appsets.iter().map(|s| s.generators.join("+")).collect();
    let rows: Vec<Row> = appsets
        .iter()
        .zip(&generators)
        .map(|(s, g)| {
            let health = health_scope(s.health);
            Row::new(vec![
                Cell::from(s.name.clone()),
                Cell::from(s.cluster.clone()),
                Cell::from(s.namespace.clone()),
                Cell::from(g.clone()),
                Cell::from(s.apps.to_string()),
                Cell::from(Span::styled(
                    theme.labelled(health, s.health.as_str()),
                    theme.style(health),
                )),
                Cell::from(s.message.clone()),
            ])
        })
        .collect();
    let widths = vec![
        width_of("NAME", appsets.iter().map(|s| s.name.as_str())),
        width_of("CLUSTER", appsets.iter().map(|s| s.cluster.as_str())),
        width_of("NAMESPACE", appsets.iter().map(|s| s.namespace.as_str())),
        width_of("GENERATORS", generators.iter().map(String::as_str)),
        Constraint::Length(4),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "NAME",
        "CLUSTER",
        "NAMESPACE",
        "GENERATORS",
        "APPS",
        "HEALTH",
        "MESSAGE",
    ]);
    let listing = Listing {
        block,
        header,
        rows,
        widths,
    };
    table(app, frame, area, listing, cursor);
}

/// Draws the apps of one ApplicationSet into `area`; only the rows on
/// screen are built.
pub fn render_apps(app: &App, frame: &mut Frame, area: Rect, state: &AppSetAppsState) {
    let theme = &app.theme;
    let name = app
        .snapshot
        .appsets
        .iter()
        .find(|s| s.reference == state.appset)
        .map_or(state.appset.as_str(), |s| s.name.as_str());
    let block = block(
        app,
        format!(" Apps of ApplicationSet {name} [{}] ", state.rows.len()),
    );
    if state.rows.is_empty() {
        empty(
            app,
            frame,
            area,
            block,
            "it generated no app that is listed",
        );
        return;
    }
    let window = usize::from(area.height.saturating_sub(3)).max(1);
    let shown: Vec<&AppStatus> = state
        .rows
        .iter()
        .skip(state.cursor.offset)
        .take(window)
        .filter_map(|&i| app.snapshot.apps.get(i))
        .collect();
    let rows: Vec<Row> = shown
        .iter()
        .map(|a| {
            let (sync, health) = (sync_scope(a.sync), health_scope(a.health));
            Row::new(vec![
                Cell::from(a.name.clone()),
                Cell::from(a.cluster.clone()),
                Cell::from(a.namespace.clone()),
                Cell::from(Span::styled(
                    theme.labelled(sync, a.sync.as_str()),
                    theme.style(sync),
                )),
                Cell::from(Span::styled(
                    theme.labelled(health, a.health.as_str()),
                    theme.style(health),
                )),
                Cell::from(a.message.clone()),
            ])
        })
        .collect();
    let widths = vec![
        width_of("NAME", shown.iter().map(|a| a.name.as_str())),
        width_of("CLUSTER", shown.iter().map(|a| a.cluster.as_str())),
        width_of("NAMESPACE", shown.iter().map(|a| a.namespace.as_str())),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let header = Row::new(["NAME", "CLUSTER", "NAMESPACE", "SYNC", "HEALTH", "MESSAGE"]);
    let listing = Listing {
        block,
        header,
        rows,
        widths,
    };
    let cursor = ListCursor {
        selected: state.cursor.selected.saturating_sub(state.cursor.offset),
        offset: 0,
    };
    table(app, frame, area, listing, cursor);
}
