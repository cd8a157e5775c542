//! An app's admission policy findings below its tree: each violation of
//! its desired state (policy, binding, object, message), as `tether check
//! APP` lists them, denials in the error style, warnings in the warning
//! style.

use super::common::block;
use crate::model::PolicyFindings;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The findings of app `name` when it has any to show.
fn findings<'a>(app: &'a App, name: &str) -> Option<&'a PolicyFindings> {
    let status = app.snapshot.apps.iter().find(|a| a.key() == name)?;
    status.policy.as_ref().filter(|p| !p.passes())
}

/// Splits `area` into the tree's part and, when app `name` has policy
/// findings, a panel below it fitting them (at most a third of the area).
pub fn split(app: &App, area: Rect, name: &str) -> (Rect, Option<Rect>) {
    let Some(found) = findings(app, name) else {
        return (area, None);
    };
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines(app, found)
        .iter()
        .map(|l| l.width().div_ceil(inner).max(1))
        .sum();
    let most = (area.height / 3).max(4);
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(most);
    let [tree, panel] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
    (tree, Some(panel))
}

/// Draws the findings of app `name` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, name: &str) {
    let Some(found) = findings(app, name) else {
        return;
    };
    let title = format!(
        " Policies: {} denied, {} warned (tether check {name}) ",
        found.denied, found.warned
    );
    let paragraph = Paragraph::new(lines(app, found))
        .wrap(Wrap { trim: false })
        .block(block(app, title));
    frame.render_widget(paragraph, area);
}

/// One line per violation: glyph, action, policy (binding), object and
/// message; first why the check failed, if it did.
fn lines(app: &App, found: &PolicyFindings) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (denied, warned) = (theme.glyph("policy_denied"), theme.glyph("policy_warned"));
    let mut lines = Vec::new();
    if let Some(error) = &found.error {
        lines.push(Line::from(Span::styled(
            format!(" {denied} cannot check: {error}"),
            theme.style("status_line.error"),
        )));
    }
    for v in found.violations.iter() {
        let (glyph, scope) = if v.denies() {
            (denied, "status_line.error")
        } else {
            (warned, "status_line.warning")
        };
        let binding = if v.binding.is_empty() {
            String::new()
        } else {
            format!(" ({})", v.binding)
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {glyph} {} {}{binding} ", v.action, v.policy),
                theme.style(scope),
            ),
            Span::raw(format!("{}: {}", v.object, v.message)),
        ]));
    }
    lines
}
