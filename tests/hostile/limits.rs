//! Finding "a memory cap per render": objects, bytes of output and bytes
//! read per render, set in tether.yaml (`render:` at the top and per app).

use super::support::*;
use tether::engine::render_app;
use tether::model::RenderLimits;
use tether::render::{RenderOptions, render_with};

/// `levels` kustomizations, each including the next twice under two
/// prefixes: 2^levels objects from one ConfigMap. (Not `x`/`y`: kustomize
/// reads kustomization files as YAML 1.1, where a plain `y` is `true`.)
fn doubling_tree(levels: usize) -> tether::model::FileTree {
    let mut t = tether::model::FileTree::new();
    for i in 0..levels {
        t.insert(format!("l{i}/kustomization.yaml"), "resources: [l, r]\n");
        for side in ["l", "r"] {
            t.insert(
                format!("l{i}/{side}/kustomization.yaml"),
                format!("resources: [../../l{}]\nnamePrefix: {side}-\n", i + 1),
            );
        }
    }
    t.insert(
        format!("l{levels}/kustomization.yaml"),
        "resources: [cm.yaml]\n",
    );
    t.insert(format!("l{levels}/cm.yaml"), configmap("a"));
    t
}

#[test]
fn bases_that_multiply_objects_stop_at_the_object_limit() {
    let options = RenderOptions {
        limits: RenderLimits {
            max_objects: 100,
            ..RenderLimits::default()
        },
        ..RenderOptions::default()
    };
    assert_eq!(
        render_with(&doubling_tree(6), "l0", &options)
            .unwrap()
            .len(),
        64
    );
    // 2^40 objects without a limit.
    let err = render_with(&doubling_tree(40), "l0", &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "l33/kustomization.yaml: produces 128 objects, more than the 100 a render may produce (render.maxObjects)"
    );
}

#[test]
fn output_past_the_byte_limit_is_refused() {
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{a: {}}}\n",
        "x".repeat(2000)
    );
    let t = tree(&[("app/cm.yaml", &big)]);
    let options = RenderOptions {
        limits: RenderLimits {
            max_output_bytes: 1000,
            ..RenderLimits::default()
        },
        ..RenderOptions::default()
    };
    assert_eq!(
        render_with(&t, "app", &options).unwrap_err().to_string(),
        "the render produced 2080 bytes of objects (as JSON), more than the 1000 allowed (render.maxOutputBytes)"
    );
}

#[test]
fn tether_yaml_sets_the_limits_for_all_apps_and_per_app() {
    let dir = tempfile::tempdir().unwrap();
    let repo = tether::source::init_repo(dir.path()).unwrap();
    let files = [
        ("two/a.yaml".to_string(), Some(configmap("a").into_bytes())),
        ("two/b.yaml".to_string(), Some(configmap("b").into_bytes())),
    ];
    repo.commit_files(
        "main",
        &files,
        "two",
        &crate::common::signature(1_700_000_000),
    )
    .unwrap();
    let text = "render: {maxObjects: 1, maxReadBytes: 64Mi, timeout: 2m}\napps:\n  - {name: capped, source: {repo: ., path: two}}\n  - {name: lifted, source: {repo: ., path: two}, render: {maxObjects: 5}}\n  - {name: starved, source: {repo: ., path: two}, render: {maxReadBytes: 10}}\n";
    let config = tether::config::parse(text, &dir.path().join("tether.yaml")).unwrap();
    let [capped, lifted, starved] = &config.apps[..] else {
        panic!("three apps");
    };
    assert_eq!(capped.render.limits().timeout.as_secs(), 120);
    assert_eq!(
        render_app(capped, None).unwrap_err().to_string(),
        "app capped: the render produced 2 objects, more than the 1 allowed (render.maxObjects)"
    );
    assert_eq!(render_app(lifted, None).unwrap().objects.len(), 2);
    assert_eq!(
        render_app(starved, None).unwrap_err().to_string(),
        "app starved: two/a.yaml: reading its 64 bytes would pass the limit of 10 bytes read per render (render.maxReadBytes)"
    );
    let bad = "render: {maxObjects: lots}\napps: []\n";
    let err = tether::config::parse(bad, &dir.path().join("tether.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tether.yaml:1: render.maxObjects: invalid type"),
        "{err}"
    );
}
