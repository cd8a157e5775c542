//! The staged-rollout scenario through the CLI (DESIGN.md §7), on the sim
//! (tests/cli_pipeline.rs) and a real cluster (tests/real_pipeline.rs)
//! alike: `tether pipeline` shows per stage what it runs, desired and
//! live, with sync, health and gates; gates (healthy, soak, policies)
//! refuse a promotion writing nothing; a promotion commits, the promoted
//! stage syncs and the pipeline shows it; a deny window refuses a manual
//! sync unless overridden (and the history says who overrode it).

use super::stages::{IMAGE, Stages};
use serde_json::{Value, json};
use std::process::Output;
use std::time::{Duration, Instant};

/// An admission policy recalling what dev runs (3.10).
const RECALL: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: recall}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
    - expression: \"object.spec.template.spec.containers.all(c, !c.image.endsWith(':3.10'))\"
      message: 3.10 is recalled
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: recall}
spec: {policyName: recall, validationActions: [Deny]}
";

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs tether on the stages without blocking the async runtime.
pub fn run(stages: &Stages, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| stages.tether(args))
}

/// The JSON tether prints for `args` (which must succeed).
pub fn json_of(stages: &Stages, args: &[&str]) -> Value {
    let out = run(stages, args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `tether pipeline web -o json` once the stage at `index` is Healthy.
pub async fn view_when_healthy(stages: &Stages, index: usize) -> Value {
    let deadline = Instant::now() + stages.patience();
    let pause = if stages.is_real() { 1000 } else { 100 };
    loop {
        let view = json_of(stages, &["pipeline", "web", "-o", "json"]);
        if view[0]["stages"][index]["health"] == "Healthy" {
            return view;
        }
        assert!(
            Instant::now() < deadline,
            "stage {index} never became Healthy: {view:#}"
        );
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

/// The (name, ok) of a stage's gates.
fn gates_of(stage: &Value) -> Vec<(&str, bool)> {
    stage["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["ok"].as_bool().unwrap()))
        .collect()
}

/// Asks for the promotion into `stage`, asserts that it is refused (exit
/// 2) writing nothing, and returns what tether said.
fn refused(stages: &Stages, stage: &str) -> String {
    let (head, path) = (
        stages.head(),
        format!("apps/web/{stage}/kustomization.yaml"),
    );
    let before = stages.read(&path);
    let out = run(stages, &["promote", "web", &stages.app(stage)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stages.head(), head, "no commit");
    assert_eq!(stages.read(&path), before, "no edit");
    stages.repo.require_clean(&[String::new()]).unwrap();
    stderr(&out)
}

/// The pipeline with `gates: {soak: 0s}` from dev to prod (see the module
/// documentation). `stages` must be fresh and reachable.
pub async fn stages_gates_and_windows(stages: &Stages) {
    let [dev, staging, prod] = ["dev", "staging", "prod"].map(|s| stages.app(s));

    let out = run(stages, &["sync", &dev]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let view = view_when_healthy(stages, 0).await;
    let first = &view[0]["stages"][0];
    assert_eq!(first["app"], dev.as_str());
    assert_eq!(first["cluster"], stages.context.as_str());
    assert_eq!(first["sync"], "Synced");
    assert_eq!(first["revision"], stages.head());
    assert_eq!(first["images"], json!([format!("{IMAGE}:3.10")]));
    assert_eq!(first["liveImages"], json!([format!("{IMAGE}:3.10")]));
    assert!(first["healthySince"].is_string(), "{first}");
    assert_eq!(first["gates"], json!([]));
    assert_eq!(first["pendingChanges"], Value::Null);

    let second = &view[0]["stages"][1];
    assert_eq!(
        gates_of(second),
        vec![("healthy", true), ("soak", true), ("syncWindow", true)]
    );
    assert_eq!(second["images"], json!([format!("{IMAGE}:3.9")]));
    assert_eq!(second["liveImages"], json!([]));
    // The promotion would change the Deployment only.
    assert_eq!(second["pendingChanges"], 1);
    assert_eq!(
        second["notes"],
        json!([format!("runs {IMAGE} 3.9, which {dev} never ran healthy")])
    );
    let third = &view[0]["stages"][2];
    assert_eq!(third["gates"][0]["ok"], false);
    assert!(
        third["gates"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{staging} is OutOfSync and Missing at ")),
        "{third}"
    );

    // dev has not been Healthy for an hour: a 1h soak refuses.
    let plain = std::fs::read_to_string(&stages.config).unwrap();
    std::fs::write(&stages.config, plain.replace("soak: 0s", "soak: 1h")).unwrap();
    let said = refused(stages, "staging");
    let soak = format!("tether: app {staging}: promotion refused by gate soak: Healthy since ");
    assert!(said.starts_with(&soak), "{said}");
    assert!(
        said.ends_with("s of 1h (--force promotes anyway), nothing was written\n"),
        "{said}"
    );

    // An admission policy that recalls 3.10 stops the promotion.
    stages
        .repo
        .commit_files(
            "main",
            &[super::file("policies/recall.yaml", RECALL)],
            "recall 3.10",
            &super::signature(1_700_000_200),
        )
        .unwrap();
    std::fs::write(
        &stages.config,
        format!("{plain}policies: {{repo: ./gitops, path: policies}}\n"),
    )
    .unwrap();
    let ns = stages.namespace("staging");
    assert_eq!(
        refused(stages, "staging"),
        format!(
            "tether: app {staging}: promotion refused by gate policies: policy recall denies Deployment.apps/{ns}/staging-web: 3.10 is recalled (--force promotes anyway), nothing was written\n"
        )
    );
    std::fs::write(&stages.config, &plain).unwrap();

    // Gates pass: the promotion into staging goes through without --force.
    let out = run(stages, &["promote", "web", &staging]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let promoted = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(promoted, stages.head());
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        stages.overlay("staging", "3.10")
    );
    let said = refused(stages, "prod");
    assert!(
        said.contains(&format!(
            "promotion refused by gate healthy: {staging} is OutOfSync and Missing"
        )),
        "{said}"
    );

    // The promoted stage synced: the pipeline shows it running 3.10, and
    // the gate into prod opens.
    let out = run(stages, &["sync", &staging]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let view = view_when_healthy(stages, 1).await;
    let second = &view[0]["stages"][1];
    assert_eq!(second["sync"], "Synced");
    assert_eq!(second["revision"], promoted.as_str());
    assert_eq!(second["images"], json!([format!("{IMAGE}:3.10")]));
    assert_eq!(second["liveImages"], json!([format!("{IMAGE}:3.10")]));
    assert!(second["healthySince"].is_string(), "{second}");
    assert_eq!(second["notes"], json!([]));
    let third = &view[0]["stages"][2];
    assert_eq!(
        gates_of(third),
        vec![("healthy", true), ("soak", true), ("syncWindow", true)]
    );
    assert_eq!(
        third["gates"][0]["message"],
        format!("{staging} is Synced and Healthy at {}", &promoted[..7])
    );
    assert_eq!(third["pendingChanges"], 1);
    assert_eq!(
        third["notes"],
        json!([format!(
            "runs {IMAGE} 3.8, which {staging} never ran healthy"
        )])
    );

    // A deny window that is always open on *-prod.
    let mut config = std::fs::read_to_string(&stages.config).unwrap();
    config.push_str("syncWindows:\n  - {kind: deny, schedule: \"* * * * *\", duration: 1h, applications: [\"*-prod\"], description: freeze}\n");
    std::fs::write(&stages.config, config).unwrap();
    let windows = json_of(stages, &["windows", "-o", "json"]);
    assert_eq!(
        windows,
        json!([{"source": "syncWindows[0]", "kind": "deny", "schedule": "* * * * *",
            "duration": "1h", "manualSync": false, "active": true, "blocks": [prod]}])
    );
    let out = run(stages, &["sync", &prod]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "tether: app {prod}: sync window syncWindows[0] deny \"* * * * *\" for 1h (freeze) blocks it; sync refused (--override-window syncs anyway)\n"
        )
    );
    let history = json_of(stages, &["history", &prod, "-o", "json"]);
    assert_eq!(
        history["syncs"],
        json!([]),
        "the refused sync left no record"
    );
    let out = run(stages, &["sync", &prod, "--override-window"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let history = json_of(stages, &["history", &prod, "-o", "json"]);
    let by = history["syncs"][0]["by"].as_str().unwrap();
    assert!(
        by.ends_with(", overriding syncWindows[0] deny \"* * * * *\" for 1h (freeze)"),
        "{by}"
    );
    let view = json_of(stages, &["pipeline", "web", "-o", "json"]);
    let window_gate = view[0]["stages"][2]["gates"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(window_gate["name"], "syncWindow");
    assert_eq!(window_gate["ok"], false);
    stages.cleanup().await;
}
