//! A sync, or another long action on an app, in flight: its steps so
//! far, shown in the progress panel until the engine says it ended.

/// A sync (or another long action) in flight: its steps so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    /// The app being synced.
    pub app: String,
    /// One line per step, in order: `Kind/name action` per applied
    /// resource, a wave started, a wave waiting for health.
    pub lines: Vec<String>,
    /// Resources applied or pruned so far (the other lines say what the
    /// sync waits for).
    pub applied: usize,
    /// What runs, for the panel's title: `Syncing`, `Rolling back`…
    pub doing: &'static str,
    /// How the engine's message starts when it ends well (`synced`).
    pub done: &'static str,
}

impl SyncProgress {
    /// A sync of `app`, nothing applied yet.
    pub fn sync(app: &str) -> SyncProgress {
        SyncProgress {
            app: app.to_string(),
            lines: Vec::new(),
            applied: 0,
            doing: "Syncing",
            done: "synced",
        }
    }
}
