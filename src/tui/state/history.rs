//! The history view's state: commits and sync records on one time line,
//! newest first.

use super::cursor::ListCursor;
use super::views::Loadable;
use crate::model::{AppHistory, CommitRecord, HistoryEntry};
use std::sync::Arc;

/// One entry of the time line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineEntry {
    /// A commit touching the app's path.
    Commit(CommitRecord),
    /// A sync record.
    Sync(HistoryEntry),
}

impl TimelineEntry {
    /// When it happened (RFC 3339).
    pub fn time(&self) -> &str {
        match self {
            TimelineEntry::Commit(c) => &c.time,
            TimelineEntry::Sync(s) => &s.started,
        }
    }

    /// The revision it is about.
    pub fn revision(&self) -> &str {
        match self {
            TimelineEntry::Commit(c) => &c.id,
            TimelineEntry::Sync(s) => &s.revision,
        }
    }
}

/// History of one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryState {
    /// The app.
    pub app: String,
    /// The engine's history.
    pub history: Loadable<Arc<AppHistory>>,
    /// The merged time line.
    pub entries: Vec<TimelineEntry>,
    /// Selection and scroll.
    pub cursor: ListCursor,
}

impl HistoryState {
    /// History of `app` waiting for the engine.
    pub fn loading(app: &str) -> HistoryState {
        HistoryState {
            app: app.to_string(),
            history: Loadable::Loading,
            entries: Vec::new(),
            cursor: ListCursor::default(),
        }
    }

    /// Takes the engine's history.
    pub fn set_history(&mut self, history: Arc<AppHistory>, page: usize) {
        self.entries = timeline(&history);
        self.history = Loadable::Ready(history);
        self.cursor.follow(self.entries.len(), page);
    }

    /// The selected entry.
    pub fn selected(&self) -> Option<&TimelineEntry> {
        self.entries.get(self.cursor.selected)
    }
}

/// Commits and syncs merged, newest first (by instant; unparsable times
/// last, in their original order).
pub fn timeline(history: &AppHistory) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = history
        .commits
        .iter()
        .cloned()
        .map(TimelineEntry::Commit)
        .chain(history.syncs.iter().cloned().map(TimelineEntry::Sync))
        .collect();
    let instant = |e: &TimelineEntry| {
        chrono::DateTime::parse_from_rfc3339(e.time())
            .ok()
            .map(|t| t.timestamp_millis())
    };
    entries.sort_by_key(|e| std::cmp::Reverse(instant(e)));
    entries
}

/// Whether `revision` is `current` (either may be a short commit id).
pub fn same_revision(revision: &str, current: &str) -> bool {
    !revision.is_empty()
        && !current.is_empty()
        && (revision.starts_with(current) || current.starts_with(revision))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_newest_first() {
        let commit = |id: &str, time: &str| CommitRecord {
            id: id.to_string(),
            author: "a".to_string(),
            time: time.to_string(),
            summary: String::new(),
        };
        let history = AppHistory {
            shallow: None,
            app: "x".to_string(),
            commits: vec![
                commit("c2", "2026-01-02T00:00:00Z"),
                commit("c1", "2026-01-01T00:00:00Z"),
            ],
            syncs: vec![HistoryEntry {
                id: 1,
                revision: "c1".to_string(),
                started: "2026-01-01T12:00:00+02:00".to_string(),
                finished: String::new(),
                result: "Succeeded".to_string(),
                by: "me".to_string(),
                message: String::new(),
            }],
        };
        let order: Vec<_> = timeline(&history)
            .iter()
            .map(|e| e.revision().to_string())
            .collect();
        assert_eq!(order, ["c2", "c1", "c1"]);
        assert!(matches!(timeline(&history)[1], TimelineEntry::Sync(_)));
        assert!(same_revision("c1abcdef", "c1abcde"));
        assert!(!same_revision("", "c1"));
    }
}
