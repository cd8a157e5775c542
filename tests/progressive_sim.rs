//! Progressive delivery on the simulated cluster: a Rollout (the real
//! Argo Rollouts CRD installed) deployed by an app shows its step, weights
//! and pause reason in `status` and the tree (a Flagger Canary its phase and
//! weight); resource actions land on the
//! object as the patches of DESIGN.md §7, through the engine and `tether
//! action`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::gitops::{get, install_crds};
use common::{Env, file, tether};
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};
use tether::engine::SyncOptions;
use tether::model::ResourceKey;

const ROLLOUT: &str = "apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 4
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/example/checkout:2.0.0
  strategy:
    canary:
      steps:
        - setWeight: 25
        - pause: {}
        - setWeight: 50
        - pause: {duration: 30s}
";

/// What the Argo Rollouts controller would write at the first pause step.
fn paused_at_step_one(generation: i64) -> Value {
    json!({"status": {
        "observedGeneration": generation.to_string(),
        "phase": "Paused", "message": "CanaryPauseStep",
        "currentStepIndex": 1, "currentPodHash": "6b566f47b7", "stableRS": "df986d68",
        "replicas": 4, "updatedReplicas": 1, "availableReplicas": 4,
        "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2026-01-01T00:00:00Z"}],
        "canary": {"currentStepAnalysisRunStatus": {"status": "Running", "name": "checkout-1"}}
    }})
}

/// An app with the `web` Deployment and the `checkout` Rollout, synced,
/// the Rollout paused at its first pause step.
async fn rollout_env() -> Option<(Env, kube::Client)> {
    let crds = common::shared_dir("interop/fixtures/crds");
    let Some(crds) = crds else {
        common::skipped("interop CRDs not found (../shared/interop/fixtures/crds)");
        return None;
    };
    let env = Env::new().await;
    let client = env.kube().await;
    install_crds(&client, &crds, &["argo-rollouts"]).await;
    env.commit(&[file("apps/web/rollout.yaml", ROLLOUT)], "Add checkout");
    env.engine()
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let rollouts = env.api("argoproj.io/v1alpha1", "Rollout").await;
    let live = rollouts.get("checkout").await.unwrap();
    let generation = live.metadata.generation.unwrap();
    rollouts
        .patch_status(
            "checkout",
            &PatchParams::default(),
            &Patch::Merge(paused_at_step_one(generation)),
        )
        .await
        .unwrap();
    Some((env, client))
}

fn rollout_like(env: &Env) -> Value {
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
           "metadata": {"name": "checkout", "namespace": env.namespace}})
}

#[tokio::test(flavor = "multi_thread")]
async fn status_and_tree_show_the_rollouts_step_weight_and_pause() {
    let Some((env, _client)) = rollout_env().await else {
        return;
    };
    let engine = env.engine();
    let want = "Paused: CanaryPauseStep · step 1/4 · weight 25 · analysis Running";
    let tree = engine.tree(&env.app).await.unwrap();
    let node = tree.iter().find(|n| n.kind == "Rollout").unwrap();
    assert_eq!(node.info, want);
    assert_eq!(node.health, tether::model::HealthStatus::Suspended);

    let out = tokio::task::block_in_place(|| tether(&env, &["status", &env.app, "-o", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources = json[0]["resources"].as_array().unwrap();
    let rollout = resources.iter().find(|r| r["kind"] == "Rollout").unwrap();
    assert_eq!(rollout["info"], want);
    assert_eq!(rollout["health"], "Suspended");
    // Kinds without progress details carry no `info` field.
    let service = resources.iter().find(|r| r["kind"] == "Service").unwrap();
    assert!(service.get("info").is_none(), "{service}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_actions_land_on_the_object_and_its_status() {
    let Some((env, client)) = rollout_env().await else {
        return;
    };
    let engine = env.engine();
    let key = ResourceKey::new("argoproj.io", "Rollout", Some(&env.namespace), "checkout");
    let choices = engine.resource_actions(&env.app, &key).await.unwrap();
    let enabled: Vec<&str> = choices
        .iter()
        .filter(|c| c.disabled.is_none())
        .map(|c| c.name)
        .collect();
    assert_eq!(
        enabled,
        [
            "promote",
            "promote-full",
            "skip-current-step",
            "abort",
            "pause",
            "resume",
            "restart"
        ]
    );

    // pause: spec.paused on the object.
    engine
        .resource_action(&env.app, &key, "pause")
        .await
        .unwrap();
    let live = get(&client, &rollout_like(&env)).await;
    assert_eq!(live["spec"]["paused"], true);

    // promote: unpaused, the pause conditions cleared through /status.
    let plan = engine
        .resource_action_plan(&env.app, "Rollout/checkout", "promote")
        .await
        .unwrap();
    assert!(
        plan.describe().contains("status subresource"),
        "{}",
        plan.describe()
    );
    engine
        .resource_action(&env.app, &key, "promote")
        .await
        .unwrap();
    let live = get(&client, &rollout_like(&env)).await;
    assert_eq!(live["spec"]["paused"], false);
    assert!(
        live["status"].get("pauseConditions").is_none(),
        "{}",
        live["status"]
    );
    assert_eq!(live["status"]["currentStepIndex"], 1);

    // abort and retry: status.abort through /status.
    engine
        .resource_action(&env.app, &key, "abort")
        .await
        .unwrap();
    let live = get(&client, &rollout_like(&env)).await;
    assert_eq!(live["status"]["abort"], true);
    let refused = engine.resource_action(&env.app, &key, "abort").await;
    assert!(
        refused.unwrap_err().to_string().contains("aborted already"),
        "an abort of an aborted Rollout is refused"
    );
    engine
        .resource_action(&env.app, &key, "retry")
        .await
        .unwrap();
    let live = get(&client, &rollout_like(&env)).await;
    assert_eq!(live["status"]["abort"], false);

    // promote-full and restart.
    engine
        .resource_action(&env.app, &key, "promote-full")
        .await
        .unwrap();
    engine
        .resource_action(&env.app, &key, "restart")
        .await
        .unwrap();
    let live = get(&client, &rollout_like(&env)).await;
    assert_eq!(live["status"]["promoteFull"], true);
    assert!(live["spec"]["restartAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_actions_on_the_sim() {
    common::actions::deployment_actions(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tether_action_restarts_a_deployment_and_refuses_without_yes() {
    let env = Env::new().await;
    env.engine()
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let deployments = env.api("apps/v1", "Deployment").await;
    let annotation = |d: &kube::api::DynamicObject| {
        d.data
            .pointer("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
            .cloned()
    };

    // No terminal and no --yes: the patch is printed, nothing is sent.
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["action", &env.app, "deploy/web", "restart"])
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kubectl.kubernetes.io/restartedAt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(annotation(&deployments.get("web").await.unwrap()), None);

    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "Deployment/web", "restart", "--yes"],
        )
    });
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(annotation(&deployments.get("web").await.unwrap()).is_some());

    let out = tokio::task::block_in_place(|| {
        tether(&env, &["action", &env.app, "deploy/web", "pause", "--yes"])
    });
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        deployments.get("web").await.unwrap().data["spec"]["paused"],
        true
    );

    // An object the app does not deploy, an unknown action: one sentence, exit 2.
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "deploy/nope", "restart", "--yes"],
        )
    });
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("deploys no Deployment/nope"),
        "{}",
        stderr(&out)
    );
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "deploy/web", "explode", "--yes"],
        )
    });
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no action \"explode\""),
        "{}",
        stderr(&out)
    );
}

const CANARY: &str = "apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: web
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  service: {port: 80}
  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
";

#[tokio::test(flavor = "multi_thread")]
async fn canary_actions_suspend_resume_and_skip_its_analysis() {
    let Some(crds) = common::shared_dir("interop/fixtures/crds") else {
        common::skipped("interop CRDs not found (../shared/interop/fixtures/crds)");
        return;
    };
    let env = Env::new().await;
    install_crds(&env.kube().await, &crds, &["flagger"]).await;
    env.commit(&[file("apps/web/canary.yaml", CANARY)], "Add a canary");
    let engine = env.engine();
    engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let canaries = env.api("flagger.app/v1beta1", "Canary").await;
    let status = json!({"status": {"phase": "Progressing", "canaryWeight": 10, "iterations": 1,
        "conditions": [{"type": "Promoted", "status": "Unknown", "reason": "Progressing",
                        "message": "New revision detected, progressing canary analysis."}]}});
    canaries
        .patch_status("web", &PatchParams::default(), &Patch::Merge(status))
        .await
        .unwrap();
    let tree = engine.tree(&env.app).await.unwrap();
    let node = tree.iter().find(|n| n.kind == "Canary").unwrap();
    assert_eq!(
        node.info,
        "Progressing · weight 10% · iteration 1 · New revision detected, progressing canary analysis."
    );
    assert_eq!(node.actions, ["suspend", "skip-analysis"]);

    let key = ResourceKey::new("flagger.app", "Canary", Some(&env.namespace), "web");
    let spec = || async { canaries.get("web").await.unwrap().data["spec"].clone() };
    engine
        .resource_action(&env.app, &key, "suspend")
        .await
        .unwrap();
    assert_eq!(spec().await["suspend"], true);
    let refused = engine.resource_action(&env.app, &key, "suspend").await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("suspended already")
    );
    engine
        .resource_action(&env.app, &key, "resume")
        .await
        .unwrap();
    assert_eq!(spec().await["suspend"], false);
    engine
        .resource_action(&env.app, &key, "skip-analysis")
        .await
        .unwrap();
    assert_eq!(spec().await["skipAnalysis"], true);
    // The patches leave what Git describes in place.
    assert_eq!(spec().await["analysis"]["maxWeight"], 50);
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}
