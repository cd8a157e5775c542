//! Argo CD and Flux apps from Git (DESIGN.md §6): `import:` folders are
//! scanned, each Application / Kustomization / HelmRelease becomes an app
//! with engine, kind, ref and origin; what cannot be mapped is listed with
//! the tether.yaml entry to add; imported apps are read-only unless
//! `manage: true`; `manifests` prints what a sync would apply.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, tether};
use serde_json::Value;

const APPLICATIONS: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: shop
  source:
    repoURL: https://github.com/acme/gitops.git
    path: apps/web
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: elsewhere
  namespace: argocd
spec:
  source:
    repoURL: git@github.com:acme/other.git
    path: apps/x
  destination:
    server: https://far.example.com:6443
    namespace: x
";

const FLUX: &str = "apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: gitops
  namespace: flux-system
spec:
  url: https://github.com/acme/gitops
  ref: {branch: main}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/web
  targetNamespace: web
  prune: true
";

/// The env's repository with Argo CD and Flux objects under `clusters/`,
/// and a tether.yaml that imports them (`manage` as given).
fn imported_env(env: &Env, manage: bool) {
    env.commit(
        &[
            file("clusters/test/argo.yaml", APPLICATIONS),
            file("clusters/test/flux.yaml", FLUX),
            file(
                "clusters/test/broken.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: [\n",
            ),
        ],
        "add the GitOps objects",
    );
    std::fs::write(
        &env.config,
        format!(
            "repos:\n  - {{url: https://github.com/acme/gitops.git, path: ./gitops}}\nimport:\n  - {{repo: ./gitops, path: clusters/test, context: {ctx}, manage: {manage}}}\n",
            ctx = env.context
        ),
    )
    .unwrap();
}

fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_apps_are_listed_with_engine_kind_ref_and_origin() {
    let env = Env::new().await;
    imported_env(&env, false);
    let out = tokio::task::block_in_place(|| tether(&env, &["apps", "-o", "json"]));
    let apps = json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("clusters/test/broken.yaml:4: invalid YAML"),
        "a file that does not parse is a warning naming it: {stderr}"
    );
    let by_ref = |r: &str| {
        apps.as_array()
            .unwrap()
            .iter()
            .find(|a| a["ref"] == r)
            .unwrap_or_else(|| panic!("no app {r} in {apps}"))
            .clone()
    };
    let web = by_ref("Application/argocd/web");
    assert_eq!(web["engine"], "argocd");
    assert_eq!(web["kind"], "Application");
    assert_eq!(web["origin"], "git");
    assert_eq!(web["project"], "shop");
    assert_eq!(web["cluster"], env.context);
    assert_eq!(web["namespace"], "web");
    assert_eq!(web["sync"], "OutOfSync", "nothing is deployed yet: {web}");

    let elsewhere = by_ref("Application/argocd/elsewhere");
    assert_eq!(elsewhere["sync"], "Unknown");
    let message = elsewhere["message"].as_str().unwrap();
    assert!(
        message.contains("repos: [{url: git@github.com:acme/other.git"),
        "the missing repos: entry is named: {message}"
    );
    assert!(
        message.contains("clusters: [{context: CONTEXT, server: https://far.example.com:6443}]"),
        "the missing clusters: entry is named: {message}"
    );

    let flux = by_ref("Kustomization/flux-system/web");
    assert_eq!(flux["engine"], "flux");
    assert_eq!(flux["suspended"], false);
    assert_eq!(flux["namespace"], "web");
    assert_eq!(flux["cluster"], env.context);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_apps_of_one_name_need_their_ref() {
    let env = Env::new().await;
    imported_env(&env, false);
    let out = tokio::task::block_in_place(|| tether(&env, &["diff", "web"]));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Application/argocd/web")
            && stderr.contains("Kustomization/flux-system/web"),
        "the error lists the candidates: {stderr}"
    );
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["diff", "Application/argocd/web", "-o", "json"])
    });
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_apps_are_read_only_unless_managed() {
    let env = Env::new().await;
    imported_env(&env, false);
    for args in [
        &["sync", "Application/argocd/web"][..],
        &["pause", "Kustomization/flux-system/web"],
        &["rollback", "Application/argocd/web", "1"],
    ] {
        let out = tokio::task::block_in_place(|| tether(&env, args));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is managed by") && stderr.contains("manage: true"),
            "{args:?}: {stderr}"
        );
    }
    // A dry-run changes nothing, so it is allowed.
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["sync", "Application/argocd/web", "--dry-run"])
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn manifests_carry_the_controllers_tracking_marks() {
    let env = Env::new().await;
    imported_env(&env, false);
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["manifests", "Application/argocd/web", "-o", "json"])
    });
    let objects = json(&out);
    let deployment = objects
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert_eq!(
        deployment["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
        "web:apps/Deployment:web/web"
    );
    assert!(
        deployment["metadata"]["labels"]
            .get("tether.dev/app")
            .is_none()
    );

    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["manifests", "Kustomization/flux-system/web", "-o", "json"],
        )
    });
    let objects = json(&out);
    for object in objects.as_array().unwrap() {
        assert_eq!(
            object["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"],
            "web"
        );
        assert_eq!(
            object["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/namespace"],
            "flux-system"
        );
    }
    // The tether app of the same env prints tether's label.
    std::fs::write(
        &env.config,
        format!(
            "apps:\n  - name: web\n    source: {{repo: ./gitops, path: apps/web}}\n    destination: {{context: {}, namespace: web}}\n",
            env.context
        ),
    )
    .unwrap();
    let out = tokio::task::block_in_place(|| tether(&env, &["manifests", "web"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tether.dev/app: web"), "{text}");
    assert!(text.contains("namespace: web"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_managed_import_syncs_and_then_shows_no_drift() {
    let env = Env::new().await;
    imported_env(&env, true);
    let out = tokio::task::block_in_place(|| tether(&env, &["sync", "Application/argocd/web"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["diff", "Application/argocd/web"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let live = env
        .api("apps/v1", "Deployment")
        .await
        .get("web")
        .await
        .unwrap();
    let annotations = live.metadata.annotations.unwrap_or_default();
    assert_eq!(
        annotations
            .get("argocd.argoproj.io/tracking-id")
            .map(String::as_str),
        Some("web:apps/Deployment:web/web")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_of_apps_lists_its_children() {
    let env = Env::new().await;
    imported_env(&env, false);
    let child = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web-child, namespace: argocd}
spec:
  source: {repoURL: https://github.com/acme/gitops, path: apps/web}
  destination: {server: https://kubernetes.default.svc, namespace: child}
";
    let root = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root, namespace: argocd}
spec:
  source: {repoURL: https://github.com/acme/gitops, path: apps/root}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
";
    env.commit(
        &[
            file("apps/root/child.yaml", child),
            file("clusters/test/root.yaml", root),
        ],
        "app of apps",
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["apps", "-o", "json"]));
    let apps = json(&out);
    let child = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ref"] == "Application/argocd/web-child")
        .unwrap_or_else(|| panic!("the child is listed: {apps}"));
    assert_eq!(child["parent"], "Application/argocd/root");
    assert_eq!(child["namespace"], "child");
    let out = tokio::task::block_in_place(|| tether(&env, &["status", "root", "-o", "json"]));
    let root = json(&out);
    let resources = root[0]["resources"].as_array().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r["kind"] == "Application" && r["name"] == "web-child"),
        "the parent shows its children as resources: {root}"
    );
}

/// The chart of tests/fixtures/helm/web under `dir`, as repository files.
fn web_chart(dir: &str) -> Vec<(String, Option<Vec<u8>>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/web");
    let mut out = Vec::new();
    for rel in [
        "Chart.yaml",
        "values.yaml",
        "templates/configmap.yaml",
        "templates/deployment.yaml",
        "templates/service.yaml",
    ] {
        out.push((
            format!("{dir}/{rel}"),
            Some(std::fs::read(root.join(rel)).unwrap()),
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn flux_kustomization_renders_as_kustomize_controller_with_substitution() {
    let env = Env::new().await;
    imported_env(&env, false);
    let flux = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: settings, namespace: flux-system}
spec:
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/settings
  targetNamespace: web
  postBuild:
    substitute: {region: eu-west-1}
    substituteFrom:
      - {kind: ConfigMap, name: cluster-vars}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-vars, namespace: flux-system}
data: {cluster: prod-eu}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: broken, namespace: flux-system}
spec:
  sourceRef: {kind: GitRepository, name: gitops}
  path: ./apps/settings
  postBuild:
    substitute: {region: eu-west-1}
";
    let settings = "apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  where: ${cluster}/${region}
  plain: ${region:=x}
";
    env.commit(
        &[
            file("clusters/test/settings.yaml", flux),
            file("apps/settings/settings.yaml", settings),
        ],
        "flux settings",
    );
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &[
                "manifests",
                "Kustomization/flux-system/settings",
                "-o",
                "json",
            ],
        )
    });
    let objects = json(&out);
    let cm = &objects[0];
    assert_eq!(cm["data"]["where"], "prod-eu/eu-west-1");
    assert_eq!(cm["metadata"]["namespace"], "web");
    assert_eq!(
        cm["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"],
        "settings"
    );

    // Strict substitution: a variable without a value is an error naming it.
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["status", "Kustomization/flux-system/broken", "-o", "json"],
        )
    });
    let status = json(&out);
    let message = status[0]["message"].as_str().unwrap();
    assert!(
        message.contains("cluster") && message.contains("not set"),
        "{message}"
    );
    assert_eq!(status[0]["sync"], "Unknown");
}

#[tokio::test(flavor = "multi_thread")]
async fn flux_helm_release_renders_with_values_from_and_masks_secret_values() {
    if tether::render::helm::helm_binary().is_err() {
        common::skipped("helm not on PATH; the HelmRelease render test did not run");
        return;
    }
    let env = Env::new().await;
    imported_env(&env, false);
    let release = "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: flux-system}
spec:
  targetNamespace: web
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: gitops}
  values:
    replicas: 2
  valuesFrom:
    - {kind: Secret, name: web-secret, valuesKey: level, targetPath: config.logLevel}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret, namespace: flux-system}
data: {level: aHVudGVyMi1kZWJ1Zw==}
";
    let mut files = web_chart("charts/web");
    files.push(file("clusters/test/release.yaml", release));
    env.commit(&files, "a HelmRelease");
    let out =
        tokio::task::block_in_place(|| tether(&env, &["manifests", "HelmRelease/flux-system/web"]));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("helm.toolkit.fluxcd.io/name: web"), "{text}");
    assert!(
        text.contains("name: web-web") || text.contains("web-web"),
        "release name [<targetNamespace>-]<name>: {text}"
    );
    assert!(
        !text.contains("hunter2"),
        "a value from a Secret is never shown: {text}"
    );
    assert!(text.contains("(masked sha256:"), "it shows masked: {text}");
}
