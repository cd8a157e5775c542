//! Sync windows hold automated syncs (DESIGN.md §7): an automated app in
//! an open deny window is not synced, and its status says which window
//! holds it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use tether::argocd::SyncWindowSpec;

/// The scenario of tests/common/automation.rs (also run on a real
/// cluster).
#[tokio::test(flavor = "multi_thread")]
async fn a_deny_window_holds_automated_sync() {
    common::automation::a_deny_window_holds_automated_sync(&Env::new().await).await;
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
