//! Pieces every view draws with: the bordered block, the loading and
//! failure placeholders, and tables with the theme's selection.

use crate::tui::app::App;
use crate::tui::state::{ListCursor, Loadable};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, HighlightSpacing, Paragraph, Row, Table, TableState};

/// A bordered block titled `title`.
pub fn block(app: &App, title: String) -> Block<'static> {
    let block = Block::bordered().border_style(app.theme.style("borders"));
    if title.is_empty() {
        block
    } else {
        block.title(Span::styled(title, app.theme.style("title")))
    }
}

/// Draws "loading WHAT… ⠋" or the failure in `block` and returns true
/// when `value` is not ready.
pub fn placeholder<T>(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    what: &str,
    value: &Loadable<T>,
) -> bool {
    let line = match value {
        Loadable::Ready(_) => return false,
        Loadable::Loading => Line::from(Span::styled(
            format!("loading {what}… {}", app.theme.spinner(app.spinner)),
            app.theme.style("status_line"),
        )),
        Loadable::Failed(message) => Line::from(Span::styled(
            format!("cannot load {what}: {message}"),
            app.theme.style("status_line.error"),
        )),
    };
    let paragraph = Paragraph::new(line)
        .alignment(Alignment::Center)
        .block(block);
    frame.render_widget(paragraph, area);
    true
}

/// Draws `text` centred in `block` (an empty list).
pub fn empty(app: &App, frame: &mut Frame, area: Rect, block: Block<'static>, text: &str) {
    let paragraph = Paragraph::new(Span::styled(
        text.to_string(),
        app.theme.style("status_line"),
    ))
    .alignment(Alignment::Center)
    .block(block);
    frame.render_widget(paragraph, area);
}

/// A table to draw: rows under a header, in a block.
pub struct Listing {
    /// The surrounding block.
    pub block: Block<'static>,
    /// Column titles.
    pub header: Row<'static>,
    /// The rows.
    pub rows: Vec<Row<'static>>,
    /// Column widths.
    pub widths: Vec<Constraint>,
}

/// Draws `listing` with the selection of `cursor`.
pub fn table(app: &App, frame: &mut Frame, area: Rect, listing: Listing, cursor: ListCursor) {
    let Listing {
        block,
        header,
        rows,
        widths,
    } = listing;
    let theme = &app.theme;
    let selection = format!("{} ", theme.glyph("selection"));
    let selected = (!rows.is_empty()).then_some(cursor.selected);
    let table = Table::new(rows, widths)
        .header(header.style(theme.style("table.header")))
        .block(block)
        .row_highlight_style(theme.style("selection"))
        .highlight_symbol(Line::from(selection))
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default()
        .with_offset(cursor.offset)
        .with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}

/// The widest of `texts` and `header`, as a column width.
pub fn width_of<'a>(header: &str, texts: impl Iterator<Item = &'a str>) -> Constraint {
    let widest = texts
        .map(|t| Span::raw(t).width())
        .max()
        .unwrap_or(0)
        .max(header.len());
    Constraint::Length(u16::try_from(widest).unwrap_or(u16::MAX))
}

/// `⏸ paused: reason` for a paused app, `? pause state unknown` when it
/// cannot be read, empty otherwise.
pub fn paused_note(app: &App, name: &str) -> Option<Span<'static>> {
    let status = app.snapshot.apps.iter().find(|a| a.key() == name)?;
    if status.pause_unknown.is_some() {
        return Some(Span::styled(
            format!(" {} ", app.theme.labelled("unknown", "pause state unknown")),
            app.theme.style("unknown"),
        ));
    }
    status.paused.then(|| {
        let text = if status.message.is_empty() {
            format!(" {} ", app.theme.labelled("paused", "paused"))
        } else {
            format!(
                " {}: {} ",
                app.theme.labelled("paused", "paused"),
                status.message
            )
        };
        Span::styled(text, app.theme.style("paused"))
    })
}
