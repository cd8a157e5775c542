//! The header: title, clusters, repos, counts by sync and health, key hints.

use crate::engine::Snapshot;
use crate::model::{HealthStatus, SyncStatus};
use crate::tui::action::Action;
use crate::tui::app::{App, Mode};
use crate::tui::keymap::KeyContext;
use crate::tui::state::View;
use crate::tui::theme::{Theme, health_scope, sync_scope};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Actions offered as hints in the header, in order.
const HINTS: [Action; 8] = [
    Action::Sync,
    Action::SyncPrune,
    Action::Refresh,
    Action::Filter,
    Action::Command,
    Action::Help,
    Action::Back,
    Action::Quit,
];
/// Space between hint columns.
const HINT_GAP: usize = 2;
/// Narrowest terminal that shows hints in the header.
const HINTS_MIN_WIDTH: u16 = 100;

/// Draws the header into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let snapshot = &app.snapshot;
    let hints = hint_lines(app, area.height);
    let hint_width = hints.iter().flatten().map(Line::width).max().unwrap_or(0) + HINT_GAP;
    let hint_width = u16::try_from(hint_width).unwrap_or(u16::MAX);
    let columns = u16::try_from(hints.len()).unwrap_or(0);
    let hints_width = if area.width >= HINTS_MIN_WIDTH {
        columns.saturating_mul(hint_width)
    } else {
        0
    };
    let [info, hint_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(hints_width)]).areas(area);
    let label = |text: &'static str| Span::styled(text, theme.style("header.label"));
    let mut title = vec![
        Span::styled("tether", theme.style("header.title")),
        Span::styled(format!(" · {}", app.title), theme.style("header")),
    ];
    if app.read_only {
        title.push(Span::styled(" [read-only]", theme.style("header.label")));
    }
    title.extend(freeze(app, theme));
    let scope = app.table.scope();
    if !scope.is_all() {
        title.push(Span::styled("  showing ", theme.style("header.label")));
        title.push(Span::styled(
            format!("{} (:all for every app)", scope.describe()),
            theme.style("filter"),
        ));
    }
    let lines = vec![
        Line::from(title),
        Line::from([vec![label("Clusters: ")], clusters(theme, snapshot)].concat()),
        Line::from(vec![
            label("Repos:    "),
            Span::styled(snapshot.repos.join(", "), theme.style("header")),
        ]),
        Line::from([vec![label("Sync:     ")], sync_counts(app, theme)].concat()),
        Line::from([vec![label("Health:   ")], health_counts(app, theme)].concat()),
    ];
    frame.render_widget(Paragraph::new(lines), info);
    if hints_width > 0 {
        let areas =
            Layout::horizontal(vec![Constraint::Length(hint_width); hints.len()]).split(hint_area);
        for (column, rect) in hints.into_iter().zip(areas.iter()) {
            frame.render_widget(Paragraph::new(column), *rect);
        }
    }
}

fn clusters<'a>(theme: &Theme, snapshot: &'a Snapshot) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for cluster in &snapshot.clusters {
        let (scope, glyph) = if cluster.connected {
            ("cluster.connected", theme.glyph("connected"))
        } else {
            ("cluster.disconnected", theme.glyph("disconnected"))
        };
        let text = if cluster.connected {
            format!("{glyph} {}  ", cluster.name)
        } else if cluster.message.is_empty() {
            format!("{glyph} {} (disconnected)  ", cluster.name)
        } else {
            format!(
                "{glyph} {} (disconnected: {})  ",
                cluster.name, cluster.message
            )
        };
        spans.push(Span::styled(text, theme.style(scope)));
    }
    spans
}

/// `FREEZE prod-weekend until Mon 06:00 CET` when a deny sync window is
/// open now for an app of the table's scope (and how many more are).
fn freeze(app: &App, theme: &Theme) -> Option<Span<'static>> {
    if app.snapshot.freezes.is_empty() {
        return None;
    }
    // Once per frame, not once per frozen app: a weekend window over
    // thousands of apps would otherwise compare every pair.
    let listed: std::collections::HashSet<&str> = in_scope(app).map(|a| a.key()).collect();
    let mut open = app
        .snapshot
        .freezes
        .iter()
        .filter(|f| f.apps.iter().any(|k| listed.contains(k.as_str())));
    let first = open.next()?;
    let until = if first.until.is_empty() {
        String::new()
    } else {
        format!(" until {}", first.until)
    };
    let more = match open.count() {
        0 => String::new(),
        n => format!(" (+{n} more)"),
    };
    Some(Span::styled(
        format!("  FREEZE {}{until}{more}", first.name),
        theme.style("header.freeze"),
    ))
}

/// The apps the counts are of: those of the apps table's scope.
fn in_scope(app: &App) -> impl Iterator<Item = &crate::model::AppStatus> {
    let scope = app.table.scope();
    app.snapshot.apps.iter().filter(move |a| scope.admits(a))
}

fn sync_counts(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let states = [
        SyncStatus::Synced,
        SyncStatus::OutOfSync,
        SyncStatus::Unknown,
    ];
    let mut counts = states.map(|s| (s, 0));
    for a in in_scope(app) {
        if let Some(c) = counts.iter_mut().find(|(s, _)| *s == a.sync) {
            c.1 += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(state, n)| count_span(theme, sync_scope(state), state.as_str(), n))
        .collect()
}

fn health_counts(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let states = [
        HealthStatus::Healthy,
        HealthStatus::Progressing,
        HealthStatus::Degraded,
        HealthStatus::Suspended,
        HealthStatus::Missing,
        HealthStatus::Unknown,
    ];
    let mut counts = states.map(|s| (s, 0));
    for a in in_scope(app) {
        if let Some(c) = counts.iter_mut().find(|(s, _)| *s == a.health) {
            c.1 += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(state, n)| count_span(theme, health_scope(state), state.as_str(), n))
        .collect()
}

fn count_span(theme: &Theme, scope: &str, word: &str, count: usize) -> Span<'static> {
    Span::styled(
        format!("{} {count}  ", theme.labelled(scope, word)),
        theme.style(scope),
    )
}

/// Key hints in columns of `height` lines: `<key> description`.
/// Hints of the tree view.
const TREE_HINTS: [Action; 8] = [
    Action::ToggleNode,
    Action::Events,
    Action::Yaml,
    Action::Diff,
    Action::Sync,
    Action::Back,
    Action::Help,
    Action::Quit,
];
/// Hints of the diff view.
const DIFF_HINTS: [Action; 8] = [
    Action::NextHunk,
    Action::PrevHunk,
    Action::ToggleUnified,
    Action::ToggleUnchanged,
    Action::ScrollDown,
    Action::Sync,
    Action::Back,
    Action::Help,
];
/// Hints of the other views.
const VIEW_HINTS: [Action; 8] = [
    Action::MoveDown,
    Action::PageDown,
    Action::Tree,
    Action::Diff,
    Action::Refresh,
    Action::Back,
    Action::Help,
    Action::Quit,
];

/// Hints of the history view.
const HISTORY_HINTS: [Action; 8] = [
    Action::MoveDown,
    Action::Revert,
    Action::Diff,
    Action::Tree,
    Action::Refresh,
    Action::Back,
    Action::Help,
    Action::Quit,
];
/// Hints of the ApplicationSets and the apps of one.
const APPSET_HINTS: [Action; 7] = [
    Action::MoveDown,
    Action::DrillIn,
    Action::Tree,
    Action::Sync,
    Action::Back,
    Action::Help,
    Action::Quit,
];
/// Hints of the operation view.
const OPERATION_HINTS: [Action; 7] = [
    Action::MoveDown,
    Action::PageDown,
    Action::Terminate,
    Action::Refresh,
    Action::Back,
    Action::Help,
    Action::Quit,
];
/// Hints of the pipeline view.
const PIPELINE_HINTS: [Action; 8] = [
    Action::MoveDown,
    Action::CompareStages,
    Action::Promote,
    Action::Sync,
    Action::Refresh,
    Action::Back,
    Action::Help,
    Action::Quit,
];
/// Hints of a yes/no dialog.
const DIALOG_HINTS: [Action; 2] = [Action::Confirm, Action::Cancel];
/// Hints of the revert dialog, which scrolls its preview.
const REVERT_HINTS: [Action; 4] = [
    Action::Confirm,
    Action::Cancel,
    Action::ScrollDown,
    Action::PageDown,
];

/// The dialog's or the shown view's key context and its hints.
fn hints_of(app: &App) -> (KeyContext, &'static [Action]) {
    match app.mode {
        Mode::ConfirmSync { .. }
        | Mode::ConfirmResume { .. }
        | Mode::ConfirmLive { .. }
        | Mode::ConfirmAction { .. }
        | Mode::ActionMenu { .. } => {
            return (KeyContext::Dialog, &DIALOG_HINTS);
        }
        Mode::ConfirmRevert | Mode::ConfirmPromote => {
            return (KeyContext::Dialog, &REVERT_HINTS);
        }
        _ => {}
    }
    match app.views.last() {
        None => (KeyContext::Apps, &HINTS),
        Some(View::Tree(_)) => (KeyContext::Tree, &TREE_HINTS),
        Some(View::Diff(_)) => (KeyContext::Diff, &DIFF_HINTS),
        Some(View::History(_)) => (KeyContext::History, &HISTORY_HINTS),
        Some(View::AppSets(_) | View::AppSetApps(_)) => (KeyContext::View, &APPSET_HINTS),
        Some(View::Operation(_)) => (KeyContext::View, &OPERATION_HINTS),
        Some(View::Pipeline(_)) => (KeyContext::Pipeline, &PIPELINE_HINTS),
        Some(view) => (view.key_context(), &VIEW_HINTS),
    }
}

/// The first key of `action` in `context` or the contexts it falls back to.
fn first_key(app: &App, context: KeyContext, action: Action) -> Option<String> {
    let chain: &[KeyContext] = match context {
        KeyContext::Tree | KeyContext::Diff | KeyContext::History | KeyContext::Pipeline => {
            &[context, KeyContext::View, KeyContext::Global]
        }
        _ => &[context, KeyContext::Global],
    };
    chain.iter().find_map(|&c| {
        app.keymap
            .keys_for(c, action)
            .into_iter()
            .next()
            .map(|k| k.to_string())
    })
}

fn hint_lines(app: &App, height: u16) -> Vec<Vec<Line<'static>>> {
    let theme = &app.theme;
    let (context, actions) = hints_of(app);
    let hints: Vec<Line<'static>> = actions
        .iter()
        .filter_map(|&action| {
            let key = first_key(app, context, action)?;
            Some(Line::from(vec![
                Span::styled(format!("<{key}> "), theme.style("header.key")),
                Span::styled(hint_name(action), theme.style("header.hint")),
            ]))
        })
        .collect();
    let per_column = usize::from(height.max(1));
    hints.chunks(per_column).map(<[_]>::to_vec).collect()
}

fn hint_name(action: Action) -> &'static str {
    match action {
        Action::Sync => "sync",
        Action::SyncPrune => "sync+prune",
        Action::Refresh => "refresh",
        Action::Filter => "filter",
        Action::Command => "command",
        Action::Help => "help",
        Action::Back => "back",
        Action::Quit => "quit",
        Action::ToggleNode => "expand",
        Action::NextHunk => "next hunk",
        Action::PrevHunk => "prev hunk",
        Action::ToggleUnified => "unified",
        Action::ToggleUnchanged => "unchanged",
        Action::ScrollDown => "scroll",
        Action::MoveDown => "down",
        Action::PageDown => "page",
        Action::Confirm => "yes",
        Action::Cancel => "no",
        Action::DrillIn => "open",
        Action::CompareStages => "compare",
        other => other.name(),
    }
}
