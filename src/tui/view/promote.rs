//! The promotion dialog: what moves into the stage, the gates that fail
//! (named, with their state), the file diff and the manifest diff the
//! promotion causes (drawn like the diff view's unified mode,
//! scrollable), or why the engine refuses, and the keys to answer.

use super::dialog::{first_key, yes_no};
use super::diff::unified_lines;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::KeyContext;
use crate::tui::state::Loadable;
use crate::tui::state::promote::PromoteState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Draws the dialog over most of `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &PromoteState) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(2).max(area.width.min(20));
    let height = area.height.saturating_sub(2).max(area.height.min(6));
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    let title = format!(" Promote {}: {} ", state.pipeline, state.stage);
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(title, theme.style("dialog.title")));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block.style(theme.style("text")), rect);
    let head_lines = head(app, state);
    let head_height = u16::try_from(head_lines.len()).unwrap_or(u16::MAX);
    let [head_area, body, foot] = Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(head_lines).wrap(Wrap { trim: false }),
        head_area,
    );
    let cancel = first_key(app, KeyContext::Dialog, Action::Cancel);
    let (body_lines, hint) = match &state.preview {
        Loadable::Ready(preview) => {
            let height = usize::from(body.height);
            let total = preview.diff.len();
            let shown = (state.scroll + height).min(total);
            let scroll = first_key(app, KeyContext::Dialog, Action::ScrollDown);
            let back = first_key(app, KeyContext::Dialog, Action::ScrollUp);
            let answer = if state.failed_gate().is_some() {
                format!("nothing will be committed · {cancel} closes")
            } else {
                yes_no(app)
            };
            let hint = format!(
                "lines {}-{shown} of {total} · {scroll}/{back} scroll · {answer}",
                (state.scroll + 1).min(total),
            );
            let lines = unified_lines(
                app,
                &preview.diff.lines,
                &preview.diff.highlighted,
                state.scroll,
                height,
            );
            (lines, hint)
        }
        Loadable::Loading => (
            vec![Line::from(Span::styled(
                format!(
                    "asking the engine what the promotion would change… {}",
                    theme.spinner(app.spinner)
                ),
                theme.style("status_line"),
            ))],
            format!("{cancel} cancels"),
        ),
        Loadable::Failed(reason) => (
            vec![Line::from(Span::styled(
                reason.clone(),
                theme.style("status_line.error"),
            ))],
            format!("nothing will be committed · {cancel} closes"),
        ),
    };
    let body_text = Paragraph::new(body_lines);
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

/// The question, what moves, and each failed gate with its state.
fn head(app: &App, state: &PromoteState) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let dialog = theme.style("dialog");
    let Loadable::Ready(preview) = &state.preview else {
        let question = match state.preview {
            Loadable::Loading => format!("Promote into {}: previewing…", state.stage),
            _ => format!("Promote into {}: refused by the engine", state.stage),
        };
        return vec![Line::from(Span::styled(question, dialog))];
    };
    let promotion = &preview.promotion;
    let question = match state.failed_gate() {
        Some(gate) => Line::from(Span::styled(
            format!(
                "Promotion into {} refused by gate {}",
                promotion.to, gate.name
            ),
            theme.style("status_line.error"),
        )),
        None => Line::from(Span::styled(
            format!(
                "Commit this promotion into {} on {}? {}",
                promotion.to,
                promotion.branch,
                yes_no(app)
            ),
            dialog,
        )),
    };
    let mut lines = vec![
        question,
        Line::from(Span::styled(
            promotion.message.clone(),
            theme.style("revision"),
        )),
    ];
    lines.extend(promotion.failed_gates().map(|g| {
        Line::from(vec![
            Span::styled(format!("FAIL {} ", g.name), theme.style("degraded")),
            Span::styled(g.message.clone(), dialog),
        ])
    }));
    lines
}
