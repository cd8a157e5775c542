//! `dependsOn` on the simulated cluster, with Flux's semantics: `web`
//! depends on `db`; it syncs only once `db` is Synced and Healthy, says
//! what it waits for in its status and as sync progress (`tether sync`
//! prints it), automation leaves it alone until then, and a dependency
//! that never gets ready fails the sync with nothing applied. A wave that
//! waits for an object's health says so too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::depends::{message_of, steps, two_apps};
use common::{Env, file};
use std::sync::Arc;
use std::time::Duration;
use tether::engine::SyncOptions;

/// The scenario of tests/common/depends.rs (also run on a real cluster).
#[tokio::test(flavor = "multi_thread")]
async fn web_syncs_only_after_db_is_synced_and_healthy() {
    common::depends::web_syncs_only_after_db_is_synced_and_healthy(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn automation_and_tether_sync_wait_for_dependencies() {
    let env = Env::new().await;
    let (engine, _) = two_apps(
        &env,
        "{automated: {prune: true}, syncOptions: [CreateNamespace=true]}",
    );
    let engine = Arc::new(engine);
    let (events, _keep) = tokio::sync::broadcast::channel(64);
    let deployments = env.api("apps/v1", "Deployment").await;
    engine.automate(&engine.status_all().await, &events);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());

    // `tether sync web` waits and says so; db synced meanwhile lets it go.
    let cli = {
        let (config, kubeconfig) = (env.config.clone(), env.kubeconfig.clone());
        std::thread::spawn(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
                .arg("--config")
                .arg(config)
                .arg("--kubeconfig")
                .arg(kubeconfig)
                .args(["sync", "web", "--progress"])
                .output()
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    engine.sync("db", &SyncOptions::default()).await.unwrap();
    let out = tokio::task::spawn_blocking(move || cli.join().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("  waits for app db: OutOfSync, Missing"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("synced web"));

    // Once db is ready, automation is free to act on web again.
    let statuses = engine.status_all().await;
    assert!(
        !message_of(&statuses, "web").contains("waits"),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wave_that_waits_says_for_what() {
    let env = Env::new().await;
    // The ConfigMap goes in wave 1: wave 0 (the Deployment) must be
    // healthy first, and the sync says what it waits for meanwhile.
    let config = common::CONFIGMAP.replace(
        "  name: web-config\n",
        "  name: web-config\n  annotations:\n    tether.dev/sync-wave: \"1\"\n",
    );
    env.commit(
        &[file("apps/web/configmap.yaml", &config)],
        "ConfigMap last",
    );
    let (tx, mut rx) = tokio::sync::broadcast::channel(256);
    let options = SyncOptions {
        progress: Some(tx),
        ..SyncOptions::default()
    };
    env.engine().sync(&env.app, &options).await.unwrap();
    let lines = steps(&mut rx);
    let waits = lines
        .iter()
        .position(|l| {
            l.starts_with(
                "wave 0: waiting for 1 resource to be healthy: Deployment/web (Progressing",
            )
        })
        .unwrap_or_else(|| panic!("{lines:?}"));
    let config_map = lines
        .iter()
        .position(|l| l.starts_with("ConfigMap/web-config"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(waits < config_map, "{lines:?}");
}
