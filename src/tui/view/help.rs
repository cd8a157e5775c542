//! The help screen, generated from the active keymap: every binding of
//! every context with its action's description.

use crate::tui::app::App;
use crate::tui::app_input::COMMANDS;
use crate::tui::keymap::KeyContext;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
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
    let mut x = inner.x;
    for column in lines.chunks(height) {
        let width = column.iter().map(Line::width).max().unwrap_or(0) + COLUMN_GAP;
        let width = u16::try_from(width).unwrap_or(u16::MAX);
        // A column that does not fit whole is clipped, not dropped.
        if x >= inner.right() {
            break;
        }
        let rect = Rect::new(x, inner.y, width.min(inner.right() - x), inner.height);
        frame.render_widget(Paragraph::new(column.to_vec()), rect);
        x = x.saturating_add(width);
    }
}

/// Space between help columns.
const COLUMN_GAP: usize = 3;

fn section_title(context: KeyContext) -> &'static str {
    match context {
        KeyContext::Global => "Everywhere",
        KeyContext::Apps => "Apps",
        KeyContext::Help => "Help",
        KeyContext::Dialog => "Confirmations",
        KeyContext::Input => "Typed input (filter, command, reason)",
        KeyContext::View => "All views",
        KeyContext::Tree => "Tree",
        KeyContext::Diff => "Diff",
        KeyContext::History => "History",
        KeyContext::Pipeline => "Pipeline",
    }
}

fn help_lines(app: &App) -> Vec<Line<'static>> {
    let theme: &Theme = &app.theme;
    let sections: Vec<_> = KeyContext::ALL
        .into_iter()
        .map(|context| (context, app.keymap.help_entries(context)))
        .filter(|(_, entries)| !entries.is_empty())
        .collect();
    let commands = COMMANDS
        .iter()
        .map(|(typed, what)| (typed.to_string(), (*what).to_string()));
    let mut sections: Vec<(&str, Vec<(String, String)>)> = sections
        .into_iter()
        .map(|(context, entries)| {
            let entries = entries
                .into_iter()
                .map(|(keys, action)| (keys, action.description().to_string()))
                .collect();
            (section_title(context), entries)
        })
        .collect();
    sections.push(("Commands", commands.collect()));
    let key_width = sections
        .iter()
        .flat_map(|(_, entries)| entries.iter().map(|(keys, _)| keys.chars().count()))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (title, entries) in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(title, theme.style("help.section"))));
        for (keys, description) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<key_width$}  "), theme.style("help.key")),
                Span::styled(description, theme.style("help.description")),
            ]));
        }
    }
    lines
}
