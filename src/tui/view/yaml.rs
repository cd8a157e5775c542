//! The live object as YAML (Secrets already masked by the engine),
//! highlighted, with line numbers, scrolled.

use super::common::{block, placeholder};
use crate::tui::app::App;
use crate::tui::state::TextState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the YAML of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &TextState) {
    let theme = &app.theme;
    let total = state.lines.len();
    let title = format!(
        " YAML {} {} [{}/{total}] ",
        state.app,
        state.resource,
        (state.scroll + 1).min(total)
    );
    let block = block(app, title);
    if placeholder(app, frame, area, block.clone(), "YAML", &state.text) {
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = total.to_string().len();
    let lines: Vec<Line> = state
        .lines
        .iter()
        .enumerate()
        .skip(state.scroll)
        .take(usize::from(inner.height))
        .map(|(i, spans)| {
            let mut out = vec![Span::styled(
                format!("{:>width$} ", i + 1),
                theme.style("diff.lineno"),
            )];
            out.extend(spans.iter().cloned());
            Line::from(out)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
