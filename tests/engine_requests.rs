//! How many requests a sync and a diff send: live objects are read with
//! one LIST per kind and namespace, and a sync or a diff after a sync
//! applies or dry-runs only the objects whose fingerprint changed (the
//! object in Git, or the fields tether owns live). Counted on the
//! simulated API server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file};
use kube::api::{Patch, PatchParams};
use serde_json::json;
use tether::engine::SyncOptions;

/// The names of the resources a diff would change.
fn changed(diff: &tether::engine::AppDiff) -> Vec<&str> {
    diff.resources
        .iter()
        .filter(|r| r.change != "none")
        .map(|r| r.name.as_str())
        .collect()
}

/// Twelve ConfigMaps added to the web app.
fn many(level: &str) -> String {
    (0..12)
        .map(|i| {
            format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: many-{i}\ndata:\n  LEVEL: \"{}\"\n",
                if i == 0 { level } else { "1" }
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_diff_after_a_sync_dry_runs_only_what_changed() {
    let env = Env::new().await;
    env.commit(&[file("apps/web/many.yaml", &many("1"))], "Add twelve");
    let engine = env.quick_engine();
    let faults = env.faults();
    let gets = faults.requests("configmaps", "get");
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert!(report.resources.iter().any(|r| r.name == "many-11"));
    // The ConfigMaps of the app were read with one LIST, not a GET each
    // (the GETs left are tether's own state ConfigMap).
    let sync_gets = faults.requests("configmaps", "get") - gets;
    assert!(sync_gets <= 3, "{sync_gets} ConfigMap GETs in a sync");

    // A sync with nothing changed applies nothing again: every object is
    // verified by its fingerprint (the writes left are the app's state).
    let patches = faults.requests("configmaps", "patch");
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    assert!(report.resources.iter().all(|r| r.action == "unchanged"));
    let writes = faults.requests("configmaps", "patch") - patches;
    assert!(
        writes <= 1,
        "{writes} ConfigMap patches in an unchanged sync"
    );

    // Nothing changed: no dry-run at all.
    let patches = faults.requests("configmaps", "patch");
    let diff = engine.diff("web", None).await.unwrap();
    assert!(!diff.differs(), "{diff:?}");
    assert_eq!(faults.requests("configmaps", "patch"), patches);

    // One object changed in Git: one dry-run, and the diff shows it.
    env.commit(&[file("apps/web/many.yaml", &many("2"))], "Change one");
    let engine = env.quick_engine();
    let patches = faults.requests("configmaps", "patch");
    let diff = engine.diff("web", None).await.unwrap();
    let names = changed(&diff);
    assert_eq!(names, vec!["many-0"]);
    assert_eq!(faults.requests("configmaps", "patch") - patches, 1);

    // Sync it; then someone else edits a field tether owns on another
    // object: that object is a suspect again and the diff finds the drift.
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let api = env.api("v1", "ConfigMap").await;
    api.patch(
        "many-5",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"LEVEL": "9"}})),
    )
    .await
    .unwrap();
    let patches = faults.requests("configmaps", "patch");
    let diff = engine.diff("web", None).await.unwrap();
    let names = changed(&diff);
    assert_eq!(names, vec!["many-5"]);
    assert_eq!(faults.requests("configmaps", "patch") - patches, 1);
}
