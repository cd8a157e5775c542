//! The CLI binary: `status -o json` has the shape of DESIGN.md §3, `sync`
//! applies, errors are one sentence with exit code 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, tether};
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn status_json_has_the_documented_shape() {
    let env = Env::new().await;
    let sync = tokio::task::block_in_place(|| tether(&env, &["sync", &env.app]));
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
    let stdout = String::from_utf8_lossy(&sync.stdout);
    assert!(stdout.contains("Deployment.apps"), "{stdout}");

    let out = tokio::task::block_in_place(|| tether(&env, &["status", "-o", "json"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let app = &json.as_array().unwrap()[0];
    for key in [
        "name",
        "project",
        "cluster",
        "namespace",
        "revision",
        "sync",
        "health",
        "paused",
        "message",
        "resources",
    ] {
        assert!(app.get(key).is_some(), "missing {key} in {app}");
    }
    assert_eq!(app["name"], "web");
    assert_eq!(app["project"], "shop");
    assert_eq!(app["cluster"], "test");
    assert_eq!(app["sync"], "Synced");
    assert_eq!(app["paused"], false);
    assert!(
        app.get("denied").is_none(),
        "the admin may do everything: {app}"
    );
    assert!(app.get("pause_unknown").is_none());
    let resource = &app["resources"][0];
    for key in [
        "group",
        "version",
        "kind",
        "namespace",
        "name",
        "sync",
        "health",
        "message",
    ] {
        assert!(resource.get(key).is_some(), "missing {key} in {resource}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_app_is_one_sentence_and_exit_2() {
    let env = Env::new().await;
    let out = tokio::task::block_in_place(|| tether(&env, &["sync", "nope"]));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        "tether: no app named \"nope\" in the configuration"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revert_commits_or_refuses_writing_nothing() {
    let env = Env::new().await;
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&env.repo_path)
            .args(args)
            .output()
    };
    env.commit(
        &[common::file(
            "apps/web/configmap.yaml",
            &common::CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    // A dirty file under the app path: refused, nothing written.
    let path = env.repo_path.join("apps/web/configmap.yaml");
    let committed = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, "dirty\n").unwrap();
    let refused = tokio::task::block_in_place(|| tether(&env, &["revert", &env.app]));
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("configmap.yaml"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "dirty\n");
    std::fs::write(&path, committed).unwrap();

    let out = tokio::task::block_in_place(|| tether(&env, &["revert", &env.app]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(id.len(), 40, "{id}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("LOG_LEVEL: info")
    );
    if let Ok(log) = git(&["log", "-1", "--format=%s"])
        && log.status.success()
    {
        assert_eq!(
            String::from_utf8_lossy(&log.stdout).trim(),
            "Revert \"Quieter logs\""
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn status_of_an_app_includes_its_tree() {
    let env = Env::new().await;
    let sync = tokio::task::block_in_place(|| tether(&env, &["sync", &env.app]));
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
    // The simulated rollout creates the ReplicaSet and Pods shortly after.
    let mut last = String::new();
    for _ in 0..60 {
        let out = tokio::task::block_in_place(|| tether(&env, &["status", &env.app, "-o", "json"]));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let tree = &json[0]["tree"];
        let deployment = tree
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "Deployment")
            .unwrap();
        let replica_sets = deployment["children"].as_array().unwrap();
        let scaled = deployment["events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e["reason"] == "ScalingReplicaSet"));
        if let Some(rs) = replica_sets.first()
            && rs["kind"] == "ReplicaSet"
            && rs["children"].as_array().unwrap().len() == 2
            && scaled
        {
            assert_eq!(rs["children"][0]["kind"], "Pod");
            assert!(rs["sync"].is_null(), "descendants have no sync state");
            return;
        }
        last = tree.to_string();
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!(
        "the tree never showed Deployment (with its ScalingReplicaSet event) → ReplicaSet → 2 Pods: {last}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_user_diffs_without_dry_run_and_is_told_why_sync_is_refused() {
    let env = Env::new().await;
    let sync = tokio::task::block_in_place(|| tether(&env, &["sync", &env.app]));
    assert!(sync.status.success());
    env.commit(
        &[common::file(
            "apps/web/configmap.yaml",
            &common::CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    env.faults().read_only_user("alice");
    let kubeconfig = env.kubeconfig_as("alice");
    let as_alice = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tether"))
            .arg("--config")
            .arg(&env.config)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(args)
            .output()
            .unwrap()
    };
    let diff = tokio::task::block_in_place(|| as_alice(&["diff", &env.app]));
    assert_eq!(
        diff.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    let stdout = String::from_utf8_lossy(&diff.stdout);
    assert!(
        stdout.starts_with("# 4 of 4 resources: compared the fields Git sets with live, without a server-side dry-run: user \"alice\" may not patch configmaps in namespace web (forbidden)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("+  LOG_LEVEL: warn"), "{stdout}");
    let status = tokio::task::block_in_place(|| as_alice(&["status", "-o", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        json[0]["denied"]["sync"],
        "user \"alice\" may not patch configmaps in namespace web (forbidden)"
    );
    assert_eq!(
        json[0]["denied"]["pause"],
        "user \"alice\" may not create configmaps in namespace tether-system (forbidden)"
    );
    let sync = tokio::task::block_in_place(|| as_alice(&["sync", &env.app]));
    assert_eq!(sync.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&sync.stderr).trim(),
        "tether: web: cannot sync: user \"alice\" may not patch configmaps in namespace web (forbidden)"
    );
}
