//! Least privilege: a read-only user keeps status, diff and every view,
//! and each action says which verb on which resource it lacks; a user
//! without access to tether-system sees the pause state as unknown and
//! automation does not act; the ClusterRoles of assets/deploy/ give the
//! engine exactly what it uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::automation::{AUTO_HEAL, wait_snapshot};
use common::faults::with_prune;
use common::{CONFIGMAP, Env, file, removed};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tether::cluster::{ClusterSet, KubeOptions, acquire_lease};
use tether::engine::{Engine, SyncOptions, WRITE_ACTIONS};
use tether::model::{ResourceKey, SyncStatus};
use tether::sim::{AccessRule, FaultHandle};

fn deploy_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/deploy")
        .join(name)
}

/// The documents of a YAML stream.
fn documents(path: &PathBuf) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .filter(|v: &Value| !v.is_null())
        .collect()
}

/// The ClusterRole `name` of `file`.
fn cluster_role(file: &str, name: &str) -> Value {
    documents(&deploy_file(file))
        .into_iter()
        .find(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{file} has no ClusterRole {name}"))
}

fn readonly_rules() -> Vec<AccessRule> {
    AccessRule::from_role(&cluster_role("tether-readonly.yaml", "tether-readonly")).unwrap()
}

fn operator_rules() -> Vec<AccessRule> {
    AccessRule::from_role(&cluster_role("tether-operator.yaml", "tether-operator")).unwrap()
}

/// Requests that change something, across every resource.
fn writes(faults: &FaultHandle) -> u64 {
    ["patch", "create", "update", "delete"]
        .iter()
        .map(|v| faults.requests("*", v))
        .sum::<u64>()
        - faults.requests("selfsubjectaccessreviews", "create")
        - faults.requests("selfsubjectreviews", "create")
}

/// A synced app whose Git moved on: the ConfigMap changed, the Service
/// is gone (an extra a prune would delete).
async fn drifted_env() -> Env {
    let env = Env::new().await;
    env.quick_engine()
        .sync("web", &SyncOptions::default())
        .await
        .unwrap();
    env.commit(
        &[
            file(
                "apps/web/configmap.yaml",
                &CONFIGMAP.replace("info", "warn"),
            ),
            removed("apps/web/service.yaml"),
        ],
        "Quieter logs, no service",
    );
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_user_sees_everything_and_each_action_names_the_missing_verb() {
    let env = drifted_env().await;
    let faults = env.faults();
    faults.restrict_user("alice", readonly_rules());
    let engine = env.engine_as("alice");

    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::OutOfSync, "{status:#?}");
    assert_eq!(status.pause_unknown, None);
    let diff = engine.diff("web", None).await.unwrap();
    assert_eq!(
        diff.note,
        "3 of 3 resources: compared the fields Git sets with live, without a server-side dry-run: user \"alice\" may not patch configmaps in namespace web (forbidden)"
    );
    let cm = diff
        .resources
        .iter()
        .find(|r| r.kind == "ConfigMap")
        .unwrap();
    assert_eq!(cm.change, "update");
    assert!(cm.diff.contains("+  LOG_LEVEL: warn"), "{}", cm.diff);
    let deploy = diff
        .resources
        .iter()
        .find(|r| r.kind == "Deployment")
        .unwrap();
    assert_eq!(deploy.change, "none", "server defaults are no drift");
    assert!(!engine.tree("web").await.unwrap().is_empty());
    assert_eq!(engine.history("web").await.unwrap().syncs.len(), 1);
    engine.events("web", None).await.unwrap();
    let key = ResourceKey::new("", "ConfigMap", Some("web"), "web-config");
    let yaml = engine.live_yaml("web", &key, "v1").await.unwrap();
    assert!(yaml.contains("LOG_LEVEL: info"), "{yaml}");

    // The actions are refused before any request that writes.
    let writes_before = writes(&faults);
    let patch = "user \"alice\" may not patch configmaps in namespace web (forbidden)";
    let state = "user \"alice\" may not create configmaps in namespace tether-system (forbidden)";
    let refused = [
        (
            engine.sync("web", &SyncOptions::default()).await,
            format!("web: cannot sync: {patch}"),
        ),
        (
            engine.sync("web", &with_prune()).await,
            format!("web: cannot sync: {patch}"),
        ),
        (
            engine
                .sync(
                    "web",
                    &SyncOptions {
                        dry_run: true,
                        ..Default::default()
                    },
                )
                .await,
            format!("web: cannot sync (dry-run): {patch}"),
        ),
        (
            engine.rollback("web", 1, "alice@laptop").await,
            format!("web: cannot rollback: {state}"),
        ),
    ];
    for (result, expected) in refused {
        assert_eq!(result.unwrap_err().to_string(), expected);
    }
    let err = engine.pause("web", "", "alice@laptop").await.unwrap_err();
    assert_eq!(err.to_string(), format!("web: cannot pause: {state}"));
    let err = engine.resume("web").await.unwrap_err();
    assert_eq!(err.to_string(), format!("web: cannot resume: {state}"));
    assert_eq!(
        writes(&faults),
        writes_before,
        "a refused action wrote something"
    );

    // The engine loop publishes the same explanations for the UI.
    let handle = Arc::new(engine).spawn(Duration::from_millis(200));
    let app = wait_snapshot(&handle, "denials", |a| {
        a.denied.len() == WRITE_ACTIONS.len()
    })
    .await;
    assert_eq!(app.denied["sync"], patch);
    assert_eq!(app.denied["prune"], patch);
    assert_eq!(app.denied["pause"], state);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_tether_system_the_pause_state_is_unknown_and_automation_waits() {
    let env = Env::new().await;
    env.set_sync_policy(AUTO_HEAL);
    let faults = env.faults();
    faults.deny_namespace("bob", "tether-system");
    let engine = env.engine_as("bob");
    let denied = "user \"bob\" may not get configmaps in namespace tether-system (forbidden)";

    let status = env.status_of(&engine).await;
    assert_eq!(status.sync, SyncStatus::OutOfSync, "status still works");
    assert!(!status.paused);
    let unknown = status.pause_unknown.clone().unwrap_or_default();
    assert!(unknown.ends_with(denied), "{unknown}");
    let err = engine.pause("web", "", "bob@laptop").await.unwrap_err();
    assert_eq!(err.to_string(), format!("web: cannot pause: {denied}"));
    let err = engine
        .sync("web", &SyncOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("web: cannot sync: {denied}"));

    // The app is automated and OutOfSync, but nobody knows whether it is
    // paused and no Lease can be taken: automation does nothing, and says why.
    let writes_before = writes(&faults);
    let leases = faults.requests("leases", "*");
    let handle = Arc::new(engine).spawn(Duration::from_millis(100));
    let app = wait_snapshot(&handle, "automation held back", |a| {
        a.message
            .starts_with("automation stopped: the pause state is unknown")
    })
    .await;
    assert!(app.message.contains(denied), "{}", app.message);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(writes(&faults), writes_before);
    assert_eq!(faults.requests("leases", "*"), leases);
}

/// Sync, sync with prune, pause, resume and the Lease as `user`; the first
/// failure, if any.
async fn operate(env: &Env, user: &str) -> Result<(), String> {
    let engine = env.engine_as(user);
    engine
        .sync("web", &SyncOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    env.commit(
        &[
            file(
                "apps/web/configmap.yaml",
                &CONFIGMAP.replace("info", "warn"),
            ),
            removed("apps/web/service.yaml"),
        ],
        "Quieter logs, no service",
    );
    let report = engine
        .sync("web", &with_prune())
        .await
        .map_err(|e| e.to_string())?;
    if !report.resources.iter().any(|r| r.action == "deleted") {
        return Err(format!("nothing pruned: {report:#?}"));
    }
    engine
        .pause("web", "check", "op@laptop")
        .await
        .map_err(|e| e.to_string())?;
    engine.resume("web").await.map_err(|e| e.to_string())?;
    let clusters = ClusterSet::new(KubeOptions {
        kubeconfig: Some(env.kubeconfig_as(user)),
        context: None,
    });
    let client = clusters.client(None).await.map_err(|e| e.to_string())?;
    for _ in 0..2 {
        // Taken (create), then renewed (update).
        let lease = acquire_lease(&client, "web", "op-test")
            .await
            .map_err(|e| e.to_string())?;
        if !lease.held {
            return Err(format!("lease not held: {lease:?}"));
        }
    }
    let history = engine.history("web").await.map_err(|e| e.to_string())?;
    if history.syncs.len() != 2 {
        return Err(format!("sync records missing: {:#?}", history.syncs));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_role_covers_every_operation_and_each_write_verb_is_needed() {
    let env = Env::new().await;
    env.faults().restrict_user("op", operator_rules());
    operate(&env, "op").await.unwrap();

    // Without any one write verb, some operation fails and names it.
    let rules = operator_rules();
    let readonly = readonly_rules();
    for (index, rule) in rules.iter().enumerate() {
        for verb in &rule.verbs {
            let granted_read_only = readonly.iter().any(|r| {
                r.api_groups == rule.api_groups
                    && r.resources == rule.resources
                    && r.verbs.contains(verb)
            });
            if granted_read_only {
                continue;
            }
            let mut fewer = rules.clone();
            fewer[index].verbs.retain(|v| v != verb);
            let env = Env::new().await;
            env.faults().restrict_user("op", fewer);
            let err = operate(&env, "op").await.expect_err(&format!(
                "{verb} of {:?} {:?} is not needed",
                rule.api_groups, rule.resources
            ));
            assert!(
                err.contains(&format!("may not {verb} "))
                    || err.contains(&format!("cannot {verb} ")),
                "without {verb}: {err}"
            );
        }
    }
}

#[test]
fn the_controller_manifest_grants_the_operator_rules() {
    let controller = cluster_role("controller.yaml", "tether-controller");
    let operator = cluster_role("tether-operator.yaml", "tether-operator");
    assert_eq!(controller["rules"], operator["rules"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_read_only_role_refuses_every_write() {
    let env = Env::new().await;
    env.faults().restrict_user("ro", readonly_rules());
    let err = operate(&env, "ro").await.unwrap_err();
    assert!(
        err.starts_with("web: cannot sync: user \"ro\" may not patch "),
        "{err}"
    );
    let engine: Engine = env.engine_as("ro");
    assert_eq!(env.status_of(&engine).await.pause_unknown, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_bound_only_in_the_apps_namespaces_syncs_prunes_and_pauses() {
    // RoleBindings in the app's namespace and tether-system, none
    // cluster-wide: the tracked objects cannot be listed in every
    // namespace, so a prune looks where the app puts objects and where
    // its syncs applied them.
    let env = Env::new().await;
    // tether-system exists (an admin made it when installing tether).
    common::gitops::namespace(&env.kube().await, "tether-system").await;
    env.faults()
        .restrict_to_namespaces("ns-admin", &["web", "tether-system"]);
    operate(&env, "ns-admin").await.unwrap();
}
