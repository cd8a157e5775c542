//! Status and health of live Argo CD Applications (the objects in
//! shared/interop/fixtures/argocd/objects) as tether reports them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use tether::argocd::{ManagedResource, app_health, app_status};
use tether::model::{HealthStatus, SyncStatus};

fn objects(name: &str) -> Option<Vec<Value>> {
    let Some(dir) = common::shared_dir("interop/fixtures/argocd/objects") else {
        common::skipped("shared/interop/fixtures is absent; the Argo CD status tests did not run");
        return None;
    };
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    Some(
        serde_yaml::Deserializer::from_str(&text)
            .map(|d| {
                serde_json::to_value(
                    <serde_yaml::Value as serde::Deserialize>::deserialize(d).unwrap(),
                )
                .unwrap()
            })
            .filter(|v: &Value| !v.is_null())
            .collect(),
    )
}

#[test]
fn statuses_of_the_metrics_test_apps() {
    let Some(apps) = objects("apps-metrics-test-statuses.yaml") else {
        return;
    };
    assert_eq!(apps.len(), 7);
    let s: Vec<_> = apps.iter().map(app_status).collect();
    assert_eq!(
        (s[0].sync, s[0].health, s[0].paused),
        (SyncStatus::Synced, HealthStatus::Healthy, true)
    );
    assert!(
        s[1].operation_pending && !s[1].paused,
        "my-app-2 has a pending operation and automated sync"
    );
    assert_eq!(
        (s[2].sync, s[2].health),
        (SyncStatus::OutOfSync, HealthStatus::Degraded)
    );
    assert!(s[2].deleting && !s[2].paused);
    // Warnings are not errors: no message for my-app-4.
    assert_eq!(
        (s[3].health, s[3].message.as_str()),
        (HealthStatus::Degraded, "")
    );
    assert_eq!(s[5].operation_phase.as_deref(), Some("Running"));
    assert_eq!(s[6].operation_phase.as_deref(), Some("Succeeded"));
}

#[test]
fn status_of_an_appset_owned_app_with_history() {
    let Some(apps) = objects("app-full-status-plugin-appset-owned.yaml") else {
        return;
    };
    let s = app_status(&apps[0]);
    assert_eq!(
        (s.sync, s.health),
        (SyncStatus::Synced, HealthStatus::Healthy)
    );
    assert_eq!(s.revision, "rev1");
    let Some(apps) = objects("apps-controller-test-operationstate.yaml") else {
        return;
    };
    for app in &apps {
        assert_eq!(
            app_status(app).operation_phase.as_deref(),
            Some("Succeeded")
        );
    }
}

#[test]
fn failed_operations_and_error_conditions_give_the_message() {
    let failed = json!({"status": {"sync": {"status": "OutOfSync"}, "health": {"status": "Healthy"},
        "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"},
        "conditions": [{"type": "ComparisonError", "message": "later"}]}});
    assert_eq!(
        app_status(&failed).message,
        "one or more objects failed to apply"
    );
    let condition = json!({"status": {"health": {"status": "Missing"},
        "conditions": [{"type": "OrphanedResourceWarning", "message": "x"}, {"type": "ComparisonError", "message": "repo not found"}]}});
    let s = app_status(&condition);
    assert_eq!(
        (s.health, s.sync, s.message.as_str()),
        (
            HealthStatus::Missing,
            SyncStatus::Unknown,
            "ComparisonError: repo not found"
        )
    );
}

#[test]
fn child_applications_in_the_health_check_and_the_rollup() {
    let Some(degraded) = objects("health-application-degraded.yaml") else {
        return;
    };
    let Some(healthy) = objects("health-application-healthy.yaml") else {
        return;
    };
    assert_eq!(
        tether::health::assess(&degraded[0]).status,
        HealthStatus::Degraded
    );
    assert_eq!(
        tether::health::assess(&healthy[0]).status,
        HealthStatus::Healthy
    );

    let parent = json!({"metadata": {"name": "app-of-apps", "namespace": "argocd"}});
    let degraded_child = &degraded[0];
    let missing_child = &json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "status": {"health": {"status": "Missing"}}});
    let health = app_health(
        &parent,
        &[
            child("a", Some(degraded_child)),
            child("b", Some(missing_child)),
        ],
    );
    assert_eq!(
        (health.status, health.message.as_str()),
        (HealthStatus::Degraded, "argoproj.io/Application:argocd/a")
    );
    // A Missing child Application does not degrade its parent.
    assert_eq!(
        app_health(&parent, &[child("b", Some(missing_child))]).status,
        HealthStatus::Healthy
    );
    // The parent managing itself is left out.
    assert_eq!(
        app_health(&parent, &[child("app-of-apps", Some(degraded_child))]).status,
        HealthStatus::Healthy
    );
    // Resources that do not exist do not count, unless none exists.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    assert_eq!(
        app_health(&parent, &[res("c", Some(&cm)), res("gone", None)]).status,
        HealthStatus::Healthy
    );
    assert_eq!(
        app_health(&parent, &[res("gone", None)]).status,
        HealthStatus::Missing
    );
    // Hooks and resources marked ignore-healthcheck are left out.
    let hook = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "annotations": {"argocd.argoproj.io/hook": "PreSync"}},
                      "status": {"conditions": [{"type": "Failed", "status": "True"}]}});
    let ignored = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "k", "annotations": {"argocd.argoproj.io/ignore-healthcheck": "true"}},
                         "status": {"conditions": [{"type": "Failed", "status": "True"}]}});
    let jobs = [
        ManagedResource {
            group: "batch",
            kind: "Job",
            namespace: "ns",
            name: "j",
            target: None,
            live: Some(&hook),
        },
        ManagedResource {
            group: "batch",
            kind: "Job",
            namespace: "ns",
            name: "k",
            target: None,
            live: Some(&ignored),
        },
    ];
    assert_eq!(app_health(&parent, &jobs).status, HealthStatus::Healthy);
    // Causes: up to three, then a count.
    let bad = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x"}, "status": {"conditions": [{"type": "Failed", "status": "True"}]}});
    let many: Vec<ManagedResource<'_>> = ["a", "b", "c", "d"]
        .into_iter()
        .map(|n| ManagedResource {
            group: "batch",
            kind: "Job",
            namespace: "ns",
            name: n,
            target: None,
            live: Some(&bad),
        })
        .collect();
    let h = app_health(&parent, &many);
    assert_eq!(
        (h.status, h.message.as_str()),
        (
            HealthStatus::Degraded,
            "batch/Job:ns/a, batch/Job:ns/b, batch/Job:ns/c and 1 more"
        )
    );
}

fn child<'a>(name: &'a str, live: Option<&'a Value>) -> ManagedResource<'a> {
    ManagedResource {
        group: "argoproj.io",
        kind: "Application",
        namespace: "argocd",
        name,
        target: None,
        live,
    }
}

fn res<'a>(name: &'a str, live: Option<&'a Value>) -> ManagedResource<'a> {
    ManagedResource {
        group: "",
        kind: "ConfigMap",
        namespace: "ns",
        name,
        target: None,
        live,
    }
}
