//! Dialogs of live Argo CD and Flux apps: the confirmation of a sync,
//! resume, terminate or rollback showing the patches the engine would
//! send, in words; and the lines the pause dialog adds (the plan's
//! warnings and patch, with the reason as typed).

use super::dialog::{popup, yes_no};
use crate::engine::{LiveAction, LivePlan, PAUSE_REASON};
use crate::model::{AppEngine, AppStatus};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::KeyContext;
use crate::tui::state::Loadable;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Draws the confirmation of `action` on the live app `name`: the
/// question and what to know stay on top; the plan scrolls when it is
/// taller than the screen.
pub fn render_confirm(app: &App, frame: &mut Frame, area: Rect, name: &str, action: &LiveAction) {
    let width = wrap_width(area.width);
    let (title, mut lines, body) = confirm_lines(app, name, action, width);
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(lines.len());
    if body.len() <= room {
        lines.extend(body);
    } else {
        let shown = room.saturating_sub(1).max(1);
        let first = app.live_scroll.min(body.len().saturating_sub(shown));
        let last = (first + shown).min(body.len());
        lines.extend(body[first..last].iter().cloned());
        let down = super::dialog::first_key(app, KeyContext::Dialog, Action::ScrollDown);
        let up = super::dialog::first_key(app, KeyContext::Dialog, Action::ScrollUp);
        lines.push(Line::from(Span::styled(
            format!(
                "lines {}-{last} of {} · {down}/{up} scroll",
                first + 1,
                body.len()
            ),
            app.theme.style("status_line"),
        )));
    }
    popup(app, frame, area, title, lines);
}

/// How many lines of the live confirmation scroll (for clamping).
pub fn live_body_lines(app: &App, name: &str, action: &LiveAction) -> usize {
    confirm_lines(app, name, action, wrap_width(app.width))
        .2
        .len()
}

/// Lines of the plan fit in a dialog over an area `width` columns wide.
fn wrap_width(width: u16) -> usize {
    usize::from(width.saturating_sub(4)).max(20)
}

type ConfirmLines = (&'static str, Vec<Line<'static>>, Vec<Line<'static>>);

/// The title, the fixed lines and the plan's lines.
fn confirm_lines(app: &App, name: &str, action: &LiveAction, width: usize) -> ConfirmLines {
    let theme = &app.theme;
    let text = |s: String| Line::from(Span::styled(s, theme.style("dialog")));
    let row = app.snapshot.apps.iter().find(|a| a.key() == name);
    let what = row.map_or_else(String::new, describe_app);
    let (title, question) = match action {
        LiveAction::Sync { prune, .. } => (
            " Confirm sync ",
            format!(
                "Sync {name}{what}{}?",
                if *prune { " with prune" } else { "" }
            ),
        ),
        LiveAction::Refresh { .. } => (" Confirm refresh ", format!("Refresh {name}{what}?")),
        LiveAction::Terminate => (
            " Confirm terminate ",
            format!("Terminate the running operation of {name}?"),
        ),
        LiveAction::Pause { .. } => (" Pause ", format!("Pause {name}{what}?")),
        LiveAction::Resume => (
            " Resume ",
            format!("Resume automated sync of {name}{what}?"),
        ),
        LiveAction::Rollback { id, .. } => (
            " Confirm rollback ",
            format!("Roll {name} back to sync #{id}?"),
        ),
    };
    let mut lines = vec![text(format!("{question} {}", yes_no(app)))];
    if let Some(row) = row {
        lines.push(text(format!(
            "cluster {} · namespace {}",
            row.cluster, row.namespace
        )));
    }
    match action {
        LiveAction::Rollback { .. } => lines.push(text(
            "automated sync is turned off first, so it does not undo the rollback".to_string(),
        )),
        LiveAction::Sync { prune: true, .. }
            if row.is_some_and(|r| r.engine == AppEngine::Flux) =>
        {
            lines.push(text(
                "Flux prunes as the object's spec.prune says: this asks for a reconcile"
                    .to_string(),
            ));
        }
        LiveAction::Sync { prune: true, .. } => lines.push(Line::from(Span::styled(
            "objects no longer in Git will be deleted",
            theme.style("status_line.warning"),
        ))),
        _ => {}
    }
    (title, lines, plan_lines(app, width, None))
}

/// `(Argo CD Application)`, `(Flux Kustomization)`.
fn describe_app(row: &AppStatus) -> String {
    match &row.kind {
        Some(kind) => format!(" ({} {kind})", row.engine.product()),
        None => String::new(),
    }
}

/// The shown plan in lines at most `width` wide: warnings, then each
/// patch and its changes; `reason` replaces the pause reason's value (the
/// plan was asked for before it was typed).
pub fn plan_lines(app: &App, width: usize, reason: Option<&str>) -> Vec<Line<'static>> {
    let theme = &app.theme;
    match &app.live_plan {
        Some(Loadable::Ready(plan)) => ready_lines(app, plan, width, reason),
        Some(Loadable::Failed(message)) => wrap(&format!("cannot: {message}"), width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.style("status_line.error"))))
            .collect(),
        _ => vec![Line::from(Span::styled(
            format!(
                "asking the engine what it would send… {}",
                theme.spinner(app.spinner)
            ),
            theme.style("status_line"),
        ))],
    }
}

fn ready_lines(
    app: &App,
    plan: &LivePlan,
    width: usize,
    reason: Option<&str>,
) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    for warning in &plan.warnings {
        for l in wrap(&format!("⚠ {warning}"), width) {
            lines.push(Line::from(Span::styled(
                l,
                theme.style("status_line.warning"),
            )));
        }
    }
    for patch in &plan.patches {
        lines.push(Line::from(Span::styled(
            format!("patch {}:", patch.target),
            theme.style("help.section"),
        )));
        for word in patch.words.lines() {
            let word = match reason {
                Some(r)
                    if word.starts_with(&format!("set metadata.annotations.{PAUSE_REASON} ")) =>
                {
                    let quoted = serde_json::Value::String(r.to_string()).to_string();
                    format!("set metadata.annotations.{PAUSE_REASON} = {quoted}")
                }
                _ => word.to_string(),
            };
            let scope = if word.starts_with("remove") {
                "diff.removed"
            } else if word.starts_with("only if") {
                "dialog"
            } else {
                "diff.changed"
            };
            for l in wrap(&format!("  {word}"), width) {
                lines.push(Line::from(Span::styled(l, theme.style(scope))));
            }
        }
    }
    lines
}

/// `text` cut into lines of at most `width` columns, after a space when
/// one is in the second half of the line; continuation lines are
/// indented by four spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    const INDENT: &str = "    ";
    let width = width.max(2 * INDENT.len());
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = Span::raw(c.to_string()).width();
        if used + w > width {
            let keep = line
                .rfind(' ')
                .filter(|&at| at > line.len() / 2 && !line[..at].trim().is_empty());
            let carried = match keep {
                Some(at) => line.split_off(at + 1),
                None => String::new(),
            };
            out.push(line.trim_end().to_string());
            line = format!("{INDENT}{carried}");
            used = Span::raw(line.as_str()).width();
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_long_values_with_an_indent() {
        assert_eq!(wrap("short", 20), ["short"]);
        assert_eq!(wrap("abcdefghij", 8), ["abcdefgh", "    ij"]);
        assert_eq!(
            wrap("reverts the edit unless it covers", 20),
            ["reverts the edit", "    unless it covers"]
        );
        assert_eq!(wrap("", 8), [""]);
    }
}
