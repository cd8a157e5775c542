#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Kustomize through `render::render` as apps use it: folders deep inside a
//! repository tree, kubectl-identical text output, errors without output.

use serde::Deserialize;
use serde_json::Value;
use std::path::Path;
use tether::model::FileTree;
use tether::render::{self, RenderError, SourceKind};

/// The whole conformance corpus as one tree, like a repository holding
/// many apps (paths relative to tests/fixtures).
fn corpus() -> FileTree {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    tether::source::read_folder(&root, "kustomize").unwrap()
}

fn expected(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kustomize")
        .join(case)
        .join("expected.yaml");
    std::fs::read_to_string(path).unwrap()
}

fn parse(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|d| Value::deserialize(d).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

#[test]
fn overlays_render_from_deep_inside_a_repository_tree() {
    let tree = corpus();
    for case in [
        "overlay-deep",
        "app-staging-overlay",
        "components-basic",
        "gen-behavior-merge",
    ] {
        let path = format!("kustomize/{case}");
        assert_eq!(render::detect(&tree, &path), SourceKind::Kustomize);
        let objects = render::render(&tree, &format!("./{path}/")).unwrap();
        assert_eq!(
            parse(&render::to_yaml_stream(&objects)),
            parse(&expected(case)),
            "{case}"
        );
    }
}

/// Byte-identical to kubectl for objects without quoted strings (kubectl
/// double-quotes `"true"`, `""`; our writer single-quotes them — same
/// values, different spelling).
#[test]
fn output_text_is_what_kubectl_kustomize_prints() {
    let tree = corpus();
    let cases = [
        "two-bases-namespaces",
        "jobs-and-daemonsets",
        "gen-secret-basic",
        "patch-json6902-inline",
        "vars-legacy",
        "webhooks-order",
        "statefulset-claims-and-service",
    ];
    for case in cases {
        let objects = render::render(&tree, &format!("kustomize/{case}")).unwrap();
        assert_eq!(render::to_yaml_stream(&objects), expected(case), "{case}");
    }
}

#[test]
fn errors_name_the_kustomization_and_entry() {
    let tree = corpus();
    let err = render::render(&tree, "kustomize/error-missing-base-in-overlay").unwrap_err();
    assert!(matches!(err, RenderError::Kustomize(_)));
    assert_eq!(
        err.to_string(),
        "kustomize/error-missing-base-in-overlay/base/kustomization.yaml: resources entry \"deploy.yaml\": no such file or folder"
    );
    let err = render::render(&tree, "kustomize/error-remote-resource")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "kustomize/error-remote-resource/kustomization.yaml: resources entry \"https://"
        ),
        "{err}"
    );
}

#[test]
fn entries_may_not_climb_out_of_the_tree() {
    let mut tree = FileTree::new();
    tree.insert(
        "app/kustomization.yaml",
        "resources:\n- ../../outside.yaml\n",
    );
    let err = render::render(&tree, "app").unwrap_err().to_string();
    assert_eq!(
        err,
        "app/kustomization.yaml: resources entry \"../../outside.yaml\": climbs above the root of the repository; tether reads only files of the repository"
    );
}
