//! Confirmation dialogs: sync (with the engine's plan: counts, waves,
//! takeovers, admission policy findings), pause reason input, resume.

use crate::engine::SyncReport;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::apps_table::short_revision;
use crate::tui::keymap::KeyContext;
use crate::tui::state::Loadable;
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use std::collections::BTreeMap;

/// Resources listed per wave at most.
const MAX_PER_WAVE: usize = 4;

/// Draws "Sync <app>? y/n" with the plan, centred over `area`.
pub fn render_sync(app: &App, frame: &mut Frame, area: Rect, name: &str, prune: bool) {
    let theme = &app.theme;
    let text = |s: String| Line::from(Span::styled(s, theme.style("dialog")));
    let with = if prune { " with prune" } else { "" };
    let mut lines = vec![text(format!("Sync {name}{with}? {}", yes_no(app)))];
    if let Some(status) = app.snapshot.apps.iter().find(|a| a.key() == name) {
        lines.push(text(format!(
            "cluster {} · namespace {}",
            status.cluster, status.namespace
        )));
        if status.paused {
            // A paused app was stopped on purpose: say so before anyone
            // confirms a manual sync of it.
            lines.push(Line::from(Span::styled(
                format!("⏸ this app is {}", status.message),
                theme.style("status_line.warning"),
            )));
        }
        if !status.resources.is_empty() {
            let differ = status
                .resources
                .iter()
                .filter(|r| r.sync != crate::model::SyncStatus::Synced)
                .count();
            let total = status.resources.len();
            lines.push(text(format!("{differ} of {total} resources not in sync")));
        }
    }
    match &app.plan {
        Some(Loadable::Ready(plan)) => lines.extend(plan_lines(app, plan)),
        Some(Loadable::Failed(message)) => lines.push(Line::from(Span::styled(
            format!("no plan: {message}"),
            theme.style("status_line.error"),
        ))),
        _ => lines.push(Line::from(Span::styled(
            format!("planning… {}", theme.spinner(app.spinner)),
            theme.style("status_line"),
        ))),
    }
    if prune {
        lines.push(Line::from(Span::styled(
            "objects no longer in Git will be deleted",
            theme.style("status_line.warning"),
        )));
    }
    popup(app, frame, area, " Confirm sync ", lines);
}

/// The typed pause reason for `name`.
pub fn render_pause(app: &App, frame: &mut Frame, area: Rect, name: &str, input: &str) {
    let theme = &app.theme;
    let accept = first_key(app, KeyContext::Input, Action::Confirm);
    let cancel = first_key(app, KeyContext::Input, Action::Cancel);
    let live = app
        .snapshot
        .apps
        .iter()
        .find(|a| a.key() == name && a.origin == crate::model::AppOriginKind::Cluster);
    let first = match live {
        Some(row) => format!(
            "Pause {name}: {} stops syncing it until it is resumed.",
            row.engine.product()
        ),
        None => format!("Pause automated sync and self-heal of {name} for everyone."),
    };
    let mut lines = vec![
        Line::from(Span::styled(first, theme.style("dialog"))),
        Line::from(Span::styled(
            format!("Reason (optional; {accept} pauses, {cancel} cancels):"),
            theme.style("dialog"),
        )),
        Line::from(Span::styled(format!("> {input}"), theme.style("input"))),
    ];
    if live.is_some() {
        let width = usize::from(area.width.saturating_sub(4));
        lines.extend(super::live_dialog::plan_lines(app, width, Some(input)));
    }
    let rect = popup(app, frame, area, " Pause ", lines);
    let x = rect.x + 3 + u16::try_from(Span::raw(input).width()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(rect.right().saturating_sub(2)),
        rect.y + 3,
    ));
}

/// "Resume <app>? y/n".
pub fn render_resume(app: &App, frame: &mut Frame, area: Rect, name: &str) {
    let theme = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!("Resume automated sync of {name}? {}", yes_no(app)),
        theme.style("dialog"),
    ))];
    if let Some(status) = app.snapshot.apps.iter().find(|a| a.key() == name)
        && !status.message.is_empty()
    {
        lines.push(Line::from(Span::styled(
            format!("{} {}", theme.labelled("paused", "paused:"), status.message),
            theme.style("paused"),
        )));
    }
    popup(app, frame, area, " Resume ", lines);
}

pub(super) fn first_key(app: &App, context: KeyContext, action: Action) -> String {
    app.keymap
        .keys_for(context, action)
        .first()
        .map_or_else(|| "?".to_string(), ToString::to_string)
}

pub(super) fn yes_no(app: &App) -> String {
    let yes = first_key(app, KeyContext::Dialog, Action::Confirm);
    let no = first_key(app, KeyContext::Dialog, Action::Cancel);
    format!("{yes}/{no}")
}

/// `plan @ rev: N create · M update · D delete · K unchanged`, then per
/// wave its changes, then the field takeovers and policy findings.
fn plan_lines(app: &App, plan: &SyncReport) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let count = |a: &str| plan.resources.iter().filter(|r| r.action == a).count();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("plan @ {}: ", short_revision(&plan.revision)),
            theme.style("dialog"),
        ),
        Span::styled(
            format!("{} create", count("created")),
            theme.style("diff.added"),
        ),
        Span::styled(" · ", theme.style("dialog")),
        Span::styled(
            format!("{} update", count("configured")),
            theme.style("diff.changed"),
        ),
        Span::styled(" · ", theme.style("dialog")),
        Span::styled(
            format!("{} delete", count("deleted")),
            theme.style("diff.removed"),
        ),
        Span::styled(
            format!(" · {} unchanged", count("unchanged")),
            theme.style("dialog"),
        ),
    ])];
    let mut waves: BTreeMap<Option<i64>, Vec<&crate::engine::ResourceResult>> = BTreeMap::new();
    for r in &plan.resources {
        waves.entry(r.wave).or_default().push(r);
    }
    for (wave, resources) in waves {
        let label = wave.map_or_else(|| "namespaces, CRDs".to_string(), |w| format!("wave {w}"));
        let changes: Vec<_> = resources
            .iter()
            .filter(|r| r.action != "unchanged")
            .collect();
        lines.push(Line::from(Span::styled(
            format!("{label}: {} of {} change", changes.len(), resources.len()),
            theme.style("help.section"),
        )));
        for r in changes.iter().take(MAX_PER_WAVE) {
            let (mark, scope) = match r.action.as_str() {
                "created" => ("+", "diff.added"),
                "deleted" => ("-", "diff.removed"),
                _ => ("~", "diff.changed"),
            };
            lines.push(Line::from(Span::styled(
                format!("  {mark} {}/{} {}", r.kind, r.name, r.action),
                theme.style(scope),
            )));
        }
        if changes.len() > MAX_PER_WAVE {
            lines.push(Line::from(Span::styled(
                format!("  … {} more", changes.len() - MAX_PER_WAVE),
                theme.style("dialog"),
            )));
        }
    }
    for r in &plan.resources {
        for takeover in &r.takeovers {
            lines.push(Line::from(Span::styled(
                format!("takes {takeover} on {}/{}", r.kind, r.name),
                theme.style("status_line.warning"),
            )));
        }
    }
    lines.extend(violation_lines(app, plan));
    lines
}

/// Admission policy findings of the plan: denials (the sync will be
/// refused), then warnings and audits, a few of each.
fn violation_lines(app: &App, plan: &SyncReport) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let (denials, others): (Vec<_>, Vec<_>) = plan.violations.iter().partition(|v| v.denies());
    if !denials.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "admission policies deny {} object(s): the sync will be refused",
                denials.len()
            ),
            theme.style("status_line.error"),
        )));
    }
    for (group, scope, verb) in [
        (&denials, "status_line.error", "denies"),
        (&others, "status_line.warning", "warns on"),
    ] {
        for v in group.iter().take(MAX_PER_WAVE) {
            lines.push(Line::from(Span::styled(
                format!("  policy {} {verb} {}: {}", v.policy, v.object, v.message),
                theme.style(scope),
            )));
        }
        if group.len() > MAX_PER_WAVE {
            lines.push(Line::from(Span::styled(
                format!("  … {} more", group.len() - MAX_PER_WAVE),
                theme.style("dialog"),
            )));
        }
    }
    lines
}

/// Draws `lines` in a bordered box centred over `area`; returns the box.
pub(super) fn popup(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
) -> Rect {
    let theme = &app.theme;
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(title.to_string(), theme.style("dialog.title")));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.style("text"))
            .block(block),
        rect,
    );
    rect
}
