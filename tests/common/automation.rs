//! Automation scenarios — automated sync, self-heal, pause, Leases, the
//! self-heal brake, a deny window holding automation — with engine loops
//! running against a cluster: the sim (tests/engine_automation.rs,
//! tests/engine_windows.rs) or a real one (tests/real_cluster.rs,
//! tests/real_pipeline.rs).

use super::Env;
use kube::api::{Patch, PatchParams};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tether::engine::{EngineHandle, HEAL_LIMIT};
use tether::model::{AppStatus, HealthStatus, SyncStatus};

pub const AUTO_HEAL: &str = "{automated: {selfHeal: true}, syncOptions: [CreateNamespace=true]}";

pub async fn wait_snapshot(
    handle: &EngineHandle,
    what: &str,
    done: impl Fn(&AppStatus) -> bool,
) -> AppStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let snapshot = handle.snapshot();
        if let Some(app) = snapshot.apps.first()
            && done(app)
        {
            return app.clone();
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:#?}",
            snapshot.apps
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn edit_configmap(env: &Env, manager: &str, value: &str) {
    let api = env.api("v1", "ConfigMap").await;
    api.patch(
        "web-config",
        &PatchParams {
            field_manager: Some(manager.to_string()),
            ..Default::default()
        },
        &Patch::Merge(json!({"data": {"LOG_LEVEL": value}})),
    )
    .await
    .unwrap();
}

pub async fn log_level(env: &Env) -> String {
    let api = env.api("v1", "ConfigMap").await;
    let cm = api.get("web-config").await.unwrap();
    cm.data["data"]["LOG_LEVEL"].as_str().unwrap().to_string()
}

pub async fn automated_app_syncs_and_heals_itself(env: &Env) {
    env.set_sync_policy(AUTO_HEAL);
    let handle = Arc::new(env.engine()).spawn(Duration::from_millis(300));
    wait_snapshot(&handle, "automated sync", |a| {
        a.sync == SyncStatus::Synced && a.health == HealthStatus::Healthy
    })
    .await;

    edit_configmap(env, "kubectl-edit", "debug").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while log_level(env).await != "info" {
        assert!(
            Instant::now() < deadline,
            "self-heal did not restore the value"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    env.cleanup().await;
}

pub async fn pause_stops_automation_until_resume(env: &Env) {
    env.set_sync_policy(AUTO_HEAL);
    let engine = Arc::new(env.engine());
    let handle = engine.clone().spawn(Duration::from_millis(300));
    wait_snapshot(&handle, "automated sync", |a| a.sync == SyncStatus::Synced).await;

    engine
        .pause(&env.app, "incident 42", "ada@laptop")
        .await
        .unwrap();
    let paused = wait_snapshot(&handle, "paused", |a| a.paused).await;
    assert!(
        paused.message.contains("paused by ada@laptop"),
        "{}",
        paused.message
    );
    assert!(paused.message.contains("incident 42"));

    edit_configmap(env, "kubectl-edit", "debug").await;
    wait_snapshot(&handle, "drift while paused", |a| {
        a.sync == SyncStatus::OutOfSync
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        log_level(env).await,
        "debug",
        "a paused app must not be healed"
    );

    engine.resume(&env.app).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while log_level(env).await != "info" {
        assert!(
            Instant::now() < deadline,
            "resume did not restart self-heal"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    env.cleanup().await;
}

pub async fn two_engines_never_both_apply(env: &Env) {
    env.set_sync_policy(AUTO_HEAL);
    let first = Arc::new(env.engine());
    let second = Arc::new(env.engine());
    let h1 = first.clone().spawn(Duration::from_millis(200));
    let h2 = second.clone().spawn(Duration::from_millis(200));
    wait_snapshot(&h1, "automated sync", |a| a.sync == SyncStatus::Synced).await;
    for value in ["debug", "trace", "warn"] {
        edit_configmap(env, "kubectl-edit", value).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while log_level(env).await != "info" {
            assert!(
                Instant::now() < deadline,
                "self-heal did not restore the value"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let history = first.history(&env.app).await.unwrap();
    let actors: std::collections::BTreeSet<String> = history
        .syncs
        .iter()
        .map(|s| {
            s.by.split('(')
                .nth(1)
                .unwrap_or("")
                .trim_end_matches(')')
                .to_string()
        })
        .collect();
    assert_eq!(
        actors.len(),
        1,
        "more than one engine applied: {:#?}",
        history.syncs
    );
    // The other engine shows who runs the automation.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = format!(
            "{} | {}",
            h1.snapshot().apps[0].message,
            h2.snapshot().apps[0].message
        );
        if shown.contains("automation runs in") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no engine shows the Lease holder: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.release_leases().await;
    second.release_leases().await;
    env.cleanup().await;
}

pub async fn self_heal_brakes_when_something_keeps_fighting(env: &Env) {
    env.set_sync_policy(AUTO_HEAL);
    let handle = Arc::new(env.engine()).spawn(Duration::from_millis(200));
    wait_snapshot(&handle, "automated sync", |a| a.sync == SyncStatus::Synced).await;
    let mut braked = None;
    for round in 0..(HEAL_LIMIT * 4) {
        edit_configmap(env, "hpa-fighter", &format!("fight-{round}")).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let app = handle.snapshot().apps[0].clone();
        if app.health == HealthStatus::Degraded && app.message.contains("self-heal stopped") {
            braked = Some(app);
            break;
        }
    }
    let app = braked.expect("the self-heal brake never engaged");
    assert!(app.message.contains("hpa-fighter"), "{}", app.message);
    env.cleanup().await;
}

pub async fn a_new_commit_is_picked_up_and_synced_by_automation(env: &Env) {
    env.set_sync_policy("{automated: {}, syncOptions: [CreateNamespace=true]}");
    // A refresh period far beyond the test: only the ref notification can
    // make the engine see the new commit.
    let handle = Arc::new(env.engine()).spawn(Duration::from_secs(3600));
    wait_snapshot(&handle, "automated sync", |a| a.sync == SyncStatus::Synced).await;
    let commit = env.commit(
        &[super::file(
            "apps/web/configmap.yaml",
            &super::CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    let app = wait_snapshot(&handle, "the new revision synced", |a| {
        a.revision == commit && a.sync == SyncStatus::Synced
    })
    .await;
    assert_eq!(app.revision, commit);
    assert_eq!(log_level(env).await, "warn");
    // Without selfHeal, drift at the same revision is left alone.
    edit_configmap(env, "kubectl-edit", "debug").await;
    wait_snapshot(&handle, "drift shown", |a| a.sync == SyncStatus::OutOfSync).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(log_level(env).await, "debug");
    env.cleanup().await;
}

/// An automated app in an open deny window is not synced; its status
/// says which window holds it, and the snapshot carries the freeze.
pub async fn a_deny_window_holds_automated_sync(env: &Env) {
    env.set_sync_policy(AUTO_HEAL);
    let window: tether::argocd::SyncWindowSpec = serde_yaml::from_str(
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
    assert_eq!(freezes[0].apps, std::slice::from_ref(&env.app));
    // A few engine cycles later nothing has been applied.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let app = handle.snapshot().apps[0].clone();
    assert_eq!(app.sync, SyncStatus::OutOfSync);
    assert_eq!(app.health, HealthStatus::Missing);
    env.cleanup().await;
}
