//! `tether compare A B`: two overlays of one base, diffed after taking out
//! namespace, name prefix and tracking marks (DESIGN.md §7); exit 0 same,
//! 1 differs, 2 error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::stages::Stages;
use common::{file, signature};

#[test]
fn overlays_differ_only_in_what_they_set_apart() {
    let stages = Stages::new("test", "");
    let out = stages.tether(&["compare", "web-staging", "web-prod", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["apps"], serde_json::json!(["web-staging", "web-prod"]));
    let resources = json["resources"].as_array().unwrap();
    let changes: Vec<(&str, &str, &str)> = resources
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("ConfigMap", "web-config", "none"),
            ("Deployment", "web", "update")
        ]
    );
    let diff = resources[1]["diff"].as_str().unwrap();
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with(['-', '+']))
            .collect::<Vec<_>>(),
        vec![
            "--- web-staging/Deployment/web",
            "+++ web-prod/Deployment/web",
            "-        image: registry.k8s.io/pause:3.9",
            "+        image: registry.k8s.io/pause:3.8",
        ]
    );

    // Keeping the names apart: every object is only on one side.
    let out = stages.tether(&[
        "compare",
        "web-staging",
        "web-prod",
        "--keep",
        "names",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, vec!["create", "delete", "create", "delete"]);
}

#[test]
fn the_same_version_compares_equal_and_errors_exit_2() {
    let stages = Stages::new("test", "");
    stages
        .repo
        .commit_files(
            "main",
            &[file(
                "apps/web/prod/kustomization.yaml",
                &stages.overlay("prod", "3.9"),
            )],
            "prod on 3.9",
            &signature(1_700_000_100),
        )
        .unwrap();
    let out = stages.tether(&["compare", "web-staging", "web-prod"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "web-staging and web-prod: 0 of 2 resources differ\n"
    );
    let out = stages.tether(&["compare", "web-staging", "web-qa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("web-qa"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
