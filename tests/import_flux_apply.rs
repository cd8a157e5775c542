//! How kustomize-controller applies objects, in a Kustomization that
//! tether manages: `kustomize.toolkit.fluxcd.io/force: enabled` (and
//! `spec.force`) — an object whose apply fails on an immutable field is
//! deleted and created again; without force the sync fails with the API
//! server's refusal. `ssa: Override` (the default) takes over the fields
//! `kubectl` set (so they go when Git lacks them); `ssa: Merge` keeps them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file};
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};
use std::process::Output;

const WEB: &str = "Kustomization/flux-system/web";

const FLUX: &str = r#"---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: gitops, namespace: flux-system}
spec: {interval: 1m, url: https://github.com/acme/gitops.git}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 1m
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/forced
  targetNamespace: web
"#;

fn deployment(app: &str, annotations: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: {{{annotations}}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: {app}}}}}\n  template:\n    metadata: {{labels: {{app: {app}}}}}\n    spec:\n      containers: [{{name: main, image: nginx:1.27}}]\n"
    )
}

fn tether(env: &Env, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| common::tether(env, args))
}

async fn live(env: &Env) -> Value {
    let api = env.api_in("apps/v1", "Deployment", "web").await;
    serde_json::to_value(api.get("web").await.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn force_recreates_an_object_whose_immutable_field_changed() {
    let env = Env::new().await;
    env.commit(
        &[
            file("clusters/test/flux.yaml", FLUX),
            file(
                "apps/forced/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n",
            ),
            file("apps/forced/web.yaml", &deployment("web", "")),
        ],
        "web",
    );
    env.manage_imports("clusters/test");
    let out = tether(&env, &["sync", WEB]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = live(&env).await;

    // The selector is immutable: without force the API server refuses.
    env.commit(
        &[file("apps/forced/web.yaml", &deployment("web2", ""))],
        "new selector",
    );
    let out = tether(&env, &["sync", WEB]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot apply Deployment.apps/web/web") && stderr.contains("immutable"),
        "{stderr}"
    );
    assert_eq!(
        live(&env).await["metadata"]["uid"],
        first["metadata"]["uid"]
    );

    // With force: enabled it is deleted and created again; a dry-run only
    // says so.
    env.commit(
        &[file(
            "apps/forced/web.yaml",
            &deployment("web2", "kustomize.toolkit.fluxcd.io/force: enabled"),
        )],
        "force",
    );
    let diff = tether(&env, &["diff", WEB, "-o", "json"]);
    assert_eq!(
        diff.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    let diff: Value = serde_json::from_slice(&diff.stdout).unwrap();
    let entry = diff["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "Deployment")
        .unwrap();
    assert!(
        entry["note"].as_str().unwrap().starts_with(
            "an immutable field changed: a sync deletes and creates it again (Flux force)"
        ),
        "{diff}"
    );
    let dry = tether(&env, &["sync", WEB, "--dry-run", "-o", "json"]);
    let report: Value = serde_json::from_slice(&dry.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&dry.stderr));
    });
    let action = |report: &Value| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "Deployment")
            .unwrap()["action"]
            .clone()
    };
    assert_eq!(action(&report), "created", "{report}");
    assert_eq!(
        live(&env).await["metadata"]["uid"],
        first["metadata"]["uid"]
    );
    let out = tether(&env, &["sync", WEB, "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action(&report), "created", "{report}");
    let second = live(&env).await;
    assert_ne!(second["metadata"]["uid"], first["metadata"]["uid"]);
    assert_eq!(second["spec"]["selector"]["matchLabels"]["app"], "web2");
    let status = tether(&env, &["status", WEB, "-o", "json"]);
    let rows: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(rows[0]["sync"], "Synced", "{}", rows[0]);
}

const CMS: &str = r#"---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: gitops, namespace: flux-system}
spec: {interval: 1m, url: https://github.com/acme/gitops.git}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cms, namespace: flux-system}
spec:
  interval: 1m
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/cms
  targetNamespace: cms
"#;

#[tokio::test(flavor = "multi_thread")]
async fn override_takes_over_kubectl_fields_and_merge_keeps_them() {
    let env = Env::new().await;
    let config_map = |name: &str, annotations: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\ndata: {{a: one}}\n"
        )
    };
    env.commit(
        &[
            file("clusters/test/flux.yaml", CMS),
            file(
                "apps/cms/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: cms}\n",
            ),
            file("apps/cms/plain.yaml", &config_map("plain", "")),
            file(
                "apps/cms/merged.yaml",
                &config_map("merged", "kustomize.toolkit.fluxcd.io/ssa: Merge"),
            ),
        ],
        "config maps",
    );
    env.manage_imports("clusters/test");
    let out = tether(&env, &["sync", "Kustomization/flux-system/cms"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Someone edits both with kubectl.
    let api = env.api_in("v1", "ConfigMap", "cms").await;
    let edit = json!({
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "data": {"extra": "x"}
    });
    for name in ["plain", "merged"] {
        api.patch(
            name,
            &PatchParams {
                field_manager: Some("kubectl-edit".into()),
                ..Default::default()
            },
            &Patch::Merge(&edit),
        )
        .await
        .unwrap();
    }

    let out = tether(
        &env,
        &["sync", "Kustomization/flux-system/cms", "-o", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = |name: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["action"]
            .clone()
    };
    assert_eq!(action("plain"), "configured", "{report}");
    assert_eq!(action("merged"), "unchanged", "{report}");
    let plain = serde_json::to_value(api.get("plain").await.unwrap()).unwrap();
    assert_eq!(plain["data"], json!({"a": "one"}), "{plain}");
    assert!(
        plain["metadata"]["annotations"]
            .get("kubectl.kubernetes.io/last-applied-configuration")
            .is_none(),
        "{plain}"
    );
    let merged = serde_json::to_value(api.get("merged").await.unwrap()).unwrap();
    assert_eq!(
        merged["data"],
        json!({"a": "one", "extra": "x"}),
        "{merged}"
    );
}
