//! An imported Argo CD app that tether manages (`manage: true`) syncs as
//! Argo CD's controller does: PreSync / Sync / PostSync / SyncFail hooks
//! run with their delete policies, `Skip` objects are never applied, hooks
//! are never compared or pruned; `Prune=false` objects are kept by a
//! prune; `IgnoreExtraneous` extras leave the app Synced.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, removed};
use serde_json::Value;
use std::process::{Command, Output};

const APP: &str = "Application/argocd/hooked";

fn tether(env: &Env, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| common::tether(env, args))
}

fn ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn config_map(name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\ndata: {{a: b}}\n"
    )
}

const MIGRATE: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
";

const APPLICATION: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: hooked, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/acme/gitops.git, path: apps/hooked}
  destination: {server: https://kubernetes.default.svc, namespace: hooked}
  syncPolicy:
    automated: {prune: true}
    syncOptions: [CreateNamespace=true]
";

fn live_config_map(env: &Env, name: &str) -> Option<Value> {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(["get", "configmap", name, "-n", "hooked", "-o", "json"])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).unwrap())
}

fn resource<'a>(status: &'a Value, name: &str) -> &'a Value {
    status[0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name} in {status}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn hooks_prune_false_and_ignore_extraneous_as_argo_cd() {
    let env = Env::new().await;
    env.commit(
        &[
            file("clusters/test/app.yaml", APPLICATION),
            file("apps/hooked/settings.yaml", &config_map("settings", "")),
            file(
                "apps/hooked/keep.yaml",
                &config_map("keep-me", "argocd.argoproj.io/sync-options: Prune=false"),
            ),
            file(
                "apps/hooked/ignore.yaml",
                &config_map(
                    "ignore-me",
                    "argocd.argoproj.io/compare-options: IgnoreExtraneous",
                ),
            ),
            file("apps/hooked/plain.yaml", &config_map("plain", "")),
            file("apps/hooked/migrate.yaml", MIGRATE),
            file(
                "apps/hooked/mid.yaml",
                &config_map(
                    "mid",
                    "argocd.argoproj.io/hook: Sync, argocd.argoproj.io/sync-wave: '1'",
                ),
            ),
            file(
                "apps/hooked/late.yaml",
                &config_map("late", "argocd.argoproj.io/sync-wave: '2'"),
            ),
            file(
                "apps/hooked/done.yaml",
                &config_map("done", "argocd.argoproj.io/hook: PostSync"),
            ),
            file(
                "apps/hooked/skipped.yaml",
                &config_map("skipped", "argocd.argoproj.io/hook: Skip"),
            ),
        ],
        "an Argo CD app with hooks",
    );
    env.manage_imports("clusters/test");

    let report = ok(&tether(&env, &["sync", APP, "-o", "json"]));
    let actions: Vec<String> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["name"].as_str().unwrap(),
                r["action"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "hooked created",
            "migrate PreSync hook",
            "ignore-me created",
            "keep-me created",
            "plain created",
            "settings created",
            "mid Sync hook",
            "late created",
            "done PostSync hook"
        ],
        "the namespace, PreSync, wave 0, the Sync hook of wave 1, wave 2, PostSync once all are healthy"
    );
    assert!(
        live_config_map(&env, "done").is_some(),
        "the PostSync hook ran"
    );
    assert!(
        live_config_map(&env, "skipped").is_none(),
        "Skip is never applied"
    );
    let jobs = env.api_in("batch/v1", "Job", "hooked").await;
    let migrate = jobs.get_opt("migrate").await.unwrap();
    assert!(
        migrate.is_none_or(|j| j.metadata.deletion_timestamp.is_some()),
        "HookSucceeded deletes the Job once it completed"
    );
    let out = tether(&env, &["diff", APP]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "hooks are not compared, nor extras: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Three objects leave Git.
    env.commit(
        &[
            removed("apps/hooked/keep.yaml"),
            removed("apps/hooked/ignore.yaml"),
            removed("apps/hooked/plain.yaml"),
        ],
        "remove three objects",
    );
    let out = tether(&env, &["status", APP, "-o", "json"]);
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(resource(&status, "plain")["sync"], "OutOfSync");
    assert_eq!(resource(&status, "keep-me")["sync"], "OutOfSync");
    assert!(
        resource(&status, "keep-me")["message"]
            .as_str()
            .unwrap()
            .contains("Prune=false")
    );
    assert_eq!(resource(&status, "ignore-me")["sync"], "Synced");
    assert!(
        resource(&status, "ignore-me")["message"]
            .as_str()
            .unwrap()
            .contains("IgnoreExtraneous")
    );
    let report = ok(&tether(&env, &["sync", APP, "--prune", "-o", "json"]));
    let action = |name: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["name"] == name
                    && r["kind"] == "ConfigMap"
                    && !r["action"].as_str().unwrap().ends_with("hook")
            })
            .map(|r| r["action"].as_str().unwrap().to_string())
    };
    assert_eq!(action("plain").as_deref(), Some("deleted"));
    assert_eq!(action("ignore-me").as_deref(), Some("deleted"));
    assert_eq!(action("keep-me").as_deref(), Some("kept (Prune=false)"));
    assert!(live_config_map(&env, "keep-me").is_some());
    assert!(live_config_map(&env, "plain").is_none());
    assert!(
        live_config_map(&env, "done").is_some(),
        "a hook is never pruned"
    );

    // A PreSync hook that cannot run fails the sync; SyncFail hooks run.
    env.commit(
        &[
            file(
                "apps/hooked/broken.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: broken\n  annotations: {argocd.argoproj.io/hook: PreSync}\n",
            ),
            file(
                "apps/hooked/failed.yaml",
                &config_map("failed", "argocd.argoproj.io/hook: SyncFail"),
            ),
        ],
        "a hook that cannot run",
    );
    let out = tether(&env, &["sync", APP]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PreSync hook") && stderr.contains("Widget"),
        "{stderr}"
    );
    assert!(
        live_config_map(&env, "failed").is_some(),
        "the SyncFail hook ran"
    );
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  selector: {app: web}
  ports: [{port: 80}]
";

/// A Job hook with only `metadata.generateName`.
fn generated_job(prefix: &str, phase: &str, delete: &str) -> String {
    MIGRATE
        .replace("  name: migrate\n", &format!("  generateName: {prefix}\n"))
        .replace("hook: PreSync", &format!("hook: {phase}"))
        .replace("HookSucceeded", delete)
}

fn job_names(env: &Env) -> Vec<String> {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(["get", "jobs", "-n", "hooked", "-o", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["metadata"]["deletionTimestamp"].is_null())
        .map(|j| j["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_name_hooks_and_sync_hooks_in_kind_order() {
    let env = Env::new().await;
    let commit = env.commit(
        &[
            file("clusters/test/app.yaml", APPLICATION),
            file("apps/hooked/plain.yaml", &config_map("plain", "")),
            file("apps/hooked/svc.yaml", SERVICE),
            file(
                "apps/hooked/hook-cm.yaml",
                &config_map("hook-cm", "argocd.argoproj.io/hook: Sync"),
            ),
            file(
                "apps/hooked/check.yaml",
                &generated_job("check-", "Sync", "HookSucceeded"),
            ),
            file(
                "apps/hooked/migrate.yaml",
                &generated_job("migrate-", "PreSync", "BeforeHookCreation"),
            ),
        ],
        "generateName hooks and a Sync hook per kind",
    );
    env.manage_imports("clusters/test");
    let out = tether(&env, &["manifests", APP]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let report = ok(&tether(&env, &["sync", APP, "-o", "json"]));
    let actions: Vec<String> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["name"].as_str().unwrap(),
                r["action"].as_str().unwrap()
            )
        })
        .collect();
    let revision = &commit[..7];
    let migrate = actions[1].split(' ').next().unwrap().to_string();
    assert!(
        migrate.starts_with(&format!("migrate-{revision}-presync-")),
        "{actions:?}"
    );
    let check = actions[5].split(' ').next().unwrap().to_string();
    assert!(
        check.starts_with(&format!("check-{revision}-sync-")),
        "{actions:?}"
    );
    assert_eq!(
        actions,
        [
            "hooked created".to_string(),
            format!("{migrate} PreSync hook"),
            "hook-cm Sync hook".to_string(),
            "plain created".to_string(),
            "svc created".to_string(),
            format!("{check} Sync hook"),
        ],
        "Sync hooks among the wave's objects by kind: ConfigMaps, Service, Job"
    );
    assert_eq!(
        job_names(&env),
        std::slice::from_ref(&migrate),
        "HookSucceeded deleted the check Job; the PreSync Job stays"
    );

    // Each sync creates its generateName hooks anew: BeforeHookCreation
    // has no previous run of that name to delete.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let report = ok(&tether(&env, &["sync", APP, "-o", "json"]));
    let second = report["resources"][1]["name"].as_str().unwrap().to_string();
    assert_ne!(second, migrate);
    let mut both = vec![migrate, second];
    both.sort();
    assert_eq!(job_names(&env), both);
}

/// The engine of `env`'s tether.yaml with its imported apps.
fn imported_engine(env: &Env) -> std::sync::Arc<tether::engine::Engine> {
    let config = tether::config::load(Some(&env.config)).unwrap();
    let index = tether::import::ClusterIndex {
        mappings: config.clusters.clone(),
        kube_servers: Vec::new(),
        current: Some(env.context.clone()),
    };
    let imported = tether::import::import_apps(&config, index);
    std::sync::Arc::new(tether::engine::Engine::new(
        imported.apps,
        tether::cluster::KubeOptions {
            kubeconfig: Some(env.kubeconfig.clone()),
            context: None,
        },
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn automated_prune_never_empties_an_app_without_allow_empty() {
    let env = Env::new().await;
    env.commit(
        &[
            file("clusters/test/app.yaml", APPLICATION),
            file("apps/hooked/plain.yaml", &config_map("plain", "")),
        ],
        "an automated app",
    );
    env.manage_imports("clusters/test");
    let handle = imported_engine(&env).spawn(std::time::Duration::from_millis(300));
    let mut snapshots = handle.snapshots.clone();
    let mut wait_for = async |what: &str, ok: &dyn Fn(&Value) -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let row = snapshots
                .borrow_and_update()
                .apps
                .iter()
                .find(|a| a.name == "hooked")
                .map(|a| serde_json::to_value(a).unwrap());
            if let Some(row) = row
                && ok(&row)
            {
                return row;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no snapshot where {what}"
            );
            let _ =
                tokio::time::timeout(std::time::Duration::from_secs(2), snapshots.changed()).await;
        }
    };
    wait_for("the automated sync ran", &|row| row["sync"] == "Synced").await;
    assert!(live_config_map(&env, "plain").is_some());

    // Every object leaves Git: automation refuses to prune them all.
    let commit = env.commit(
        &[
            removed("apps/hooked/plain.yaml"),
            file("apps/hooked/README.md", "nothing here\n"),
        ],
        "empty the app",
    );
    let row = wait_for("the sync is refused", &|row| {
        row["message"]
            .as_str()
            .unwrap_or("")
            .contains("auto-sync will wipe out all resources")
    })
    .await;
    assert!(
        row["message"]
            .as_str()
            .unwrap()
            .contains(&format!("Skipping sync attempt to {commit}")),
        "{row}"
    );
    assert!(live_config_map(&env, "plain").is_some(), "nothing pruned");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_automated_sync_is_retried_as_sync_policy_retry_says() {
    let env = Env::new().await;
    let application = APPLICATION.replace(
        "    syncOptions: [CreateNamespace=true]\n",
        "    syncOptions: [CreateNamespace=true]\n    retry: {limit: 1, backoff: {duration: 1s, factor: 2}}\n",
    );
    env.commit(
        &[
            file("clusters/test/app.yaml", &application),
            file("apps/hooked/plain.yaml", &config_map("plain", "")),
            file(
                "apps/hooked/broken.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: broken\n  annotations: {argocd.argoproj.io/hook: PreSync}\n",
            ),
        ],
        "an automated app whose PreSync hook cannot run",
    );
    env.manage_imports("clusters/test");
    let handle = imported_engine(&env).spawn(std::time::Duration::from_millis(200));
    // The first attempt, one retry a second later, then no more (tether's
    // own backoff would wait 5 s before its first retry).
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    let history = ok(&tether(&env, &["history", APP, "-o", "json"]));
    let failed = history["syncs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["result"] == "Failed")
        .count();
    assert_eq!(failed, 2, "{history}");
    let snapshot = handle.snapshots.borrow().clone();
    let row = snapshot.apps.iter().find(|a| a.name == "hooked").unwrap();
    assert!(
        row.message
            .contains("failed 2 times (syncPolicy.retry.limit 1)"),
        "{}",
        row.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hooks_are_reported_as_progress_steps_in_their_place() {
    let env = Env::new().await;
    env.commit(
        &[
            file("clusters/test/app.yaml", APPLICATION),
            file("apps/hooked/settings.yaml", &config_map("settings", "")),
            file(
                "apps/hooked/before.yaml",
                &config_map("before", "argocd.argoproj.io/hook: PreSync"),
            ),
            file(
                "apps/hooked/after.yaml",
                &config_map("after", "argocd.argoproj.io/hook: PostSync"),
            ),
        ],
        "an Argo CD app with a PreSync and a PostSync hook",
    );
    env.manage_imports("clusters/test");
    let out = tether(&env, &["sync", APP, "-o", "json", "--progress"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let applied = |name: &str| {
        lines
            .iter()
            .position(|l| l["event"] == "applied" && l["name"] == name)
            .unwrap_or_else(|| panic!("{name} not reported in {lines:#?}"))
    };
    let (before, settings, after) = (applied("before"), applied("settings"), applied("after"));
    assert_eq!(lines[before]["action"], "PreSync hook");
    assert_eq!(lines[after]["action"], "PostSync hook");
    assert!(before < settings && settings < after, "{lines:#?}");
    assert!(lines[after]["elapsed_ms"].as_u64() >= lines[before]["elapsed_ms"].as_u64());
}
