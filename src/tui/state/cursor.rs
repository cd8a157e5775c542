//! A selection in a list with a scroll offset that only moves when the
//! selection would leave the page.

/// Selected row and first shown row of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    /// The selected row.
    pub selected: usize,
    /// The first row shown.
    pub offset: usize,
}

impl ListCursor {
    /// Moves by `delta` rows within `len` rows, keeping the selection on a
    /// page of `page` rows.
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.follow(len, page);
    }

    /// Selects row `index` (clamped).
    pub fn select(&mut self, index: usize, len: usize, page: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.follow(len, page);
    }

    /// Keeps the selection inside the page and the page inside the list.
    pub fn follow(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_moves_only_at_the_edges() {
        let mut c = ListCursor::default();
        c.move_by(5, 10, 3);
        assert_eq!((c.selected, c.offset), (5, 3));
        c.move_by(-1, 10, 3);
        assert_eq!((c.selected, c.offset), (4, 3));
        c.move_by(100, 10, 3);
        assert_eq!((c.selected, c.offset), (9, 7));
        c.move_by(-100, 10, 3);
        assert_eq!((c.selected, c.offset), (0, 0));
    }
}
