#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Plain manifest rendering over fixture folders, and the YAML output.

use serde_json::{Value, json};
use std::path::Path;
use tether::model::FileTree;
use tether::render::{self, SourceKind};

/// tests/fixtures/render loaded as a FileTree with paths relative to it.
fn fixtures() -> FileTree {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render");
    tether::source::read_folder(&root, "").unwrap()
}

fn names(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn error(path: &str) -> String {
    render::render(&fixtures(), path).unwrap_err().to_string()
}

#[test]
fn renders_streams_lists_and_nested_folders_in_path_order() {
    let objects = render::render(&fixtures(), "multi").unwrap();
    assert_eq!(
        names(&objects),
        vec![
            "ConfigMap/settings",
            "Service/web",
            "ServiceAccount/web",
            "ClusterRole/web-reader",
            "Deployment/web",
            "Namespace/prod",
        ]
    );
    assert_eq!(objects[0]["data"], json!({"mode": "fast"}));
}

#[test]
fn path_may_be_one_file_or_have_slashes() {
    let objects = render::render(&fixtures(), "multi/nested/c-deploy.yml").unwrap();
    assert_eq!(names(&objects), vec!["Deployment/web"]);
    let objects = render::render(&fixtures(), "/multi/nested/").unwrap();
    assert_eq!(names(&objects), vec!["Deployment/web", "Namespace/prod"]);
}

#[test]
fn invalid_yaml_in_the_second_document_names_its_file_line() {
    assert_eq!(
        error("bad-yaml/stream.yaml"),
        "bad-yaml/stream.yaml:11: invalid YAML: did not find expected ',' or '}'"
    );
}

#[test]
fn invalid_yaml_in_the_third_document_names_its_file_line() {
    assert_eq!(
        error("bad-yaml/third.yaml"),
        "bad-yaml/third.yaml:14: invalid YAML: did not find expected key"
    );
}

#[test]
fn invalid_json_names_its_line() {
    assert_eq!(
        error("bad-json"),
        "bad-json/obj.json:4: invalid JSON: expected `,` or `}`"
    );
}

#[test]
fn missing_kind_names_the_document_line() {
    assert_eq!(
        error("missing-kind"),
        "missing-kind/cm.yaml:8: the document has no kind"
    );
}

#[test]
fn list_items_are_checked_too() {
    assert_eq!(
        error("list-bad-item"),
        "list-bad-item/list.yaml:1: items[1] of the List has no metadata.name"
    );
}

#[test]
fn kustomize_and_helm_folders_are_detected_and_nested_ones_refused() {
    let tree = fixtures();
    assert_eq!(render::detect(&tree, "kustomize"), SourceKind::Kustomize);
    assert_eq!(render::detect(&tree, "helm"), SourceKind::Helm);
    assert_eq!(render::detect(&tree, "multi"), SourceKind::Plain);
    // A kustomization at the path itself is built natively (tests/kustomize_*.rs).
    let built = render::render(&tree, "kustomize").unwrap();
    assert_eq!(names(&built), vec!["Deployment/web"]);
    // A chart at the path itself renders through helm (tests/render_helm.rs).
    assert_eq!(
        error("nested-helm"),
        "nested-helm/chart/Chart.yaml: a Helm chart inside a plain manifest folder; point the app at \"nested-helm/chart\" to render the chart"
    );
    assert_eq!(
        error("nested-kustomize"),
        "nested-kustomize/base/kustomization.yaml: a kustomization inside a plain manifest folder; point the app at \"nested-kustomize/base\" to build it, or at a folder of plain manifests"
    );
}

#[test]
fn absent_path_is_an_error() {
    assert_eq!(error("nowhere"), "no files under \"nowhere\" to render");
}

#[test]
fn yaml_stream_looks_like_kubectl_output() {
    let objects = vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"template": {"spec": {"containers": [
                   {"name": "web", "image": "nginx:1.27", "args": ["-v", "80"]}]}}}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
               "data": {"script": "echo a\necho b\n", "port": "80"}}),
    ];
    assert_eq!(
        render::to_yaml_stream(&objects),
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
        args:
        - -v
        - \"80\"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  script: |
    echo a
    echo b
  port: \"80\"
"
    );
    let reparsed = render::render(
        &{
            let mut t = FileTree::new();
            t.insert("out.yaml", render::to_yaml_stream(&objects));
            t
        },
        "out.yaml",
    )
    .unwrap();
    assert_eq!(reparsed, objects);
}

#[test]
fn default_namespace_only_on_namespaced_objects_without_one() {
    let mut objects = render::render(&fixtures(), "multi").unwrap();
    render::set_default_namespace(&mut objects, "web", |group, kind| {
        !(group.is_empty() && kind == "Namespace"
            || group == "rbac.authorization.k8s.io" && kind == "ClusterRole")
    });
    let ns: Vec<_> = objects
        .iter()
        .map(|o| o["metadata"]["namespace"].as_str())
        .collect();
    assert_eq!(
        ns,
        vec![
            Some("web"),
            Some("web"),
            Some("web"),
            None,
            Some("prod"),
            None
        ]
    );
}
