//! The history: commits and syncs on one time line, newest first, the
//! app's desired revision (the commit its source resolves to now) marked;
//! the title says whether the cluster is in sync with it.

use super::common::{Listing, block, empty, paused_note, placeholder, table, width_of};
use crate::tui::app::App;
use crate::tui::apps_table::short_revision;
use crate::tui::state::history::{HistoryState, TimelineEntry, same_revision};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

/// Draws the history of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &HistoryState) {
    let theme = &app.theme;
    let status = app.snapshot.apps.iter().find(|a| a.key() == state.app);
    let current = status.map_or("", |a| a.revision.as_str());
    let in_sync = status.is_some_and(|a| a.sync == crate::model::SyncStatus::Synced);
    let mut title = vec![Span::styled(
        format!(" History {} [{}] ", state.app, state.entries.len()),
        theme.style("title"),
    )];
    if !current.is_empty() {
        title.push(Span::styled(
            format!(
                "{} desired {}{} ",
                theme.glyph("current"),
                short_revision(current),
                if in_sync { ", synced" } else { "" }
            ),
            theme.style("history.current"),
        ));
    }
    title.extend(paused_note(app, &state.app));
    let block = block(app, String::new()).title(Line::from(title));
    if placeholder(app, frame, area, block.clone(), "history", &state.history) {
        return;
    }
    if state.entries.is_empty() {
        empty(app, frame, area, block, "no commits and no syncs yet");
        return;
    }
    let texts: Vec<[String; 5]> = state.entries.iter().map(columns).collect();
    let rows: Vec<Row> = state
        .entries
        .iter()
        .zip(&texts)
        .map(|(entry, text)| {
            let is_current = same_revision(entry.revision(), current);
            let mark = if is_current {
                Span::styled(
                    theme.glyph("current").to_string(),
                    theme.style("history.current"),
                )
            } else {
                Span::raw("")
            };
            let mut cells = vec![Cell::from(mark)];
            cells.extend(text.iter().enumerate().map(|(i, t)| {
                let style = match i {
                    2 => theme.style("revision"),
                    _ => ratatui::style::Style::default(),
                };
                Cell::from(Span::styled(t.clone(), style))
            }));
            Row::new(cells)
        })
        .collect();
    let headers = ["TIME", "KIND", "REVISION", "BY", "WHAT"];
    let mut widths = vec![Constraint::Length(1)];
    widths.extend((0..4).map(|c| width_of(headers[c], texts.iter().map(|t| t[c].as_str()))));
    widths.push(Constraint::Fill(1));
    let header = Row::new([""].into_iter().chain(headers));
    let listing = Listing {
        block,
        header,
        rows,
        widths,
    };
    table(app, frame, area, listing, state.cursor);
}

fn columns(entry: &TimelineEntry) -> [String; 5] {
    match entry {
        TimelineEntry::Commit(c) => [
            c.time.clone(),
            "commit".to_string(),
            short_revision(&c.id).to_string(),
            c.author.clone(),
            c.summary.clone(),
        ],
        TimelineEntry::Sync(s) => {
            let what = if s.message.is_empty() {
                s.result.clone()
            } else {
                format!("{}: {}", s.result, s.message)
            };
            [
                s.started.clone(),
                format!("sync #{}", s.id),
                short_revision(&s.revision).to_string(),
                s.by.clone(),
                what,
            ]
        }
    }
}
