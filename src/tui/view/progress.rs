//! The sync progress panel: resources applied so far, newest last.

use crate::tui::app::{App, SyncProgress};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Lines of the panel, borders included.
pub const PANEL_HEIGHT: u16 = 7;

/// Draws the panel over the bottom of `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, progress: &SyncProgress) {
    let theme = &app.theme;
    let height = PANEL_HEIGHT.min(area.height);
    let rect = Rect::new(area.x, area.bottom() - height, area.width, height);
    let title = format!(
        " {} {} {} · {} applied ",
        progress.doing,
        progress.app,
        theme.spinner(app.spinner),
        progress.applied
    );
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(title, theme.style("dialog.title")));
    let shown = usize::from(height.saturating_sub(2));
    let lines: Vec<Line> = if progress.lines.is_empty() {
        vec![Line::from(Span::styled(
            "waiting for the engine…",
            theme.style("status_line"),
        ))]
    } else {
        let skip = progress.lines.len().saturating_sub(shown);
        progress.lines[skip..]
            .iter()
            .map(|l| Line::from(Span::styled(l.clone(), theme.style("text"))))
            .collect()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
