//! The engine against the simulated API server over HTTP: sync, status
//! after the simulated rollout, drift from an out-of-band change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::json;
use std::time::{Duration, Instant};
use tether::engine::{Engine, SyncOptions};
use tether::model::{AppStatus, HealthStatus, SyncStatus};

/// Polls the app's status until `done` holds (or fails after 30 s with
/// the last status).
async fn wait_for(engine: &Engine, done: impl Fn(&AppStatus) -> bool) -> AppStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = engine.status(engine.app("web").unwrap()).await;
        if done(&status) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting; last status: {status:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn sync_then_synced_healthy_then_drift() {
    let env = Env::new().await;
    let engine = env.engine();

    let before = engine.status(engine.app("web").unwrap()).await;
    assert_eq!(before.sync, SyncStatus::OutOfSync, "{before:#?}");
    assert_eq!(before.health, HealthStatus::Missing);

    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let actions: Vec<_> = report
        .resources
        .iter()
        .map(|r| (r.kind.as_str(), r.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("Namespace", "created"),
            ("ConfigMap", "created"),
            ("Service", "created"),
            ("Deployment", "created"),
        ]
    );

    let synced = wait_for(&engine, |s| s.health == HealthStatus::Healthy).await;
    assert_eq!(synced.sync, SyncStatus::Synced, "{synced:#?}");
    assert_eq!(synced.revision.len(), 40);
    assert!(
        synced
            .resources
            .iter()
            .all(|r| r.sync == SyncStatus::Synced)
    );

    // A second sync changes nothing.
    let again = engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert!(
        again.resources.iter().all(|r| r.action == "unchanged"),
        "{again:#?}"
    );

    // Out-of-band: someone edits the ConfigMap through the API.
    let client = env.kube().await;
    let cm = ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", "ConfigMap"));
    let api: Api<DynamicObject> = Api::namespaced_with(client, "web", &cm);
    api.patch(
        "web-config",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"LOG_LEVEL": "debug"}})),
    )
    .await
    .unwrap();

    let drifted = engine.status(engine.app("web").unwrap()).await;
    assert_eq!(drifted.sync, SyncStatus::OutOfSync);
    let cm_status = drifted
        .resources
        .iter()
        .find(|r| r.kind == "ConfigMap")
        .unwrap();
    assert_eq!(cm_status.sync, SyncStatus::OutOfSync);
    assert!(
        cm_status.message.contains("/data/LOG_LEVEL"),
        "{}",
        cm_status.message
    );
    let others_synced = drifted
        .resources
        .iter()
        .filter(|r| r.kind != "ConfigMap")
        .all(|r| r.sync == SyncStatus::Synced);
    assert!(others_synced, "{drifted:#?}");

    // Syncing corrects it.
    let fixed = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let cm_action = fixed
        .resources
        .iter()
        .find(|r| r.kind == "ConfigMap")
        .unwrap();
    assert_eq!(cm_action.action, "configured");
    let back = engine.status(engine.app("web").unwrap()).await;
    assert_eq!(back.sync, SyncStatus::Synced, "{back:#?}");
}

#[tokio::test]
async fn dry_run_changes_nothing() {
    let env = Env::new().await;
    let engine = env.engine();
    let options = SyncOptions {
        dry_run: true,
        ..Default::default()
    };
    // The namespace does not exist yet, so a dry-run of namespaced objects
    // fails like kubectl's would; the Namespace itself is predicted.
    let _ = engine.sync("web", &options).await;
    let status = engine.status(engine.app("web").unwrap()).await;
    assert_eq!(status.health, HealthStatus::Missing, "{status:#?}");
}

#[tokio::test]
async fn unreachable_cluster_is_unknown_with_the_cause() {
    let env = Env::new().await;
    env.sim.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let engine = env.engine();
    let status = engine.status(engine.app("web").unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Unknown);
    assert_eq!(status.health, HealthStatus::Unknown);
    assert!(
        status.message.contains("cluster test"),
        "{}",
        status.message
    );
}
