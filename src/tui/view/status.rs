//! The status line: the filter or command being typed, the latest message,
//! or a hint.

use crate::tui::action::Action;
use crate::tui::app::{App, Mode, StatusLevel};
use crate::tui::keymap::KeyContext;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the status line into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let line = match &app.mode {
        Mode::Filter => {
            let text = format!("/{}", app.table.filter());
            cursor_after(frame, area, &text);
            Line::from(Span::styled(text, theme.style("input")))
        }
        Mode::Command(input) => {
            let text = format!(":{input}");
            cursor_after(frame, area, &text);
            let mut spans = vec![Span::styled(text, theme.style("input"))];
            if !app.completions.is_empty() {
                let words: Vec<&str> = app
                    .completions
                    .iter()
                    .map(|c| c.rsplit(' ').next().unwrap_or(c))
                    .collect();
                spans.push(Span::styled(
                    format!("   {}", words.join("  ")),
                    theme.style("status_line"),
                ));
            }
            Line::from(spans)
        }
        _ if !app.pending.is_empty() => {
            let typed: Vec<String> = app.pending.iter().map(ToString::to_string).collect();
            Line::from(Span::styled(
                format!("{} …", typed.join(" ")),
                theme.style("input"),
            ))
        }
        _ => match &app.status {
            Some(message) => {
                let scope = match message.level {
                    StatusLevel::Info => "status_line.info",
                    StatusLevel::Warning => "status_line.warning",
                    StatusLevel::Error => "status_line.error",
                };
                Line::from(Span::styled(message.text.clone(), theme.style(scope)))
            }
            None => Line::from(Span::styled(hint(app), theme.style("status_line"))),
        },
    };
    frame.render_widget(Paragraph::new(line).style(theme.style("status_line")), area);
}

fn hint(app: &App) -> String {
    let key = |context, action| {
        app.keymap
            .keys_for(context, action)
            .first()
            .map(ToString::to_string)
    };
    let mut parts = Vec::new();
    if let (Mode::Help(_), Some(close)) = (&app.mode, key(KeyContext::Global, Action::Back)) {
        return format!("{close} closes help");
    }
    if matches!(
        app.mode,
        Mode::ConfirmSync { .. }
            | Mode::ConfirmResume { .. }
            | Mode::ConfirmRevert
            | Mode::ConfirmPromote
            | Mode::ConfirmAction { .. }
            | Mode::ActionMenu { .. }
            | Mode::ConfirmLive { .. }
    ) {
        let yes = key(KeyContext::Dialog, Action::Confirm).unwrap_or_default();
        let no = key(KeyContext::Dialog, Action::Cancel).unwrap_or_default();
        return format!("{yes} yes · {no} no");
    }
    if let Some(progress) = &app.progress {
        parts.push(format!(
            "{} {} {}",
            progress.doing.to_lowercase(),
            progress.app,
            app.theme.spinner(app.spinner)
        ));
    }
    if !app.views.is_empty() {
        if let Some(back) = key(KeyContext::Global, Action::Back) {
            parts.push(format!("{back} back"));
        }
    } else if !app.table.filter().is_empty() {
        let clear = key(KeyContext::Global, Action::Back).unwrap_or_default();
        parts.push(format!("filter '{}' ({clear} clears)", app.table.filter()));
    }
    if let Some(help) = key(KeyContext::Global, Action::Help) {
        parts.push(format!("{help} help"));
    }
    parts.join(" · ")
}

fn cursor_after(frame: &mut Frame, area: Rect, text: &str) {
    let width = u16::try_from(Span::raw(text).width()).unwrap_or(u16::MAX);
    let x = area
        .x
        .saturating_add(width)
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}
