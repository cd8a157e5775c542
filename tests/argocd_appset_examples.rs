//! Argo CD's example ApplicationSets (shared/interop/fixtures/argocd/
//! appset-examples) generated over their own example tree, with the
//! Applications Argo CD documents for them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tether::argocd::appset::{Cluster, GenerateContext, Generated, StaticRepos, generate};
use tether::model::FileTree;

const ARGO_REPO: &str = "https://github.com/argoproj/argo-cd.git";

/// The example folder as the argo-cd repository tree (under
/// `applicationset/examples/`), and the folder itself.
fn examples() -> Option<(StaticRepos, std::path::PathBuf)> {
    let Some(dir) = common::shared_dir("interop/fixtures/argocd/appset-examples") else {
        common::skipped(
            "shared/interop/fixtures is absent; the ApplicationSet example tests did not run",
        );
        return None;
    };
    let mut tree = FileTree::new();
    add_files(&dir, &dir, &mut tree);
    let repos = StaticRepos {
        repos: vec![(ARGO_REPO.to_string(), Arc::new(tree))],
    };
    Some((repos, dir))
}

fn add_files(root: &Path, dir: &Path, tree: &mut FileTree) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            add_files(root, &path, tree);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            tree.insert(
                format!("applicationset/examples/{rel}"),
                std::fs::read(&path).unwrap(),
            );
        }
    }
}

fn clusters() -> Vec<Cluster> {
    vec![
        Cluster {
            name: "staging".into(),
            server: "https://staging.example.com".into(),
            labels: BTreeMap::from([
                ("environment".into(), "staging".into()),
                ("use-kafka".into(), "false".into()),
            ]),
            ..Default::default()
        },
        Cluster {
            name: "prod".into(),
            server: "https://some-specific-cluster".into(),
            labels: BTreeMap::from([("environment".into(), "production".into())]),
            ..Default::default()
        },
    ]
}

fn run(file: &str, clusters: &[Cluster]) -> Option<Result<Generated, String>> {
    let (repos, dir) = examples()?;
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let appset: Value =
        serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()).unwrap();
    let ctx = GenerateContext {
        clusters,
        repos: &repos,
        settings: Default::default(),
    };
    Some(generate(&appset, &ctx).map_err(|e| e.to_string()))
}

fn names(g: &Generated) -> Vec<String> {
    g.applications
        .iter()
        .map(|a| a["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn field(g: &Generated, app: usize, pointer: &str) -> String {
    g.applications[app]
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("<absent>")
        .to_string()
}

#[test]
fn list_examples() {
    for file in [
        "list-generator/list-example.yaml",
        "list-generator/list-example-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        let out = out.unwrap();
        assert_eq!(
            names(&out),
            ["engineering-dev-guestbook", "engineering-prod-guestbook"],
            "{file}"
        );
        assert_eq!(
            field(&out, 1, "/spec/source/path"),
            "applicationset/examples/list-generator/guestbook/engineering-prod"
        );
        assert_eq!(
            field(&out, 0, "/spec/destination/server"),
            "https://kubernetes.default.svc"
        );
        assert_eq!(
            out.applications[0]["metadata"]["finalizers"][0],
            "resources-finalizer.argocd.argoproj.io"
        );
    }
}

#[test]
fn cluster_examples_include_in_cluster() {
    for file in [
        "cluster/cluster-example.yaml",
        "cluster/cluster-example-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        assert_eq!(names(&out.unwrap()), ["in-cluster-guestbook"], "{file}");
        let out = run(file, &clusters()).unwrap().unwrap();
        assert_eq!(
            names(&out),
            [
                "staging-guestbook",
                "prod-guestbook",
                "in-cluster-guestbook"
            ],
            "{file}"
        );
        assert_eq!(
            field(&out, 1, "/spec/destination/server"),
            "https://some-specific-cluster"
        );
    }
}

#[test]
fn git_directory_examples() {
    let base = "applicationset/examples/git-generator-directory";
    for file in [
        "git-generator-directory/git-directories-example.yaml",
        "git-generator-directory/git-directories-example-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        let out = out.unwrap();
        assert_eq!(
            names(&out),
            ["argo-workflows", "prometheus-operator"],
            "{file}"
        );
        assert_eq!(
            field(&out, 0, "/spec/source/path"),
            format!("{base}/cluster-addons/argo-workflows")
        );
        assert_eq!(
            field(&out, 1, "/spec/destination/namespace"),
            "prometheus-operator"
        );
        assert_eq!(out.namespace, "argocd");
        assert_eq!(field(&out, 0, "/metadata/namespace"), "argocd");
    }
    // The fasttemplate variant of the exclude example templates `{{path}}`.
    let Some(out) = run(
        "git-generator-directory/excludes/git-directories-exclude-example-fasttemplate.yaml",
        &[],
    ) else {
        return;
    };
    let out = out.unwrap();
    assert_eq!(names(&out), ["argo-workflows", "prometheus-operator"]);
    assert_eq!(
        field(&out, 1, "/spec/source/path"),
        format!("{base}/excludes/cluster-addons/prometheus-operator")
    );
    // The Go variant writes `{{.path}}`, which is the whole path map: Argo CD
    // prints it with Go's %v, and so does tether.
    let out = run(
        "git-generator-directory/excludes/git-directories-exclude-example.yaml",
        &[],
    )
    .unwrap()
    .unwrap();
    assert_eq!(names(&out), ["argo-workflows", "prometheus-operator"]);
    assert_eq!(
        field(&out, 0, "/spec/source/path"),
        format!(
            "map[basename:argo-workflows basenameNormalized:argo-workflows path:{base}/excludes/cluster-addons/argo-workflows segments:[applicationset examples git-generator-directory excludes cluster-addons argo-workflows]]"
        )
    );
}

#[test]
fn git_file_examples() {
    for file in [
        "git-generator-files-discovery/git-generator-files.yaml",
        "git-generator-files-discovery/git-generator-files-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        let out = out.unwrap();
        assert_eq!(
            names(&out),
            ["engineering-dev-guestbook", "engineering-prod-guestbook"],
            "{file}"
        );
    }
    for file in [
        "git-generator-files-discovery/excludes/git-files-exclude-example.yaml",
        "git-generator-files-discovery/excludes/git-files-exclude-example-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        assert_eq!(
            names(&out.unwrap()),
            ["engineering-prod-guestbook"],
            "{file}"
        );
    }
}

#[test]
fn matrix_examples() {
    let addons = "applicationset/examples/matrix/cluster-addons";
    for file in [
        "matrix/list-and-git.yaml",
        "matrix/list-and-git-fasttemplate.yaml",
    ] {
        let Some(out) = run(file, &[]) else { return };
        let out = out.unwrap();
        assert_eq!(
            names(&out),
            [
                "argo-workflows-engineering-dev",
                "argo-workflows-engineering-prod",
                "prometheus-operator-engineering-dev",
                "prometheus-operator-engineering-prod"
            ],
            "{file}"
        );
        assert_eq!(field(&out, 1, "/spec/project"), "prod");
        assert_eq!(
            field(&out, 2, "/spec/source/path"),
            format!("{addons}/prometheus-operator")
        );
        assert_eq!(
            field(&out, 3, "/spec/destination/server"),
            "https://2.4.6.8"
        );
    }
    // The clusters generator has a selector, so no implicit in-cluster.
    for file in [
        "matrix/cluster-and-git.yaml",
        "matrix/cluster-and-git-fasttemplate.yaml",
    ] {
        let out = run(file, &clusters()).unwrap().unwrap();
        assert_eq!(
            names(&out),
            [
                "argo-workflows-staging",
                "argo-workflows-prod",
                "prometheus-operator-staging",
                "prometheus-operator-prod"
            ],
            "{file}"
        );
        assert_eq!(field(&out, 1, "/spec/project"), "production");
    }
    // list-and-list reads `.path.path`, which neither list has: with
    // missingkey=error Argo CD refuses the whole ApplicationSet.
    let err = run("matrix/list-and-list.yaml", &[]).unwrap().unwrap_err();
    assert!(
        err.contains("ApplicationSet list-and-list")
            && err.contains("map has no entry for key \"path\""),
        "{err}"
    );
    // fasttemplate leaves the unknown tags as written.
    let out = run("matrix/list-and-list-fasttemplate.yaml", &[])
        .unwrap()
        .unwrap();
    assert_eq!(
        names(&out),
        [
            "engineering-dev-1",
            "engineering-dev-2",
            "engineering-prod-1",
            "engineering-prod-2"
        ]
    );
    assert_eq!(field(&out, 0, "/spec/source/path"), "{{path}}");
    for file in [
        "matrix/matrix-and-union-in-matrix.yaml",
        "matrix/matrix-and-union-in-matrix-fasttemplate.yaml",
    ] {
        let out = run(file, &[]).unwrap().unwrap();
        let mut expected = Vec::new();
        for cluster in ["engineering-dev", "engineering-prod"] {
            for suffix in ["1", "2"] {
                for prefix in ["first", "second"] {
                    expected.push(format!("{prefix}-{cluster}-{suffix}"));
                }
            }
        }
        assert_eq!(names(&out), expected, "{file}");
        assert_eq!(field(&out, 0, "/spec/project"), "default");
    }
}

#[test]
fn merge_examples() {
    let param = |out: &Generated, app: usize, name: &str| -> String {
        out.applications[app]["spec"]["source"]["helm"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let Some(out) = run(
        "merge/merge-clusters-and-list-fasttemplate.yaml",
        &clusters(),
    ) else {
        return;
    };
    let out = out.unwrap();
    assert_eq!(names(&out), ["staging", "prod", "in-cluster"]);
    // staging has use-kafka=false; prod's server matches the list element.
    assert_eq!(
        [param(&out, 0, "kafka"), param(&out, 0, "redis")],
        ["false", "false"]
    );
    assert_eq!(
        [param(&out, 1, "kafka"), param(&out, 1, "redis")],
        ["true", "true"]
    );
    assert_eq!(
        [param(&out, 2, "kafka"), param(&out, 2, "redis")],
        ["true", "false"]
    );
    // In Go mode the list element's key `values.redis` is a top-level key,
    // not the `values` map the template reads: redis stays "false".
    let out = run("merge/merge-clusters-and-list.yaml", &clusters())
        .unwrap()
        .unwrap();
    assert_eq!(
        [param(&out, 1, "kafka"), param(&out, 1, "redis")],
        ["true", "false"]
    );
    for file in [
        "merge/merge-two-matrixes-fasttemplate.yaml",
        "merge/merge-two-matrixes.yaml",
    ] {
        let out = run(file, &clusters()).unwrap().unwrap();
        assert_eq!(
            names(&out),
            [
                "staging-guestbook-staging",
                "staging-guestbook-prod",
                "prod-guestbook-staging",
                "prod-guestbook-prod",
                "in-cluster-guestbook-staging",
                "in-cluster-guestbook-prod"
            ],
            "{file}"
        );
        let expect_one = file.contains("fasttemplate");
        // The list overrides replicaCount for in-cluster/staging (flat mode
        // only: in Go mode `values.replicaCount` is a top-level key).
        assert_eq!(
            param(&out, 4, "replicaCount"),
            if expect_one { "1" } else { "2" },
            "{file}"
        );
        assert_eq!(param(&out, 5, "replicaCount"), "2");
        assert_eq!(
            field(&out, 0, "/spec/destination/namespace"),
            "guestbook-non-prod"
        );
    }
}
