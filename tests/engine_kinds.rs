//! Every common kind through the engine: the apply bodies recorded from a
//! real API server (../shared/kube-golden 101-128) become one app; right
//! after a sync nothing may show as drift — server defaults of every kind
//! included — and a CRD with its custom resource syncs in order, the
//! resource in a later wave.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file, skipped};
use serde_json::Value;
use std::path::PathBuf;
use tether::engine::SyncOptions;
use tether::model::SyncStatus;

fn golden_dir() -> Option<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        base.join("../shared/kube-golden"),
        base.join("../../shared/kube-golden"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// The recorded apply bodies of files `from..=to`, as manifests for the
/// app: their namespace left to the destination.
fn recorded_manifests(dir: &std::path::Path, from: u32, to: u32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let Ok(number) = name[..3].parse::<u32>() else {
            continue;
        };
        if number < from || number > to || !name.contains("-apply-") {
            continue;
        }
        let recorded: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
        let mut body = recorded["request"]["body"].clone();
        if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("namespace");
        }
        out.push((
            format!("apps/kinds/{}.yaml", &name[..name.len() - 5]),
            serde_yaml::to_string(&body).unwrap(),
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn no_drift_right_after_sync_on_every_kind() {
    let Some(dir) = golden_dir() else {
        skipped("../shared/kube-golden not found; the every-kind drift test did not run");
        return;
    };
    let env = Env::new().await;
    // 101-123: ConfigMap, Secret, ServiceAccount, four Services, Deployment,
    // StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, PVC, Ingress,
    // HPA, PDB, Role, RoleBinding, ClusterRole, NetworkPolicy, Lease.
    let manifests = recorded_manifests(&dir, 101, 123);
    assert!(manifests.len() >= 23, "{manifests:?}");
    let files: Vec<_> = manifests.iter().map(|(p, c)| file(p, c)).collect();
    env.commit(&files, "Every kind");
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace("path: apps/web", "path: apps/kinds");
    std::fs::write(&env.config, config).unwrap();

    let engine = env.engine();
    engine.sync("web", &SyncOptions::default()).await.unwrap();
    let diff = engine.diff("web", None).await.unwrap();
    let drifted: Vec<String> = diff
        .resources
        .iter()
        .filter(|r| r.change != "none")
        .map(|r| format!("{} {}: {}\n{}", r.kind, r.name, r.change, r.diff))
        .collect();
    assert!(
        drifted.is_empty(),
        "drift right after sync:\n{}",
        drifted.join("\n")
    );
    let status =
        common::scenarios::wait_for(&env, &engine, |s| s.resources.len() > manifests.len()).await;
    let out_of_sync: Vec<_> = status
        .resources
        .iter()
        .filter(|r| r.sync != SyncStatus::Synced)
        .map(|r| format!("{} {}: {}", r.kind, r.name, r.message))
        .collect();
    assert!(out_of_sync.is_empty(), "{out_of_sync:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crd_and_its_custom_resource_sync_in_order_across_waves() {
    let Some(dir) = golden_dir() else {
        skipped("../shared/kube-golden not found; the CRD wave test did not run");
        return;
    };
    let env = Env::new().await;
    let mut files: Vec<_> = recorded_manifests(&dir, 124, 128)
        .into_iter()
        .filter(|(p, _)| p.contains("124-apply-crd") || p.contains("128-apply-widget"))
        .map(|(p, c)| {
            let c = if p.contains("widget") {
                c.replacen(
                    "metadata:\n",
                    "metadata:\n  annotations:\n    tether.dev/sync-wave: '1'\n",
                    1,
                )
            } else {
                c
            };
            file(&p, &c)
        })
        .collect();
    files.push(file("apps/kinds/config.yaml", common::CONFIGMAP));
    assert_eq!(files.len(), 3);
    env.commit(&files, "A CRD, its resource and config");
    let config = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace("path: apps/web", "path: apps/kinds");
    std::fs::write(&env.config, config).unwrap();

    let engine = env.engine();
    let plan = engine
        .sync(
            "web",
            &SyncOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let planned: Vec<_> = plan
        .resources
        .iter()
        .map(|r| (r.kind.as_str(), r.wave, r.action.as_str()))
        .collect();
    assert_eq!(
        planned,
        vec![
            ("Namespace", None, "created"),
            ("CustomResourceDefinition", None, "created"),
            ("ConfigMap", Some(0), "created"),
            ("Widget", Some(1), "created"),
        ]
    );
    let report = engine.sync("web", &SyncOptions::default()).await.unwrap();
    let order: Vec<_> = report.resources.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "Namespace",
            "CustomResourceDefinition",
            "ConfigMap",
            "Widget"
        ]
    );
    let status = common::scenarios::wait_for(&env, &engine, |s| s.sync == SyncStatus::Synced).await;
    let widget = status
        .resources
        .iter()
        .find(|r| r.kind == "Widget")
        .unwrap();
    assert_eq!(widget.namespace, "web");
    let diff = engine.diff("web", None).await.unwrap();
    assert!(!diff.differs(), "{diff:#?}");
}
