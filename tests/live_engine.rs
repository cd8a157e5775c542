//! The engine's commands for live Argo CD and Flux apps, as the TUI sends
//! them (DESIGN.md §5, §6): a plan in words, the action run and followed
//! to the stand-in controller's answer with progress, the operation read
//! back from the watch cache, ApplicationSets in the snapshot with the
//! apps they generated, a 403 as the command's error, and the history of
//! live apps (`status.history` with the Git log), also through the CLI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::gitops::{create_with_status, documents, get, install_crds};
use common::standins::argo_controller;
use common::{Env, shared_dir, skipped};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tether::engine::{Engine, EngineCommand, EngineEvent, LiveAction};

/// An env watching the sim's context, the checkout mapped to the URL the
/// objects name, the GitOps CRDs installed; None without shared/.
async fn live_env() -> Option<(Env, std::path::PathBuf)> {
    let Some(fixtures) = shared_dir("interop/fixtures") else {
        skipped("shared/interop/fixtures not found; the live engine tests did not run");
        return None;
    };
    let env = Env::new().await;
    std::fs::write(
        &env.config,
        format!(
            "repos:\n  - {{url: https://github.com/acme/gitops.git, path: ./gitops}}\nclusters:\n  - context: {}\n",
            env.context
        ),
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

async fn engine(env: &Env) -> Arc<Engine> {
    let kube = tether::cluster::KubeOptions {
        kubeconfig: Some(env.kubeconfig.clone()),
        context: None,
    };
    let engine = tether::cli::load_engine(
        Some(&env.config),
        kube,
        &tether::cli::LoadOptions::default(),
    )
    .unwrap();
    engine.refresh_live().await;
    Arc::new(engine)
}

fn application(name: &str) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": "https://github.com/acme/gitops.git", "path": "apps/web",
                       "targetRevision": "main"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"},
            "syncPolicy": {"automated": {"prune": true}},
        },
        "status": {
            "sync": {"status": "OutOfSync", "revision": "0123456789abcdef0123456789abcdef01234567"},
            "health": {"status": "Healthy"},
            "resources": [{"group": "apps", "version": "v1", "kind": "Deployment",
                           "namespace": "web", "name": "web", "status": "OutOfSync", "syncWave": 1}],
            "history": [{"id": 7, "revision": "aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1",
                         "deployedAt": "2026-11-01T10:00:00Z",
                         "initiatedBy": {"username": "ops"},
                         "source": {"repoURL": "https://github.com/acme/gitops.git",
                                    "path": "apps/web", "targetRevision": "main"}}],
        },
    })
}

async fn run(engine: &Engine, command: EngineCommand) -> (Vec<EngineEvent>, Vec<EngineEvent>) {
    let (tx, mut rx) = tokio::sync::broadcast::channel(256);
    let events = engine.execute(command, Some(&tx)).await;
    let mut progress = Vec::new();
    while let Ok(event) = rx.try_recv() {
        progress.push(event);
    }
    (events, progress)
}

fn done(events: &[EngineEvent]) -> (bool, String) {
    match events {
        [EngineEvent::CommandDone { ok, message, .. }] => (*ok, message.clone()),
        other => panic!("not one CommandDone: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn live_commands_plan_run_and_read_the_operation_back() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let object = create_with_status(&client, &application("web")).await;
    let _controller = argo_controller(client.clone());
    let engine = engine(&env).await;
    let app = format!("{}/argocd/web", env.context);
    let sync = LiveAction::Sync {
        prune: false,
        revision: None,
        resources: Vec::new(),
        with_source: false,
        force: false,
    };

    let (events, _) = run(
        &engine,
        EngineCommand::LivePlan {
            app: app.clone(),
            action: sync.clone(),
        },
    )
    .await;
    let [EngineEvent::LivePlan { plan, action, .. }] = events.as_slice() else {
        panic!("no plan: {events:?}")
    };
    assert_eq!(action, &sync);
    let words = plan.describe();
    assert!(words.contains("patch Application/argocd/web:"), "{words}");
    assert!(words.contains("set operation.sync ="), "{words}");
    assert_eq!(
        get(&client, &object).await.get("operation"),
        None,
        "a plan sends nothing"
    );

    let (events, progress) = run(
        &engine,
        EngineCommand::Live {
            app: app.clone(),
            action: sync,
        },
    )
    .await;
    let (ok, message) = done(&events);
    assert!(ok && message.starts_with("synced"), "{message}");
    let steps: Vec<String> = progress
        .iter()
        .filter_map(|e| match e {
            EngineEvent::SyncProgress {
                app: a,
                resource,
                action,
            } if *a == app => Some(format!("{resource} {action}")),
            _ => None,
        })
        .collect();
    assert!(
        steps.contains(&"Application/argocd/web patched".to_string()),
        "{steps:?}"
    );
    assert!(
        steps.contains(&"Deployment/web Synced: configured".to_string()),
        "{steps:?}"
    );
    assert!(
        steps.contains(&"operation Succeeded".to_string()),
        "{steps:?}"
    );

    // The operation, from the watch cache once it has seen the end.
    let mut operation = None;
    for _ in 0..100 {
        engine.refresh_live().await;
        let (events, _) = run(&engine, EngineCommand::Operation { app: app.clone() }).await;
        let [EngineEvent::Operation { operation: op, .. }] = events.as_slice() else {
            panic!("no operation: {events:?}")
        };
        if op.phase == "Succeeded" {
            operation = Some(op.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let operation = operation.expect("the cache never saw the sync end");
    assert!(
        operation.initiated_by.starts_with("tether:"),
        "{operation:?}"
    );
    let groups: Vec<String> = operation.groups().into_iter().map(|(h, _)| h).collect();
    assert_eq!(groups, ["Sync · wave 1"]);
    assert_eq!(operation.resources[0].status, "Synced");

    // The history: the controller's new record on top, then the Git log.
    let (events, _) = run(&engine, EngineCommand::History { app: app.clone() }).await;
    let [EngineEvent::History { history, .. }] = events.as_slice() else {
        panic!("no history: {events:?}")
    };
    let ids: Vec<u64> = history.syncs.iter().map(|s| s.id).collect();
    assert_eq!(ids, [8, 7]);
    assert!(history.syncs[0].by.starts_with("tether:"));
    assert_eq!(history.syncs[1].by, "ops");
    assert_eq!(history.commits.len(), 1, "apps/web's one commit");
    assert_eq!(history.commits[0].summary, "Add web");

    // An app that is not there is the command's error.
    let (events, _) = run(
        &engine,
        EngineCommand::Operation {
            app: "nowhere/argocd/none".into(),
        },
    )
    .await;
    assert!(!done(&events).0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_patch_is_the_commands_error() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let object = create_with_status(&client, &application("web")).await;
    let engine = engine(&env).await;
    let app = format!("{}/argocd/web", env.context);
    let sim = env.sim.as_ref().unwrap();
    sim.faults().user("ada");
    sim.faults().fail("applications", "patch", 403, "");
    let pause = LiveAction::Pause {
        reason: "incident 7".into(),
    };
    // The plan reads only: it is shown, with the ApplicationSet-less patch.
    let (events, _) = run(
        &engine,
        EngineCommand::LivePlan {
            app: app.clone(),
            action: pause.clone(),
        },
    )
    .await;
    assert!(
        matches!(events.as_slice(), [EngineEvent::LivePlan { plan, .. }] if plan.warnings.is_empty())
    );
    let (events, _) = run(&engine, EngineCommand::Live { app, action: pause }).await;
    let (ok, message) = done(&events);
    assert!(!ok);
    assert!(
        message.contains("cannot pause Application/argocd/web") && message.contains("ada"),
        "{message}"
    );
    sim.faults().clear();
    let after = get(&client, &object).await;
    assert_eq!(after["spec"], object["spec"], "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshots_list_appsets_with_the_apps_they_generated() {
    let Some((env, _)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    let appset = create_with_status(
        &client,
        &json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": "guestbook", "namespace": "argocd"},
            "spec": {"generators": [{"list": {"elements": [{"cluster": "eu"}]}}],
                     "template": {"metadata": {"name": "guestbook-{{cluster}}"},
                                  "spec": {"project": "default",
                                           "source": {"repoURL": "https://github.com/acme/gitops.git",
                                                      "path": "apps/web"},
                                           "destination": {"server": "https://kubernetes.default.svc",
                                                           "namespace": "web"}}}},
            "status": {"conditions": [{"type": "ResourcesUpToDate", "status": "True",
                                       "reason": "ApplicationSetUpToDate",
                                       "message": "All applications have been generated successfully"}]},
        }),
    )
    .await;
    let mut owned = application("guestbook-eu");
    owned["metadata"]["ownerReferences"] = json!([{
        "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "name": "guestbook",
        "uid": appset["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
    create_with_status(&client, &owned).await;
    create_with_status(&client, &application("standalone")).await;
    let engine = engine(&env).await;
    let handle = engine.clone().spawn(Duration::from_secs(60));
    let mut snapshots = handle.snapshots.clone();
    let snapshot = loop {
        let snapshot = snapshots.borrow_and_update().clone();
        if !snapshot.appsets.is_empty() && snapshot.apps.len() == 2 {
            break snapshot;
        }
        tokio::time::timeout(Duration::from_secs(10), snapshots.changed())
            .await
            .expect("no snapshot with the ApplicationSet")
            .unwrap();
    };
    let ctx = &env.context;
    let row = &snapshot.appsets[0];
    assert_eq!(row.reference, format!("{ctx}/argocd/guestbook"));
    assert_eq!(
        (row.apps, row.generators.as_slice()),
        (1, ["list".to_string()].as_slice())
    );
    assert_eq!(
        row.message,
        "All applications have been generated successfully"
    );
    let parent = |name: &str| {
        snapshot
            .apps
            .iter()
            .find(|a| a.name == name)
            .unwrap()
            .parent
            .clone()
    };
    assert_eq!(parent("guestbook-eu"), Some(row.reference.clone()));
    assert_eq!(parent("standalone"), None);
    // The watched context is one of the snapshot's clusters.
    assert!(
        snapshot
            .clusters
            .iter()
            .any(|c| &c.name == ctx && c.connected)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn history_of_live_apps_on_the_command_line() {
    let Some((env, fixtures)) = live_env().await else {
        return;
    };
    let client = env.kube().await;
    create_with_status(&client, &application("web")).await;
    let mut ks = documents(&fixtures.join("flux/objects/kustomization-healthy.yaml")).remove(0);
    let history =
        documents(&fixtures.join("flux/objects/kustomization-status-history-example.yaml"))
            .remove(0);
    ks["status"]["history"] = history["status"]["history"].clone();
    let ks = create_with_status(&client, &ks).await;
    let history_json = |reference: &str| {
        let out = tokio::task::block_in_place(|| {
            std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
                .arg("--config")
                .arg(&env.config)
                .arg("--kubeconfig")
                .arg(&env.kubeconfig)
                .args(["history", reference, "-o", "json"])
                .output()
                .unwrap()
        });
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let ctx = &env.context;
    let argo = history_json(&format!("{ctx}/argocd/web"));
    assert_eq!(argo["syncs"][0]["id"], 7);
    assert_eq!(
        argo["syncs"][0]["revision"],
        "aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1aaaaaaa1"
    );
    assert_eq!(argo["syncs"][0]["by"], "ops");
    assert_eq!(argo["syncs"][0]["message"], "apps/web @ main");
    assert_eq!(argo["commits"][0]["summary"], "Add web");
    let name = ks["metadata"]["name"].as_str().unwrap();
    let namespace = ks["metadata"]["namespace"].as_str().unwrap();
    let flux = history_json(&format!("{ctx}/{namespace}/{name}"));
    let syncs = flux["syncs"].as_array().unwrap();
    assert_eq!(syncs.len(), 2);
    assert_eq!(syncs[0]["result"], "ReconciliationSucceeded");
    assert_eq!(
        syncs[0]["revision"],
        "v1.0.1@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0"
    );
    assert_eq!(syncs[1]["result"], "HealthCheckFailed");
}
