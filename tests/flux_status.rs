//! State of live Flux objects: health of every Flux health fixture Argo
//! CD ships (interop/fixtures/flux/objects/*-health_test.yaml), sync of a
//! Kustomization against its source, inventory ids, revisions and history.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use serde_yaml::Value as Yaml;
use std::path::{Path, PathBuf};
use tether::flux::{history, inventory, status};
use tether::model::{HealthStatus, ResourceKey, SyncStatus};

fn objects_dir() -> Option<PathBuf> {
    let dir = common::shared_dir("interop/fixtures/flux/objects");
    if dir.is_none() {
        common::skipped("interop fixtures not found (../shared/interop/fixtures)");
    }
    dir
}

/// The documents of a fixture, with the flux CLI test templates filled in.
fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("{{ .fluxns }}", "flux-system")
        .replace("{{ .ns }}", "apps");
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| {
            serde_json::to_value(<Yaml as serde::Deserialize>::deserialize(d).unwrap()).unwrap()
        })
        .filter(|v| !v.is_null())
        .collect()
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap()
}

#[test]
fn every_flux_health_fixture_gets_argo_cds_verdict() {
    let Some(dir) = objects_dir() else { return };
    let mut checked = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().ends_with("-health_test.yaml"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let prefix = name.trim_end_matches("-health_test.yaml");
        let cases: Yaml = serde_yaml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in cases["tests"].as_sequence().unwrap() {
            let input = case["inputPath"]
                .as_str()
                .unwrap()
                .trim_start_matches("testdata/");
            let object = &documents(&dir.join(format!("{prefix}-{input}")))[0];
            let health = tether::health::assess(object);
            let want = &case["healthStatus"];
            assert_eq!(
                health.status.as_str(),
                want["status"].as_str().unwrap(),
                "{prefix}-{input}"
            );
            assert_eq!(
                health.message,
                want["message"].as_str().unwrap(),
                "{prefix}-{input}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 16, "only {checked} health cases found");
}

#[test]
fn a_kustomization_at_its_source_revision_is_synced_and_healthy() {
    let Some(dir) = objects_dir() else { return };
    let objects = documents(&dir.join("flux2-trace-helmrelease-chain.yaml"));
    let ks = find(&objects, "Kustomization", "infrastructure");
    let source_ref = status::source_ref(ks).unwrap();
    assert_eq!(
        (source_ref.kind.as_str(), source_ref.name.as_str()),
        ("GitRepository", "flux-system")
    );
    let source = find(&objects, "GitRepository", "flux-system");
    let s = status::status(ks, Some(source));
    assert_eq!(s.sync, SyncStatus::Synced);
    assert_eq!(s.health.status, HealthStatus::Healthy);
    assert_eq!(
        s.message,
        "ReconciliationSucceeded: Applied revision: main@sha1:696f056df216eea4f9401adbee0ff744d4df390f"
    );
    let hr = find(&objects, "HelmRelease", "podinfo");
    let chart = status::source_ref(hr).unwrap();
    assert_eq!(
        (
            chart.kind.as_str(),
            chart.namespace.as_str(),
            chart.name.as_str()
        ),
        ("HelmChart", "flux-system", "podinfo-podinfo")
    );
    let other = documents(&dir.join("flux2-get-status-objects.yaml"));
    let failed = find(&other, "GitRepository", "gr-failed");
    assert_eq!(
        status::sync_status(ks, Some(failed)),
        SyncStatus::Unknown,
        "no artifact"
    );
}

#[test]
fn inventories_parse_into_resource_keys() {
    let Some(dir) = objects_dir() else { return };
    let objects = documents(&dir.join("flux2-tree-kustomizations-inventory.yaml"));
    let ks = find(&objects, "Kustomization", "flux-system");
    let inv = inventory::inventory(ks).unwrap();
    assert_eq!(
        inv[0].key,
        ResourceKey::new("", "Namespace", None, "flux-system")
    );
    assert!(inv.iter().any(|e| e.key
        == ResourceKey::new(
            "kustomize.toolkit.fluxcd.io",
            "Kustomization",
            Some("flux-system"),
            "infrastructure"
        )
        && e.api_version() == "kustomize.toolkit.fluxcd.io/v1beta2"));

    let Some(cases) = common::shared_dir("interop/cases") else {
        return;
    };
    let text = std::fs::read_to_string(cases.join("argocd-syncwindows-and-ids.yaml")).unwrap();
    let all: Yaml = serde_yaml::from_str(&text).unwrap();
    for example in all["fluxInventoryId"]["examples"].as_sequence().unwrap() {
        let id = example["id"].as_str().unwrap();
        let key = inventory::parse_id(id).unwrap();
        if let Some(p) = example["parsed"].as_mapping() {
            let field = |f: &str| p.get(f).and_then(Yaml::as_str).unwrap_or("");
            let namespace = Some(field("namespace")).filter(|n| !n.is_empty());
            assert_eq!(
                key,
                ResourceKey::new(field("group"), field("kind"), namespace, field("name")),
                "{id}"
            );
        }
    }
    for r in all["fluxRevision"].as_sequence().unwrap() {
        if let (Some(rev), Some(hash)) = (r["revision"].as_str(), r["hash"].as_str()) {
            assert_eq!(status::revision_hash(rev), hash, "{rev}");
        }
        if let Some(legacy) = r["legacy"].as_str() {
            assert_eq!(
                status::revision_hash(legacy),
                "5394cb7f48332b2de7c17dd8b8384bbc84b7e738"
            );
        }
    }
}

#[test]
fn histories_read_as_flux_records_them() {
    let Some(dir) = objects_dir() else { return };
    let mut ks = documents(&dir.join("kustomization-status-history-example.yaml"))[0].clone();
    ks["kind"] = "Kustomization".into();
    let snapshots = history::reconcile_history(&ks);
    assert_eq!(snapshots.len(), 2);
    assert_eq!(snapshots[1].last_reconciled_status, "HealthCheckFailed");
    assert_eq!(snapshots[1].total_reconciliations, 120);
    let entries = history::history_entries(&ks);
    assert_eq!(
        (entries[0].id, entries[0].revision.as_str()),
        (2, "v1.0.1@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0")
    );

    let hr = &documents(&dir.join("helmrelease-status-history-example.yaml"))[0];
    let releases = history::release_history(hr);
    assert_eq!(
        releases.iter().map(|r| r.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(
        releases[0].test_hooks["podinfo-grpc-test-goyey"],
        "Succeeded"
    );
    let entries = history::history_entries(hr);
    assert_eq!(entries[0].result, "deployed");
    assert_eq!(
        entries[0].message,
        "upgrade podinfo@6.6.1+0cc9a8446c95 (app 6.6.1)"
    );
}
