//! Progressive delivery as scenarios for the sim (tests/progressive_sim.rs)
//! and a real cluster (tests/real_pipeline.rs): a Rollout (the real Argo
//! Rollouts CRD installed, no controller running) deployed by an app
//! shows its step, weights and pause reason in `status` and the tree, a
//! Flagger Canary its phase and weight; resource actions land on the
//! object as the patches of DESIGN.md §7. On a real cluster the CRDs are
//! installed only when the cluster has none of them, and deleted
//! afterwards.

use super::gitops::{crd_documents, get, install_crds};
use super::{Env, file, tether};
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
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

/// Installs the CRDs of the interop files named by `names` for the test.
/// On a real cluster only when it has none of them (a controller of an
/// installed one could act on the test's objects, and the test must not
/// delete a CRD it did not install); they are deleted with the env. False
/// after a SKIPPED line when the CRDs cannot be installed.
pub async fn install_crds_for(env: &Env, names: &[&str]) -> bool {
    let Some(crds) = super::shared_dir("interop/fixtures/crds") else {
        super::skipped("interop CRDs not found (../shared/interop/fixtures/crds)");
        return false;
    };
    let client = env.kube().await;
    if env.is_real() {
        let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
        ));
        let installed: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
        let documents = crd_documents(&crds, names);
        let names: Vec<String> = documents
            .iter()
            .map(|d| d["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        for name in &names {
            if installed.get_opt(name).await.unwrap().is_some() {
                super::skipped(&format!(
                    "the cluster has the CRD {name} already; the test installs and deletes its own"
                ));
                return false;
            }
        }
        for name in &names {
            env.installed_crd(name);
        }
    }
    install_crds(&client, &crds, names).await;
    true
}

/// Sets `env` up for the Rollout scenarios: its app deploys the `web`
/// Deployment and the `checkout` Rollout, synced, the Rollout paused at
/// its first pause step. False after a SKIPPED line when the CRD cannot
/// be installed.
pub async fn rollout_env(env: &Env) -> bool {
    if !install_crds_for(env, &["argo-rollouts"]).await {
        return false;
    }
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
    true
}

fn rollout_like(env: &Env) -> Value {
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
           "metadata": {"name": "checkout", "namespace": env.namespace}})
}

/// On an env set up by [`rollout_env`]: `status` and the tree show the
/// Rollout's step, weight, pause reason and analysis.
pub async fn status_and_tree_show_the_rollouts_step_weight_and_pause(env: &Env) {
    let engine = env.engine();
    let want = "Paused: CanaryPauseStep · step 1/4 · weight 25 · analysis Running";
    let tree = engine.tree(&env.app).await.unwrap();
    let node = tree.iter().find(|n| n.kind == "Rollout").unwrap();
    assert_eq!(node.info, want);
    assert_eq!(node.health, tether::model::HealthStatus::Suspended);

    let out = tokio::task::block_in_place(|| tether(env, &["status", &env.app, "-o", "json"]));
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

/// On an env set up by [`rollout_env`]: every Rollout action lands on
/// the object (spec) or its status subresource as DESIGN.md §7 says.
pub async fn rollout_actions_land_on_the_object_and_its_status(env: &Env) {
    let client = env.kube().await;
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
    let live = get(&client, &rollout_like(env)).await;
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
    let live = get(&client, &rollout_like(env)).await;
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
    let live = get(&client, &rollout_like(env)).await;
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
    let live = get(&client, &rollout_like(env)).await;
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
    let live = get(&client, &rollout_like(env)).await;
    assert_eq!(live["status"]["promoteFull"], true);
    assert!(live["spec"]["restartAt"].as_str().unwrap().ends_with('Z'));
    env.cleanup().await;
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

/// A Flagger Canary (its CRD installed for the test) shows its phase and
/// weight in the tree; suspend, resume and skip-analysis land on it.
pub async fn canary_actions_suspend_resume_and_skip_its_analysis(env: &Env) {
    if !install_crds_for(env, &["flagger"]).await {
        return;
    }
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
    env.cleanup().await;
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}
