//! Argo CD Applications rendered by tether as Argo CD would apply them:
//! a plain directory, a Kustomize overlay with the app's overrides, and a
//! Helm chart with value files from a second source. The expected objects
//! of the directory, Kustomize and Helm apps (tests/fixtures/argocd/apps)
//! are made by scripts/regen-import-goldens with the repo-server's
//! directory walk, `kubectl kustomize` and `helm template`, plus Argo CD's
//! own steps (tests/fixtures/argocd/expected, see headers).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use tether::argocd::app::{ArgoSettings, Tool, plan, render};
use tether::argocd::{RepoSource, TRACKING_ID_ANNOTATION, TrackingMethod};
use tether::model::FileTree;

const REPO: &str = "https://github.com/acme/gitops.git";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// The fixture repository at every revision, resolving to one commit.
struct Repo(Arc<FileTree>);

impl RepoSource for Repo {
    fn tree(&self, url: &str, _: &str) -> Result<Arc<FileTree>, String> {
        if tether::argocd::same_repo(url, REPO) {
            Ok(self.0.clone())
        } else {
            Err(format!("unknown repository {url}"))
        }
    }
    fn revision(&self, _: &str, _: &str) -> Result<String, String> {
        Ok(SHA.into())
    }
}

fn repo() -> Repo {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/argocd");
    let mut tree = FileTree::new();
    let folder = tether::source::read_folder(&fixtures, "repo").unwrap();
    for (path, bytes) in folder.files_under("").unwrap() {
        tree.insert(path.strip_prefix("repo/").unwrap(), bytes);
    }
    Repo(Arc::new(tree))
}

fn namespaced(_: &str, kind: &str) -> bool {
    !matches!(
        kind,
        "ClusterRole" | "Namespace" | "CustomResourceDefinition"
    )
}

fn yaml(text: &str) -> Value {
    serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(text).unwrap()).unwrap()
}

/// An Application of tests/fixtures/argocd/apps (the script
/// scripts/regen-import-goldens renders the same files).
fn app_file(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/argocd/apps")
        .join(name);
    yaml(&std::fs::read_to_string(path).unwrap())
}

fn expected(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/argocd/expected")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| {
            serde_json::to_value(<serde_yaml::Value as serde::Deserialize>::deserialize(d).unwrap())
                .unwrap()
        })
        .collect()
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|o| {
        format!(
            "{}/{}/{}",
            o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]
        )
    });
    v
}

fn helm_available() -> bool {
    if tether::render::helm::helm_binary().is_ok() {
        return true;
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: helm not on PATH (nor TETHER_HELM); the Argo CD Helm app was not rendered"
    );
    false
}

#[test]
fn directory_app_with_tracking_namespaces_hooks_and_duplicates() {
    let app = yaml(&format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: guestbook, namespace: argocd}}\n\
         spec:\n  project: default\n  source: {{repoURL: {REPO}, path: apps/guestbook, targetRevision: main}}\n\
         \x20 destination: {{server: https://kubernetes.default.svc, namespace: guestbook}}\n"
    ));
    let p = plan(&app, &ArgoSettings::default()).unwrap();
    let out = render(&p, &repo(), &namespaced).unwrap();
    assert_eq!(out.sources, [(Tool::Directory, SHA.to_string())]);
    let ids: Vec<&str> = out
        .objects
        .iter()
        .map(|o| {
            o["metadata"]["annotations"][TRACKING_ID_ANNOTATION]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "guestbook:rbac.authorization.k8s.io/ClusterRole:guestbook/guestbook-reader",
            "guestbook:batch/Job:guestbook/db-migrate",
            "guestbook:apps/Deployment:guestbook/guestbook-ui",
            "guestbook:/Service:frontend/guestbook-ui",
        ]
    );
    assert!(
        out.objects[0]["metadata"].get("namespace").is_none(),
        "a cluster-scoped object loses its namespace"
    );
    assert_eq!(out.objects[2]["metadata"]["namespace"], "guestbook");
    assert_eq!(
        out.objects[3]["metadata"]["labels"]["second"], "copy",
        "the last duplicate wins"
    );
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].contains("Service/frontend/guestbook-ui appeared 2 times"),
        "{:?}",
        out.warnings
    );
    assert!(out.policies[1].is_hook() && out.policies[1].delete_policies == ["HookSucceeded"]);

    // recurse, and the label tracking method.
    let mut app = app;
    app["spec"]["source"]["directory"] = json!({"recurse": true, "exclude": "cluster.yaml"});
    let settings = ArgoSettings::new("label", "", "").unwrap();
    let out = render(&plan(&app, &settings).unwrap(), &repo(), &namespaced).unwrap();
    let names: Vec<&str> = out
        .objects
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["guestbook-ui", "guestbook-extra", "guestbook-ui"]);
    assert_eq!(
        out.objects[1]["metadata"]["labels"]["app.kubernetes.io/instance"],
        "guestbook"
    );
    assert!(out.objects[1]["metadata"].get("annotations").is_none());
    assert_eq!(settings.tracking.method, TrackingMethod::Label);
}

#[test]
fn directory_app_matches_the_repo_servers_walk() {
    let app = app_file("directory-app.yaml");
    let out = render(
        &plan(&app, &ArgoSettings::default()).unwrap(),
        &repo(),
        &namespaced,
    )
    .unwrap();
    assert_eq!(out.sources[0].0, Tool::Directory);
    assert_eq!(sorted(out.objects), sorted(expected("directory-app.yaml")));
}

#[test]
fn kustomize_app_with_overrides_matches_kubectl_kustomize() {
    let app = app_file("kustomize-app.yaml");
    let out = render(
        &plan(&app, &ArgoSettings::default()).unwrap(),
        &repo(),
        &namespaced,
    )
    .unwrap();
    assert_eq!(out.sources[0].0, Tool::Kustomize);
    assert_eq!(sorted(out.objects), sorted(expected("kustomize-app.yaml")));

    // `kustomize edit add label` refuses to change a label without force.
    let mut clash = app.clone();
    clash["spec"]["source"]["kustomize"]["commonLabels"] = json!({"env": "staging"});
    let err = render(
        &plan(&clash, &ArgoSettings::default()).unwrap(),
        &repo(),
        &namespaced,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("label env already in kustomization file"),
        "{err}"
    );
    clash["spec"]["source"]["kustomize"]["forceCommonLabels"] = json!(true);
    let out = render(
        &plan(&clash, &ArgoSettings::default()).unwrap(),
        &repo(),
        &namespaced,
    )
    .unwrap();
    assert_eq!(out.objects[0]["metadata"]["labels"]["env"], "staging");
    // Build options tether's kustomize cannot honour are refused.
    let settings = ArgoSettings::new("", "", "--load-restrictor LoadRestrictionsNone").unwrap();
    assert!(render(&plan(&app, &settings).unwrap(), &repo(), &namespaced).is_err());
}

#[test]
fn helm_app_with_a_values_source_matches_helm_template() {
    if !helm_available() {
        return;
    }
    let app = app_file("helm-app.yaml");
    let p = plan(&app, &ArgoSettings::default()).unwrap();
    assert_eq!((p.sources.len(), p.refs.len()), (1, 1));
    let out = render(&p, &repo(), &namespaced).unwrap();
    assert_eq!(out.sources[0].0, Tool::Helm);
    assert_eq!(sorted(out.objects), sorted(expected("helm-app.yaml")));

    // A value file that is neither there nor optional is an error naming it.
    let mut strict = app.clone();
    strict["spec"]["sources"][0]["helm"]["ignoreMissingValueFiles"] = json!(false);
    let err = render(
        &plan(&strict, &ArgoSettings::default()).unwrap(),
        &repo(),
        &namespaced,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("Application web-prod") && err.contains("missing.yaml"),
        "{err}"
    );
}

#[test]
fn parameter_override_files_in_the_app_folder_apply() {
    let app = yaml(&format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: guestbook, namespace: argocd}}\n\
         spec:\n  source: {{repoURL: {REPO}, path: apps/guestbook}}\n\
         \x20 destination: {{server: https://kubernetes.default.svc, namespace: guestbook}}\n"
    ));
    let mut tree = (*repo().0).clone();
    tree.insert(
        "apps/guestbook/.argocd-source-guestbook.yaml",
        "directory:\n  recurse: true\n  include: 'nested/*'\n",
    );
    let out = render(
        &plan(&app, &ArgoSettings::default()).unwrap(),
        &Repo(Arc::new(tree)),
        &namespaced,
    )
    .unwrap();
    let names: Vec<&str> = out
        .objects
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["guestbook-extra"]);
}
