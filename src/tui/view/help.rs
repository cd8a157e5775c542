//! The help screen, generated from the active keymap: every binding of
//! every context with its action's description.

use crate::tui::app::App;
use crate::tui::keymap::KeyContext;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Number of lines of the help text (for scrolling).
pub fn help_line_count(app: &App) -> usize {
    help_lines(app).len()
}

/// Draws the help screen into `area`, skipping `scroll` lines; the text
/// flows into as many columns as fit.
pub fn render(app: &App, frame: &mut Frame, area: Rect, scroll: usize) {
    let theme = &app.theme;
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(" Help ", theme.style("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = help_lines(app).into_iter().skip(scroll).collect();
    let height = usize::from(inner.height.max(1));
    let column_width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let fit = (usize::from(inner.width) / column_width.max(1)).max(1);
    let columns: Vec<Vec<Line>> = lines.chunks(height).take(fit).map(<[_]>::to_vec).collect();
    let width = u16::try_from(column_width).unwrap_or(u16::MAX);
    let areas = Layout::horizontal(vec![Constraint::Length(width); columns.len()]).split(inner);
    for (column, rect) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(column), *rect);
    }
}

fn section_title(context: KeyContext) -> &'static str {
    match context {
        KeyContext::Global => "Everywhere",
        KeyContext::Apps => "Apps",
        KeyContext::Help => "Help",
        KeyContext::Dialog => "Confirmations",
        KeyContext::Input => "Filter and command input",
    }
}

fn help_lines(app: &App) -> Vec<Line<'static>> {
    let theme: &Theme = &app.theme;
    let sections: Vec<_> = KeyContext::ALL
        .into_iter()
        .map(|context| (context, app.keymap.help_entries(context)))
        .filter(|(_, entries)| !entries.is_empty())
        .collect();
    let key_width = sections
        .iter()
        .flat_map(|(_, entries)| entries.iter().map(|(keys, _)| keys.chars().count()))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (context, entries) in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(
            section_title(context),
            theme.style("help.section"),
        )));
        for (keys, action) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<key_width$}  "), theme.style("help.key")),
                Span::styled(action.description(), theme.style("help.description")),
            ]));
        }
    }
    lines
}
