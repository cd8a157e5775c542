//! Syncs in waves against the sim: `tether sync -o json --progress`
//! prints each step as a JSON line (waves, applied and pruned resources,
//! health waits, the result last); applies run concurrently within a
//! wave and kind, yet waves still apply in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

fn tether(env: &Env, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tether"))
        .arg("--config")
        .arg(&env.config)
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tether {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn configmap(name: &str, wave: i64) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n    tether.dev/sync-wave: \"{wave}\"\ndata:\n  KEY: value\n"
    )
}

/// The JSON lines of stdout, each checked to be one object.
fn json_lines(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn position(lines: &[Value], what: impl Fn(&Value) -> bool) -> usize {
    lines
        .iter()
        .position(what)
        .unwrap_or_else(|| panic!("no such line in {lines:#?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_progress_is_json_lines_of_each_step_and_the_result() {
    // Pods take a second to be ready, so wave 0 (the Deployment) waits.
    let env = Env::with_pod_ready_delay(Duration::from_secs(1)).await;
    env.commit(
        &[
            common::file("apps/web/early.yaml", &configmap("early", -1)),
            common::file("apps/web/late.yaml", &configmap("late", 1)),
        ],
        "Waves",
    );
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["sync", &env.app, "-o", "json", "--progress"])
    });
    let lines = json_lines(&out);
    for line in &lines {
        assert_eq!(line["app"], env.app.as_str(), "{line}");
    }
    for line in &lines[..lines.len() - 1] {
        assert!(line["elapsed_ms"].is_u64(), "{line}");
    }
    let waves: Vec<&Value> = lines
        .iter()
        .filter(|l| l["event"] == "wave")
        .map(|l| &l["wave"])
        .collect();
    assert_eq!(waves, [&Value::Null, &(-1).into(), &0.into(), &1.into()]);
    let wave_line = |w: Value| position(&lines, |l| l["event"] == "wave" && l["wave"] == w);
    let applied = |kind: &str, name: &str| {
        position(&lines, |l| {
            l["event"] == "applied" && l["kind"] == kind && l["name"] == name
        })
    };
    // Each resource between its wave's line and the next.
    let namespace = applied("Namespace", &env.namespace);
    let early = applied("ConfigMap", "early");
    let web = applied("Deployment", "web");
    let late = applied("ConfigMap", "late");
    assert!(wave_line(Value::Null) < namespace && namespace < wave_line((-1).into()));
    assert!(wave_line((-1).into()) < early && early < wave_line(0.into()));
    assert!(wave_line(0.into()) < web && web < wave_line(1.into()));
    assert!(wave_line(1.into()) < late);
    assert_eq!(lines[web]["action"], "created");
    assert_eq!(lines[web]["group"], "apps");
    assert_eq!(lines[web]["namespace"], env.namespace.as_str());
    assert_eq!(lines[web]["wave"], 0);
    assert_eq!(lines[wave_line(0.into())]["resources"], 3);
    // Wave 0 waited for the Deployment, saying why, before wave 1.
    let waiting = position(&lines, |l| l["event"] == "waiting" && l["wave"] == 0);
    assert!(web < waiting && waiting < wave_line(1.into()));
    let pending = lines[waiting]["pending"].as_array().unwrap();
    let deployment = pending.iter().find(|p| p["kind"] == "Deployment").unwrap();
    assert_eq!(deployment["name"], "web");
    assert_ne!(deployment["health"], "Healthy");
    assert!(deployment["message"].is_string());
    assert!(lines[waiting]["waiting_for"].as_u64().unwrap() >= 1);
    // The result last: the sync report, every applied resource in it.
    let result = lines.last().unwrap();
    assert_eq!(result["event"], "result");
    let reported = result["resources"].as_array().unwrap();
    let applied_lines = lines.iter().filter(|l| l["event"] == "applied").count();
    assert_eq!(reported.len(), applied_lines);
    assert_eq!(applied_lines, 6, "namespace, early, 3 of wave 0, late");

    // A prune shows as it happens too.
    env.commit(&[common::removed("apps/web/late.yaml")], "No late");
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["sync", &env.app, "--prune", "-o", "json", "--progress"],
        )
    });
    let lines = json_lines(&out);
    let pruned = position(&lines, |l| l["event"] == "pruned");
    assert_eq!(lines[pruned]["kind"], "ConfigMap");
    assert_eq!(lines[pruned]["name"], "late");
    assert_eq!(lines[pruned]["action"], "deleted");
    let result = lines.last().unwrap();
    assert_eq!(result["event"], "result");
    let reported = result["resources"].as_array().unwrap();
    assert!(
        reported
            .iter()
            .any(|r| r["name"] == "late" && r["action"] == "deleted"),
        "{result}"
    );

    // For people: lines on stderr, the table on stdout as before (and
    // paced by --qps/--burst).
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &[
                "--qps",
                "500",
                "--burst",
                "50",
                "sync",
                &env.app,
                "--progress",
            ],
        )
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("s  wave -1: 1 resource\n"), "{stderr}");
    assert!(
        stderr.contains("s  ConfigMap/early unchanged\n"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("synced"), "{stdout}");
    assert!(!stdout.contains("\"event\""), "{stdout}");
}

/// The resourceVersion a ConfigMap was written with, as a number.
fn written_at(object: &kube::api::DynamicObject) -> u64 {
    object
        .metadata
        .resource_version
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_applies_keep_waves_in_order_and_results_as_planned() {
    let env = Env::new().await;
    let mut files = Vec::new();
    for wave in 0..3 {
        for i in 0..12 {
            let name = format!("w{wave}-{i:02}");
            files.push(common::file(
                &format!("apps/web/{name}.yaml"),
                &configmap(&name, wave),
            ));
        }
    }
    env.commit(&files, "Three waves of ConfigMaps");
    let options = |apply_concurrency| tether::engine::EngineOptions {
        apply_concurrency,
        ..common::faults::quick_options()
    };
    // One apply at a time (as before) predicts; eight at a time apply.
    let plan = env
        .engine()
        .with_options(options(1))
        .sync(
            &env.app,
            &tether::engine::SyncOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let patches_before = env.faults().requests("configmaps", "patch");
    let report = env
        .engine()
        .with_options(options(8))
        .sync(&env.app, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        report.resources, plan.resources,
        "same objects, order and actions"
    );
    assert!(report.resources.iter().all(|r| r.action == "created"));
    // Every ConfigMap applied once: 36 of the waves and web-config.
    assert_eq!(
        env.faults().requests("configmaps", "patch") - patches_before,
        37
    );
    // Each wave written after every object of the wave before it.
    let configmaps = env.api("v1", "ConfigMap").await;
    let mut span = Vec::new();
    for wave in 0..3 {
        let mut versions = Vec::new();
        for i in 0..12 {
            let object = configmaps.get(&format!("w{wave}-{i:02}")).await.unwrap();
            versions.push(written_at(&object));
        }
        span.push((
            *versions.iter().min().unwrap(),
            *versions.iter().max().unwrap(),
        ));
    }
    assert!(span[0].1 < span[1].0 && span[1].1 < span[2].0, "{span:?}");
}
