//! Progressive delivery, offline: Argo Rollouts `Rollout` and Flagger
//! `Canary` health for every fixture Argo CD ships (interop/fixtures/
//! progressive), the tree's one-line summary of a Rollout, and the patch
//! builders of resource actions against Argo CD's action expectations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use serde_yaml::Value as Yaml;
use std::path::{Path, PathBuf};
use tether::argocd::appset::merge_patch;
use tether::live::actions::{self, ActionPatches};

fn fixtures(rel: &str) -> Option<PathBuf> {
    let dir = common::shared_dir(&format!("interop/fixtures/progressive/{rel}"));
    if dir.is_none() {
        common::skipped("interop fixtures not found (../shared/interop/fixtures/progressive)");
    }
    dir
}

fn object(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn cases(dir: &Path, file: &str) -> Yaml {
    serde_yaml::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

/// Every case of a `health_test.yaml`: the verdict and message Argo CD
/// gives (a missing message means an empty one).
fn check_health(dir: &Path) -> usize {
    let mut checked = 0;
    for case in cases(dir, "health_test.yaml")["tests"]
        .as_sequence()
        .unwrap()
    {
        let input = case["inputPath"].as_str().unwrap();
        let health = tether::health::assess(&object(&dir.join(input)));
        let want = &case["healthStatus"];
        assert_eq!(
            health.status.as_str(),
            want["status"].as_str().unwrap(),
            "{input}"
        );
        assert_eq!(
            health.message,
            want["message"].as_str().unwrap_or(""),
            "{input}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_rollout_health_fixture_gets_argo_cds_verdict() {
    let Some(dir) = fixtures("rollout") else {
        return;
    };
    assert!(check_health(&dir) >= 24);
}

#[test]
fn every_canary_health_fixture_gets_argo_cds_verdict() {
    let Some(dir) = fixtures("canary") else {
        return;
    };
    assert!(check_health(&dir) >= 6);
}

#[test]
fn the_tree_summarises_a_rollout_like_kubectl_argo_rollouts_get() {
    let Some(dir) = fixtures("rollout") else {
        return;
    };
    let paused = object(&dir.join("testdata/suspended_v1.0_pausedRollout.yaml"));
    let info = tether::health::rollout_info(&paused, &[]);
    assert_eq!(info.strategy, "Canary");
    assert_eq!(info.step, Some((1, 8)));
    assert_eq!(info.set_weight, Some(21));
    assert_eq!(info.pause_reasons, ["CanaryPauseStep"]);
    assert_eq!(
        info.summary(),
        "Paused: CanaryPauseStep · step 1/8 · weight 21"
    );
    // Without its ReplicaSets (or a traffic router) the actual weight is unknown.
    assert_eq!(info.actual_weight, None);

    // A pause step after setWeight 40, two of five pods on the canary.
    let rolling = object(&dir.join("testdata/canary/progressing_setWeightStep.yaml"));
    let canary_rs = json!({"metadata": {"labels": {"rollouts-pod-template-hash": "6b566f47b7"}},
        "status": {"availableReplicas": 2}});
    let stable_rs = json!({"metadata": {"labels": {"rollouts-pod-template-hash": "df986d68"}},
        "status": {"availableReplicas": 3}});
    let info = tether::health::rollout_info(&rolling, &[&canary_rs, &stable_rs]);
    assert_eq!(
        info.summary(),
        "Progressing: Waiting for roll out to finish: More replicas need to be updated · step 3/4 · weight 40 (actual 40)"
    );

    // Every step done: full weight; an abort drops the set weight to 0.
    let done = object(&dir.join("testdata/canary/healthy_executedAllSteps.yaml"));
    let info = tether::health::rollout_info(&done, &[]);
    assert_eq!(
        (info.set_weight, info.actual_weight),
        (Some(100), Some(100))
    );
    let aborted = object(&dir.join("testdata/degraded_abortedRollout.yaml"));
    let info = tether::health::rollout_info(&aborted, &[]);
    assert!(info.aborted);
    assert_eq!(info.set_weight, Some(0));
    assert!(info.summary().starts_with("Degraded"), "{}", info.summary());
}

#[test]
fn a_canary_summary_names_phase_weight_and_checks() {
    let Some(dir) = fixtures("canary") else {
        return;
    };
    let progressing = object(&dir.join("testdata/progressing.yaml"));
    assert_eq!(
        tether::health::canary_summary(&progressing),
        "Progressing · weight 10% · New revision detected, progressing canary analysis."
    );
}

/// The object an action leaves: the status patch (or, without a status
/// subresource, the unified one) and then the spec patch, merged in.
fn after(object: &Value, patches: &ActionPatches) -> Value {
    let mut out = object.clone();
    if let Some(status) = &patches.status {
        merge_patch(&mut out, status);
    }
    if let Some(spec) = &patches.spec {
        merge_patch(&mut out, spec);
    }
    out
}

/// Nulls dropped (what a merge patch leaves), and `status.abort: false`
/// dropped: the Rollout type declares the field `omitempty`, so false and
/// absent are the same object to the controller (the kubectl plugin's
/// retry writes false, Argo CD's removes the field).
fn normal(mut v: Value) -> Value {
    fn drop_nulls(v: &mut Value) {
        if let Value::Object(map) = v {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(drop_nulls);
        }
    }
    drop_nulls(&mut v);
    if v.pointer("/status/abort") == Some(&Value::Bool(false))
        && let Some(status) = v.get_mut("status").and_then(Value::as_object_mut)
    {
        status.remove("abort");
    }
    v
}

#[test]
fn rollout_actions_leave_the_objects_argo_cd_expects() {
    let Some(dir) = fixtures("rollout/actions") else {
        return;
    };
    let mut checked = 0;
    for case in cases(&dir, "action_test.yaml")["actionTests"]
        .as_sequence()
        .unwrap()
    {
        let action = case["action"].as_str().unwrap();
        let input = object(&dir.join(case["inputPath"].as_str().unwrap()));
        let want = object(&dir.join(case["expectedOutputPath"].as_str().unwrap()));
        // Argo CD's restart test expects the zero time its test clock gives.
        let patches = actions::build(&input, action, "0001-01-01T00:00:00Z")
            .unwrap_or_else(|e| panic!("{action} {:?}: {e}", case["inputPath"]));
        assert_eq!(
            normal(after(&input, &patches)),
            normal(want),
            "{action} on {:?}",
            case["inputPath"]
        );
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn rollout_actions_are_offered_when_argo_cd_offers_them() {
    let Some(dir) = fixtures("rollout/actions") else {
        return;
    };
    let mut checked = 0;
    for case in cases(&dir, "action_test.yaml")["discoveryTests"]
        .as_sequence()
        .unwrap()
    {
        let input = case["inputPath"].as_str().unwrap();
        let choices = actions::choices(&object(&dir.join(input)));
        for want in case["result"].as_sequence().unwrap() {
            let name = want["name"].as_str().unwrap();
            let got = choices
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("{input}: no action {name}"));
            assert_eq!(
                got.disabled.is_some(),
                want["disabled"].as_bool().unwrap(),
                "{input}: {name} ({:?})",
                got.disabled
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked}");
}
