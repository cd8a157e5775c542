//! Flux Kustomization `postBuild` end to end through `flux::kustomization::build`:
//! the resource-level cases of interop/cases/flux-postbuild.yaml and the
//! fluxcd/pkg test data in interop/fixtures/flux/varsub.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use serde_yaml::Value as Yaml;
use std::path::{Path, PathBuf};
use tether::flux::envsubst::Mode;
use tether::flux::kustomization::{BuildOptions, Kustomization, build};
use tether::flux::{FluxError, RefObjects};
use tether::model::FileTree;
use tether::render::to_yaml_stream;

const NAME_LABEL: &str = "kustomize.toolkit.fluxcd.io/name";
const NAMESPACE_LABEL: &str = "kustomize.toolkit.fluxcd.io/namespace";

fn case(name: &str) -> Option<Yaml> {
    let Some(dir) = common::shared_dir("interop/cases") else {
        common::skipped("interop cases not found (../shared/interop/cases)");
        return None;
    };
    let text = std::fs::read_to_string(dir.join("flux-postbuild.yaml")).unwrap();
    let all: Yaml = serde_yaml::from_str(&text).unwrap();
    let found = all["cases"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str() == Some(name))
        .cloned();
    Some(found.unwrap_or_else(|| panic!("case {name:?} not in flux-postbuild.yaml")))
}

fn varsub_dir() -> Option<PathBuf> {
    let dir = common::shared_dir("interop/fixtures/flux/varsub");
    if dir.is_none() {
        common::skipped("interop fixtures not found (../shared/interop/fixtures)");
    }
    dir
}

fn json_of(yaml: &Yaml) -> Value {
    serde_json::to_value(yaml).unwrap()
}

/// A v1 Kustomization `apps` in namespace `ns` building `./app`.
fn kustomization(ns: &str, post_build: Value) -> Kustomization {
    Kustomization::from_object(&json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": ns},
        "spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}, "path": "./app",
                 "prune": true, "postBuild": post_build}}))
    .unwrap()
}

fn artifact(manifest: &str) -> FileTree {
    let mut tree = FileTree::new();
    tree.insert("app/manifest.yaml", manifest);
    tree
}

/// A ConfigMap `cfg` in `X` with the case's label fragment.
fn labelled_config_map(fragment: &str) -> String {
    let indented: String = fragment.lines().map(|l| format!("  {l}\n")).collect();
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: X\n{indented}")
}

fn object<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    objects.iter().find(|o| o["kind"] == kind).unwrap()
}

#[test]
fn inline_config_map_and_secret_precedence_with_newlines_stripped() {
    let Some(c) = case("inline + ConfigMap + Secret precedence, newline stripping, defaults")
    else {
        return;
    };
    let refs = RefObjects::from_objects([
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "X"},
               "data": json_of(&c["objects"]["cm"]["data"])}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sec", "namespace": "X"},
               "stringData": json_of(&c["objects"]["sec"]["stringData"])}),
    ]);
    let ks = kustomization("X", json_of(&c["postBuild"]));
    let objects = build(
        &ks,
        &artifact(c["manifest"].as_str().unwrap()),
        &refs,
        &BuildOptions::default(),
    )
    .unwrap();
    let sa = object(&objects, "ServiceAccount");
    let want = json_of(&c["expected"]["ServiceAccount.labels"]);
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&sa["metadata"]["labels"][k], v, "label {k}");
    }
    // The case's `Secret.data.zone` is what the API server makes of stringData.
    let secret = object(&objects, "Secret");
    assert_eq!(
        secret["stringData"]["zone"],
        c["expected"]["Secret.data.zone"].as_str().unwrap()
    );
    for o in &objects {
        assert_eq!(o["metadata"]["labels"][NAME_LABEL], "apps");
        assert_eq!(o["metadata"]["labels"][NAMESPACE_LABEL], "X");
    }
}

#[test]
fn optional_references_may_be_absent_and_defaults_then_apply() {
    let Some(c) = case("optional substituteFrom present vs absent (defaults kick in when absent)")
    else {
        return;
    };
    let ks = kustomization("X", json_of(&c["postBuild"]));
    let tree = artifact(&labelled_config_map(c["manifest"].as_str().unwrap()));
    let present = RefObjects::from_objects([
        json!({"kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "X"}, "data": {"color": "\nred\n"}}),
        json!({"kind": "Secret", "metadata": {"name": "sec", "namespace": "X"}, "stringData": {"shape": "\ntriangle\n"}}),
    ]);
    for (refs, want) in [
        (present, &c["expectedWhenPresent"]),
        (RefObjects::new(), &c["expectedWhenDeleted"]),
    ] {
        let objects = build(&ks, &tree, &refs, &BuildOptions::default()).unwrap();
        let labels = &objects[0]["metadata"]["labels"];
        for (k, v) in json_of(want).as_object().unwrap() {
            assert_eq!(&labels[k], v, "label {k}");
        }
    }
}

#[test]
fn substitute_strategy_always_runs_without_variables() {
    let Some(c) = case("substituteStrategy Always with no variables at all") else {
        return;
    };
    let tree = artifact(&labelled_config_map(c["manifest"].as_str().unwrap()));
    let always = kustomization("X", json_of(&c["postBuild"]));
    let objects = build(&always, &tree, &RefObjects::new(), &BuildOptions::default()).unwrap();
    let labels = &objects[0]["metadata"]["labels"];
    for (k, v) in json_of(&c["expected"]).as_object().unwrap() {
        assert_eq!(&labels[k], v, "label {k}");
    }
    let without = kustomization("X", json!({}));
    let objects = build(
        &without,
        &tree,
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(objects[0]["metadata"]["labels"]["color"], "${color:=blue}");
}

#[test]
fn numbers_and_booleans_keep_their_yaml_meaning() {
    let Some(c) = case("numbers and booleans") else {
        return;
    };
    // The case abbreviates the objects; they need names to build.
    let manifest = c["manifest"]
        .as_str()
        .unwrap()
        .replace("metadata:\n", "metadata:\n  name: vars\n  namespace: X\n")
        .replace(
            "kind: ConfigMap\n",
            "kind: ConfigMap\nmetadata:\n  name: vars\n  namespace: X\n",
        );
    let ks = kustomization("X", json_of(&c["postBuild"]));
    let objects = build(
        &ks,
        &artifact(&manifest),
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    let repo = object(&objects, "GitRepository");
    for field in ["labels", "annotations"] {
        for (k, v) in json_of(&c["expected"][format!("GitRepository.{field}").as_str()])
            .as_object()
            .unwrap()
        {
            assert_eq!(&repo["metadata"][field][k], v, "{field}.{k}");
        }
    }
    assert_eq!(repo["spec"]["interval"], "123m");
    let cm = object(&objects, "ConfigMap");
    assert_eq!(
        cm["data"]["id"],
        c["expected"]["ConfigMap.data.id"].as_str().unwrap()
    );
    let text = cm["data"]["text"].as_str().unwrap();
    assert!(
        text.contains("${var}") && !text.contains("$${var}"),
        "{text}"
    );
    assert!(text.contains("\\?"), "{text}");
}

#[test]
fn strict_mode_fails_on_a_missing_variable_and_lenient_mode_empties_it() {
    let Some(c) = case("strict mode fails on a missing var without default") else {
        return;
    };
    let tree = artifact(&labelled_config_map(c["manifest"].as_str().unwrap()));
    let ks = kustomization("X", json!({"substitute": {"unused": "x"}}));
    let e = build(&ks, &tree, &RefObjects::new(), &BuildOptions::default()).unwrap_err();
    assert!(matches!(e, FluxError::PostBuild { .. }), "{e}");
    let message = e.to_string();
    assert!(
        message.contains(c["expected"]["messageContains"].as_str().unwrap()),
        "{message}"
    );
    assert!(
        message.contains("\"missing\""),
        "the error names the variable: {message}"
    );
    let lenient = BuildOptions {
        substitution: Mode::Lenient,
    };
    let objects = build(&ks, &tree, &RefObjects::new(), &lenient).unwrap();
    assert_eq!(objects[0]["metadata"]["labels"]["default"], "test");
    assert_eq!(objects[0]["metadata"]["labels"]["missing"], Value::Null);
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The fixture folder `sub` of varsub as the artifact's `app` folder.
fn fixture_tree(dir: &Path, sub: &str) -> FileTree {
    let mut tree = FileTree::new();
    for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        tree.insert(format!("app/{name}"), std::fs::read(&path).unwrap());
    }
    tree
}

/// The fixture objects of a multi-document file.
fn fixture_objects(dir: &Path, file: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(&read(dir, file))
        .map(|d| serde_json::to_value(Yaml::deserialize(d).unwrap()).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// The `spec.postBuild` of a fixture Kustomization (v1beta2 upstream).
fn fixture_post_build(dir: &Path, file: &str) -> Value {
    fixture_objects(dir, file)[0]["spec"]["postBuild"].clone()
}

fn without_owner_labels(mut objects: Vec<Value>) -> Vec<Value> {
    for o in &mut objects {
        let labels = o["metadata"]["labels"].as_object_mut().unwrap();
        labels.shift_remove(NAME_LABEL);
        labels.shift_remove(NAMESPACE_LABEL);
    }
    objects
}

use serde::Deserialize;

#[test]
fn resource_opt_out_and_config_map_quoting_match_the_upstream_output() {
    let Some(dir) = varsub_dir() else { return };
    let refs = RefObjects::from_objects(fixture_objects(&dir, "configmap.yaml"));
    let ks = kustomization(
        "apps",
        fixture_post_build(&dir, "kustomization_varsub.yaml"),
    );
    // The upstream test builds the folder directly: its `.sourceignore`
    // (which excludes everything) plays no part.
    let objects = build(
        &ks,
        &fixture_tree(&dir, "resources"),
        &refs,
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(
        to_yaml_stream(&without_owner_labels(objects)),
        strip_comments(&read(&dir, "kustomization_varsub_expected.yaml"))
    );
}

#[test]
fn strict_and_always_fixtures_behave_as_upstream() {
    let Some(dir) = varsub_dir() else { return };
    let refs = RefObjects::from_objects(fixture_objects(&dir, "configmap.yaml"));
    let ks = kustomization(
        "apps",
        fixture_post_build(&dir, "kustomization_varsub.yaml"),
    );
    let strict = fixture_tree(&dir, "varsubstrict");
    let e = build(&ks, &strict, &refs, &BuildOptions::default()).unwrap_err();
    assert!(e.to_string().contains("variable not set"), "{e}");
    let lenient = BuildOptions {
        substitution: Mode::Lenient,
    };
    assert!(build(&ks, &strict, &refs, &lenient).is_ok());

    let always = kustomization("apps", json!({"substituteStrategy": "Always"}));
    let objects = build(
        &always,
        &fixture_tree(&dir, "varsubalways"),
        &refs,
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(objects[0]["metadata"]["labels"]["environment"], "dev");
    assert_eq!(objects[0]["data"]["region"], "eu-central-1");
}

#[test]
fn strict_mode_accepts_set_but_empty_values_from_every_source() {
    let Some(dir) = varsub_dir() else { return };
    let Some(c) =
        case("strict mode accepts set-but-empty values from inline, ConfigMap and Secret")
    else {
        return;
    };
    let mut refs = fixture_objects(&dir, "configmap_empty.yaml");
    refs.extend(fixture_objects(&dir, "secret_empty.yaml"));
    let ks = kustomization(
        "apps",
        fixture_post_build(&dir, "kustomization_varsub_empty.yaml"),
    );
    let objects = build(
        &ks,
        &fixture_tree(&dir, "varsubstrictempty"),
        &RefObjects::from_objects(refs),
        &BuildOptions::default(),
    )
    .unwrap();
    let text = to_yaml_stream(&objects);
    for want in c["expectedYAMLContains"].as_sequence().unwrap() {
        assert!(text.contains(want.as_str().unwrap()), "{text}");
    }
}
