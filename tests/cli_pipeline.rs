//! `tether pipeline`, gates and sync windows on the sim (DESIGN.md §7):
//! a stage shows what it runs, desired and live; gates name their state;
//! a deny window refuses a manual sync unless overridden (and the
//! history says who overrode it), and shows in `tether windows`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::stages::Stages;
use serde_json::Value;
use std::time::Duration;
use tether::sim::{SimOptions, SimServer, write_kubeconfig};

const RECALL: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: recall}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
    - expression: \"object.spec.template.spec.containers.all(c, !c.image.endsWith(':1.2.0'))\"
      message: 1.2.0 is recalled
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: recall}
spec: {policyName: recall, validationActions: [Deny]}
";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(stages: &Stages, args: &[&str]) -> Value {
    let out = stages.tether(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `tether pipeline web -o json` once the stage at `index` is Healthy.
async fn view_when_healthy(stages: &Stages, index: usize) -> Value {
    for _ in 0..100 {
        let view = tokio::task::block_in_place(|| json(stages, &["pipeline", "web", "-o", "json"]));
        if view[0]["stages"][index]["health"] == "Healthy" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("stage {index} never became Healthy");
}

#[tokio::test(flavor = "multi_thread")]
async fn stages_gates_and_windows() {
    let sim = SimServer::start(SimOptions {
        pod_ready_delay: Duration::from_millis(100),
        name: "test".to_string(),
        ..Default::default()
    })
    .await
    .unwrap();
    let stages = Stages::new("test", "    gates: {soak: 0s}\n");
    write_kubeconfig(&stages.kubeconfig, &[("test", sim.url().as_str())], "test").unwrap();
    let run = |args: &[&str]| tokio::task::block_in_place(|| stages.tether(args));

    let out = run(&["sync", "web-dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let view = view_when_healthy(&stages, 0).await;
    let dev = &view[0]["stages"][0];
    assert_eq!(dev["app"], "web-dev");
    assert_eq!(dev["cluster"], "test");
    assert_eq!(dev["sync"], "Synced");
    assert_eq!(dev["images"], serde_json::json!(["ghcr.io/acme/web:1.2.0"]));
    assert_eq!(
        dev["liveImages"],
        serde_json::json!(["ghcr.io/acme/web:1.2.0"])
    );
    assert!(dev["healthySince"].is_string(), "{dev}");
    assert_eq!(dev["gates"], serde_json::json!([]));
    assert_eq!(dev["pendingChanges"], Value::Null);

    let staging = &view[0]["stages"][1];
    let gates: Vec<(&str, bool)> = staging["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        gates,
        vec![("healthy", true), ("soak", true), ("syncWindow", true)]
    );
    assert_eq!(staging["liveImages"], serde_json::json!([]));
    // The promotion would change the Deployment only.
    assert_eq!(staging["pendingChanges"], 1);
    assert_eq!(
        staging["notes"],
        serde_json::json!(["runs ghcr.io/acme/web 1.1.0, which web-dev never ran healthy"])
    );
    let prod = &view[0]["stages"][2];
    assert_eq!(prod["gates"][0]["ok"], false);
    assert!(
        prod["gates"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("web-staging is OutOfSync and Missing at "),
        "{prod}"
    );

    // An admission policy that recalls 1.2.0 stops the promotion.
    stages
        .repo
        .commit_files(
            "main",
            &[common::file("policies/recall.yaml", RECALL)],
            "recall 1.2.0",
            &common::signature(1_700_000_200),
        )
        .unwrap();
    let plain = std::fs::read_to_string(&stages.config).unwrap();
    std::fs::write(
        &stages.config,
        format!("{plain}policies: {{repo: ./gitops, path: policies}}\n"),
    )
    .unwrap();
    let out = run(&["promote", "web", "web-staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "tether: app web-staging: promotion refused by gate policies: policy recall denies Deployment.apps/web-staging/staging-web: 1.2.0 is recalled (--force promotes anyway), nothing was written\n"
    );
    std::fs::write(&stages.config, plain).unwrap();

    // Gates pass: the promotion into staging goes through without --force.
    let out = run(&["promote", "web", "web-staging"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["promote", "web", "web-prod"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("promotion refused by gate healthy: web-staging is OutOfSync and Missing"),
        "{}",
        stderr(&out)
    );

    // A deny window that is always open on *-prod.
    let mut config = std::fs::read_to_string(&stages.config).unwrap();
    config.push_str("syncWindows:\n  - {kind: deny, schedule: \"* * * * *\", duration: 1h, applications: [\"*-prod\"], description: freeze}\n");
    std::fs::write(&stages.config, config).unwrap();
    let windows = json(&stages, &["windows", "-o", "json"]);
    assert_eq!(
        windows,
        serde_json::json!([{"source": "syncWindows[0]", "kind": "deny", "schedule": "* * * * *",
            "duration": "1h", "manualSync": false, "active": true, "blocks": ["web-prod"]}])
    );
    let out = run(&["sync", "web-prod"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "tether: app web-prod: sync window syncWindows[0] deny \"* * * * *\" for 1h (freeze) blocks it; sync refused (--override-window syncs anyway)\n"
    );
    let out = run(&["sync", "web-prod", "--override-window"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let history = json(&stages, &["history", "web-prod", "-o", "json"]);
    let by = history["syncs"][0]["by"].as_str().unwrap();
    assert!(
        by.ends_with(", overriding syncWindows[0] deny \"* * * * *\" for 1h (freeze)"),
        "{by}"
    );
    let view = json(&stages, &["pipeline", "web", "-o", "json"]);
    let window_gate = &view[0]["stages"][2]["gates"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(window_gate["name"], "syncWindow");
    assert_eq!(window_gate["ok"], false);
    sim.shutdown();
}
