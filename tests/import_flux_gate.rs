//! Flux Kustomizations that tether manages (`manage: true`) sync and
//! report health as kustomize-controller does: `dependsOn` waits for the
//! dependency's Ready; `wait: true` waits for every applied object,
//! `healthChecks` for the objects listed, neither for nothing (Healthy
//! once applied); a health check that runs out of time fails the sync
//! with the controller's message; objects marked `reconcile: disabled` /
//! `ssa: Ignore` (in Git or live) and `ssa: IfNotPresent` ones that exist
//! are skipped and never pruned; `prune: disabled` objects are kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, removed};
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

const INFRA: &str = "Kustomization/flux-system/infra";
const APPS: &str = "Kustomization/flux-system/apps";
const LAX: &str = "Kustomization/flux-system/lax";
const BROKEN: &str = "Kustomization/flux-system/broken";

fn kustomization(name: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {{name: {name}, namespace: flux-system}}\nspec:\n  interval: 1m\n  sourceRef: {{kind: GitRepository, name: gitops}}\n  path: ./apps/{name}\n  targetNamespace: infra\n  prune: true\n{extra}"
    )
}

fn flux_objects() -> String {
    [
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: gitops, namespace: flux-system}\nspec: {interval: 1m, url: https://github.com/acme/gitops.git}\n".to_string(),
        kustomization("infra", "  wait: true\n"),
        kustomization(
            "apps",
            "  dependsOn: [{name: infra}]\n  healthChecks:\n    - {kind: Deployment, name: db, namespace: infra}\n",
        ),
        kustomization("lax", ""),
        kustomization("broken", "  wait: true\n  timeout: 1s\n"),
    ]
    .concat()
}

fn deployment(name: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: main, image: {image}}}]\n"
    )
}

fn config_map(name: &str, value: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\ndata: {{value: {value}}}\n"
    )
}

fn tether(env: &Env, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| common::tether(env, args))
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn status(env: &Env, app: &str) -> Value {
    let out = tether(env, &["status", app, "-o", "json"]);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    rows[0].clone()
}

fn resource<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name} in {status}"))
}

/// `name action` of every resource of a `sync -o json` report.
fn actions(report: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(report).unwrap();
    report["resources"]
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
        .collect()
}

async fn live_value(env: &Env, name: &str) -> Option<String> {
    let config_maps = env.api_in("v1", "ConfigMap", "infra").await;
    let found = config_maps.get_opt(name).await.unwrap()?;
    Some(
        found.data["data"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn flux_kustomizations_wait_gate_and_skip_as_kustomize_controller() {
    let env = Env::with_pod_ready_delay(Duration::from_millis(1500)).await;
    env.commit(
        &[
            file("clusters/test/flux.yaml", &flux_objects()),
            file(
                "apps/infra/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: infra}\n",
            ),
            file(
                "apps/infra/db.yaml",
                &deployment("db", "ghcr.io/acme/db:16"),
            ),
            file("apps/apps/plain.yaml", &config_map("plain", "one", "")),
            file(
                "apps/apps/once.yaml",
                &config_map(
                    "once",
                    "git",
                    "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent",
                ),
            ),
            file(
                "apps/apps/frozen.yaml",
                &config_map(
                    "frozen",
                    "git",
                    "kustomize.toolkit.fluxcd.io/reconcile: disabled",
                ),
            ),
            file(
                "apps/apps/keep.yaml",
                &config_map("keep", "git", "kustomize.toolkit.fluxcd.io/prune: disabled"),
            ),
            file("apps/apps/gone.yaml", &config_map("gone", "git", "")),
            file(
                "apps/lax/lax.yaml",
                &deployment("lax", "ghcr.io/acme/crash:1"),
            ),
            file(
                "apps/broken/broken.yaml",
                &deployment("broken", "ghcr.io/acme/crash:1"),
            ),
        ],
        "Flux Kustomizations with health gates",
    );
    env.manage_imports("clusters/test");

    // dependsOn: apps waits for infra's Ready.
    let apps = status(&env, APPS);
    assert!(
        apps["message"]
            .as_str()
            .unwrap()
            .starts_with("waits for app Kustomization/flux-system/infra: OutOfSync, Missing"),
        "{apps}"
    );

    // wait: true — the sync returns once the Deployment is available.
    let started = Instant::now();
    let out = ok(&tether(&env, &["sync", INFRA, "--progress", "-o", "json"]));
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "waited for the Pod to become ready"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("\"event\":\"waiting\"") && l.contains("\"name\":\"db\"")),
        "the wait is reported: {out}"
    );
    let infra = status(&env, INFRA);
    assert_eq!(infra["health"], "Healthy", "{infra}");
    assert_eq!(infra["sync"], "Synced", "{infra}");

    // A health check that never passes fails the sync after the
    // controller's minimum timeout of 30 s (timeout: 1s is raised to it).
    let broken = {
        let (config, kubeconfig) = (env.config.clone(), env.kubeconfig.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
                .arg("--config")
                .arg(config)
                .arg("--kubeconfig")
                .arg(kubeconfig)
                .args(["sync", BROKEN])
                .output()
                .unwrap();
            (out, started.elapsed())
        })
    };

    // No wait, no healthChecks: Healthy once applied, whatever the
    // Deployment does (the controller's Ready).
    ok(&tether(&env, &["sync", LAX]));
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let lax = status(&env, LAX);
    assert_eq!(lax["health"], "Healthy", "{lax}");
    assert_ne!(resource(&lax, "lax")["health"], "Healthy", "{lax}");

    // healthChecks: the listed Deployment of infra, which is healthy; the
    // dependency is Ready. Skipped objects are neither created nor updated.
    let report = ok(&tether(&env, &["sync", APPS, "-o", "json"]));
    let mut done = actions(&report);
    done.sort();
    assert_eq!(
        done,
        [
            "frozen skipped",
            "gone created",
            "keep created",
            "once created",
            "plain created"
        ],
        "{report}"
    );
    assert_eq!(live_value(&env, "frozen").await, None, "never applied");
    let apps = status(&env, APPS);
    assert_eq!(apps["sync"], "Synced", "{apps}");
    assert_eq!(apps["health"], "Healthy", "{apps}");
    assert!(
        resource(&apps, "frozen")["message"]
            .as_str()
            .unwrap()
            .contains("reconcile: disabled"),
        "{apps}"
    );

    // Git changes once (IfNotPresent, exists) and plain, whose live object
    // someone marked `reconcile: disabled`; gone and keep leave Git.
    let kubectl = |args: &[&str]| {
        let out = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&env.kubeconfig)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    tokio::task::block_in_place(|| {
        kubectl(&[
            "annotate",
            "-n",
            "infra",
            "configmap",
            "plain",
            "kustomize.toolkit.fluxcd.io/reconcile=disabled",
        ])
    });
    env.commit(
        &[
            file("apps/apps/plain.yaml", &config_map("plain", "two", "")),
            file(
                "apps/apps/once.yaml",
                &config_map(
                    "once",
                    "changed",
                    "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent",
                ),
            ),
            removed("apps/apps/gone.yaml"),
            removed("apps/apps/keep.yaml"),
        ],
        "change and remove",
    );
    let out = tether(&env, &["diff", APPS, "-o", "json"]);
    let diff: Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in ["plain", "once"] {
        let entry = diff["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap();
        assert_eq!(entry["change"], "none", "{diff}");
        assert!(
            entry["note"].as_str().unwrap().starts_with("not applied: "),
            "{diff}"
        );
    }
    let apps = status(&env, APPS);
    assert!(
        resource(&apps, "keep")["message"]
            .as_str()
            .unwrap()
            .contains("kustomize.toolkit.fluxcd.io/prune: disabled: a prune keeps it"),
        "{apps}"
    );
    let report = ok(&tether(&env, &["sync", APPS, "--prune", "-o", "json"]));
    let mut done = actions(&report);
    done.sort();
    assert_eq!(
        done,
        [
            "frozen skipped",
            "gone deleted",
            "keep kept (kustomize.toolkit.fluxcd.io/prune: disabled)",
            "once skipped",
            "plain skipped"
        ],
        "{report}"
    );
    assert_eq!(live_value(&env, "plain").await.as_deref(), Some("one"));
    assert_eq!(live_value(&env, "once").await.as_deref(), Some("git"));
    assert_eq!(live_value(&env, "keep").await.as_deref(), Some("git"));
    assert_eq!(live_value(&env, "gone").await, None);

    let (out, took) = tokio::task::block_in_place(|| broken.join().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(took >= Duration::from_secs(30), "{took:?}");
    assert!(
        stderr.contains("health check failed after 3")
            && stderr.contains("timeout waiting for: [Deployment.apps/infra/broken status: '"),
        "{stderr}"
    );
    let broken = status(&env, BROKEN);
    assert_ne!(broken["health"], "Healthy", "{broken}");
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .starts_with("health check: Deployment.apps/infra/broken "),
        "{broken}"
    );
}
