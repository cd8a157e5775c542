//! Automated sync, self-heal, pause, Leases and the self-heal brake, with
//! engine loops running against the simulated API server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, automation};

#[tokio::test(flavor = "multi_thread")]
async fn automated_app_syncs_and_heals_itself() {
    automation::automated_app_syncs_and_heals_itself(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pause_stops_automation_until_resume() {
    automation::pause_stops_automation_until_resume(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_engines_never_both_apply() {
    automation::two_engines_never_both_apply(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn self_heal_brakes_when_something_keeps_fighting() {
    automation::self_heal_brakes_when_something_keeps_fighting(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_commit_is_picked_up_and_synced_by_automation() {
    automation::a_new_commit_is_picked_up_and_synced_by_automation(&Env::new().await).await;
}

/// A field the app ignores with a jq expression (Argo CD's
/// `jqPathExpressions`, here `.data["LOG_LEVEL"]`, which is not a simple
/// dotted path) changes live: the app stays Synced, `diff` shows nothing
/// and self-heal leaves the value alone.
#[tokio::test(flavor = "multi_thread")]
async fn an_ignored_field_changed_live_stays_synced_and_is_not_healed() {
    let env = Env::new().await;
    env.set_sync_policy(automation::AUTO_HEAL);
    let mut text = std::fs::read_to_string(&env.config).unwrap();
    text.push_str(
        "    ignoreDifferences:\n      - kind: ConfigMap\n        name: web-config\n        jqPathExpressions: ['.data[\"LOG_LEVEL\"]', '.. | select(type == \"object\" and has(\"x-unused\")) | .[\"x-unused\"]']\n",
    );
    std::fs::write(&env.config, text).unwrap();
    let engine = std::sync::Arc::new(env.engine());
    let handle = engine.clone().spawn(std::time::Duration::from_millis(200));
    automation::wait_snapshot(&handle, "automated sync", |a| {
        a.sync == tether::model::SyncStatus::Synced
    })
    .await;

    automation::edit_configmap(&env, "kubectl-edit", "debug").await;
    // Several refreshes and self-heal rounds.
    for _ in 0..10 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let app = handle.snapshot().apps[0].clone();
        assert_eq!(app.sync, tether::model::SyncStatus::Synced, "{app:#?}");
    }
    assert_eq!(
        automation::log_level(&env).await,
        "debug",
        "self-heal reverted an ignored field"
    );
    let diff = engine.diff(&env.app, None).await.unwrap();
    assert!(!diff.differs(), "{diff:#?}");
}
