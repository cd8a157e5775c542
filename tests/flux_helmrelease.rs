//! A Flux HelmRelease rendered end to end with the real `helm` binary
//! (found on PATH or through TETHER_HELM; without it these tests print a
//! loud SKIPPED line): chart from a Git source with valuesFiles, values
//! from a ConfigMap, a Secret and inline, a kustomize post-renderer,
//! commonMetadata and the owner labels.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use std::path::Path;
use tether::flux::RefObjects;
use tether::flux::helmrelease::{HelmRelease, plan, render};
use tether::model::FileTree;

fn helm_available() -> bool {
    if tether::render::helm::helm_binary().is_ok() {
        return true;
    }
    common::skipped(
        "helm not on PATH (nor TETHER_HELM); Flux HelmRelease rendering was not tested",
    );
    false
}

/// The project's test chart `web` at `charts/web` of a Git artifact.
fn artifact() -> FileTree {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut tree = FileTree::new();
    let folder = tether::source::read_folder(&fixtures, "helm/web").unwrap();
    for (path, bytes) in folder.files_under("").unwrap() {
        tree.insert(path.replacen("helm/", "charts/", 1), bytes);
    }
    tree
}

fn release(spec: Value) -> HelmRelease {
    HelmRelease::from_object(&json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "web", "namespace": "apps"}, "spec": spec}))
    .unwrap()
}

fn find<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    objects.iter().find(|o| o["kind"] == kind).unwrap()
}

#[test]
fn a_helm_release_renders_as_helm_controller_renders_it() {
    if !helm_available() {
        return;
    }
    let hr = release(json!({
        "targetNamespace": "prod",
        "chart": {"spec": {"chart": "./charts/web", "sourceRef": {"kind": "GitRepository", "name": "repo"},
                  "valuesFiles": ["charts/web/values.yaml", "charts/web/values-prod.yaml"]}},
        "valuesFrom": [
            {"kind": "Secret", "name": "web-secrets"},
            {"kind": "ConfigMap", "name": "web-version", "valuesKey": "tag", "targetPath": "image.tag"}],
        "values": {"replicas": 5},
        "postRenderers": [{"kustomize": {"patches": [{"target": {"kind": "Deployment"},
            "patch": "- op: add\n  path: /metadata/annotations\n  value: {patched: \"yes\"}\n"}]}}],
        "commonMetadata": {"labels": {"team": "shop", "helm.toolkit.fluxcd.io/name": "overridden"}}
    }));
    let refs = RefObjects::from_objects([
        json!({"kind": "Secret", "metadata": {"name": "web-secrets", "namespace": "apps"},
               "stringData": {"values.yaml": "config:\n  logLevel: debug\n"}}),
        json!({"kind": "ConfigMap", "metadata": {"name": "web-version", "namespace": "apps"},
               "data": {"tag": "2.0.0"}}),
    ]);
    let plan = plan(&hr, &refs).unwrap();
    assert_eq!(plan.release_name, "prod-web");
    assert_eq!(plan.namespace, "prod");
    assert_eq!(plan.secret_values, ["config.logLevel"]);
    let chart = hr.chart_path_in_source().unwrap();
    let objects = render(&hr, &plan, &artifact(), &chart).unwrap();

    let deploy = find(&objects, "Deployment");
    assert_eq!(deploy["metadata"]["name"], "prod-web-web");
    assert_eq!(deploy["spec"]["replicas"], 5, "inline values win");
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"], "ghcr.io/example/web:2.0.0",
        "valuesFiles keep the defaults they list; targetPath sets the tag"
    );
    assert_eq!(deploy["metadata"]["annotations"]["patched"], "yes");
    let config = find(&objects, "ConfigMap");
    assert_eq!(config["metadata"]["namespace"], "prod");
    assert_eq!(config["data"]["LOG_LEVEL"], "debug");
    for o in &objects {
        let labels = &o["metadata"]["labels"];
        assert_eq!(
            labels["helm.toolkit.fluxcd.io/name"], "web",
            "owner labels win over commonMetadata"
        );
        assert_eq!(labels["helm.toolkit.fluxcd.io/namespace"], "apps");
        assert_eq!(labels["team"], "shop");
    }
}

#[test]
fn values_files_replace_the_chart_defaults() {
    if !helm_available() {
        return;
    }
    let chart = json!({"spec": {"chart": "charts/web", "sourceRef": {"kind": "GitRepository", "name": "repo"},
        "valuesFiles": ["charts/web/values-prod.yaml", "charts/web/missing.yaml"],
        "ignoreMissingValuesFiles": true}});
    // values.yaml is not among the files: its defaults are gone, and the
    // chart's templates miss `service.port`.
    let bare = release(json!({"chart": chart}));
    let plan_bare = plan(&bare, &RefObjects::new()).unwrap();
    let e = render(&bare, &plan_bare, &artifact(), "charts/web").unwrap_err();
    assert!(e.to_string().contains("service.port"), "{e}");

    let hr = release(json!({"chart": chart,
        "values": {"service": {"port": 8080}, "image": {"repository": "inline/web"}}}));
    let plan = plan(&hr, &RefObjects::new()).unwrap();
    let objects = render(&hr, &plan, &artifact(), "charts/web").unwrap();
    let deploy = find(&objects, "Deployment");
    assert_eq!(deploy["spec"]["replicas"], 3);
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "inline/web:1.4.0"
    );

    let strict = release(json!({
        "chart": {"spec": {"chart": "charts/web", "sourceRef": {"kind": "GitRepository", "name": "repo"},
                  "valuesFiles": ["charts/web/missing.yaml"]}}}));
    let e = render(&strict, &plan, &artifact(), "charts/web").unwrap_err();
    assert_eq!(
        e.to_string(),
        "HelmRelease apps/web: no values file found at path 'charts/web/missing.yaml'"
    );
}

#[test]
fn a_missing_chart_folder_is_an_error_naming_the_release() {
    let hr = release(json!({"chart": {"spec": {"chart": "charts/nope",
        "sourceRef": {"kind": "GitRepository", "name": "repo"}}}}));
    let plan = plan(&hr, &RefObjects::new()).unwrap();
    let e = tether::flux::helmrelease::render_with_binary(
        Path::new("/nonexistent/helm"),
        &hr,
        &plan,
        &artifact(),
        "charts/nope",
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("HelmRelease apps/web: chart"),
        "{e}"
    );
}
