//! The revert dialog's state: which commit of which app, the engine's
//! preview of the revert (a unified diff, parsed and highlighted once when
//! it arrives) and how far it is scrolled.

use super::diff_lines::HighlightedDiff;
use super::history::same_revision;
use super::views::Loadable;

/// The preview, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct RevertPreview {
    /// The commit the engine would revert (full id).
    pub commit: String,
    /// The diff the revert commits.
    pub diff: HighlightedDiff,
}

/// A revert being confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct RevertState {
    /// The app whose checkout gets the revert commit.
    pub app: String,
    /// The commit asked about (as the history lists it).
    pub commit: String,
    /// Its summary line, for the dialog title.
    pub summary: String,
    /// The engine's preview, or why there is none.
    pub preview: Loadable<RevertPreview>,
    /// First diff line shown.
    pub scroll: usize,
    /// Why a revert is offered, when it stands in for something else
    /// (Flux has no rollback).
    pub note: Option<String>,
}

impl RevertState {
    /// A revert of `commit` waiting for the engine's preview.
    pub fn loading(app: &str, commit: &str, summary: &str) -> RevertState {
        RevertState {
            app: app.to_string(),
            commit: commit.to_string(),
            summary: summary.to_string(),
            preview: Loadable::Loading,
            scroll: 0,
            note: None,
        }
    }

    /// Whether a preview of `commit` for `app` answers this dialog.
    pub fn answers(&self, app: &str, commit: &str) -> bool {
        self.app == app && same_revision(commit, &self.commit)
    }

    /// Takes the engine's preview: the diff a revert of `commit` commits.
    pub fn set_preview(&mut self, commit: String, diff: &str, theme: &str) {
        self.preview = Loadable::Ready(RevertPreview {
            commit,
            diff: HighlightedDiff::new(diff, theme),
        });
        self.scroll = 0;
    }

    /// Highlights again after a theme change.
    pub fn rehighlight(&mut self, theme: &str) {
        if let Loadable::Ready(p) = &mut self.preview {
            p.diff.rehighlight(theme);
        }
    }

    /// The commit to revert once the preview is shown; None before.
    pub fn ready_commit(&self) -> Option<&str> {
        match &self.preview {
            Loadable::Ready(p) => Some(&p.commit),
            _ => None,
        }
    }

    /// Scrolls the diff by `delta` lines.
    pub fn scroll_by(&mut self, delta: isize) {
        let len = match &self.preview {
            Loadable::Ready(p) => p.diff.len(),
            _ => 0,
        };
        let last = len.saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_scrolls_within_its_lines() {
        let mut state = RevertState::loading("web", "abc1234", "web: 1.5.0");
        assert!(state.answers("web", "abc1234def"));
        assert!(!state.answers("api", "abc1234"));
        assert_eq!(state.ready_commit(), None);
        state.scroll_by(3);
        assert_eq!(state.scroll, 0);
        let diff = "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n";
        state.set_preview("abc1234def".into(), diff, "base16-ocean.dark");
        assert_eq!(state.ready_commit(), Some("abc1234def"));
        state.scroll_by(100);
        assert_eq!(state.scroll, 5);
        state.scroll_by(-2);
        assert_eq!(state.scroll, 3);
    }
}
