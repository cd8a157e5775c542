//! Several clusters at once, history and rollback, forbidden kinds and an
//! incomplete live cache, against simulated API servers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, scenarios::wait_for};
use std::time::{Duration, Instant};
use tether::engine::SyncOptions;
use tether::model::{HealthStatus, SyncStatus};
use tether::sim::{SimOptions, SimServer, write_kubeconfig};

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_cluster_marks_only_its_apps_unknown() {
    let env = Env::new().await;
    let other = SimServer::start(SimOptions {
        name: "other".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let url = env.sim.as_ref().unwrap().url();
    write_kubeconfig(
        &env.kubeconfig,
        &[("test", url.as_str()), ("other", other.url().as_str())],
        "test",
    )
    .unwrap();
    let config = std::fs::read_to_string(&env.config).unwrap();
    let second = config
        .replace("- name: web", "- name: web-other")
        .replace("context: test", "context: other");
    let both = format!("{config}{}", second.trim_start_matches("apps:\n"));
    std::fs::write(&env.config, both).unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    engine
        .sync("web-other", &SyncOptions::default())
        .await
        .unwrap();

    other.shutdown();
    let started = Instant::now();
    let statuses = engine.status_all().await;
    let took = started.elapsed();
    let web = statuses.iter().find(|s| s.name == "web").unwrap();
    let dead = statuses.iter().find(|s| s.name == "web-other").unwrap();
    assert_eq!(web.sync, SyncStatus::Synced, "{web:#?}");
    assert_eq!(dead.sync, SyncStatus::Unknown);
    assert!(dead.message.contains("cluster other"), "{}", dead.message);
    assert!(
        took < Duration::from_secs(10),
        "a dead cluster slowed everyone: {took:?}"
    );

    // Backoff: asking again does not wait for the dead cluster.
    let again = Instant::now();
    let statuses = engine.status_all().await;
    assert!(again.elapsed() < Duration::from_secs(2));
    let dead = statuses.iter().find(|s| s.name == "web-other").unwrap();
    assert!(dead.message.contains("next retry in"), "{}", dead.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_cluster_is_unknown_after_the_timeout() {
    let env = Env::new().await;
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let sim = env.sim.as_ref().unwrap();
    sim.faults().latency(Duration::from_secs(8));
    let status = engine.status(&engine.app("web").unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Unknown, "{status:#?}");
    assert!(
        status.message.contains("no answer within"),
        "{}",
        status.message
    );
    sim.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn history_records_syncs_and_rollback_pauses() {
    let env = Env::new().await;
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let v2 = env.commit(
        &[file(
            "apps/web/configmap.yaml",
            &common::CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    engine.sync("web", &SyncOptions::default()).await.unwrap();

    let history = engine.history("web").await.unwrap();
    let summaries: Vec<_> = history.commits.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(summaries, vec!["Quieter logs", "Add web"]);
    let syncs: Vec<_> = history
        .syncs
        .iter()
        .map(|s| (s.id, s.revision.as_str(), s.result.as_str()))
        .collect();
    assert_eq!(
        syncs,
        vec![
            (2, v2.as_str(), "Succeeded"),
            (1, env.first_commit.as_str(), "Succeeded")
        ]
    );

    engine.rollback("web", 1, "ada@laptop").await.unwrap();
    let api = env.api("v1", "ConfigMap").await;
    let cm = api.get("web-config").await.unwrap();
    assert_eq!(cm.data["data"]["LOG_LEVEL"], "info");
    let status = wait_for(&env, &engine, |s| s.paused).await;
    let short = &env.first_commit[..7];
    assert!(
        status.message.contains(&format!("rollback to {short}")),
        "{}",
        status.message
    );
    let history = engine.history("web").await.unwrap();
    assert!(
        history.syncs[0].by.starts_with("rollback (ada@laptop)"),
        "{:?}",
        history.syncs[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_kind_is_a_clear_error_and_prunes_nothing() {
    let env = Env::new().await;
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    env.commit(
        &[common::removed("apps/web/service.yaml")],
        "Drop the service",
    );
    let sim = env.sim.as_ref().unwrap();
    sim.faults()
        .fail("configmaps", "list", 403, "configmaps is forbidden");
    sim.faults()
        .fail("configmaps", "watch", 403, "configmaps is forbidden");
    sim.faults().drop_watches();
    // The cache of ConfigMaps can no longer relist: prune must refuse.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let err = engine
        .sync(
            "web",
            &SyncOptions {
                prune: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("app web"), "{err}");
    assert!(
        err.contains("nothing deleted") || err.contains("forbidden"),
        "{err}"
    );
    let api = env.api("v1", "Service").await;
    assert!(
        api.get_opt("web").await.unwrap().is_some(),
        "nothing may be pruned on partial knowledge"
    );
    sim.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_render_syncs_and_prunes_nothing() {
    let env = Env::new().await;
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    env.commit(
        &[file(
            "apps/web/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: [oops\n",
        )],
        "Break it",
    );
    let err = engine
        .sync(
            "web",
            &SyncOptions {
                prune: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("apps/web/service.yaml"), "{err}");
    let status = engine.status(&engine.app("web").unwrap()).await;
    assert_eq!(status.health, HealthStatus::Unknown);
    assert!(
        status.message.contains("service.yaml"),
        "{}",
        status.message
    );
    let api = env.api("v1", "ConfigMap").await;
    assert!(api.get_opt("web-config").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn ignore_differences_hide_a_field_in_status_and_diff() {
    let env = Env::new().await;
    let config = std::fs::read_to_string(&env.config).unwrap();
    let ignoring = format!(
        "{config}    ignoreDifferences:\n      - {{kind: ConfigMap, name: web-config, jsonPointers: [/data/LOG_LEVEL]}}\n"
    );
    std::fs::write(&env.config, ignoring).unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let api = env.api("v1", "ConfigMap").await;
    api.patch(
        "web-config",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(serde_json::json!({"data": {"LOG_LEVEL": "debug", "OTHER": "x"}})),
    )
    .await
    .unwrap();
    // OTHER is not desired at all, LOG_LEVEL is ignored: no drift anywhere.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = engine.status(&engine.app("web").unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let diff = engine.diff("web", None).await.unwrap();
    let cm = diff
        .resources
        .iter()
        .find(|r| r.kind == "ConfigMap")
        .unwrap();
    assert!(!cm.diff.contains("LOG_LEVEL"), "{}", cm.diff);
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_shared_resource_refuses_another_apps_object() {
    let env = Env::new().await;
    let config = std::fs::read_to_string(&env.config).unwrap();
    let second = config.replace("- name: web", "- name: web-copy").replace(
        "CreateNamespace=true",
        "CreateNamespace=true, FailOnSharedResource=true",
    );
    std::fs::write(
        &env.config,
        format!("{config}{}", second.trim_start_matches("apps:\n")),
    )
    .unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let err = engine
        .sync("web-copy", &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("belongs to app web (FailOnSharedResource=true)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_app_is_listed_before_its_cluster_answers() {
    // A cluster that takes connections and never answers: the first pass
    // cannot end, and the engine still publishes every app at once.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let env = Env::new().await;
    write_kubeconfig(&env.kubeconfig, &[("test", url.as_str())], "test").unwrap();
    let config = std::fs::read_to_string(&env.config).unwrap();
    let second = config.replace("- name: web", "- name: web-two");
    let both = format!("{config}{}", second.trim_start_matches("apps:\n"));
    std::fs::write(&env.config, both).unwrap();

    let handle = std::sync::Arc::new(env.engine()).spawn(Duration::from_millis(100));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let snapshot = handle.snapshot();
    let rows: Vec<_> = snapshot
        .apps
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.cluster.as_str(),
                a.sync,
                a.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("web", "test", SyncStatus::Unknown, "not compared yet"),
            ("web-two", "test", SyncStatus::Unknown, "not compared yet"),
        ]
    );
    assert_eq!(snapshot.generation, 0);
    assert_eq!(snapshot.repos.len(), 1, "{:?}", snapshot.repos);
    drop(silent);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_pass_of_many_apps_checks_their_cluster_a_few_times() {
    let env = Env::new().await;
    let config = std::fs::read_to_string(&env.config).unwrap();
    let app = config.split_once("apps:\n").unwrap().1;
    let many: String = (0..40)
        .map(|i| app.replace("- name: web", &format!("- name: web-{i}")))
        .collect();
    std::fs::write(&env.config, format!("{config}{many}")).unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let faults = env.sim.as_ref().unwrap().faults();
    let pings = faults.requests("/version", "get");
    let statuses = engine.status_all().await;
    assert_eq!(statuses.len(), 41);
    assert!(
        statuses.iter().all(|s| s.sync != SyncStatus::Unknown),
        "{statuses:#?}"
    );
    // A check under way is shared by the apps that asked meanwhile: fewer
    // than one per app (11 to 18 of 41 here; one each before).
    let sent = faults.requests("/version", "get") - pings;
    assert!(
        (1..=30).contains(&sent),
        "{sent} reachability checks for 41 apps"
    );
}
