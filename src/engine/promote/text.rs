//! A promotion in words, as `tether promote --dry-run` prints it and the
//! TUI's promotion preview shows it: the file diff, the manifest diff and
//! the gates that fail.

use super::{GateState, Promotion, gates};
use crate::engine::EngineError;
use similar::TextDiff;

impl Promotion {
    /// The unified diff of the files the promotion edits (`a/` and `b/`
    /// repository paths; `/dev/null` for a new file).
    pub fn file_diff(&self) -> String {
        self.changes
            .iter()
            .map(|change| {
                let before = change.before.as_deref().unwrap_or("");
                let old = if change.before.is_some() {
                    format!("a/{}", change.path)
                } else {
                    "/dev/null".to_string()
                };
                TextDiff::from_lines(before, &change.after)
                    .unified_diff()
                    .context_radius(3)
                    .header(&old, &format!("b/{}", change.path))
                    .to_string()
            })
            .collect()
    }

    /// The unified diff of the stage's manifests the promotion causes
    /// (dry-run only; Secret values masked).
    pub fn manifest_diff(&self) -> String {
        self.manifests.iter().map(|r| r.diff.as_str()).collect()
    }

    /// The gates that fail (none when forced: gates are not evaluated).
    pub fn failed_gates(&self) -> impl Iterator<Item = &GateState> {
        self.gates.iter().filter(|g| !g.ok)
    }

    /// The refusal a real promotion would meet: the first failed gate,
    /// named with its state (None when every gate passes).
    pub fn refusal(&self) -> Option<EngineError> {
        gates::first_failure(&self.to, &self.gates)
    }
}
