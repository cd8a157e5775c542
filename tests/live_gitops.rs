//! Live Argo CD and Flux (DESIGN.md §6): the real CRDs installed in the
//! simulated cluster, the real objects of `shared/interop/fixtures`
//! created with their status, listed as apps; every action's patch
//! checked on the object afterwards, answered by the controller
//! stand-ins of tests/common/standins.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::gitops::{create_with_status, documents, get, install_crds, try_create_with_status};
use common::standins::{argo_controller, flux_controller};
use common::{Env, shared_dir, skipped, tether};
use serde_json::{Value, json};
use std::path::PathBuf;

fn run(env: &Env, args: &[&str]) -> std::process::Output {
    tokio::task::block_in_place(|| tether(env, args))
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// An env whose tether.yaml only watches the sim's context, with the
/// GitOps CRDs installed; None (with a SKIPPED line) without shared/.
async fn live_env() -> Option<(Env, PathBuf)> {
    let Some(fixtures) = shared_dir("interop/fixtures") else {
        skipped("shared/interop/fixtures not found; the live Argo CD / Flux tests did not run");
        return None;
    };
    let env = Env::new().await;
    std::fs::write(
        &env.config,
        format!("clusters:\n  - context: {}\n", env.context),
    )
    .unwrap();
    install_crds(
        &env.kube().await,
        &fixtures.join("crds"),
        &["argocd", "flux"],
    )
    .await;
    Some((env, fixtures))
}

/// An Argo CD Application deploying `apps/web` of the env's repository.
fn application(name: &str, automated: bool) -> Value {
    let mut app = json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": "https://github.com/acme/gitops.git", "path": "apps/web",
                       "targetRevision": "main"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"},
            "syncPolicy": {"syncOptions": ["CreateNamespace=true"], "retry": {"limit": 2}},
        },
        "status": {
            "sync": {"status": "OutOfSync", "revision": "0123456789abcdef0123456789abcdef01234567"},
            "health": {"status": "Missing"},
            "resources": [{"group": "apps", "version": "v1", "kind": "Deployment",
                           "namespace": "web", "name": "web", "status": "OutOfSync"}],
            "history": [{"id": 7, "revision": "aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1",
                         "deployedAt": "2026-11-01T10:00:00Z",
                         "source": {"repoURL": "https://github.com/acme/gitops.git", "path": "apps/web"}}],
        },
    });
    if automated {
        app["spec"]["syncPolicy"]["automated"] = json!({"prune": true, "selfHeal": true});
    }
    app
}

fn apps_json(env: &Env) -> Vec<Value> {
    let out = run(env, &["apps", "-o", "json"]);
    serde_json::from_str::<Value>(&ok(&out))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [Value], reference: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["ref"] == reference)
        .unwrap_or_else(|| panic!("no row {reference} in {rows:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn live_apps_are_listed_with_their_own_status() {
    let Some((env, fixtures)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    // Fixtures a real API server refuses (no spec.project) are left out.
    for app in documents(&fixtures.join("argocd/objects/apps-metrics-test-statuses.yaml")) {
        let _ = try_create_with_status(&client, &app).await;
    }
    for (state, name) in [
        ("healthy", "ks-healthy"),
        ("degraded", "ks-degraded"),
        ("progressing", "ks-progressing"),
    ] {
        let mut ks =
            documents(&fixtures.join(format!("flux/objects/kustomization-{state}.yaml"))).remove(0);
        ks["metadata"]["name"] = json!(name);
        create_with_status(&client, &ks).await;
    }
    let rows = apps_json(&env);
    let ctx = env.context.as_str();
    let my_app = row(&rows, &format!("{ctx}/argocd/my-app"));
    assert_eq!(my_app["engine"], "argocd");
    assert_eq!(my_app["origin"], "cluster");
    assert_eq!(my_app["kind"], "Application");
    assert_eq!(my_app["sync"], "Synced");
    assert_eq!(my_app["health"], "Healthy");
    assert_eq!(my_app["project"], "important-project");
    assert_eq!(my_app["namespace"], "dummy-namespace");
    assert_eq!(my_app["cluster"], ctx);
    assert_eq!(
        my_app["paused"], true,
        "no automated sync = paused: {my_app}"
    );
    let automated = row(&rows, &format!("{ctx}/argocd/my-app-2"));
    assert_eq!(automated["paused"], false);
    let healthy = row(&rows, &format!("{ctx}/default/ks-healthy"));
    assert_eq!(healthy["engine"], "flux");
    assert_eq!(healthy["health"], "Healthy");
    assert_eq!(healthy["suspended"], false);
    assert_eq!(
        row(&rows, &format!("{ctx}/default/ks-degraded"))["health"],
        "Degraded"
    );
    assert_eq!(
        row(&rows, &format!("{ctx}/default/ks-progressing"))["health"],
        "Progressing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn argo_sync_sets_the_operation_and_follows_it_to_the_end() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let app = create_with_status(&client, &application("web", false)).await;
    let _controller = argo_controller(client.clone());
    let reference = format!("{}/argocd/web", env.context);

    let plan = ok(&run(&env, &["sync", &reference, "--dry-run"]));
    assert!(plan.contains("set operation.sync ="), "{plan}");
    assert!(plan.contains("remove status.operationState"), "{plan}");
    assert!(
        plan.contains("only if unchanged since resourceVersion"),
        "{plan}"
    );
    assert_eq!(
        get(&client, &app).await.get("operation"),
        None,
        "a dry-run sends nothing"
    );

    let out = run(&env, &["sync", &reference, "--prune"]);
    let stdout = ok(&out);
    assert!(stdout.contains("synced"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Deployment/web: Synced"),
        "progress per resource: {stderr}"
    );
    let after = get(&client, &app).await;
    let op = &after["status"]["operationState"]["operation"];
    assert!(
        op["initiatedBy"]["username"]
            .as_str()
            .unwrap()
            .starts_with("tether:"),
        "{op}"
    );
    assert_eq!(op["info"][0], json!({"name": "Reason", "value": "tether"}));
    assert_eq!(op["sync"]["revision"], "main");
    assert_eq!(op["sync"]["prune"], true);
    assert_eq!(op["sync"]["syncStrategy"], json!({"hook": {}}));
    assert_eq!(op["sync"]["syncOptions"], json!(["CreateNamespace=true"]));
    assert_eq!(op["retry"], json!({"limit": 2}));
    assert_eq!(after["status"]["history"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn argo_refusals_change_nothing() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let mut running = application("busy", false);
    running["operation"] = json!({"sync": {"revision": "main"}});
    running["status"]["operationState"] = json!({"operation": {"sync": {"revision": "main"}},
        "phase": "Running", "startedAt": "2026-12-01T00:00:00Z"});
    let busy = create_with_status(&client, &running).await;
    let auto = create_with_status(&client, &application("auto", true)).await;
    let ctx = env.context.clone();

    let out = run(&env, &["sync", &format!("{ctx}/argocd/busy")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("an operation is already Running"));
    assert_eq!(
        get(&client, &busy).await["metadata"]["resourceVersion"],
        busy["metadata"]["resourceVersion"]
    );

    let out = run(
        &env,
        &[
            "sync",
            &format!("{ctx}/argocd/auto"),
            "--revision",
            "feature",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("auto-sync is on and follows main"),
        "{stderr}"
    );
    assert_eq!(get(&client, &auto).await.get("operation"), None);

    let out = run(&env, &["terminate", &format!("{ctx}/argocd/auto")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no operation is running"));
}

#[tokio::test(flavor = "multi_thread")]
async fn argo_pause_keeps_the_policy_and_resume_restores_it_exactly() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let app = create_with_status(&client, &application("web", true)).await;
    let reference = format!("{}/argocd/web", env.context);
    ok(&run(
        &env,
        &["pause", &reference, "--reason", "incident 42"],
    ));
    let paused = get(&client, &app).await;
    assert_eq!(paused["spec"]["syncPolicy"].get("automated"), None);
    let annotations = &paused["metadata"]["annotations"];
    assert_eq!(annotations["tether.dev/pause-reason"], "incident 42");
    assert_eq!(
        serde_json::from_str::<Value>(annotations["tether.dev/paused-automated"].as_str().unwrap())
            .unwrap(),
        json!({"prune": true, "selfHeal": true})
    );
    let rows = apps_json(&env);
    assert_eq!(row(&rows, &reference)["paused"], true);

    ok(&run(&env, &["resume", &reference]));
    let resumed = get(&client, &app).await;
    assert_eq!(
        resumed["spec"], app["spec"],
        "the spec is exactly as before"
    );
    let left = resumed["metadata"]["annotations"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert!(
        left.keys().all(|k| !k.starts_with("tether.dev/")),
        "{left:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn argo_rollback_pauses_then_syncs_the_history_entry() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let app = create_with_status(&client, &application("web", true)).await;
    let _controller = argo_controller(client.clone());
    let reference = format!("{}/argocd/web", env.context);
    let out = run(&env, &["rollback", &reference, "9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no history entry 9 (entries: 7)"));
    assert_eq!(
        get(&client, &app).await["spec"],
        app["spec"],
        "nothing changed"
    );

    ok(&run(&env, &["rollback", &reference, "7"]));
    let after = get(&client, &app).await;
    assert_eq!(
        after["spec"]["syncPolicy"].get("automated"),
        None,
        "paused first"
    );
    let op = &after["status"]["operationState"]["operation"]["sync"];
    assert_eq!(op["revision"], "aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1");
    assert_eq!(op["syncStrategy"], json!({"apply": {}}));
}

#[tokio::test(flavor = "multi_thread")]
async fn argo_refresh_and_terminate() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let app = create_with_status(&client, &application("web", false)).await;
    let reference = format!("{}/argocd/web", env.context);
    // No controller yet: the request is sent and left for it.
    ok(&run(&env, &["refresh", &reference, "--hard", "--no-wait"]));
    let sent = get(&client, &app).await;
    assert_eq!(
        sent["metadata"]["annotations"]["argocd.argoproj.io/refresh"],
        "hard"
    );
    assert!(sent["metadata"]["annotations"]["argocd.argoproj.io/refresh-timestamp"].is_string());
    let _controller = argo_controller(client.clone());
    ok(&run(&env, &["refresh", &reference]));
    assert!(get(&client, &app).await["status"]["reconciledAt"].is_string());

    let mut running = get(&client, &app).await;
    running["operation"] = json!({"sync": {"revision": "main"}});
    running["status"]["operationState"] = json!({"phase": "Running"});
    drop(_controller);
    let api = common::gitops::api_for(&client, &running);
    let patch = json!({"operation": running["operation"],
        "status": {"operationState": {"operation": running["operation"], "phase": "Running",
                                      "startedAt": "2026-12-01T00:00:00Z"}}});
    api.patch("web", &Default::default(), &kube::api::Patch::Merge(&patch))
        .await
        .unwrap();
    let out = ok(&run(&env, &["terminate", &reference, "--no-wait"]));
    assert!(out.contains("terminate"), "{out}");
    let sent = get(&client, &app).await;
    assert_eq!(sent["status"]["operationState"]["phase"], "Terminating");
    let _controller = argo_controller(client.clone());
    for _ in 0..100 {
        if get(&client, &app).await["status"]["operationState"]["message"] == "Operation terminated"
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the stand-in never ended the operation");
}

#[tokio::test(flavor = "multi_thread")]
async fn flux_reconcile_suspend_resume_and_no_rollback() {
    let Some((env, fixtures)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let ks = documents(&fixtures.join("flux/objects/kustomization-healthy.yaml")).remove(0);
    let ks = create_with_status(&client, &ks).await;
    let _controller = flux_controller(client.clone());
    let reference = format!("{}/default/podinfo", env.context);

    let out = ok(&run(&env, &["sync", &reference]));
    assert!(out.contains("synced"), "{out}");
    let after = get(&client, &ks).await;
    let token = after["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"]
        .as_str()
        .unwrap();
    assert_eq!(after["status"]["lastHandledReconcileAt"], token);

    ok(&run(&env, &["pause", &reference, "--reason", "freeze"]));
    let paused = get(&client, &ks).await;
    assert_eq!(paused["spec"]["suspend"], true);
    assert_eq!(
        paused["metadata"]["annotations"]["tether.dev/pause-reason"],
        "freeze"
    );
    let out = run(&env, &["sync", &reference]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is suspended; resume it first"));
    let rows = apps_json(&env);
    assert_eq!(row(&rows, &reference)["suspended"], true);

    ok(&run(&env, &["resume", &reference]));
    assert_eq!(get(&client, &ks).await["spec"]["suspend"], false);

    let out = run(&env, &["rollback", &reference, "1"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Flux has no rollback") && stderr.contains("tether revert"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_list_is_a_note_and_forbidden_patch_names_the_verb() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    create_with_status(&client, &application("web", true)).await;
    let sim = env.sim.as_ref().unwrap();
    sim.faults().fail("applications", "patch", 403, "");
    let out = run(&env, &["pause", &format!("{}/argocd/web", env.context)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("patch") && stderr.contains("applications"),
        "{stderr}"
    );

    sim.faults().fail("applications", "list", 403, "");
    let out = run(&env, &["apps", "-o", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("may not list applications.argoproj.io"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_without_the_crds_has_no_live_apps_and_no_error() {
    let env = Env::new().await;
    std::fs::write(
        &env.config,
        format!("clusters:\n  - context: {}\n", env.context),
    )
    .unwrap();
    let out = run(&env, &["apps", "-o", "json"]);
    assert_eq!(ok(&out).trim(), "[]");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Argo CD 3 keeps no per-resource health and a Flux inventory none at
/// all: the tree of a live app takes each node's health from the object
/// in the cluster (Missing when it is not there), with its descendants.
#[tokio::test(flavor = "multi_thread")]
async fn live_trees_take_health_from_the_cluster() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    create_with_status(
        &client,
        &json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "web"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
            "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                       "readyReplicas": 1, "availableReplicas": 1},
        }),
    )
    .await;
    let mut app = application("tree", false);
    app["status"]["resources"] = json!([
        {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web",
         "name": "web", "status": "Synced"},
        {"version": "v1", "kind": "ConfigMap", "namespace": "web", "name": "gone",
         "status": "OutOfSync"},
    ]);
    create_with_status(&client, &app).await;
    let mut ks = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "inv", "namespace": "flux-system"},
        "spec": {"interval": "5m", "path": "./apps/web", "prune": true,
                 "sourceRef": {"kind": "GitRepository", "name": "gitops"}},
        "status": {"inventory": {"entries": [
            {"id": "web_web_apps_Deployment", "v": "v1"},
            {"id": "web_gone_apps_Deployment", "v": "v1"},
        ]}},
    });
    ks["status"]["conditions"] = json!([]);
    create_with_status(&client, &ks).await;
    let ctx = env.context.as_str();
    let tree_of = |reference: String| {
        let out = run(&env, &["status", &reference, "-o", "json"]);
        let rows: Value = serde_json::from_str(&ok(&out)).unwrap();
        rows[0]["tree"].as_array().unwrap().clone()
    };
    let node = |tree: &[Value], kind: &str, name: &str| {
        tree.iter()
            .find(|n| n["kind"] == kind && n["name"] == name)
            .unwrap_or_else(|| panic!("no {kind}/{name} in {tree:?}"))
            .clone()
    };
    let argo = tree_of(format!("{ctx}/argocd/tree"));
    // The sim's controllers roll the Deployment out: Progressing until
    // its Pod runs, then Healthy — either way judged from the cluster.
    let web = node(&argo, "Deployment", "web");
    assert!(
        web["health"] == "Progressing" || web["health"] == "Healthy",
        "{web}"
    );
    assert_eq!(web["children"][0]["kind"], "ReplicaSet", "{web}");
    assert_eq!(web["children"][0]["children"][0]["kind"], "Pod", "{web}");
    assert_eq!(node(&argo, "ConfigMap", "gone")["health"], "Missing");
    let flux = tree_of(format!("{ctx}/flux-system/inv"));
    let web = node(&flux, "Deployment", "web");
    assert!(
        web["health"] == "Progressing" || web["health"] == "Healthy",
        "{web}"
    );
    assert_eq!(node(&flux, "Deployment", "gone")["health"], "Missing");
}

/// Three contexts at once, one of them down: the live apps of the other
/// two are listed, the command succeeds, and the down one is named.
#[tokio::test(flavor = "multi_thread")]
async fn three_contexts_one_down() {
    let Some((env, fixtures)) = live_env().await else {
        return;
    };
    let Some(sim) = env.sim.as_ref() else {
        skipped("three contexts with one down need the sim's clusters; not run on a real cluster");
        return;
    };
    let second = tether::sim::SimServer::start(tether::sim::SimOptions {
        name: "second".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let down = tether::sim::SimServer::start(tether::sim::SimOptions {
        name: "down".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let url = sim.url();
    tether::sim::write_kubeconfig(
        &env.kubeconfig,
        &[
            (env.context.as_str(), url.as_str()),
            ("second", second.url().as_str()),
            ("down", down.url().as_str()),
        ],
        &env.context,
    )
    .unwrap();
    down.shutdown();
    std::fs::write(
        &env.config,
        format!(
            "clusters:\n  - context: {}\n  - context: second\n  - context: down\n",
            env.context
        ),
    )
    .unwrap();
    let second_client = env.kube_for("second").await;
    install_crds(&second_client, &fixtures.join("crds"), &["argocd"]).await;
    create_with_status(&env.kube().await, &application("here", false)).await;
    create_with_status(&second_client, &application("there", true)).await;
    let out = run(&env, &["apps", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&ok(&out)).unwrap();
    let here = row(&rows, &format!("{}/argocd/here", env.context));
    assert_eq!(here["cluster"], env.context.as_str());
    let there = row(&rows, "second/argocd/there");
    assert_eq!(there["cluster"], "second");
    assert_eq!(there["paused"], false);
    assert!(
        rows.iter().all(|r| r["cluster"] != "down"),
        "nothing is listed from a context that cannot be reached: {rows:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("down"),
        "the down context is named: {stderr}"
    );
}

/// `tether diff` of a live Argo CD app whose repository maps to a local
/// checkout (`repos:`): its source rendered at the revision it runs,
/// compared with the cluster; exit 1 while the cluster lacks it.
#[tokio::test(flavor = "multi_thread")]
async fn diff_of_a_live_app_renders_its_checkout() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    std::fs::write(
        &env.config,
        format!(
            "repos:\n  - {{url: https://github.com/acme/gitops.git, path: ./gitops}}\nclusters:\n  - context: {}\n",
            env.context
        ),
    )
    .unwrap();
    let mut app = application("live-diff", false);
    app["spec"]["destination"]["namespace"] = json!(env.namespace);
    // Not synced yet: the app runs no revision, so its target (the
    // checkout's branch) is rendered.
    app["status"]["sync"] = json!({"status": "OutOfSync"});
    app["spec"]["source"]["targetRevision"] = json!("HEAD");
    create_with_status(&env.kube().await, &app).await;
    let out = run(
        &env,
        &[
            "diff",
            &format!("{}/argocd/live-diff", env.context),
            "-o",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff: Value = serde_json::from_slice(&out.stdout).unwrap();
    let web = diff["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "Deployment" && r["name"] == "web")
        .unwrap_or_else(|| panic!("{diff}"))
        .clone();
    assert_eq!(web["change"], "create", "{web}");
    assert_eq!(web["namespace"], env.namespace.as_str(), "{web}");
}
