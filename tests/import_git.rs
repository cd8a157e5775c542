//! Argo CD and Flux apps from Git (DESIGN.md §6): `import:` folders are
//! scanned, each Application / Kustomization / HelmRelease becomes an app
//! with engine, kind, ref and origin; what cannot be mapped is listed with
//! the tether.yaml entry to add; imported apps are read-only unless
//! `manage: true`; `manifests` prints what a sync would apply.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, tether};
use serde_json::Value;
use std::process::Command;

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
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: shop
  namespace: argocd
spec:
  sourceRepos: ['*']
  destinations: [{server: '*', namespace: '*'}]
  clusterResourceWhitelist: [{group: '*', kind: '*'}]
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

/// The Argo CD fixture repository (tests/fixtures/argocd/repo) as files
/// of the env's repository, at the same paths.
fn argo_fixture_repo() -> Vec<(String, Option<Vec<u8>>)> {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/argocd");
    let tree = tether::source::read_folder(&fixtures, "repo").unwrap();
    tree.files_under("repo")
        .unwrap()
        .into_iter()
        .map(|(path, bytes)| {
            (
                path.strip_prefix("repo/").unwrap().to_string(),
                Some(bytes.to_vec()),
            )
        })
        .collect()
}

/// The objects of tests/fixtures/argocd/expected/NAME (made with `kubectl
/// kustomize` / `helm template`), the revision placeholder replaced.
fn expected_objects(name: &str, short_sha: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/argocd/expected")
        .join(name);
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("busybox:0123456", &format!("busybox:{short_sha}"));
    let mut out: Vec<Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| {
            serde_json::to_value(<serde_yaml::Value as serde::Deserialize>::deserialize(d).unwrap())
                .unwrap()
        })
        .collect();
    out.sort_by_key(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]));
    out
}

const SHOP_PROD: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop-prod, namespace: argocd}
spec:
  project: default
  destination: {name: in-cluster, namespace: shop}
  source:
    repoURL: https://github.com/acme/gitops.git
    path: kustomize/overlay
    targetRevision: main
    kustomize:
      namePrefix: prod-
      images: ["nginx=registry.example.com/nginx:1.26", "busybox:$ARGOCD_APP_REVISION_SHORT"]
      replicas: [{name: web, count: 3}]
      commonLabels: {team: shop}
      commonAnnotations: {owner: $ARGOCD_APP_NAME}
      commonAnnotationsEnvsubst: true
      namespace: shop
      patches:
        - target: {kind: Deployment}
          patch: |-
            - op: add
              path: /spec/template/spec/priorityClassName
              value: high
      components: [../components/monitoring, ../components/missing]
      ignoreMissingComponents: true
  syncPolicy:
    automated: {prune: true}
    syncOptions: [CreateNamespace=true]
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_argo_cd_app_renders_as_the_repo_server_and_syncs_without_drift() {
    let env = Env::new().await;
    imported_env(&env, true);
    let mut files = argo_fixture_repo();
    files.push(file("clusters/test/shop.yaml", SHOP_PROD));
    let commit = env.commit(&files, "an Argo CD Kustomize app");
    let app = "Application/argocd/shop-prod";
    let out = tokio::task::block_in_place(|| tether(&env, &["manifests", app, "-o", "json"]));
    let mut objects: Vec<Value> = serde_json::from_value(json(&out)).unwrap();
    objects.sort_by_key(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]));
    // CreateNamespace=true: created by a sync, but (without
    // managedNamespaceMetadata) not the app's, as in Argo CD.
    let namespace = objects.remove(
        objects
            .iter()
            .position(|o| o["kind"] == "Namespace")
            .unwrap(),
    );
    assert_eq!(
        namespace,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    );
    assert_eq!(
        objects,
        expected_objects("kustomize-app.yaml", &commit[..7]),
        "the objects kubectl kustomize builds, with Argo CD's overrides and tracking"
    );

    let out = tokio::task::block_in_place(|| tether(&env, &["sync", app]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = |env: &Env| {
        let out = tokio::task::block_in_place(|| tether(env, &["diff", app]));
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, text) = diff(&env);
    assert_eq!(code, Some(0), "no drift after a sync: {text}");

    // Another field manager (an autoscaler) changes the replicas: drift...
    let deployments = env.api_in("apps/v1", "Deployment", "shop").await;
    let patch = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "prod-web", "namespace": "shop"},
        "spec": {"replicas": 7}
    });
    deployments
        .patch(
            "prod-web",
            &kube::api::PatchParams::apply("hpa-controller").force(),
            &kube::api::Patch::Apply(&patch),
        )
        .await
        .unwrap();
    let (code, text) = diff(&env);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("replicas"), "{text}");

    // ...that `managedFieldsManagers` naming that manager ignores, while a
    // rule naming another manager does not. (Each commit changes the
    // sidecar's `$ARGOCD_APP_REVISION_SHORT` tag: ignored by pointer.)
    let with_rule = |manager: &str| {
        SHOP_PROD.replace(
            "  syncPolicy:",
            &format!(
                "  ignoreDifferences:\n    - {{group: apps, kind: Deployment, managedFieldsManagers: [{manager}], jsonPointers: [/spec/template/spec/containers/1/image]}}\n  syncPolicy:"
            ),
        )
    };
    env.commit(
        &[file("clusters/test/shop.yaml", &with_rule("kubectl"))],
        "ignore another manager",
    );
    let (code, text) = diff(&env);
    assert_eq!(code, Some(1), "{text}");
    env.commit(
        &[file(
            "clusters/test/shop.yaml",
            &with_rule("hpa-controller"),
        )],
        "ignore the autoscaler's fields",
    );
    let (code, text) = diff(&env);
    assert_eq!(
        code,
        Some(0),
        "the autoscaler's replicas are ignored: {text}"
    );

    // managedNamespaceMetadata: the namespace is the app's, with its labels.
    env.commit(
        &[file(
            "clusters/test/shop.yaml",
            &SHOP_PROD.replace(
                "    syncOptions:",
                "    managedNamespaceMetadata: {labels: {team: shop}}\n    syncOptions:",
            ),
        )],
        "managed namespace metadata",
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["manifests", app, "-o", "json"]));
    let objects = json(&out);
    let namespace = objects
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Namespace")
        .unwrap();
    assert_eq!(namespace["metadata"]["labels"]["team"], "shop");
    assert_eq!(
        namespace["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
        "shop-prod:/Namespace:shop/shop"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_set_generates_imported_apps_that_name_it() {
    let env = Env::new().await;
    imported_env(&env, false);
    let appset = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: envs, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://github.com/acme/gitops.git
        revision: HEAD
        directories: [{path: "envs/*"}]
  template:
    metadata: {name: "web-{{.path.basename}}"}
    spec:
      project: default
      source: {repoURL: https://github.com/acme/gitops.git, targetRevision: HEAD, path: "{{.path.path}}"}
      destination: {server: https://kubernetes.default.svc, namespace: "{{.path.basename}}"}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: broken, namespace: argocd}
spec:
  generators: [{git: {repoURL: https://github.com/acme/unknown.git, directories: [{path: "*"}]}}]
  template: {metadata: {name: "x-{{path.basename}}"}, spec: {}}
"#;
    let settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n";
    env.commit(
        &[
            file("clusters/test/appsets.yaml", appset),
            file("envs/dev/settings.yaml", settings),
            file("envs/dev/settings-again.yaml", settings),
            file("envs/prod/settings.yaml", settings),
        ],
        "an ApplicationSet over env folders",
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["apps", "-o", "json"]));
    let apps = json(&out);
    let generated: Vec<&Value> = apps
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["parent"] == "ApplicationSet/argocd/envs")
        .collect();
    let names: Vec<&str> = generated
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web-dev", "web-prod"], "{apps}");
    assert_eq!(generated[1]["namespace"], "prod");
    assert_eq!(generated[1]["engine"], "argocd");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ApplicationSet/argocd/broken generates no apps")
            && stderr.contains("generators[0]")
            && stderr.contains("https://github.com/acme/unknown.git"),
        "a failing generator is a warning naming the ApplicationSet, generator and cause: {stderr}"
    );
    // The same object twice: Argo CD's warning is in the app's message.
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["status", "Application/argocd/web-dev", "-o", "json"],
        )
    });
    let message = json(&out)[0]["message"].as_str().unwrap().to_string();
    assert!(
        message
            .contains("RepeatedResourceWarning: Resource /ConfigMap/dev/settings appeared 2 times"),
        "{message}"
    );
    // The appsets view: both ApplicationSets, with their apps counted.
    let config = tether::config::load(Some(&env.config)).unwrap();
    let index = tether::import::ClusterIndex {
        mappings: config.clusters.clone(),
        kube_servers: Vec::new(),
        current: Some(env.context.clone()),
    };
    let imported = tether::import::import_apps(&config, index);
    let engine = std::sync::Arc::new(
        tether::engine::Engine::new(
            imported.apps,
            tether::cluster::KubeOptions {
                kubeconfig: Some(env.kubeconfig.clone()),
                context: None,
            },
        )
        .with_imported_appsets(imported.appsets),
    );
    let handle = engine.spawn(std::time::Duration::from_secs(60));
    let mut snapshots = handle.snapshots.clone();
    let snapshot = loop {
        let snapshot = snapshots.borrow_and_update().clone();
        if !snapshot.appsets.is_empty() {
            break snapshot;
        }
        tokio::time::timeout(std::time::Duration::from_secs(10), snapshots.changed())
            .await
            .expect("no snapshot with the ApplicationSets")
            .unwrap();
    };
    let rows: Vec<(String, usize, String)> = snapshot
        .appsets
        .iter()
        .map(|r| (r.reference.clone(), r.apps, format!("{:?}", r.health)))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "ApplicationSet/argocd/broken".to_string(),
                0,
                "Degraded".to_string()
            ),
            (
                "ApplicationSet/argocd/envs".to_string(),
                2,
                "Healthy".to_string()
            ),
        ]
    );
    assert_eq!(snapshot.appsets[1].generators, ["git"]);
    assert!(snapshot.appsets[0].message.contains("generators[0]"));

    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["manifests", "Application/argocd/web-prod", "-o", "json"],
        )
    });
    let objects = json(&out);
    assert_eq!(objects[0]["metadata"]["namespace"], "prod");
    assert_eq!(
        objects[0]["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
        "web-prod:/ConfigMap:prod/settings"
    );
}

/// The AppProject `shop` of [`APPLICATIONS`] with `spec` as given.
fn shop_project(spec: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {{name: shop, namespace: argocd}}\nspec:\n{spec}"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn app_project_denials_name_the_project_and_rule_and_refuse_the_sync() {
    let env = Env::new().await;
    imported_env(&env, true);
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: web-reader}\nrules: []\n";
    env.commit(
        &[file("apps/web/role.yaml", role)],
        "a cluster-scoped object",
    );
    let app = "Application/argocd/web";
    let everything = "  sourceRepos: ['*']\n  destinations: [{server: '*', namespace: '*'}]\n";
    let cases = [
        (
            "  sourceRepos: [https://github.com/acme/other.git]\n  destinations: [{server: '*', namespace: '*'}]\n  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n".to_string(),
            "AppProject shop (sourceRepos): application repo https://github.com/acme/gitops.git is not permitted in project 'shop'",
        ),
        (
            "  sourceRepos: ['*']\n  destinations: [{server: https://kubernetes.default.svc, namespace: other}]\n".to_string(),
            "AppProject shop (destinations): application destination server 'https://kubernetes.default.svc' and namespace 'web' do not match any of the allowed destinations in project 'shop'",
        ),
        (
            format!("{everything}  clusterResourceWhitelist: [{{group: '*', kind: '*'}}]\n  namespaceResourceBlacklist: [{{group: apps, kind: Deployment}}]\n"),
            "AppProject shop (namespaceResourceWhitelist/Blacklist): resource apps:Deployment is not permitted in project shop (Deployment web)",
        ),
        (
            format!("{everything}  clusterResourceWhitelist: [{{group: '*', kind: '*'}}]\n  namespaceResourceWhitelist: [{{group: '', kind: ConfigMap}}, {{group: apps, kind: Deployment}}]\n"),
            "AppProject shop (namespaceResourceWhitelist/Blacklist): resource :Service is not permitted in project shop (Service web)",
        ),
        (
            everything.to_string(),
            "AppProject shop (clusterResourceWhitelist/Blacklist): resource rbac.authorization.k8s.io:ClusterRole is not permitted in project shop (ClusterRole web-reader)",
        ),
    ];
    for (spec, expected) in &cases {
        let argo = APPLICATIONS.replace(
            &APPLICATIONS[APPLICATIONS
                .find("apiVersion: argoproj.io/v1alpha1\nkind: AppProject")
                .unwrap()..],
            &shop_project(spec),
        );
        env.commit(&[file("clusters/test/argo.yaml", &argo)], "project rules");
        let out = tokio::task::block_in_place(|| tether(&env, &["status", app, "-o", "json"]));
        let status = json(&out);
        let message = status[0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{expected}\n  in: {message}");
        assert_eq!(status[0]["sync"], "Unknown");
    }
    // The last case: sync and diff refuse, nothing is applied.
    let out = tokio::task::block_in_place(|| tether(&env, &["sync", app]));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("AppProject shop (clusterResourceWhitelist/Blacklist)"),
        "{stderr}"
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["diff", app]));
    assert_eq!(out.status.code(), Some(2));
    let deployments = env.api("apps/v1", "Deployment").await;
    assert!(
        deployments.get_opt("web").await.unwrap().is_none(),
        "nothing applied"
    );

    // A project that is not there.
    let argo = APPLICATIONS.replace("project: shop", "project: nope");
    env.commit(&[file("clusters/test/argo.yaml", &argo)], "unknown project");
    let out = tokio::task::block_in_place(|| tether(&env, &["status", app, "-o", "json"]));
    let message = json(&out)[0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("application references project nope which does not exist"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_revision_previews_a_branch_of_an_imported_argo_cd_app() {
    let env = Env::new().await;
    imported_env(&env, true);
    let app = "Application/argocd/web";
    let out = tokio::task::block_in_place(|| tether(&env, &["sync", app]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let git = Command::new("git")
        .arg("-C")
        .arg(&env.repo_path)
        .args(["branch", "feature"])
        .output()
        .unwrap();
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    env.repo
        .commit_files(
            "feature",
            &[file(
                "apps/web/configmap.yaml",
                &common::CONFIGMAP.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
            )],
            "more logs",
            &common::signature(1_700_000_200),
        )
        .unwrap();
    let diff = |args: &[&str]| {
        let out = tokio::task::block_in_place(|| tether(&env, args));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, text) = diff(&["diff", app]);
    assert_eq!(code, Some(0), "main is what is deployed: {text}");
    let (code, text) = diff(&["diff", app, "--revision", "feature"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("ConfigMap web/web-config") && text.contains("+  LOG_LEVEL: debug"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_argo_cd_helm_app_with_a_values_source_renders_as_helm_template() {
    if tether::render::helm::helm_binary().is_err() {
        common::skipped("helm not on PATH; the imported Argo CD Helm app was not rendered");
        return;
    }
    let env = Env::new().await;
    imported_env(&env, false);
    let app = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web-prod, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: web}
  sources:
    - repoURL: https://github.com/acme/gitops.git
      path: charts/web
      targetRevision: main
      helm:
        valueFiles: [values-staging.yaml, $values/envs/prod/values.yaml, missing.yaml]
        ignoreMissingValueFiles: true
        parameters:
          - {name: image.tag, value: "1.26"}
          - {name: config.flags, value: "a,b", forceString: true}
        fileParameters:
          - {name: motd, path: $values/envs/prod/motd.txt}
        valuesObject: {config: {logLevel: warn}}
        skipTests: true
        kubeVersion: "1.30.0"
    - repoURL: git@github.com:acme/gitops.git
      targetRevision: main
      ref: values
"#;
    let mut files = argo_fixture_repo();
    files.push(file("clusters/test/helm.yaml", app));
    env.commit(&files, "an Argo CD Helm app");
    // The SSH URL is another repository for Argo CD: a checkout is needed.
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["status", "Application/argocd/web-prod", "-o", "json"],
        )
    });
    let message = json(&out)[0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("spec.sources[1].repoURL git@github.com:acme/gitops.git has no local checkout: add `repos: [{url: git@github.com:acme/gitops.git, path: ./CHECKOUT}]`"),
        "{message}"
    );
    let app = app.replace(
        "git@github.com:acme/gitops.git",
        "https://github.com/ACME/gitops",
    );
    env.commit(
        &[file("clusters/test/helm.yaml", &app)],
        "the values source by https",
    );
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["manifests", "Application/argocd/web-prod", "-o", "json"],
        )
    });
    let mut objects: Vec<Value> = serde_json::from_value(json(&out)).unwrap();
    objects.sort_by_key(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]));
    assert_eq!(objects, expected_objects("helm-app.yaml", ""));
}

/// The sync windows of an imported app's AppProject hold it as Argo CD
/// holds it: a manual sync in an active deny window is refused naming the
/// window, and `tether windows` lists the project's windows with the apps
/// they block.
#[tokio::test(flavor = "multi_thread")]
async fn app_project_windows_hold_imported_apps() {
    let env = Env::new().await;
    let with_window = APPLICATIONS.replace(
        "  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n",
        "  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n  syncWindows:\n    - {kind: deny, schedule: '* * * * *', duration: 1h, applications: ['*']}\n",
    );
    assert_ne!(with_window, APPLICATIONS);
    env.commit(
        &[file("clusters/test/argo.yaml", &with_window)],
        "a project with a deny window",
    );
    std::fs::write(
        &env.config,
        format!(
            "repos:\n  - {{url: https://github.com/acme/gitops.git, path: ./gitops}}\nimport:\n  - {{repo: ./gitops, path: clusters/test, context: {ctx}, manage: true}}\n",
            ctx = env.context
        ),
    )
    .unwrap();
    let out = tokio::task::block_in_place(|| tether(&env, &["sync", "Application/argocd/web"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("AppProject shop spec.syncWindows[0] deny \"* * * * *\" for 1h"),
        "{stderr}"
    );
    let out = tokio::task::block_in_place(|| tether(&env, &["windows", "-o", "json"]));
    let rows = json(&out);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "AppProject shop spec.syncWindows[0]")
        .unwrap_or_else(|| panic!("{rows}"))
        .clone();
    assert_eq!(row["kind"], "deny");
    assert_eq!(row["active"], true);
    assert!(
        row["blocks"].as_array().unwrap().iter().any(|a| a == "web"),
        "{row}"
    );
}
