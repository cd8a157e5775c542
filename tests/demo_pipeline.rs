//! The demo's staged rollout, set up headless as `tether demo` does: the
//! catalog pipeline's three stages (dev and staging on the staging
//! cluster, prod on prod), staging on a newer image than prod and
//! Degraded, so the gate into prod fails saying why; the prod-weekend
//! deny window; the policy that denies payments-prod's `latest` image.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::time::Duration;
use tether::cli::demo::Demo;

fn tether(demo: &Demo, args: &[&str]) -> std::process::Output {
    tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
            .arg("--config")
            .arg(&demo.config)
            .arg("--kubeconfig")
            .arg(&demo.kubeconfig)
            .args(args)
            .output()
            .unwrap()
    })
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_pipeline_shows_stages_gate_window_and_policy() {
    let demo = Demo::start(0).await.unwrap();
    let engine = demo.engine().unwrap();
    assert_eq!(engine.apps().len(), 15, "12 apps and the catalog's 3");
    demo.seed(&engine).await.unwrap();

    // catalog-staging crash-loops past its progress deadline.
    let mut pipeline = Value::Null;
    for _ in 0..150 {
        let out = tether(&demo, &["pipeline", "catalog", "-o", "json"]);
        assert_eq!(out.status.code(), Some(0));
        pipeline = json(&out);
        if pipeline[0]["stages"][1]["health"] == "Degraded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let stages = pipeline[0]["stages"].as_array().unwrap();
    let apps: Vec<(&str, &str)> = stages
        .iter()
        .map(|s| (s["app"].as_str().unwrap(), s["cluster"].as_str().unwrap()))
        .collect();
    assert_eq!(
        apps,
        [
            ("catalog-dev", "staging"),
            ("catalog-staging", "staging"),
            ("catalog-prod", "prod")
        ]
    );
    let images = |i: usize| stages[i]["images"].clone();
    assert_eq!(
        images(0),
        serde_json::json!(["ghcr.io/tether-demo/catalog:2.4.0"])
    );
    assert_eq!(
        images(1),
        serde_json::json!(["ghcr.io/tether-demo/catalog:2.3.0-crash"])
    );
    assert_eq!(
        images(2),
        serde_json::json!(["ghcr.io/tether-demo/catalog:2.2.1"])
    );
    assert_eq!(stages[1]["health"], "Degraded", "{pipeline}");
    assert_eq!(stages[2]["health"], "Healthy", "{pipeline}");
    // Prod runs what staging once ran; staging runs what dev never ran healthy.
    assert_eq!(stages[2]["notes"], serde_json::json!([]), "{pipeline}");
    assert_eq!(
        stages[1]["notes"],
        serde_json::json!([
            "runs ghcr.io/tether-demo/catalog 2.3.0-crash, which catalog-dev never ran healthy"
        ])
    );
    // The gate into prod fails, naming the Degraded stage and why.
    let healthy = &stages[2]["gates"][0];
    assert_eq!(healthy["name"], "healthy");
    assert_eq!(healthy["ok"], false);
    let message = healthy["message"].as_str().unwrap();
    assert!(
        message.starts_with("catalog-staging is Synced and Degraded at ")
            && message.contains("progress deadline"),
        "{message}"
    );
    // The window gate names prod-weekend when it is open (weekends).
    let window = stages[2]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "syncWindow")
        .unwrap();
    let text = window["message"].as_str().unwrap();
    assert!(
        text == "no sync window blocks catalog-prod" || text.contains("prod-weekend"),
        "{text}"
    );
    // Prod's pending promotion changes the Deployment.
    assert_eq!(stages[2]["pendingChanges"], 1, "{pipeline}");

    // The weekend window on prod.
    let out = tether(&demo, &["windows", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let windows = json(&out);
    let row = &windows[0];
    assert_eq!(row["kind"], "deny");
    assert_eq!(row["schedule"], "0 18 * * 5");
    assert_eq!(row["duration"], "60h");
    assert_eq!(row["timeZone"], "Europe/Paris");
    if row["active"] == true {
        assert_eq!(row["blocks"], serde_json::json!(["catalog-prod"]));
    }

    // payments-prod's `latest` image is denied before anything is sent.
    let out = tether(&demo, &["check", "payments-prod", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let violations = json(&out);
    assert_eq!(violations[0]["policy"], "pinned-image-tags");
    assert_eq!(violations[0]["action"], "Deny");
    assert!(
        violations[0]["message"]
            .as_str()
            .unwrap()
            .contains("ghcr.io/tether-demo/payments:latest"),
        "{violations}"
    );
    // Every other app passes.
    let out = tether(&demo, &["check", "catalog-prod"]);
    assert_eq!(out.status.code(), Some(0));
    // The apps table marks payments-prod alone.
    let marked: Vec<(String, usize)> = engine
        .status_all()
        .await
        .into_iter()
        .filter_map(|row| {
            let findings = row.policy.expect("every demo app is checked");
            (!findings.passes()).then_some((row.name, findings.denied))
        })
        .collect();
    assert_eq!(marked, [("payments-prod".to_string(), 1)]);

    // The canary Rollout was synced as before.
    let snapshot = engine
        .status(&engine.app("checkout-staging").unwrap())
        .await;
    assert_eq!(snapshot.sync, tether::model::SyncStatus::Synced);
}
