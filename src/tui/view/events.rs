//! Kubernetes events of an app or of one resource.

use super::common::{Listing, block, empty, paused_note, placeholder, table, width_of};
use crate::model::EventRecord;
use crate::tui::app::App;
use crate::tui::state::Loadable;
use crate::tui::state::views::EventsState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

/// Narrowest area that shows the LAST SEEN column.
const WIDE: u16 = 100;

/// One event: the given columns, then the message; warnings stand out.
fn row(app: &App, event: &EventRecord, text: &[String]) -> Row<'static> {
    let style = if event.kind == "Warning" {
        app.theme.style("status_line.warning")
    } else {
        app.theme.style("text")
    };
    let mut cells: Vec<Cell> = text.iter().map(|t| Cell::from(t.clone())).collect();
    cells.push(Cell::from(event.message.clone()));
    Row::new(cells).style(style)
}

/// Draws the events of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &EventsState) {
    let theme = &app.theme;
    let of = state
        .resource
        .as_ref()
        .map_or_else(|| state.app.clone(), |r| format!("{} {r}", state.app));
    let count = match &state.events {
        Loadable::Ready(events) => events.len(),
        _ => 0,
    };
    let mut title = vec![Span::styled(
        format!(" Events {of} [{count}] "),
        theme.style("title"),
    )];
    title.extend(paused_note(app, &state.app));
    let block = block(app, String::new()).title(Line::from(title));
    if placeholder(app, frame, area, block.clone(), "events", &state.events) {
        return;
    }
    let Loadable::Ready(events) = &state.events else {
        return;
    };
    if events.is_empty() {
        empty(app, frame, area, block, "no events");
        return;
    }
    let texts: Vec<[String; 5]> = events
        .iter()
        .map(|e| {
            [
                e.last_seen.clone(),
                e.kind.clone(),
                e.reason.clone(),
                e.object.clone(),
                e.count.to_string(),
            ]
        })
        .collect();
    // Narrow terminals give the time's room to the message.
    let first = usize::from(area.width < WIDE);
    let rows: Vec<Row> = events
        .iter()
        .zip(&texts)
        .map(|(event, text)| row(app, event, &text[first..]))
        .collect();
    let headers = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"];
    let mut widths: Vec<Constraint> = (first..5)
        .map(|c| width_of(headers[c], texts.iter().map(|t| t[c].as_str())))
        .collect();
    widths.push(Constraint::Fill(1));
    let headers = &headers[first..];
    let listing = Listing {
        block,
        header: Row::new(headers.to_vec()),
        rows,
        widths,
    };
    table(app, frame, area, listing, state.cursor);
}
