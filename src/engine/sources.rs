//! Watching Git checkouts: a file-system notification on each repository's
//! refs (a branch that moves, a commit, a fetch) and, for WORKTREE apps, on
//! the app's folder, wakes the engine to re-resolve revisions. The engine's
//! periodic refresh remains the fallback where notifications are missing
//! (network file systems, a watch limit reached).

use crate::model::{AppSpec, Revision};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::PathBuf;
use tokio::sync::watch;

/// Keeps the notifications alive; dropping it stops them.
pub struct SourceWatch {
    _watcher: Option<notify::RecommendedWatcher>,
}

/// Watches the checkouts of `apps`; every change bumps the returned
/// receiver. Paths that cannot be watched are skipped (the periodic
/// refresh covers them).
pub fn watch_sources(apps: &[AppSpec]) -> (SourceWatch, watch::Receiver<u64>) {
    let (tx, rx) = watch::channel(0u64);
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            tx.send_modify(|n| *n += 1);
        }
    });
    let Ok(mut watcher) = watcher else {
        return (SourceWatch { _watcher: None }, rx);
    };
    for (path, mode) in targets(apps) {
        if path.exists() {
            let _ = watcher.watch(&path, mode);
        }
    }
    (
        SourceWatch {
            _watcher: Some(watcher),
        },
        rx,
    )
}

fn targets(apps: &[AppSpec]) -> BTreeSet<(PathBuf, RecursiveMode)> {
    let mut out = BTreeSet::new();
    for app in apps {
        let git = app.source.repo.join(".git");
        out.insert((git.clone(), RecursiveMode::NonRecursive));
        out.insert((git.join("refs"), RecursiveMode::Recursive));
        if app.source.revision == Revision::WorkTree {
            out.insert((
                app.source.repo.join(&app.source.path),
                RecursiveMode::Recursive,
            ));
        }
    }
    out
}
