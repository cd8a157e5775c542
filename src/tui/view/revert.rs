//! The revert dialog: which commit, the diff the revert would commit
//! (drawn like the diff view's unified mode, scrollable), or why the
//! engine refuses, and the keys to answer.

use super::dialog::{first_key, yes_no};
use super::diff::unified_lines;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::apps_table::short_revision;
use crate::tui::keymap::KeyContext;
use crate::tui::state::Loadable;
use crate::tui::state::revert::RevertState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Draws the dialog over most of `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &RevertState) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(2).max(area.width.min(20));
    let height = area.height.saturating_sub(2).max(area.height.min(6));
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    let title = format!(" Revert {} ", short_revision(&state.commit));
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(title, theme.style("dialog.title")));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block.style(theme.style("text")), rect);
    let head_height = if state.note.is_some() { 3 } else { 2 };
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let dialog = theme.style("dialog");
    let question = match &state.preview {
        Loadable::Ready(_) => format!("Commit a revert of this in {}? {}", state.app, yes_no(app)),
        Loadable::Loading => format!("Revert in {}: previewing…", state.app),
        Loadable::Failed(_) => format!("Revert in {}: refused by the engine", state.app),
    };
    let mut head_lines = Vec::new();
    if let Some(note) = &state.note {
        head_lines.push(Line::from(Span::styled(
            note.clone(),
            theme.style("status_line.warning"),
        )));
    }
    head_lines.extend([
        Line::from(Span::styled(question, dialog)),
        Line::from(vec![
            Span::styled(
                short_revision(&state.commit).to_string(),
                theme.style("revision"),
            ),
            Span::styled(format!(" {}", state.summary), dialog),
        ]),
    ]);
    frame.render_widget(Paragraph::new(head_lines), head);
    let (body_lines, hint) = match &state.preview {
        Loadable::Ready(preview) => {
            let height = usize::from(body.height);
            let lines = unified_lines(
                app,
                &preview.diff.lines,
                &preview.diff.highlighted,
                state.scroll,
                height,
            );
            let lines = if preview.diff.is_empty() {
                vec![Line::from(Span::styled(
                    "the revert changes nothing",
                    theme.style("status_line"),
                ))]
            } else {
                lines
            };
            let total = preview.diff.len();
            let shown = (state.scroll + height).min(total);
            let scroll = first_key(app, KeyContext::Dialog, Action::ScrollDown);
            let back = first_key(app, KeyContext::Dialog, Action::ScrollUp);
            let hint = format!(
                "lines {}-{shown} of {total} · {scroll}/{back} scroll · {}",
                (state.scroll + 1).min(total),
                yes_no(app)
            );
            (lines, hint)
        }
        Loadable::Loading => (
            vec![Line::from(Span::styled(
                format!(
                    "asking the engine what the revert would change… {}",
                    theme.spinner(app.spinner)
                ),
                theme.style("status_line"),
            ))],
            format!(
                "{} cancels",
                first_key(app, KeyContext::Dialog, Action::Cancel)
            ),
        ),
        Loadable::Failed(reason) => (
            vec![Line::from(Span::styled(
                reason.clone(),
                theme.style("status_line.error"),
            ))],
            format!(
                "nothing will be committed · {} closes",
                first_key(app, KeyContext::Dialog, Action::Cancel)
            ),
        ),
    };
    let body_text = Paragraph::new(body_lines);
    // The diff is cut at the edge like the diff view; a refusal wraps so
    // that the whole reason can be read.
    let body_text = match state.preview {
        Loadable::Failed(_) => body_text.wrap(Wrap { trim: false }),
        _ => body_text,
    };
    frame.render_widget(body_text, body);
    frame.render_widget(
        Paragraph::new(Span::styled(hint, theme.style("status_line"))),
        foot,
    );
}
