//! The engine syncing Kustomize overlays and Helm charts from Git into the
//! simulated API server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, scenarios, scenarios::wait_for};
use std::io::Write;
use tether::engine::SyncOptions;
use tether::model::{HealthStatus, SyncStatus};

const BASE: &str = "resources: [deployment.yaml, service.yaml, configmap.yaml]\n";
const OVERLAY: &str = "resources: [../base]
namePrefix: prod-
commonLabels: {tier: frontend}
images:
  - {name: registry.k8s.io/pause, newTag: \"3.10\"}
";

#[tokio::test(flavor = "multi_thread")]
async fn a_kustomize_overlay_syncs_and_reports_synced() {
    let env = Env::new().await;
    env.commit(
        &[
            file("apps/kweb/base/kustomization.yaml", BASE),
            file("apps/kweb/base/deployment.yaml", common::DEPLOYMENT),
            file("apps/kweb/base/service.yaml", common::SERVICE),
            file("apps/kweb/base/configmap.yaml", common::CONFIGMAP),
            file("apps/kweb/prod/kustomization.yaml", OVERLAY),
        ],
        "Add the kustomize app",
    );
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace("path: apps/web", "path: apps/kweb/prod");
    std::fs::write(&env.config, config).unwrap();
    let engine = env.engine();
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let names: Vec<_> = report.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["web", "prod-web-config", "prod-web", "prod-web"]
    );
    let status = wait_for(&env, &engine, |s| s.health == HealthStatus::Healthy).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let api = env.api("apps/v1", "Deployment").await;
    let deploy = api.get("prod-web").await.unwrap();
    assert_eq!(
        deploy.data["spec"]["template"]["spec"]["containers"][0]["image"],
        "registry.k8s.io/pause:3.10"
    );
    assert_eq!(deploy.metadata.labels.unwrap()["tier"], "frontend");
}

/// True (after a loud SKIPPED line) when there is no helm to run.
fn helm_missing(what: &str) -> bool {
    if tether::render::helm::helm_binary().is_ok() {
        return false;
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: helm not on PATH; {what}");
    true
}

/// The files of tests/fixtures/helm/web named by `entries`, under `dir`.
fn web_chart(dir: &str, entries: &[&str]) -> Vec<(String, Option<Vec<u8>>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/web");
    entries
        .iter()
        .map(|entry| {
            file(
                &format!("{dir}/{entry}"),
                &std::fs::read_to_string(root.join(entry)).unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_helm_chart_syncs_with_the_apps_values() {
    if helm_missing("the Helm app was not synced") {
        return;
    }
    let env = Env::new().await;
    let files = web_chart(
        "charts/web",
        &[
            "Chart.yaml",
            "values.yaml",
            "values-prod.yaml",
            "templates/deployment.yaml",
            "templates/configmap.yaml",
            "templates/service.yaml",
        ],
    );
    env.commit(&files, "Add the web chart");
    let config = std::fs::read_to_string(&env.config).unwrap().replace(
        "source: {repo: ./gitops, path: apps/web}",
        "source: {repo: ./gitops, path: charts/web, helm: {releaseName: shop, valueFiles: [values-prod.yaml], values: {image: {tag: 1.5.0}}}}",
    );
    std::fs::write(&env.config, config).unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let status = wait_for(&env, &engine, |s| s.health == HealthStatus::Healthy).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let api = env.api("apps/v1", "Deployment").await;
    let deploy = api.get("shop-web").await.unwrap();
    assert_eq!(deploy.data["spec"]["replicas"], 3);
    assert_eq!(
        deploy.data["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/example/web:1.5.0"
    );
}

/// A Kustomize overlay whose base inflates a vendored chart (`helmCharts`)
/// syncs like any overlay, through the same helm binary.
#[tokio::test(flavor = "multi_thread")]
async fn a_kustomize_base_with_helm_charts_syncs() {
    if helm_missing("the helmCharts overlay was not synced") {
        return;
    }
    let env = Env::new().await;
    let mut files = vec![
        file(
            "apps/hweb/base/kustomization.yaml",
            "helmCharts:\n  - name: web\n    releaseName: shop\n    valuesInline: {replicas: 2}\n",
        ),
        file(
            "apps/hweb/prod/kustomization.yaml",
            "resources: [../base]\ncommonLabels: {tier: frontend}\nimages:\n  - {name: ghcr.io/example/web, newTag: 2.5.0}\n",
        ),
    ];
    files.extend(web_chart(
        "apps/hweb/base/charts/web",
        &[
            "Chart.yaml",
            "values.yaml",
            "templates/deployment.yaml",
            "templates/configmap.yaml",
            "templates/service.yaml",
        ],
    ));
    env.commit(&files, "Add an overlay of a chart");
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace("path: apps/web", "path: apps/hweb/prod");
    std::fs::write(&env.config, config).unwrap();
    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let status = wait_for(&env, &engine, |s| s.health == HealthStatus::Healthy).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let deploy = env
        .api("apps/v1", "Deployment")
        .await
        .get("shop-web")
        .await
        .unwrap();
    assert_eq!(deploy.data["spec"]["replicas"], 2);
    assert_eq!(
        deploy.data["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/example/web:2.5.0"
    );
    assert_eq!(deploy.metadata.labels.unwrap()["tier"], "frontend");
    assert!(!engine.diff("web", None).await.unwrap().differs());
}

/// Helm values marked secret never show (see the scenario).
#[tokio::test(flavor = "multi_thread")]
async fn helm_values_marked_secret_are_masked_everywhere() {
    scenarios::helm_values_marked_secret_never_shown(&Env::new().await).await;
}

/// `render: {kustomize: binary}` on the app: the overlay is built by the
/// real kustomize and the engine syncs and compares its output as it does
/// a native build's (SKIPPED without kustomize or kubectl).
#[tokio::test(flavor = "multi_thread")]
async fn an_overlay_built_by_the_kustomize_binary_syncs_and_reports_synced() {
    if tether::render::kustomize_binary::KustomizeProgram::find().is_err() {
        common::skipped("neither kustomize nor kubectl on PATH; binary mode sync was not tested");
        return;
    }
    let env = Env::new().await;
    env.commit(
        &[
            file("apps/kweb/base/kustomization.yaml", BASE),
            file("apps/kweb/base/deployment.yaml", common::DEPLOYMENT),
            file("apps/kweb/base/service.yaml", common::SERVICE),
            file("apps/kweb/base/configmap.yaml", common::CONFIGMAP),
            file("apps/kweb/prod/kustomization.yaml", OVERLAY),
        ],
        "Add the kustomize app",
    );
    let config = std::fs::read_to_string(&env.config).unwrap().replace(
        "path: apps/web}\n",
        "path: apps/kweb/prod}\n    render: {kustomize: binary}\n",
    );
    std::fs::write(&env.config, config).unwrap();
    let engine = env.engine();
    assert_eq!(
        engine.apps()[0].kustomize_mode(),
        tether::model::KustomizeMode::Binary
    );
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let names: Vec<_> = report.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["web", "prod-web-config", "prod-web", "prod-web"]
    );
    let status = wait_for(&env, &engine, |s| s.health == HealthStatus::Healthy).await;
    assert_eq!(status.sync, SyncStatus::Synced, "{status:#?}");
    let diff = engine.diff("web", None).await.unwrap();
    assert!(!diff.differs(), "{diff:#?}");
}
