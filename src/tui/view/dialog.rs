//! Confirmation dialogs for dangerous actions.

use crate::model::SyncStatus;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::KeyContext;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Draws "Sync <app>? y/n" centred over `area`.
pub fn render_sync(app: &App, frame: &mut Frame, area: Rect, name: &str, prune: bool) {
    let theme = &app.theme;
    let first = |action| {
        app.keymap
            .keys_for(KeyContext::Dialog, action)
            .first()
            .map_or_else(|| "?".to_string(), ToString::to_string)
    };
    let (yes, no) = (first(Action::Confirm), first(Action::Cancel));
    let with = if prune { " with prune" } else { "" };
    let question = format!("Sync {name}{with}? {yes}/{no}");
    let mut lines = vec![Line::from(Span::styled(question, theme.style("dialog")))];
    if let Some(status) = app.snapshot.apps.iter().find(|a| a.name == name) {
        lines.push(Line::from(Span::styled(
            format!(
                "cluster {} · namespace {}",
                status.cluster, status.namespace
            ),
            theme.style("dialog"),
        )));
        if !status.resources.is_empty() {
            let differ = status
                .resources
                .iter()
                .filter(|r| r.sync != SyncStatus::Synced)
                .count();
            lines.push(Line::from(Span::styled(
                format!(
                    "{differ} of {} resources not in sync",
                    status.resources.len()
                ),
                theme.style("dialog"),
            )));
        }
    }
    if prune {
        lines.push(Line::from(Span::styled(
            "objects no longer in Git will be deleted",
            theme.style("status_line.warning"),
        )));
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let block = Block::bordered()
        .border_style(theme.style("borders"))
        .title(Span::styled(" Confirm ", theme.style("dialog.title")));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .style(theme.style("text"))
            .block(block),
        popup,
    );
}
