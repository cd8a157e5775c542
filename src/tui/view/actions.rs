//! The resource action menu and its confirmation (tree view, `a`).

use super::dialog::{first_key, popup, yes_no};
use crate::model::ResourceKey;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::KeyContext;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

fn target(resource: &ResourceKey) -> String {
    match resource.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{}/{ns}/{}", resource.kind, resource.name),
        _ => format!("{}/{}", resource.kind, resource.name),
    }
}

/// The actions of `resource`, `selected` highlighted.
pub fn render_menu(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    resource: &ResourceKey,
    actions: &[String],
    selected: usize,
) {
    let theme = &app.theme;
    let choose = first_key(app, KeyContext::Dialog, Action::Confirm);
    let cancel = first_key(app, KeyContext::Dialog, Action::Cancel);
    let mut lines = vec![Line::from(Span::styled(
        format!("{} ({choose} chooses, {cancel} cancels):", target(resource)),
        theme.style("dialog"),
    ))];
    for (i, action) in actions.iter().enumerate() {
        let (marker, style) = if i == selected {
            ("> ", theme.style("selection"))
        } else {
            ("  ", theme.style("dialog"))
        };
        lines.push(Line::from(Span::styled(format!("{marker}{action}"), style)));
    }
    popup(app, frame, area, " Actions ", lines);
}

/// "promote Rollout/shop/checkout? y/n".
pub fn render_confirm(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    resource: &ResourceKey,
    action: &str,
) {
    let lines = vec![Line::from(Span::styled(
        format!("{action} {}? {}", target(resource), yes_no(app)),
        app.theme.style("dialog"),
    ))];
    popup(app, frame, area, " Confirm action ", lines);
}
