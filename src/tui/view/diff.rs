//! The diff view: resources on the left (changed first), the field owners
//! of the selected one, and its diff side by side (desired | live) or
//! unified, YAML highlighted, changed lines marked.

use super::common::{block, empty, paused_note, placeholder};
use crate::engine::ResourceDiff;
use crate::tui::app::App;
use crate::tui::state::Loadable;
use crate::tui::state::diff_lines::{Change, SideRow, Unified, UnifiedKind};
use crate::tui::state::diff_state::{DiffState, Highlighted, Prepared};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

/// Field owners shown above the diff at most.
const MAX_OWNERS: usize = 3;

/// Draws the diff of `state` into `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, state: &DiffState) {
    let heading = match &state.compare {
        Some(other) => format!(" Compare {} | {} ", state.app, other.app),
        None => format!(" Diff {} ", state.app),
    };
    let mut title = vec![Span::styled(heading, app.theme.style("title"))];
    if state.compare.is_none() {
        title.extend(paused_note(app, &state.app));
    }
    let outer = block(app, String::new()).title(Line::from(title));
    if placeholder(app, frame, area, outer.clone(), "diff", &state.diff) {
        return;
    }
    let Loadable::Ready(diff) = &state.diff else {
        return;
    };
    if diff.resources.is_empty() {
        empty(app, frame, area, outer, "the app renders no resources");
        return;
    }
    let list_width = diff
        .resources
        .iter()
        .map(|r| r.kind.len() + r.name.len() + 13)
        .max()
        .unwrap_or(20)
        .max(state.app.len() + 26)
        .min(usize::from(area.width / 3));
    let list_width = u16::try_from(list_width).unwrap_or(u16::MAX);
    let [left, right] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(area);
    resources(app, frame, left, state);
    let Some(resource) = state.selected() else {
        empty(
            app,
            frame,
            right,
            block(app, " Diff ".into()),
            "no resource selected",
        );
        return;
    };
    let owners = owner_lines(app, resource);
    let owners_height = u16::try_from(owners.len()).unwrap_or(0);
    let columns = match &state.compare {
        Some(other) => format!("{} | {}", state.app, other.app),
        None => "desired | live".to_string(),
    };
    let mode = if state.unified { "unified" } else { &columns };
    let title = format!(
        " {}/{} · {} · {mode} @ {} ",
        resource.kind,
        resource.name,
        resource.change,
        crate::tui::apps_table::short_revision(&diff.revision)
    );
    let pane = block(app, title);
    let inner = pane.inner(right);
    frame.render_widget(pane, right);
    let [owners_area, text_area] =
        Layout::vertical([Constraint::Length(owners_height), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(owners), owners_area);
    match &state.prepared {
        Some(p) if resource.change != "none" => {
            if state.unified {
                unified(app, frame, text_area, p, state.scroll);
            } else {
                let short = crate::tui::apps_table::short_revision;
                let heads = match &state.compare {
                    Some(other) => [
                        format!("{} @ {}", state.app, short(&diff.revision)),
                        format!("{} @ {}", other.app, short(&other.revision)),
                    ],
                    None => [
                        format!("desired @ {}", short(&diff.revision)),
                        "live".to_string(),
                    ],
                };
                side_by_side(app, frame, text_area, p, state.scroll, heads);
            }
        }
        _ => frame.render_widget(
            Paragraph::new(Span::styled("no changes", app.theme.style("diff.context"))),
            text_area,
        ),
    }
}

fn resources(app: &App, frame: &mut Frame, area: Rect, state: &DiffState) {
    let theme = &app.theme;
    let Loadable::Ready(diff) = &state.diff else {
        return;
    };
    let items: Vec<ListItem> = state
        .order
        .iter()
        .filter_map(|&i| diff.resources.get(i))
        .map(|r| {
            let scope = match r.change.as_str() {
                "create" => "diff.added",
                "delete" => "diff.removed",
                "update" => "diff.changed",
                _ => "diff.context",
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<6} ", r.change), theme.style(scope)),
                Span::raw(format!("{}/{}", r.kind, r.name)),
            ]))
        })
        .collect();
    let changed = diff.resources.iter().filter(|r| r.change != "none").count();
    let total = diff.resources.len();
    let hidden = if state.hide_unchanged && total > changed {
        format!(" ({} hidden)", total - changed)
    } else {
        String::new()
    };
    let title = format!(" {} {changed}/{total} changed{hidden} ", state.app);
    let list = List::new(items)
        .block(block(app, title))
        .highlight_style(theme.style("selection"))
        .highlight_symbol(Line::from(format!("{} ", theme.glyph("selection"))));
    let mut list_state = ListState::default()
        .with_offset(state.cursor.offset)
        .with_selected((!state.order.is_empty()).then_some(state.cursor.selected));
    frame.render_stateful_widget(list, area, &mut list_state);
}

/// How the resource was compared when not by a dry-run (a read-only user:
/// the fields Git sets against live), then `/spec/replicas owned live by
/// kubectl-edit (Update)` per changed field.
fn owner_lines(app: &App, resource: &ResourceDiff) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let note = (!resource.note.is_empty())
        .then(|| Line::from(Span::styled(resource.note.clone(), theme.style("unknown"))));
    let mut lines: Vec<Line> = note
        .into_iter()
        .chain(
            resource
                .fields
                .iter()
                .filter(|f| !f.managers.is_empty())
                .take(MAX_OWNERS)
                .map(|f| {
                    Line::from(vec![
                        Span::styled(f.path.clone(), theme.style("diff.changed")),
                        Span::styled(" owned live by ", theme.style("diff.context")),
                        Span::raw(f.managers.join(", ")),
                    ])
                }),
        )
        .collect();
    let owned = resource
        .fields
        .iter()
        .filter(|f| !f.managers.is_empty())
        .count();
    if owned > MAX_OWNERS {
        lines.push(Line::from(Span::styled(
            format!(
                "… {} more fields owned by other managers",
                owned - MAX_OWNERS
            ),
            theme.style("diff.context"),
        )));
    }
    lines
}

/// The two columns under their `heads` (left: desired, right: live).
fn side_by_side(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    p: &Prepared,
    scroll: usize,
    heads: [String; 2],
) {
    let theme = &app.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
        .spacing(1)
        .areas(body);
    let [left_head, right_head] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
        .spacing(1)
        .areas(head);
    let header = theme.style("diff.header");
    let [left_title, right_title] = heads;
    frame.render_widget(Paragraph::new(Span::styled(left_title, header)), left_head);
    frame.render_widget(
        Paragraph::new(Span::styled(right_title, header)),
        right_head,
    );
    let height = usize::from(body.height);
    let mut desired_lines = Vec::with_capacity(height);
    let mut live_lines = Vec::with_capacity(height);
    for (i, row) in p.side.rows.iter().enumerate().skip(scroll).take(height) {
        match row {
            SideRow::Hunk(text) => {
                let hunk = Line::from(Span::styled(text.clone(), theme.style("diff.hunk")));
                desired_lines.push(hunk.clone());
                live_lines.push(hunk);
            }
            SideRow::Pair {
                desired,
                live,
                change,
            } => {
                let (d_mark, d_scope) = match change {
                    Change::Added | Change::Changed => ('+', Some("diff.added.bg")),
                    _ => (' ', None),
                };
                let (l_mark, l_scope) = match change {
                    Change::Removed | Change::Changed => ('-', Some("diff.removed.bg")),
                    _ => (' ', None),
                };
                let number =
                    |s: &Option<crate::tui::state::diff_lines::Side>| s.as_ref().map(|s| s.number);
                let (desired_spans, live_spans) = if *change == Change::Changed {
                    mark_changed_words(app, &p.desired[i], &p.live[i])
                } else {
                    (p.desired[i].clone(), p.live[i].clone())
                };
                desired_lines.push(code_line(
                    app,
                    number(desired),
                    d_mark,
                    d_scope,
                    &desired_spans,
                ));
                live_lines.push(code_line(app, number(live), l_mark, l_scope, &live_spans));
            }
        }
    }
    frame.render_widget(Paragraph::new(desired_lines), left);
    frame.render_widget(Paragraph::new(live_lines), right);
}

fn unified(app: &App, frame: &mut Frame, area: Rect, p: &Prepared, scroll: usize) {
    let height = usize::from(area.height);
    let lines = unified_lines(app, &p.unified, &p.unified_hl, scroll, height);
    frame.render_widget(Paragraph::new(lines), area);
}

/// `height` lines of a unified diff from line `scroll`, marked and
/// highlighted (`highlighted` holds each line's text highlighted).
pub(super) fn unified_lines(
    app: &App,
    diff: &Unified,
    highlighted: &Highlighted,
    scroll: usize,
    height: usize,
) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let code = |i: usize| highlighted.get(i).map_or(&[][..], Vec::as_slice);
    diff.lines
        .iter()
        .enumerate()
        .skip(scroll)
        .take(height)
        .map(|(i, (kind, text))| match kind {
            UnifiedKind::Header => {
                Line::from(Span::styled(text.clone(), theme.style("diff.header")))
            }
            UnifiedKind::Hunk => Line::from(Span::styled(text.clone(), theme.style("diff.hunk"))),
            UnifiedKind::Added => code_line(app, None, '+', Some("diff.added.bg"), code(i)),
            UnifiedKind::Removed => code_line(app, None, '-', Some("diff.removed.bg"), code(i)),
            UnifiedKind::Context => code_line(app, None, ' ', None, code(i)),
        })
        .collect()
}

/// The two sides of a changed line with the words that differ marked
/// (`diff.word`) on top of their syntax colours.
fn mark_changed_words(
    app: &App,
    desired: &[Span<'static>],
    live: &[Span<'static>],
) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let text =
        |spans: &[Span<'static>]| spans.iter().map(|s| s.content.as_ref()).collect::<String>();
    let (new, old) = (text(desired), text(live));
    let diff = similar::TextDiff::from_words(old.as_str(), new.as_str());
    let (mut in_old, mut in_new) = (Vec::new(), Vec::new());
    let (mut o, mut n) = (0, 0);
    for change in diff.iter_all_changes() {
        let len = change.value().len();
        match change.tag() {
            similar::ChangeTag::Equal => {
                o += len;
                n += len;
            }
            similar::ChangeTag::Delete => {
                if !change.value().trim().is_empty() {
                    in_old.push(o..o + len);
                }
                o += len;
            }
            similar::ChangeTag::Insert => {
                if !change.value().trim().is_empty() {
                    in_new.push(n..n + len);
                }
                n += len;
            }
        }
    }
    let word = app.theme.style("diff.word");
    (
        mark_ranges(desired, &in_new, word),
        mark_ranges(live, &in_old, word),
    )
}

/// `spans` split at the byte `ranges` of their joined text, with `style`
/// patched onto the parts inside them.
fn mark_ranges(
    spans: &[Span<'static>],
    ranges: &[std::ops::Range<usize>],
    style: Style,
) -> Vec<Span<'static>> {
    if ranges.is_empty() {
        return spans.to_vec();
    }
    let inside = |at: usize| ranges.iter().any(|r| r.contains(&at));
    let mut out = Vec::new();
    let mut offset = 0;
    for span in spans {
        let content = span.content.as_ref();
        let mut start = 0;
        let mut current = None;
        for (i, _) in content.char_indices() {
            let marked = inside(offset + i);
            if current.is_some_and(|c| c != marked) {
                out.push(piece(
                    span,
                    &content[start..i],
                    current == Some(true),
                    style,
                ));
                start = i;
            }
            current = Some(marked);
        }
        if start < content.len() {
            out.push(piece(span, &content[start..], current == Some(true), style));
        }
        offset += content.len();
    }
    out
}

fn piece(span: &Span<'static>, text: &str, marked: bool, style: Style) -> Span<'static> {
    let base = span.style;
    Span::styled(
        text.to_string(),
        if marked { base.patch(style) } else { base },
    )
}

/// `  12 + spec:` with the highlighted text, on the mark's background.
fn code_line(
    app: &App,
    number: Option<usize>,
    mark: char,
    scope: Option<&str>,
    spans: &[Span<'static>],
) -> Line<'static> {
    let theme = &app.theme;
    let mut out = Vec::with_capacity(spans.len() + 2);
    if let Some(n) = number {
        out.push(Span::styled(format!("{n:>4} "), theme.style("diff.lineno")));
    } else if spans.is_empty() && mark == ' ' {
        return Line::default();
    }
    let mark_scope = match mark {
        '+' => "diff.added",
        '-' => "diff.removed",
        _ => "diff.context",
    };
    out.push(Span::styled(format!("{mark} "), theme.style(mark_scope)));
    out.extend(spans.iter().cloned());
    let line = Line::from(out);
    match scope {
        Some(scope) => line.style(Style::new().bg(theme.style(scope).bg.unwrap_or_default())),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    #[test]
    fn marks_only_the_bytes_inside_the_ranges_keeping_syntax_colours() {
        let key = Style::new().fg(Color::Blue);
        let spans = vec![Span::styled("replicas: ", key), Span::raw("25")];
        let word = Style::new().add_modifier(Modifier::UNDERLINED);
        let out = mark_ranges(&spans, std::slice::from_ref(&(10..12)), word);
        let parts: Vec<_> = out.iter().map(|s| (s.content.as_ref(), s.style)).collect();
        assert_eq!(
            parts,
            vec![("replicas: ", key), ("25", Style::new().patch(word))]
        );
        let split = mark_ranges(
            &[Span::styled("image: web:1.4", key)],
            std::slice::from_ref(&(7..14)),
            word,
        );
        let parts: Vec<_> = split.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(parts, vec!["image: ", "web:1.4"]);
        assert_eq!(split[1].style, key.patch(word));
    }
}
