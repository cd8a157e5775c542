//! The fault matrix: list, watch, get, apply, dry-run and delete against a
//! simulated API server that answers 500, 503, 429 with Retry-After, hangs,
//! resets connections, expires watches, conflicts and denies admission —
//! during status, diff, sync, prune and the history record. What tether
//! does in each case is listed in docs/RELIABILITY.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::faults::{status_until, with_prune};
use common::{CONFIGMAP, DEPLOYMENT, Env, file, removed};
use kube::api::{Patch, PatchParams};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tether::engine::SyncOptions;
use tether::model::SyncStatus;
use tether::sim::Fault;

async fn service_exists(env: &Env) -> bool {
    let api = env.api("v1", "Service").await;
    api.get_opt("web").await.unwrap().is_some()
}

async fn edit_log_level(env: &Env, value: &str) {
    let api = env.api("v1", "ConfigMap").await;
    api.patch(
        "web-config",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"LOG_LEVEL": value}})),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_list_leaves_its_kind_unknown_and_prunes_nothing() {
    let env = Env::new().await;
    env.quick_engine()
        .sync("web", &SyncOptions::default())
        .await
        .unwrap();
    env.commit(&[removed("apps/web/service.yaml")], "Drop the service");
    let faults = env.faults();
    let cases = [
        ("500", Fault::status(500, "etcdserver: request timed out")),
        ("503", Fault::status(503, "the server is shutting down")),
        ("429", Fault::too_many_requests(1)),
        ("reset", Fault::reset()),
        ("410", Fault::gone()),
        ("hang", Fault::hang()),
    ];
    for (case, fault) in cases {
        faults.inject(fault.on("configmaps", "list"));
        // A fresh engine: its ConfigMap watch has no list yet.
        let engine = env.quick_engine();
        let status = env.status_of(&engine).await;
        let cm = status
            .resources
            .iter()
            .find(|r| r.kind == "ConfigMap")
            .unwrap();
        assert_eq!(cm.sync, SyncStatus::Unknown, "{case}: {cm:#?}");
        assert_eq!(status.sync, SyncStatus::Unknown, "{case}");
        assert!(
            cm.message.contains("live state of ConfigMap"),
            "{case}: {}",
            cm.message
        );
        let err = engine
            .sync("web", &with_prune())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("prune stopped, nothing deleted"),
            "{case}: {err}"
        );
        assert!(
            service_exists(&env).await,
            "{case}: pruned on partial knowledge"
        );
        let history = engine.history("web").await.unwrap();
        assert_eq!(history.syncs[0].result, "Failed", "{case}");
        assert_eq!(history.syncs[0].message, err, "{case}");
        faults.clear();
    }
    // With the lists answering again the prune goes through.
    let engine = env.quick_engine();
    engine.sync("web", &with_prune()).await.unwrap();
    assert!(!service_exists(&env).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_or_expired_watch_catches_up_without_missing_a_change() {
    let env = Env::new().await;
    let engine = env.quick_engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    status_until(&env, &engine, "synced", |s| s.sync == SyncStatus::Synced).await;
    let faults = env.faults();

    // Closed mid-stream: the watch resumes from its resourceVersion.
    faults.drop_watches();
    edit_log_level(&env, "debug").await;
    status_until(&env, &engine, "drift after a closed watch", |s| {
        s.sync == SyncStatus::OutOfSync
    })
    .await;
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    status_until(&env, &engine, "synced", |s| s.sync == SyncStatus::Synced).await;

    // Expired: the resumed watch gets 410 Gone and the cache relists.
    let lists = faults.requests("configmaps", "list");
    faults.inject(Fault::gone().on("configmaps", "watch").times(1));
    faults.drop_watches();
    edit_log_level(&env, "trace").await;
    status_until(&env, &engine, "drift after an expired watch", |s| {
        s.sync == SyncStatus::OutOfSync
    })
    .await;
    // The drift may arrive through the other ConfigMap watch (tracked
    // objects, or the namespace's) before the expired one has relisted
    // after its backoff.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while faults.requests("configmaps", "list") == lists && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        faults.requests("configmaps", "list") > lists,
        "410 must make the watch relist"
    );

    // A watch that cannot restart: the cache is not current, so no prune.
    env.commit(&[removed("apps/web/service.yaml")], "Drop the service");
    faults.inject(Fault::status(500, "watch cache not ready").on("configmaps", "watch"));
    faults.drop_watches();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let err = engine
        .sync("web", &with_prune())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("prune stopped, nothing deleted: the live state of ConfigMap is not current"),
        "{err}"
    );
    assert!(service_exists(&env).await);
    faults.clear();

    // 410 on a first list: listed again after the backoff.
    faults.inject(Fault::gone().on("configmaps", "list").times(1));
    let fresh = env.quick_engine();
    status_until(&env, &fresh, "a list after 410", |s| {
        s.resources
            .iter()
            .any(|r| r.kind == "ConfigMap" && r.sync == SyncStatus::Synced)
    })
    .await;
    // And prune still works on the caught-up caches.
    fresh.sync("web", &with_prune()).await.unwrap();
    assert!(!service_exists(&env).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_failures_are_retried_and_the_sync_succeeds() {
    let env = Env::new().await;
    let faults = env.faults();
    let engine = env.quick_engine();
    let before = |r: &str, v: &str| faults.requests(r, v);
    let cases = [
        (
            "deployments",
            "get",
            Fault::status(503, "unavailable").times(2),
        ),
        (
            "configmaps",
            "get",
            Fault::reset().in_namespace("web").times(1),
        ),
        ("services", "patch", Fault::too_many_requests(1).times(1)),
        (
            "deployments",
            "patch",
            Fault::status(409, "the object has been modified").times(1),
        ),
        (
            "namespaces",
            "patch",
            Fault::status(504, "gateway timeout").times(1),
        ),
        (
            "configmaps",
            "patch",
            Fault::reset().in_namespace("web").times(1),
        ),
    ];
    let counts: Vec<u64> = cases.iter().map(|(r, v, _)| before(r, v)).collect();
    for (resource, verb, fault) in cases.clone() {
        faults.inject(fault.on(resource, verb));
    }
    let started = Instant::now();
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "429 asked to retry after 1s"
    );
    assert!(report.resources.iter().all(|r| r.action == "created"));
    for ((resource, verb, _), count) in cases.iter().zip(counts) {
        assert!(
            faults.requests(resource, verb) >= count + 2,
            "{verb} {resource} was not retried"
        );
    }
    let history = engine.history("web").await.unwrap();
    assert_eq!(history.syncs[0].result, "Succeeded");

    // Deletes too: a prune whose delete meets a 503 and a reset.
    env.commit(&[removed("apps/web/service.yaml")], "Drop the service");
    faults.inject(
        Fault::status(503, "unavailable")
            .on("services", "delete")
            .times(1),
    );
    faults.inject(Fault::reset().on("services", "delete").times(1));
    engine.sync("web", &with_prune()).await.unwrap();
    assert!(!service_exists(&env).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_apply_stops_its_wave_and_the_record_says_where() {
    let env = Env::new().await;
    let waved = DEPLOYMENT.replace(
        "  name: web\n",
        "  name: web\n  annotations: {tether.dev/sync-wave: \"1\"}\n",
    );
    env.commit(
        &[file("apps/web/deployment.yaml", &waved)],
        "Deploy in wave 1",
    );
    let faults = env.faults();
    faults.inject(Fault::status(500, "etcd leader changed").on("deployments", "patch"));
    let engine = env.quick_engine();
    let err = engine
        .sync("web", &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("wave 1: cannot apply Deployment.apps/web/web")
            && err.contains("etcd leader changed (InternalError, HTTP 500)")
            && err.contains("3 of 4 resources applied before it"),
        "{err}"
    );
    assert_eq!(
        faults.requests("deployments", "patch"),
        1,
        "a 500 is not retried"
    );
    // Wave 0 ran (and was healthy); wave 1 did not.
    let cm = env.api("v1", "ConfigMap").await;
    assert!(cm.get_opt("web-config").await.unwrap().is_some());
    let deploy = env.api("apps/v1", "Deployment").await;
    assert!(deploy.get_opt("web").await.unwrap().is_none());
    let history = engine.history("web").await.unwrap();
    assert_eq!(history.syncs.len(), 1);
    assert_eq!(history.syncs[0].result, "Failed");
    assert_eq!(history.syncs[0].message, err);

    // A conflict that does not go away fails after the retries, clearly.
    faults.clear();
    faults.inject(Fault::status(409, "the object has been modified").on("deployments", "patch"));
    let patches = faults.requests("deployments", "patch");
    let err = engine
        .sync("web", &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("(Conflict, HTTP 409)"), "{err}");
    assert_eq!(faults.requests("deployments", "patch") - patches, 4);

    faults.clear();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let history = engine.history("web").await.unwrap();
    let results: Vec<_> = history.syncs.iter().map(|s| s.result.as_str()).collect();
    assert_eq!(results, vec!["Succeeded", "Failed", "Failed"]);

    // A delete that fails stops the prune and says how far it got.
    env.commit(&[removed("apps/web/service.yaml")], "Drop the service");
    faults.inject(Fault::status(500, "etcd leader changed").on("services", "delete"));
    let err = engine
        .sync("web", &with_prune())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("prune stopped after deleting 0 of 1: cannot delete Service/web/web"),
        "{err}"
    );
    assert!(service_exists(&env).await);
    faults.clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hung_request_times_out_instead_of_blocking_the_sync() {
    let env = Env::new().await;
    let faults = env.faults();
    faults.inject(Fault::hang().on("deployments", "get"));
    let engine = env.quick_engine();
    let started = Instant::now();
    let err = engine
        .sync("web", &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no answer within 1s to GET deployments.apps web/web"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    faults.clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn admission_denial_names_the_webhook_in_sync_diff_and_history() {
    let env = Env::new().await;
    let engine = env.quick_engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    env.commit(
        &[file(
            "apps/web/deployment.yaml",
            &DEPLOYMENT.replace("replicas: 2", "replicas: 5"),
        )],
        "Scale out",
    );
    let faults = env.faults();
    faults.inject(
        Fault::admission_denied("policy.example.com", "replicas must be at most 3")
            .on("deployments", "patch"),
    );
    let refusal = "refused: admission webhook \"policy.example.com\" denied the request: replicas must be at most 3";
    let err = engine
        .sync("web", &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(refusal), "{err}");
    let history = engine.history("web").await.unwrap();
    assert!(history.syncs[0].message.contains(refusal));
    let diff = engine.diff("web", None).await.unwrap();
    let deploy = diff
        .resources
        .iter()
        .find(|r| r.kind == "Deployment")
        .unwrap();
    assert!(
        deploy
            .note
            .starts_with("the API server would refuse it: admission webhook"),
        "{}",
        deploy.note
    );
    assert_eq!(deploy.change, "update");
    assert!(deploy.diff.contains("+  replicas: 5"), "{}", deploy.diff);
    faults.clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_falls_back_and_says_why_or_reports_what_it_could_not_read() {
    let env = Env::new().await;
    let engine = env.quick_engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    env.commit(
        &[file(
            "apps/web/configmap.yaml",
            &CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    let faults = env.faults();
    faults.inject(Fault::status(500, "boom").on("configmaps", "patch"));
    faults.inject(Fault::status(500, "boom").on("services", "get"));
    let diff = engine.diff("web", None).await.unwrap();
    let cm = diff
        .resources
        .iter()
        .find(|r| r.kind == "ConfigMap")
        .unwrap();
    assert_eq!(cm.change, "update");
    assert!(
        cm.note.starts_with("no server-side dry-run (") && cm.note.contains("HTTP 500"),
        "{}",
        cm.note
    );
    assert!(cm.diff.contains("+  LOG_LEVEL: warn"), "{}", cm.diff);
    let svc = diff.resources.iter().find(|r| r.kind == "Service").unwrap();
    assert_eq!(
        svc.change, "unknown",
        "an unreadable object is not a create"
    );
    assert!(svc.note.starts_with("cannot read it: "), "{}", svc.note);
    assert!(diff.incomplete());
    faults.clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_records_and_pause_are_never_lost() {
    let env = Env::new().await;
    let engine = Arc::new(env.quick_engine());
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let faults = env.faults();

    // A pause while a sync runs survives the sync's record.
    env.commit(
        &[file(
            "apps/web/configmap.yaml",
            &CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    faults.inject(
        Fault::delay(Duration::from_millis(700))
            .on("configmaps", "patch")
            .in_namespace("web")
            .times(1),
    );
    let syncing = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.sync("web", &SyncOptions::default()).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    engine
        .pause("web", "incident 7", "ada@laptop")
        .await
        .unwrap();
    syncing.await.unwrap().unwrap();
    let status = env.status_of(&engine).await;
    assert!(
        status.paused,
        "the sync record overwrote the pause: {status:#?}"
    );
    assert_eq!(engine.history("web").await.unwrap().syncs.len(), 2);

    // Another writer between read and write: the record is written again.
    faults.inject(
        Fault::status(409, "the object has been modified")
            .on("configmaps", "update")
            .in_namespace("tether-system")
            .times(1),
    );
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert_eq!(engine.history("web").await.unwrap().syncs.len(), 3);

    // The state cannot be written: the sync says so and keeps the record,
    // which the next state write saves.
    faults.inject(
        Fault::status(500, "etcdserver: no leader")
            .on("configmaps", "update")
            .in_namespace("tether-system"),
    );
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let unsaved = report.record_error.unwrap_or_default();
    assert!(
        unsaved.starts_with("the sync record is not saved yet: ") && unsaved.contains("no leader"),
        "{unsaved}"
    );
    assert_eq!(engine.unsaved_records("web"), 1);
    faults.clear();
    engine.resume("web").await.unwrap();
    assert_eq!(engine.unsaved_records("web"), 0);
    let history = engine.history("web").await.unwrap();
    assert_eq!(history.syncs.len(), 4);
    assert!(!env.status_of(&engine).await.paused);
}

#[tokio::test(flavor = "multi_thread")]
async fn automation_backs_off_instead_of_hot_looping() {
    let env = Env::new().await;
    env.set_sync_policy(common::automation::AUTO_HEAL);
    let faults = env.faults();
    faults.inject(Fault::status(500, "etcd leader changed").on("deployments", "patch"));
    let engine = Arc::new(env.quick_engine());
    let handle = engine.clone().spawn(Duration::from_millis(100));
    // Backoff 400 ms doubling to 1.6 s: attempts near 0, 0.4, 1.2, 2.8 s.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let attempts = faults.requests("deployments", "patch");
    assert!(
        (2..=6).contains(&attempts),
        "{attempts} automated attempts in 4s"
    );
    let history = engine.history("web").await.unwrap();
    assert!(
        history.syncs.iter().all(|s| s.result == "Failed")
            && history.syncs.len() as u64 <= attempts,
        "{:#?}",
        history.syncs
    );
    faults.clear();
    common::automation::wait_snapshot(&handle, "synced after the fault", |a| {
        a.sync == SyncStatus::Synced
    })
    .await;
    engine.release_leases().await;
}
