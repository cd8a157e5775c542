//! `dependsOn` with Flux's semantics as a scenario for the sim
//! (tests/engine_depends.rs) and a real cluster (tests/real_pipeline.rs):
//! `web` depends on `db`; it syncs only once `db` is Synced and Healthy,
//! says what it waits for in its status and as sync progress, and a
//! dependency that never gets ready fails the sync with nothing applied.

use super::{Env, file};
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
          image: registry.k8s.io/pause:3.10
";

/// The apps of [`two_apps`], named for the run.
pub struct DependentApps {
    pub db: String,
    pub cache: String,
    /// The env's app.
    pub web: String,
    pub api: String,
}

/// `db` (manual) and `web` (depends on db; `web_policy` its syncPolicy),
/// plus `api`, which depends on `cache`, an app nobody syncs. The engine
/// waits for a dependency up to 20 s on the sim (5 minutes on a real
/// cluster).
pub fn two_apps(env: &Env, web_policy: &str) -> (Engine, DependentApps) {
    env.commit(
        &[
            file("apps/db/deployment.yaml", DB),
            file("apps/cache/deployment.yaml", &DB.replace("db", "cache")),
        ],
        "Add db and cache",
    );
    let names = DependentApps {
        db: env.other_app("db"),
        cache: env.other_app("cache"),
        web: env.app.clone(),
        api: env.other_app("api"),
    };
    // db and cache in namespaces of their own: two apps that both create
    // one namespace would fight over its tracking label.
    let app = |name: &str, path: &str, policy: &str, deps: &str| {
        let namespace = match path {
            "web" => env.namespace.clone(),
            other => env.other_namespace(other),
        };
        format!(
            "  - name: {name}\n    source: {{repo: ./gitops, path: apps/{path}}}\n    destination: {{context: {}, namespace: {namespace}}}\n    syncPolicy: {policy}\n    dependsOn: [{deps}]\n",
            env.context
        )
    };
    let manual = "{syncOptions: [CreateNamespace=true]}";
    let text = [
        app(&names.db, "db", manual, ""),
        app(&names.cache, "cache", manual, ""),
        app(&names.web, "web", web_policy, &names.db),
        app(&names.api, "web", manual, &names.cache),
    ]
    .concat();
    std::fs::write(&env.config, format!("apps:\n{text}")).unwrap();
    let engine = env.engine().with_options(EngineOptions {
        dependency_timeout: env.patience(Duration::from_secs(20)),
        ..EngineOptions::default()
    });
    (engine, names)
}

pub fn message_of(statuses: &[tether::model::AppStatus], app: &str) -> String {
    statuses
        .iter()
        .find(|s| s.name == app)
        .unwrap()
        .message
        .clone()
}

/// web waits for db, printing why, and syncs once db is ready; api's
/// sync fails when cache never gets ready, nothing applied.
pub async fn web_syncs_only_after_db_is_synced_and_healthy(env: &Env) {
    let (engine, names) = two_apps(env, "{syncOptions: [CreateNamespace=true]}");
    let engine = Arc::new(engine);
    let DependentApps {
        db,
        cache,
        web,
        api,
    } = &names;
    let statuses = engine.status_all().await;
    let waits_for_db = format!("waits for app {db}: OutOfSync, Missing");
    assert!(
        message_of(&statuses, web).starts_with(&waits_for_db),
        "{statuses:?}"
    );
    assert!(!message_of(&statuses, db).contains("waits"));

    // web's sync waits, printing why; nothing of web is applied meanwhile.
    let (tx, mut rx) = tokio::sync::broadcast::channel(1024);
    let waiting = {
        let (engine, web) = (engine.clone(), web.clone());
        tokio::spawn(async move {
            let options = SyncOptions {
                progress: Some(tx),
                ..SyncOptions::default()
            };
            engine.sync(&web, &options).await
        })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    let deployments = env.api("apps/v1", "Deployment").await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());
    assert!(!waiting.is_finished());

    engine.sync(db, &SyncOptions::default()).await.unwrap();
    let report = waiting.await.unwrap().unwrap();
    assert!(report.summary().contains("created"), "{}", report.summary());
    let db_ns = format!("{}-db", env.namespace);
    let db_deployment = env
        .api_in("apps/v1", "Deployment", &db_ns)
        .await
        .get("db")
        .await
        .unwrap();
    let web_deployment = deployments.get("web").await.unwrap();
    assert!(
        db_deployment.metadata.creation_timestamp <= web_deployment.metadata.creation_timestamp,
        "db first"
    );

    let lines = steps(&mut rx);
    assert_eq!(lines[0], waits_for_db, "{lines:?}");
    let first_apply = lines
        .iter()
        .position(|l| !l.starts_with("waits for app"))
        .unwrap();
    let waits = format!("waits for app {db}");
    assert!(
        lines[..first_apply].iter().all(|l| l.starts_with(&waits)),
        "{lines:?}"
    );
    let statuses = engine.status_all().await;
    assert!(
        !message_of(&statuses, web).contains("waits"),
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
    let err = quick.sync(api, &SyncOptions::default()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "app {api}: still waits for app {cache}: OutOfSync, Missing after 300ms; nothing was applied"
        )
    );
    env.cleanup().await;
}

/// The sync steps received so far, as `tether sync` prints them.
pub fn steps(rx: &mut tokio::sync::broadcast::Receiver<EngineEvent>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let EngineEvent::SyncStep { step, .. } = event {
            lines.push(step.to_string());
        }
    }
    lines
}
