//! What the engine watches on a cluster that holds much more than its
//! apps: the namespaces the apps deploy to, and the objects they track
//! (selected by the tracking label) — never a whole kind of a namespaced
//! resource. Checked by the lists and watches the simulated API server
//! served, by namespace and label selector.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::faults::with_prune;
use common::{Env, file, removed};
use kube::api::PostParams;
use serde_json::json;
use tether::engine::SyncOptions;
use tether::model::{SyncStatus, TETHER_TRACKING_LABEL};
use tether::sim::{Fault, FaultHandle};

/// Namespaced resources the `web` app renders.
const RESOURCES: [&str; 3] = ["configmaps", "services", "deployments"];

/// A ConfigMap of the `web` app in the crowded namespace.
const ELSEWHERE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-elsewhere\n  namespace: crowded\ndata:\n  A: \"1\"\n";

/// Creates namespace `name` holding `count` ConfigMaps no app renders.
async fn crowded_namespace(env: &Env, name: &str, count: usize) {
    common::gitops::namespace(&env.kube().await, name).await;
    let api = env.api_in("v1", "ConfigMap", name).await;
    for i in 0..count {
        let object = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("unrelated-{i}"), "namespace": name},
            "data": {"N": i.to_string()},
        });
        api.create(
            &PostParams::default(),
            &serde_json::from_value(object).unwrap(),
        )
        .await
        .unwrap();
    }
}

/// Every list and watch of the app's kinds was addressed to one of
/// `namespaces`, or was cluster-wide and selected by the tracking label.
fn reads_stay_in(faults: &FaultHandle, namespaces: &[&str]) {
    for resource in RESOURCES {
        for read in faults.reads(resource) {
            match (&read.namespace, &read.label_selector) {
                (Some(ns), _) => assert!(
                    namespaces.contains(&ns.as_str()),
                    "{resource} read in namespace {ns}: {read:?}"
                ),
                (None, Some(selector)) => assert_eq!(selector, TETHER_TRACKING_LABEL),
                (None, None) => panic!("{resource} read cluster-wide: {read:?}"),
            }
        }
    }
}

fn namespaces_read(faults: &FaultHandle, resource: &str) -> Vec<String> {
    let mut seen: Vec<String> = faults
        .reads(resource)
        .into_iter()
        .filter_map(|r| r.namespace)
        .collect();
    seen.dedup();
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn status_diff_and_sync_read_only_the_namespace_of_the_app() {
    let env = Env::new().await;
    crowded_namespace(&env, "crowded", 40).await;
    let faults = env.faults();
    let engine = env.quick_engine();
    engine.sync("web", &with_prune()).await.unwrap();
    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let diff = engine.diff("web", None).await.unwrap();
    assert!(!diff.differs(), "{diff:?}");
    reads_stay_in(&faults, &["web", "tether-system"]);
    // The app's ConfigMaps were watched in its namespace.
    assert!(
        faults
            .reads("configmaps")
            .iter()
            .any(|r| r.verb == "watch" && r.namespace.as_deref() == Some("web")),
        "{:?}",
        faults.reads("configmaps")
    );

    // A fresh process (a `tether status`) reads the same way.
    let fresh = env.quick_engine();
    let status = env.status_of(&fresh).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    reads_stay_in(&faults, &["web", "tether-system"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tracked_object_in_any_namespace_is_found_and_pruned_only_on_complete_knowledge() {
    let env = Env::new().await;
    crowded_namespace(&env, "crowded", 5).await;
    // The app also renders a ConfigMap into the crowded namespace.
    env.commit(
        &[file("apps/web/elsewhere.yaml", ELSEWHERE)],
        "Add one elsewhere",
    );
    let engine = env.quick_engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    env.commit(&[removed("apps/web/elsewhere.yaml")], "Drop it");

    // A fresh engine has no inventory-free way to know the namespace: the
    // labelled watch finds the extra there. While that watch cannot list,
    // nothing is pruned.
    let faults = env.faults();
    faults.inject(
        Fault::status(500, "etcdserver: request timed out")
            .on("configmaps", "list")
            .cluster_wide(),
    );
    let engine = env.quick_engine();
    let err = engine
        .sync("web", &with_prune())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("prune stopped, nothing deleted"), "{err}");
    let api = env.api_in("v1", "ConfigMap", "crowded").await;
    assert!(api.get_opt("web-elsewhere").await.unwrap().is_some());

    // A watch of the namespace itself failing does not stop a prune
    // whose knowledge comes from the labelled watch, nor does it make it
    // delete anything else.
    faults.clear();
    for verb in ["list", "watch"] {
        faults.inject(
            Fault::status(500, "etcdserver: request timed out")
                .on("configmaps", verb)
                .in_namespace("crowded"),
        );
    }
    let engine = env.quick_engine();
    let status = env.status_of(&engine).await;
    let extra = status
        .resources
        .iter()
        .find(|r| r.name == "web-elsewhere")
        .unwrap_or_else(|| panic!("the extra is listed: {status:#?}"));
    assert_eq!(extra.sync, SyncStatus::OutOfSync);
    let report = engine.sync("web", &with_prune()).await.unwrap();
    let deleted: Vec<&str> = report
        .resources
        .iter()
        .filter(|r| r.action == "deleted")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(deleted, vec!["web-elsewhere"]);
    faults.clear();
    assert!(api.get_opt("web-elsewhere").await.unwrap().is_none());
    let unrelated = api
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|o| {
            o.metadata
                .name
                .as_deref()
                .unwrap()
                .starts_with("unrelated-")
        })
        .count();
    assert_eq!(unrelated, 5, "the unrelated ConfigMaps stay");
    // The unrelated ConfigMaps were never read cluster-wide.
    for read in faults.reads("configmaps") {
        assert!(
            read.namespace.is_some() || read.label_selector.is_some(),
            "{read:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_namespace_gets_its_watch() {
    let env = Env::new().await;
    let text = std::fs::read_to_string(&env.config).unwrap();
    // A second app, deploying the same manifests to namespace api.
    let second = text
        .lines()
        .filter(|l| !l.starts_with("apps:"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("name: web", "name: api")
        .replace("namespace: web", "namespace: api");
    std::fs::write(&env.config, format!("{text}{second}\n")).unwrap();
    let engine = env.quick_engine();
    let faults = env.faults();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert!(!namespaces_read(&faults, "services").contains(&"api".to_string()));

    engine.sync("api", &SyncOptions::default()).await.unwrap();
    let status = engine.status(&engine.app("api").unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    assert!(namespaces_read(&faults, "services").contains(&"api".to_string()));

    // An object rendered into a namespace of its own is watched there.
    let object = "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\n  namespace: edge\nspec:\n  ports:\n    - port: 80\n";
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\n";
    env.commit(
        &[
            file("apps/web/edge.yaml", object),
            file("apps/web/edge-namespace.yaml", namespace),
        ],
        "Add an edge service",
    );
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let status = engine.status(&engine.app("web").unwrap()).await;
    let edge = status
        .resources
        .iter()
        .find(|r| r.name == "edge" && r.kind == "Service")
        .unwrap_or_else(|| panic!("{status:#?}"));
    assert_eq!(edge.sync, SyncStatus::Synced, "{edge:#?}");
    assert!(namespaces_read(&faults, "services").contains(&"edge".to_string()));
    reads_stay_in(&faults, &["web", "api", "edge", "tether-system"]);
}

/// The namespaces where a watch of `resource` streams now.
fn open_in(faults: &FaultHandle, resource: &str) -> Vec<String> {
    faults
        .open_watches(resource)
        .into_iter()
        .filter_map(|w| w.namespace)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_namespace_no_app_reads_any_more_loses_its_watch() {
    let env = Env::new().await;
    crowded_namespace(&env, "crowded", 5).await;
    env.commit(
        &[file("apps/web/elsewhere.yaml", ELSEWHERE)],
        "Add one elsewhere",
    );
    let mut options = common::faults::quick_options();
    options.timing.watch_idle = std::time::Duration::from_millis(400);
    let engine = env.engine().with_options(options);
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let faults = env.faults();
    let open = open_in(&faults, "configmaps");
    assert!(open.contains(&"crowded".to_string()), "{open:?}");

    // The app no longer renders anything there: once pruned, nothing
    // reads the namespace, and its watch stops while the app's own
    // namespace stays watched.
    env.commit(&[removed("apps/web/elsewhere.yaml")], "Drop it");
    engine.sync("web", &with_prune()).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let status = env.status_of(&engine).await;
        assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
        let open = open_in(&faults, "configmaps");
        if !open.contains(&"crowded".to_string()) {
            assert!(open.contains(&"web".to_string()), "{open:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the crowded namespace is still watched: {open:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A read of it again starts a fresh watch (with a fresh list).
    let lists = faults.requests("configmaps", "list");
    env.commit(&[file("apps/web/elsewhere.yaml", ELSEWHERE)], "Add it back");
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    assert!(open_in(&faults, "configmaps").contains(&"crowded".to_string()));
    assert!(faults.requests("configmaps", "list") > lists);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extra_a_sync_without_prune_left_is_still_shown_and_pruned_later() {
    let env = Env::new().await;
    env.quick_engine()
        .sync("web", &SyncOptions::default())
        .await
        .unwrap();
    env.commit(&[removed("apps/web/service.yaml")], "No service");
    // A sync without prune leaves the Service; the app's inventory still
    // names it, so the status shows it and a later prune finds it (no
    // other object of its kind is desired any more).
    let engine = env.quick_engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let engine = env.quick_engine();
    let status = env.status_of(&engine).await;
    let service = status
        .resources
        .iter()
        .find(|r| r.kind == "Service")
        .unwrap_or_else(|| panic!("the Service is listed: {status:#?}"));
    assert_eq!(service.sync, SyncStatus::OutOfSync);
    assert_eq!(status.sync, SyncStatus::OutOfSync);
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let report = engine.sync("web", &with_prune()).await.unwrap();
    assert!(
        report
            .resources
            .iter()
            .any(|r| r.kind == "Service" && r.action == "deleted"),
        "{report:#?}"
    );
    let engine = env.quick_engine();
    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    assert!(status.resources.iter().all(|r| r.kind != "Service"));
}
