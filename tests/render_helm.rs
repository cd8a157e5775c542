//! Helm charts through the real `helm` binary (found on PATH or through
//! TETHER_HELM; without it these tests print a loud SKIPPED line).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use tether::model::FileTree;
use tether::render::{HelmOptions, RenderOptions, render_with};

fn helm_available() -> bool {
    if tether::render::helm::helm_binary().is_ok() {
        return true;
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: helm not on PATH (nor TETHER_HELM); Helm rendering was not tested"
    );
    false
}

/// The fixture charts as they would come out of a Git tree, under `charts/`.
fn tree() -> FileTree {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut tree = FileTree::new();
    let folder = tether::source::read_folder(&fixtures, "helm").unwrap();
    for path in folder.paths() {
        tree.insert(
            path.replacen("helm/", "charts/", 1),
            folder.read(path).unwrap(),
        );
    }
    tree
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name} in {objects:#?}"))
}

#[test]
fn renders_a_chart_with_release_namespace_value_files_and_inline_values() {
    if !helm_available() {
        return;
    }
    let options = RenderOptions {
        helm: Some(HelmOptions {
            release_name: "shop".into(),
            namespace: Some("prod".into()),
            value_files: vec!["values-prod.yaml".into()],
            values: Some(json!({"image": {"tag": "1.5.0"}})),
            ..Default::default()
        }),
        ..Default::default()
    };
    let objects = render_with(&tree(), "charts/web", &options).unwrap();
    let deploy = find(&objects, "Deployment", "shop-web");
    assert_eq!(deploy["spec"]["replicas"], 3, "the value file applies");
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"], "ghcr.io/example/web:1.5.0",
        "inline values apply after the value files"
    );
    let cm = find(&objects, "ConfigMap", "shop-config");
    assert_eq!(cm["metadata"]["namespace"], "prod");
    assert_eq!(cm["data"]["LOG_LEVEL"], "warn");
    find(&objects, "Service", "shop-web");
}

#[test]
fn release_name_defaults_to_the_folder_and_dependencies_are_vendored() {
    if !helm_available() {
        return;
    }
    let objects = render_with(&tree(), "charts/platform", &RenderOptions::default()).unwrap();
    let sts = find(&objects, "StatefulSet", "platform-redis");
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["args"],
        json!(["--maxmemory", "64mb"])
    );
    assert_eq!(
        find(&objects, "ConfigMap", "platform-info")["data"]["redis"],
        "true"
    );
}

#[test]
fn helm_errors_name_the_chart() {
    if !helm_available() {
        return;
    }
    let missing = RenderOptions {
        helm: Some(HelmOptions {
            release_name: "x".into(),
            value_files: vec!["values-nope.yaml".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let err = render_with(&tree(), "charts/web", &missing)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "charts/web/values-nope.yaml: value file not found in the chart folder"
    );
    let mut broken = tree();
    broken.insert("charts/web/templates/bad.yaml", "{{ .Values.nope.deeper }}");
    let err = render_with(&broken, "charts/web", &RenderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("charts/web: helm template failed:"),
        "{err}"
    );
    assert!(err.contains("bad.yaml"), "{err}");
}

#[test]
fn a_missing_binary_names_the_variable_and_path() {
    let fake = "/nonexistent/helm-for-tether-tests";
    let err = tether::render::helm::template_with_binary(
        Path::new(fake),
        &tree(),
        "charts/web",
        &HelmOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(fake), "{err}");
}

/// Kustomize `helmCharts`: a chart failing to render names the
/// kustomization and the entry, and nothing is printed.
#[test]
fn kustomize_helm_chart_errors_name_the_kustomization_and_entry() {
    if !helm_available() {
        return;
    }
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kustomize/error-helm-template-fails");
    let tree = tether::source::read_folder(&case, "").unwrap();
    let err = tether::render::render(&tree, "").unwrap_err().to_string();
    assert!(
        err.starts_with("kustomization.yaml: helmCharts entry \"web\": helm template failed:"),
        "{err}"
    );
    assert!(err.contains("config.mustSet is required"), "{err}");
}

/// Without helm, `tether render` of a kustomization with `helmCharts`
/// fails with one message naming the entry, PATH and TETHER_HELM.
#[test]
fn kustomize_helm_charts_without_helm_say_how_to_get_it() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/helm-chart-basic");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
        .arg("render")
        .arg(&case)
        .env("PATH", "/nonexistent")
        .env_remove("TETHER_HELM")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "partial output printed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("helmCharts entry \"web\"")
            && stderr.contains("TETHER_HELM")
            && stderr.contains("PATH"),
        "{stderr}"
    );
}
