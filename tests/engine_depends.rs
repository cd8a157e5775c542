//! `dependsOn` on the simulated cluster, with Flux's semantics: `web`
//! depends on `db`; it syncs only once `db` is Synced and Healthy, says
//! what it waits for in its status and as sync progress (`tether sync`
//! prints it), automation leaves it alone until then, and a dependency
//! that never gets ready fails the sync with nothing applied. A wave that
//! waits for an object's health says so too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file};
use std::sync::Arc;
use std::time::Duration;
use tether::engine::{Engine, EngineEvent, EngineOptions, SyncOptions};

const DB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: ghcr.io/example/db:16
";

/// `db` (manual) and `web` (depends on db; `web_policy` its syncPolicy),
/// plus `api`, which depends on `cache`, an app nobody syncs.
fn two_apps(env: &Env, web_policy: &str) -> Engine {
    env.commit(
        &[
            file("apps/db/deployment.yaml", DB),
            file("apps/cache/deployment.yaml", &DB.replace("db", "cache")),
        ],
        "Add db and cache",
    );
    // db and cache in namespaces of their own: two apps that both create
    // one namespace would fight over its tracking label.
    let app = |name: &str, path: &str, policy: &str, deps: &str| {
        let namespace = match path {
            "web" => env.namespace.clone(),
            other => format!("{}-{other}", env.namespace),
        };
        format!(
            "  - name: {name}\n    source: {{repo: ./gitops, path: apps/{path}}}\n    destination: {{context: {}, namespace: {namespace}}}\n    syncPolicy: {policy}\n    dependsOn: [{deps}]\n",
            env.context
        )
    };
    let manual = "{syncOptions: [CreateNamespace=true]}";
    let text = [
        app("db", "db", manual, ""),
        app("cache", "cache", manual, ""),
        app("web", "web", web_policy, "db"),
        app("api", "web", manual, "cache"),
    ]
    .concat();
    std::fs::write(&env.config, format!("apps:\n{text}")).unwrap();
    env.engine().with_options(EngineOptions {
        dependency_timeout: Duration::from_secs(20),
        ..EngineOptions::default()
    })
}

fn message_of(statuses: &[tether::model::AppStatus], app: &str) -> String {
    statuses
        .iter()
        .find(|s| s.name == app)
        .unwrap()
        .message
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn web_syncs_only_after_db_is_synced_and_healthy() {
    let env = Env::new().await;
    let engine = Arc::new(two_apps(&env, "{syncOptions: [CreateNamespace=true]}"));
    let statuses = engine.status_all().await;
    assert!(
        message_of(&statuses, "web").starts_with("waits for app db: OutOfSync, Missing"),
        "{statuses:?}"
    );
    assert!(!message_of(&statuses, "db").contains("waits"));

    // web's sync waits, printing why; nothing of web is applied meanwhile.
    let (tx, mut rx) = tokio::sync::broadcast::channel(256);
    let waiting = {
        let engine = engine.clone();
        tokio::spawn(async move {
            let options = SyncOptions {
                progress: Some(tx),
                ..SyncOptions::default()
            };
            engine.sync("web", &options).await
        })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    let deployments = env.api("apps/v1", "Deployment").await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());
    assert!(!waiting.is_finished());

    engine.sync("db", &SyncOptions::default()).await.unwrap();
    let report = waiting.await.unwrap().unwrap();
    assert!(report.summary().contains("created"), "{}", report.summary());
    let db_ns = format!("{}-db", env.namespace);
    let db = env
        .api_in("apps/v1", "Deployment", &db_ns)
        .await
        .get("db")
        .await
        .unwrap();
    let web = deployments.get("web").await.unwrap();
    assert!(
        db.metadata.creation_timestamp <= web.metadata.creation_timestamp,
        "db first"
    );

    let lines = steps(&mut rx);
    assert_eq!(
        lines[0], "waits for app db: OutOfSync, Missing",
        "{lines:?}"
    );
    let first_apply = lines
        .iter()
        .position(|l| !l.starts_with("waits for app"))
        .unwrap();
    assert!(
        lines[..first_apply]
            .iter()
            .all(|l| l.starts_with("waits for app db")),
        "{lines:?}"
    );
    let statuses = engine.status_all().await;
    assert!(
        !message_of(&statuses, "web").contains("waits"),
        "{statuses:?}"
    );

    // A dependency that never gets ready: the sync fails, nothing applied.
    let quick = Engine::new(
        tether::config::load(Some(&env.config)).unwrap().apps,
        tether::cluster::KubeOptions {
            kubeconfig: Some(env.kubeconfig.clone()),
            context: None,
        },
    )
    .with_options(EngineOptions {
        dependency_timeout: Duration::from_millis(300),
        ..EngineOptions::default()
    });
    let err = quick
        .sync("api", &SyncOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "app api: still waits for app cache: OutOfSync, Missing after 300ms; nothing was applied"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn automation_and_tether_sync_wait_for_dependencies() {
    let env = Env::new().await;
    let engine = Arc::new(two_apps(
        &env,
        "{automated: {prune: true}, syncOptions: [CreateNamespace=true]}",
    ));
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

/// The sync steps received so far, as `tether sync` prints them.
fn steps(rx: &mut tokio::sync::broadcast::Receiver<EngineEvent>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let EngineEvent::SyncStep { step, .. } = event {
            lines.push(step.to_string());
        }
    }
    lines
}
