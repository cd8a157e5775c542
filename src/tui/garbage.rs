//! Freeing a replaced snapshot a little at a time, between events. A
//! snapshot of 5,000 apps and 50,000 resources is hundreds of thousands
//! of strings: freeing it where it is replaced cost the keystroke after a
//! refresh about 9 ms, and freeing it on another thread fought the UI
//! thread for the allocator. The event loop frees [`CHUNK`] apps whenever
//! nothing else is waiting, so a key waits for one chunk at most.

use crate::engine::Snapshot;
use crate::model::AppStatus;
use std::sync::Arc;

/// Apps freed per step: about half a millisecond with ten resources each.
const CHUNK: usize = 250;

/// Apps of replaced snapshots, still to be freed.
#[derive(Debug, Default)]
pub struct Garbage {
    apps: Vec<AppStatus>,
}

/// A copy of the app has nothing to free: what is waiting belongs to the
/// original.
impl Clone for Garbage {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl Garbage {
    /// Takes a replaced snapshot in. Whatever is left of the one before
    /// goes at once, so at most one snapshot waits.
    pub fn push(&mut self, snapshot: Arc<Snapshot>) {
        self.apps.clear();
        // Only the last reference frees anything; others just let go.
        if let Ok(snapshot) = Arc::try_unwrap(snapshot) {
            self.apps = snapshot.apps;
        }
    }

    /// Frees one chunk; true while more is left.
    pub fn free_some(&mut self) -> bool {
        let keep = self.apps.len().saturating_sub(CHUNK);
        self.apps.truncate(keep);
        !self.apps.is_empty()
    }

    /// Nothing left to free.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(apps: usize) -> Arc<Snapshot> {
        Arc::new(Snapshot {
            apps: (0..apps)
                .map(|i| AppStatus {
                    name: format!("app-{i}"),
                    ..AppStatus::default()
                })
                .collect(),
            ..Snapshot::default()
        })
    }

    #[test]
    fn a_replaced_snapshot_is_freed_a_chunk_at_a_time() {
        let mut garbage = Garbage::default();
        garbage.push(snapshot(CHUNK * 2 + 1));
        assert!(garbage.free_some());
        assert!(garbage.free_some());
        assert!(!garbage.free_some());
        assert!(garbage.is_empty());
    }

    #[test]
    fn a_snapshot_someone_still_holds_is_not_kept() {
        let mut garbage = Garbage::default();
        let shared = snapshot(10);
        garbage.push(shared.clone());
        assert!(garbage.is_empty());
        assert_eq!(shared.apps.len(), 10);
    }

    #[test]
    fn at_most_one_snapshot_waits() {
        let mut garbage = Garbage::default();
        garbage.push(snapshot(CHUNK * 3));
        garbage.push(snapshot(1));
        assert!(!garbage.free_some(), "the older one was freed at once");
    }
}
