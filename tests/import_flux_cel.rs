//! Flux CEL in Kustomizations that tether manages (`manage: true`), as
//! kustomize-controller evaluates it: `healthCheckExprs` judge a custom
//! resource (in the status shown and in the sync's wait: success when
//! `current` holds, at once a failure when `failed` holds); an expression
//! that does not compile fails the sync before anything is applied; a
//! `dependsOn[].readyExpr` replaces the built-in Ready check of the
//! dependency.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file};
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};
use std::process::Output;
use std::time::{Duration, Instant};

const WIDGETS: &str = "Kustomization/flux-system/widgets";
const FRONTEND: &str = "Kustomization/flux-system/frontend";
const BAD: &str = "Kustomization/flux-system/bad";
const LOOSE: &str = "Kustomization/flux-system/loose";

const CRD: &str = r#"{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.com"},
  "spec": {"group": "example.com", "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
        "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}}}]}}"#;

/// The widgets Kustomization, labelled `app/version: <version>`.
fn widgets(version: &str) -> String {
    format!(
        r#"---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: widgets, namespace: flux-system, labels: {{app/version: {version}}}}}
spec:
  interval: 1m
  sourceRef: {{kind: GitRepository, name: gitops}}
  path: ./apps/widgets
  targetNamespace: infra
  wait: true
  healthCheckExprs:
    - apiVersion: example.com/v1
      kind: Widget
      inProgress: "status.phase == 'Pending'"
      failed: "status.phase == 'Failed'"
      current: "status.phase == 'Ready'"
"#
    )
}

const OTHERS: &str = r#"---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: gitops, namespace: flux-system}
spec: {interval: 1m, url: https://github.com/acme/gitops.git}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: frontend, namespace: flux-system, labels: {app/version: v2}}
spec:
  interval: 1m
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/frontend
  targetNamespace: infra
  dependsOn:
    - name: widgets
      readyExpr: "dep.metadata.labels['app/version'] == self.metadata.labels['app/version']"
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: bad, namespace: flux-system}
spec:
  interval: 1m
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/bad
  targetNamespace: infra
  wait: true
  healthCheckExprs:
    - {apiVersion: example.com/v1, kind: Widget, current: "status.phase =="}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: loose, namespace: flux-system}
spec:
  interval: 1m
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/loose
  targetNamespace: infra
  healthCheckExprs:
    - {apiVersion: example.com/v1, kind: Widget, current: "status.phase == 'Ready'"}
"#;

fn config_map(name: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n")
}

fn tether(env: &Env, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| common::tether(env, args))
}

fn status(env: &Env, app: &str) -> Value {
    let out = tether(env, &["status", app, "-o", "json"]);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    rows[0].clone()
}

fn widget_health(status: &Value) -> (String, String) {
    let widget = status["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "Widget")
        .unwrap_or_else(|| panic!("no Widget in {status}"));
    (
        widget["health"].as_str().unwrap().to_string(),
        widget["message"].as_str().unwrap().to_string(),
    )
}

/// `tether sync app` in a thread: its output and how long it took.
fn sync_in_background(env: &Env, app: &str) -> std::thread::JoinHandle<(Output, Duration)> {
    let (config, kubeconfig) = (env.config.clone(), env.kubeconfig.clone());
    let app = app.to_string();
    std::thread::spawn(move || {
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
            .arg("--config")
            .arg(config)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["sync", &app])
            .output()
            .unwrap();
        (out, started.elapsed())
    })
}

async fn set_phase(env: &Env, phase: &str) {
    let api = env.api_in("example.com/v1", "Widget", "infra").await;
    api.patch_status(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"phase": phase}})),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn health_check_exprs_and_ready_expr_decide_as_kustomize_controller() {
    let env = Env::new().await;
    let crd: Value = serde_json::from_str(CRD).unwrap();
    common::gitops::create_with_status(&env.kube().await, &crd).await;
    env.commit(
        &[
            file(
                "clusters/test/flux.yaml",
                &(OTHERS.to_string() + &widgets("v1")),
            ),
            file(
                "apps/widgets/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: infra}\n",
            ),
            file(
                "apps/widgets/widget.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 1}\n",
            ),
            file("apps/frontend/web.yaml", &config_map("web")),
            file("apps/bad/bad.yaml", &config_map("bad")),
            file(
                "apps/loose/widget.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 2}\n",
            ),
        ],
        "Flux Kustomizations with CEL",
    );
    env.manage_imports("clusters/test");

    // An expression that does not compile: the sync fails before it
    // applies anything, naming the Kustomization, the kind and the
    // expression; the status says the same.
    let out = tether(&env, &["sync", BAD]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "Kustomization flux-system/bad: spec.healthCheckExprs[0] (example.com/v1 Widget) current \"status.phase ==\": syntax error"
        ),
        "{stderr}"
    );
    let config_maps = env.api_in("v1", "ConfigMap", "infra").await;
    assert!(config_maps.get_opt("bad").await.unwrap().is_none());
    let bad = status(&env, BAD);
    assert_eq!(bad["health"], "Unknown", "{bad}");

    // The sync waits for the Widget as the expressions judge it: without
    // a status they cannot be evaluated (Unknown), Pending is in
    // progress, Ready is current.
    let sync = sync_in_background(&env, WIDGETS);
    let widgets_api = env.api_in("example.com/v1", "Widget", "infra").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while widgets_api.get_opt("w1").await.unwrap().is_none() {
        if sync.is_finished() {
            let (out, _) = sync.join().unwrap();
            panic!("the sync ended: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(Instant::now() < deadline, "the Widget was never applied");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (health, message) = widget_health(&status(&env, WIDGETS));
    assert_eq!(health, "Unknown", "{message}");
    assert!(
        message.starts_with(
            "spec.healthCheckExprs[0] (example.com/v1 Widget) inProgress: expression \"status.phase == 'Pending'\" failed"
        ),
        "{message}"
    );
    set_phase(&env, "Pending").await;
    let shown = status(&env, WIDGETS);
    assert_eq!(
        widget_health(&shown),
        (
            "Progressing".to_string(),
            "inProgress holds: status.phase == 'Pending'".to_string()
        )
    );
    assert_eq!(shown["health"], "Progressing", "{shown}");
    assert!(!sync.is_finished(), "the sync still waits");
    set_phase(&env, "Ready").await;
    let (out, took) = tokio::task::block_in_place(|| sync.join().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(took < Duration::from_secs(25), "{took:?}");
    let shown = status(&env, WIDGETS);
    assert_eq!(shown["health"], "Healthy", "{shown}");
    assert_eq!(widget_health(&shown).0, "Healthy");

    // Without `wait` or `healthChecks` nothing is health-checked: Ready
    // once applied, whatever the expressions would say of w2.
    let out = tether(&env, &["sync", LOOSE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loose = status(&env, LOOSE);
    assert_eq!(loose["health"], "Healthy", "{loose}");

    // `failed` holds: Degraded, and a sync fails at once (the controller's
    // fail-fast wait), not after its timeout.
    set_phase(&env, "Failed").await;
    let shown = status(&env, WIDGETS);
    assert_eq!(shown["health"], "Degraded", "{shown}");
    assert_eq!(
        shown["message"],
        "health check: Widget.example.com/infra/w1 Degraded: failed holds: status.phase == 'Failed'"
    );
    let started = Instant::now();
    let out = tether(&env, &["sync", WIDGETS]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        stderr.contains(
            "failed early due to stalled resources: [Widget.example.com/infra/w1 status: 'Degraded' (failed holds: status.phase == 'Failed')]"
        ),
        "{stderr}"
    );

    // readyExpr: frontend (v2) waits while widgets is labelled v1 …
    let frontend = status(&env, FRONTEND);
    assert!(
        frontend["message"].as_str().unwrap().starts_with(
            "waits for app Kustomization/flux-system/widgets: not ready according to its readyExpr"
        ),
        "{frontend}"
    );
    // … and goes on once the labels match, although widgets is not Ready:
    // the expression replaces the built-in check.
    env.commit(
        &[file(
            "clusters/test/flux.yaml",
            &(OTHERS.to_string() + &widgets("v2")),
        )],
        "widgets v2",
    );
    let frontend = status(&env, FRONTEND);
    assert!(
        !frontend["message"].as_str().unwrap().contains("waits for"),
        "{frontend}"
    );
    let out = tether(&env, &["sync", FRONTEND]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(config_maps.get_opt("web").await.unwrap().is_some());
}
