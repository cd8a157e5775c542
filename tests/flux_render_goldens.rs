//! Flux Kustomizations and a HelmRelease of the fixture repository
//! tests/fixtures/flux/repo (its `clusters/prod` folder is the import
//! folder) rendered by tether and compared with what kustomize-controller
//! and helm-controller would apply: tests/fixtures/flux/expected, made by
//! scripts/regen-import-goldens from `kubectl kustomize` / `helm template`
//! plus the controllers' documented steps (see each file's header).
//! Objects are compared as parsed YAML, in order (Flux does not reorder).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use std::path::Path;
use tether::flux::RefObjects;
use tether::flux::helmrelease::{HelmRelease, plan, render};
use tether::flux::kustomization::{BuildOptions, Kustomization, build};
use tether::flux::source::GitRepository;
use tether::model::FileTree;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flux")
}

/// The fixture repository's files at its one revision.
fn checkout() -> FileTree {
    let folder = tether::source::read_folder(&fixtures(), "repo").unwrap();
    let mut tree = FileTree::new();
    for (path, bytes) in folder.files_under("").unwrap() {
        tree.insert(path.strip_prefix("repo/").unwrap(), bytes);
    }
    tree
}

/// The Flux objects, ConfigMaps and Secrets of the import folder.
fn import_folder(tree: &FileTree) -> Vec<Value> {
    let (found, problems) = tether::import::scan_tree(tree, "clusters/prod", 0);
    assert!(problems.is_empty(), "{problems:?}");
    found.into_iter().map(|f| f.object).collect()
}

fn object<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in clusters/prod"))
}

/// What source-controller would hand over for the GitRepository `fleet`.
fn artifact(tree: &FileTree, found: &[Value]) -> FileTree {
    let source = GitRepository::from_object(object(found, "GitRepository", "fleet")).unwrap();
    source.artifact(tree, &[]).unwrap()
}

fn expected(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("expected").join(file)).unwrap();
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| {
            serde_json::to_value(<serde_yaml::Value as serde::Deserialize>::deserialize(d).unwrap())
                .unwrap()
        })
        .collect()
}

/// The Kustomization `name` built by tether, checked against its golden.
fn assert_kustomization_matches(name: &str) -> Vec<Value> {
    let tree = checkout();
    let found = import_folder(&tree);
    let ks = Kustomization::from_object(object(&found, "Kustomization", name)).unwrap();
    let refs = RefObjects::from_objects(found.iter().cloned());
    let objects = build(
        &ks,
        &artifact(&tree, &found),
        &refs,
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(
        objects,
        expected(&format!("kustomization-{name}.yaml")),
        "Kustomization {name}"
    );
    objects
}

#[test]
fn a_folder_with_its_own_kustomization_renders_as_kustomize_controller() {
    let objects = assert_kustomization_matches("infra");
    assert_eq!(objects.len(), 4);
}

#[test]
fn a_folder_without_a_kustomization_gets_the_generated_one() {
    let objects = assert_kustomization_matches("plain");
    let names: Vec<&str> = objects
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    // Files in name order, deploy/ descended, extras/ built by its own
    // kustomization (which does not list extras/unused/never.yaml).
    assert_eq!(names, ["plain", "plain-settings", "plain", "plain"]);
    assert_eq!(objects[3]["metadata"]["annotations"]["from"], "extras");
}

#[test]
fn substitution_and_spec_overlays_render_as_kustomize_controller() {
    let objects = assert_kustomization_matches("web");
    assert_eq!(
        objects[0]["spec"]["replicas"], 4,
        "inline substitute wins and the number is re-read as a number"
    );
    assert_eq!(
        objects[1]["metadata"]["annotations"]["note"], "${kept_as_written}",
        "substitute: disabled"
    );
}

#[test]
fn a_helm_release_from_a_git_folder_renders_as_helm_controller() {
    if tether::render::helm::helm_binary().is_err() {
        common::skipped(
            "helm not on PATH (nor TETHER_HELM); the HelmRelease golden was not checked",
        );
        return;
    }
    let tree = checkout();
    let found = import_folder(&tree);
    let hr = HelmRelease::from_object(object(&found, "HelmRelease", "shop")).unwrap();
    let refs = RefObjects::from_objects(found.iter().cloned());
    let plan = plan(&hr, &refs).unwrap();
    assert_eq!(
        (plan.release_name.as_str(), plan.namespace.as_str()),
        ("shop-shop", "shop")
    );
    let chart = hr.chart_path_in_source().unwrap();
    let objects = render(&hr, &plan, &artifact(&tree, &found), &chart).unwrap();
    assert_eq!(objects, expected("helmrelease-shop.yaml"));
}
