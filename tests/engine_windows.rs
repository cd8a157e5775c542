//! Sync windows hold automated syncs (DESIGN.md §7): an automated app in
//! an open deny window is not synced, and its status says which window
//! holds it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use common::automation::{AUTO_HEAL, wait_snapshot};
use std::sync::Arc;
use std::time::Duration;
use tether::argocd::SyncWindowSpec;
use tether::model::{HealthStatus, SyncStatus};

#[tokio::test(flavor = "multi_thread")]
async fn a_deny_window_holds_automated_sync() {
    let env = Env::new().await;
    env.set_sync_policy(AUTO_HEAL);
    let window: SyncWindowSpec = serde_yaml::from_str(
        "{kind: deny, schedule: '* * * * *', duration: 1h, applications: ['*'], manualSync: true}",
    )
    .unwrap();
    let engine = env.engine().with_sync_windows(&[window]);
    let handle = Arc::new(engine).spawn(Duration::from_millis(200));
    let status = wait_snapshot(&handle, "the window's hold", |a| {
        a.message.contains("automation waits: sync window")
    })
    .await;
    assert!(
        status.message.starts_with(
            "automation waits: sync window syncWindows[0] deny \"* * * * *\" for 1h blocks it"
        ),
        "{}",
        status.message
    );
    // A few engine cycles later nothing has been applied.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let app = handle.snapshot().apps[0].clone();
    assert_eq!(app.sync, SyncStatus::OutOfSync);
    assert_eq!(app.health, HealthStatus::Missing);
    env.cleanup().await;
}
