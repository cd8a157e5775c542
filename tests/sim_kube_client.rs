#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The kube-rs client (as the cluster layer uses it) against the simulator:
//! server-side apply, get/list, a runtime watcher with bookmarks, and
//! injected faults.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Config};
use serde_json::json;
use tether::sim::{SimHandle, SimOptions, SimServer};

async fn client(sim: &SimHandle) -> Client {
    let kc = Kubeconfig::from_yaml(&sim.kubeconfig_yaml("sim")).unwrap();
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

async fn start() -> SimHandle {
    SimServer::start(SimOptions {
        pod_ready_delay: Duration::from_millis(100),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn apply_get_list_and_faults() {
    let sim = start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&sim).await, "default");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo"}, "data": {"k": "v"}});
    let applied = cms
        .patch(
            "demo",
            &PatchParams::apply("tether").force(),
            &Patch::Apply(&cm),
        )
        .await
        .unwrap();
    assert_eq!(applied.data.unwrap()["k"], "v");
    let got = cms.get("demo").await.unwrap();
    assert_eq!(got.metadata.namespace.as_deref(), Some("default"));
    let names: Vec<String> = cms
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    assert!(
        names.contains(&"demo".to_string()) && names.contains(&"kube-root-ca.crt".to_string()),
        "{names:?}"
    );

    sim.faults().fail("configmaps", "list", 403, "");
    let err = cms.list(&ListParams::default()).await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 403);
            assert!(
                s.message
                    .contains("User \"system:anonymous\" cannot list resource \"configmaps\""),
                "{}",
                s.message
            );
        }
        other => panic!("expected a 403 Status, got {other:?}"),
    }
    sim.faults().clear();
    assert!(cms.list(&ListParams::default()).await.is_ok());
    sim.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_sees_a_deployment_become_available() {
    let sim = start().await;
    let deploys: Api<Deployment> = Api::namespaced(client(&sim).await, "default");
    let stream = watcher(deploys.clone(), watcher::Config::default().timeout(3)).applied_objects();
    let deploy = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}},
    });
    deploys
        .patch("web", &PatchParams::apply("tether"), &Patch::Apply(&deploy))
        .await
        .unwrap();
    let available = tokio::time::timeout(Duration::from_secs(20), async {
        let mut stream = std::pin::pin!(stream);
        while let Some(d) = stream.try_next().await.unwrap() {
            if d.status.and_then(|s| s.available_replicas) == Some(2) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(available);
    sim.faults().drop_watches();
    sim.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_watches_end_and_latency_applies() {
    let sim = start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&sim).await, "default");
    let mut events = cms
        .watch(&kube::api::WatchParams::default().timeout(30), "0")
        .await
        .unwrap()
        .boxed();
    assert!(
        events.next().await.is_some(),
        "synthetic ADDED events first"
    );
    sim.faults().drop_watches();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while events.next().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends after drop_watches");
    sim.faults().latency(Duration::from_millis(300));
    let t = std::time::Instant::now();
    cms.list(&ListParams::default()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    sim.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_list_watcher_gets_initial_state() {
    let sim = start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&sim).await, "kube-system");
    let config = watcher::Config::default().streaming_lists().timeout(5);
    let mut stream = std::pin::pin!(watcher(cms, config).default_backoff());
    let saw_init_done = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(ev) = stream.try_next().await.unwrap() {
            if matches!(ev, watcher::Event::InitDone) {
                return true;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(saw_init_done);
    sim.shutdown();
}

/// Paging a list over every namespace follows the API server's order
/// (`namespace/name` as etcd sorts it): with namespaces `web` and
/// `web-dev` (`-` sorts before `/`), every object comes exactly once,
/// with a selector too.
#[tokio::test]
async fn paged_lists_over_namespaces_that_extend_each_other_lose_nothing() {
    let sim = start().await;
    let c = client(&sim).await;
    let mut wanted = Vec::new();
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(c.clone());
    for ns in ["web", "web-dev", "webx"] {
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        namespaces
            .patch(ns, &PatchParams::apply("t"), &Patch::Apply(&namespace))
            .await
            .unwrap();
        let cms: Api<ConfigMap> = Api::namespaced(c.clone(), ns);
        for i in 0..5 {
            let name = format!("cm-{i}");
            let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": name, "labels": {"paged": "yes"}}});
            cms.patch(&name, &PatchParams::apply("t"), &Patch::Apply(&cm))
                .await
                .unwrap();
            wanted.push(format!("{ns}/{name}"));
        }
    }
    wanted.sort();
    let all: Api<ConfigMap> = Api::all(c);
    for selector in [None, Some("paged=yes")] {
        let mut seen = Vec::new();
        let mut params = ListParams::default().limit(2);
        if let Some(s) = selector {
            params = params.labels(s);
        }
        loop {
            let page = all.list(&params).await.unwrap();
            seen.extend(page.items.into_iter().filter_map(|c| {
                let (ns, name) = (c.metadata.namespace?, c.metadata.name?);
                (ns.starts_with("web") && name.starts_with("cm-")).then(|| format!("{ns}/{name}"))
            }));
            match page.metadata.continue_.filter(|t| !t.is_empty()) {
                Some(token) => params = params.continue_token(&token),
                None => break,
            }
        }
        let order = seen.clone();
        seen.sort();
        assert_eq!(seen, wanted, "selector {selector:?}");
        assert_eq!(
            order.first().map(String::as_str),
            Some("web-dev/cm-0"),
            "`web-dev/…` sorts before `web/…`: {order:?}"
        );
    }
}
