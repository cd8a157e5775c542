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
    // The header's freeze marker comes with the snapshot.
    let freezes = handle.snapshot().freezes.clone();
    assert_eq!(freezes.len(), 1, "{freezes:?}");
    assert_eq!(freezes[0].name, "syncWindows[0]");
    assert_eq!(freezes[0].apps, ["web"]);
    // A few engine cycles later nothing has been applied.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let app = handle.snapshot().apps[0].clone();
    assert_eq!(app.sync, SyncStatus::OutOfSync);
    assert_eq!(app.health, HealthStatus::Missing);
    env.cleanup().await;
}

fn windows(yaml: &str) -> Vec<SyncWindowSpec> {
    serde_yaml::from_str(yaml).unwrap()
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// The deny windows open at a given time, named, with when they close
/// (in their own zone) and the apps they hold; allow windows, closed
/// windows and windows of other apps are not freezes.
#[tokio::test(flavor = "multi_thread")]
async fn freezes_at_a_fixed_time_name_the_window_and_when_it_closes() {
    let env = Env::new().await;
    let engine = env.engine().with_sync_windows(&windows(
        "- {kind: deny, schedule: '0 18 * * 5', duration: 60h, timeZone: Europe/Paris, applications: [web], description: prod-weekend}
- {kind: allow, schedule: '0 * * * *', duration: 24h, applications: ['*']}
- {kind: deny, schedule: '0 18 * * 5', duration: 60h, applications: [api]}
- {kind: deny, schedule: '0 3 * * *', duration: 1h, applications: ['*']}
- {kind: deny, schedule: '0 * * * *', duration: 90m, clusters: [test]}
",
    ));
    // Saturday noon: the weekend freeze, opened Friday 18:00 Paris time,
    // closes Monday 06:00 there; the hourly window's latest start was
    // 12:00 UTC, so it runs to 13:30.
    let freezes = engine.freezes(at("2025-11-22T12:10:00Z"));
    let seen: Vec<(&str, &str, Vec<String>)> = freezes
        .iter()
        .map(|f| (f.name.as_str(), f.until.as_str(), f.apps.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("prod-weekend", "Mon 06:00 CET", vec!["web".to_string()]),
            ("syncWindows[4]", "Sat 13:30 UTC", vec!["web".to_string()]),
        ]
    );
    assert_eq!(freezes[1].source, "syncWindows[4]");
    // Monday 06:00 Paris (05:00 UTC): the weekend window has closed.
    let names: Vec<String> = engine
        .freezes(at("2025-11-24T05:00:00Z"))
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["syncWindows[4]"]);
    // In summer time the same window closes at 06:00 CEST.
    let summer = engine.freezes(at("2025-06-14T12:00:00Z"));
    assert_eq!(summer[0].until, "Mon 06:00 CEST");
    env.cleanup().await;
}
