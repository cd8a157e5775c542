//! The diff view's state: resources (changed first, unchanged optionally
//! hidden), the selected one's diff parsed and highlighted, the mode
//! (side by side or unified) and the scroll position.

use super::cursor::ListCursor;
use super::diff_lines::{SideBySide, SideRow, Unified, side_by_side, unified};
use super::views::Loadable;
use crate::engine::{AppDiff, ResourceDiff, StageDiff};
use crate::model::ResourceKey;
use crate::tui::highlight;
use ratatui::text::Span;
use std::sync::Arc;

/// Highlighted spans per line.
pub type Highlighted = Vec<Vec<Span<'static>>>;

/// The selected resource's diff, ready to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prepared {
    /// Index into the diff's resources.
    pub index: usize,
    /// Side-by-side rows.
    pub side: SideBySide,
    /// Desired side per side-by-side row (empty when absent).
    pub desired: Highlighted,
    /// Live side per side-by-side row.
    pub live: Highlighted,
    /// Unified lines.
    pub unified: Unified,
    /// Unified line texts highlighted.
    pub unified_hl: Highlighted,
}

/// The right-hand side of a diff of two pipeline stages (`c` in the
/// pipeline view): the left column is [`DiffState::app`], the selected
/// stage, as the next stage would get it; the right one this stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareSide {
    /// The next stage's app.
    pub app: String,
    /// The commit its desired state was rendered at, once known.
    pub revision: String,
}

/// Diff of one app (desired | live), or of two stages (`compare`).
#[derive(Debug, Clone, PartialEq)]
pub struct DiffState {
    /// The app (the left column of a stage comparison).
    pub app: String,
    /// Set when this compares `app` with another stage instead of live.
    pub compare: Option<CompareSide>,
    /// The engine's diff.
    pub diff: Loadable<Arc<AppDiff>>,
    /// Indices of the listed resources: changed first.
    pub order: Vec<usize>,
    /// Selection in the resource list.
    pub cursor: ListCursor,
    /// Unchanged resources are left out of the list.
    pub hide_unchanged: bool,
    /// Unified instead of side by side.
    pub unified: bool,
    /// First diff row shown.
    pub scroll: usize,
    /// The selected resource's diff.
    pub prepared: Option<Prepared>,
}

impl DiffState {
    /// A diff of `app` waiting for the engine.
    pub fn loading(app: &str) -> DiffState {
        DiffState {
            app: app.to_string(),
            compare: None,
            diff: Loadable::Loading,
            order: Vec::new(),
            cursor: ListCursor::default(),
            hide_unchanged: false,
            unified: false,
            scroll: 0,
            prepared: None,
        }
    }

    /// A comparison of stage `app` (left) with stage `next` (right),
    /// waiting for the engine.
    pub fn comparing(app: &str, next: &str) -> DiffState {
        DiffState {
            compare: Some(CompareSide {
                app: next.to_string(),
                revision: String::new(),
            }),
            ..DiffState::loading(app)
        }
    }

    /// Takes the engine's comparison, diffed from the right-hand stage to
    /// `app` (so `+` lines are the left column, as desired is in a diff).
    pub fn set_comparison(&mut self, diff: &StageDiff, page: usize, theme: &str) {
        let [right, left] = diff.revisions.clone();
        if let Some(side) = &mut self.compare {
            side.revision = right;
        }
        let resources = diff
            .resources
            .iter()
            .map(|r| ResourceDiff {
                group: r.group.clone(),
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
                change: r.change.clone(),
                diff: r.diff.clone(),
                fields: Vec::new(),
                note: String::new(),
            })
            .collect();
        let as_diff = AppDiff {
            app: self.app.clone(),
            revision: left,
            resources,
            note: String::new(),
        };
        self.set_diff(Arc::new(as_diff), page, theme);
    }

    /// Takes the engine's diff.
    pub fn set_diff(&mut self, diff: Arc<AppDiff>, page: usize, theme: &str) {
        self.diff = Loadable::Ready(diff);
        self.reorder(page, theme);
    }

    /// The selected resource.
    pub fn selected(&self) -> Option<&ResourceDiff> {
        let Loadable::Ready(diff) = &self.diff else {
            return None;
        };
        diff.resources.get(*self.order.get(self.cursor.selected)?)
    }

    /// The selected resource's key.
    pub fn selected_key(&self) -> Option<ResourceKey> {
        self.selected()
            .map(|r| ResourceKey::new(&r.group, &r.kind, Some(r.namespace.as_str()), &r.name))
    }

    /// Selects another resource.
    pub fn move_by(&mut self, delta: isize, page: usize, theme: &str) {
        self.cursor.move_by(delta, self.order.len(), page);
        self.prepare(theme);
    }

    /// Shows or hides unchanged resources.
    pub fn toggle_unchanged(&mut self, page: usize, theme: &str) {
        self.hide_unchanged = !self.hide_unchanged;
        self.reorder(page, theme);
    }

    /// Switches between side by side and unified.
    pub fn toggle_unified(&mut self) {
        self.unified = !self.unified;
        self.scroll = 0;
    }

    /// Rows of the current mode.
    pub fn row_count(&self) -> usize {
        self.prepared.as_ref().map_or(0, |p| {
            if self.unified {
                p.unified.lines.len()
            } else {
                p.side.rows.len()
            }
        })
    }

    /// Scrolls the diff by `delta` rows.
    pub fn scroll_by(&mut self, delta: isize) {
        let last = self.row_count().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }

    /// Scrolls to the next hunk (`forward`) or the previous one.
    pub fn jump_hunk(&mut self, forward: bool) -> bool {
        let Some(p) = &self.prepared else {
            return false;
        };
        let hunks = if self.unified {
            &p.unified.hunks
        } else {
            &p.side.hunks
        };
        let target = if forward {
            hunks.iter().find(|&&h| h > self.scroll)
        } else {
            hunks.iter().rev().find(|&&h| h < self.scroll)
        };
        match target {
            Some(&h) => {
                self.scroll = h;
                true
            }
            None => false,
        }
    }

    /// Highlights again after a theme change.
    pub fn rehighlight(&mut self, theme: &str) {
        self.prepared = None;
        self.prepare(theme);
    }

    fn reorder(&mut self, page: usize, theme: &str) {
        let Loadable::Ready(diff) = &self.diff else {
            return;
        };
        let selected = self.order.get(self.cursor.selected).copied();
        let changed = |i: &usize| diff.resources[*i].change != "none";
        let all = 0..diff.resources.len();
        let mut order: Vec<usize> = all.clone().filter(changed).collect();
        if !self.hide_unchanged {
            order.extend(all.filter(|i| !changed(i)));
        }
        self.order = order;
        if let Some(at) = selected.and_then(|s| self.order.iter().position(|&i| i == s)) {
            self.cursor.selected = at;
        }
        self.cursor.follow(self.order.len(), page);
        self.prepare(theme);
    }

    fn prepare(&mut self, theme: &str) {
        let index = self.order.get(self.cursor.selected).copied();
        if self.prepared.as_ref().map(|p| p.index) == index && index.is_some() {
            return;
        }
        self.scroll = 0;
        self.prepared = self
            .selected()
            .zip(index)
            .map(|(r, index)| prepare(index, &r.diff, theme));
    }
}

fn prepare(index: usize, text: &str, theme: &str) -> Prepared {
    let side = side_by_side(text);
    let unified = unified(text);
    let column = |left: bool| {
        let texts: Vec<&str> = side
            .rows
            .iter()
            .filter_map(|row| match row {
                SideRow::Pair { desired, live, .. } => {
                    let s = if left { desired } else { live };
                    s.as_ref().map(|s| s.text.as_str())
                }
                SideRow::Hunk(_) => None,
            })
            .collect();
        let mut lines = highlight::yaml(texts, theme).into_iter();
        side.rows
            .iter()
            .map(|row| match row {
                SideRow::Pair { desired, live, .. } => {
                    let present = if left {
                        desired.is_some()
                    } else {
                        live.is_some()
                    };
                    if present {
                        lines.next().unwrap_or_default()
                    } else {
                        Vec::new()
                    }
                }
                SideRow::Hunk(_) => Vec::new(),
            })
            .collect()
    };
    let desired = column(true);
    let live = column(false);
    let unified_hl = highlight::yaml(unified.lines.iter().map(|(_, t)| t.as_str()), theme);
    Prepared {
        index,
        side,
        desired,
        live,
        unified,
        unified_hl,
    }
}
