//! The demo's stand-in for the Argo Rollouts controller. The simulated
//! clusters run no Rollouts controller, so `tether demo` plays one for its
//! single Rollout (`checkout` in namespace `checkout` of `staging`): it
//! walks the canary steps (setWeight, pause with and without a duration),
//! keeps a stable and a canary ReplicaSet at the step's weight (the sim's
//! ReplicaSet controller makes their pods), and writes the status the real
//! controller would write — phase, step index, pause conditions, replica
//! counts. It honours the resource actions tether sends: promote,
//! promote-full, abort, retry, pause and resume. Nothing else is faked:
//! health, the tree's progress line and the actions are tether's own code
//! reading these objects.

use chrono::{DateTime, Utc};
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// Where the demo's Rollout lives.
pub const CONTEXT: &str = "staging";
pub const NAMESPACE: &str = "checkout";
pub const NAME: &str = "checkout";
/// Pod template hashes of the running (stable) and the new (canary) version.
const STABLE_HASH: &str = "5c8b4f7d6";
const CANARY_HASH: &str = "7d9f6c5b8d";
/// How often the stand-in looks at the Rollout.
const TICK: Duration = Duration::from_secs(3);
/// The field manager of its writes.
const MANAGER: &str = "rollouts-controller";

fn number(v: &Value, pointer: &str) -> Option<i64> {
    match v.pointer(pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn flag(v: &Value, pointer: &str) -> bool {
    v.pointer(pointer).and_then(Value::as_bool) == Some(true)
}

/// `30s`, `2m`, `1h` or a number of seconds.
fn seconds(duration: &Value) -> Option<i64> {
    if let Some(n) = duration.as_i64() {
        return Some(n);
    }
    let text = duration.as_str()?;
    let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = digits.parse().ok()?;
    match unit {
        "s" => Some(n),
        "m" => Some(n * 60),
        "h" => Some(n * 3600),
        _ => None,
    }
}

/// What the controller writes next: the status (without replica counts)
/// and the canary's weight, for the Rollout `ro` at `now`.
pub fn next_status(ro: &Value, now: DateTime<Utc>) -> (Value, i64) {
    let steps = ro
        .pointer("/spec/strategy/canary/steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let status = ro.get("status").cloned().unwrap_or_else(|| json!({}));
    let index = usize::try_from(number(&status, "/currentStepIndex").unwrap_or(0)).unwrap_or(0);
    let weight_at = |index: usize| {
        steps[..index.min(steps.len())]
            .iter()
            .rev()
            .find_map(|s| number(s, "/setWeight"))
            .unwrap_or(0)
    };
    let mut out = json!({
        "observedGeneration": number(ro, "/metadata/generation").unwrap_or(1).to_string(),
        "currentPodHash": CANARY_HASH,
        "stableRS": STABLE_HASH,
        "currentStepIndex": index,
        "phase": "Progressing",
        "message": "",
        "pauseConditions": null,
        "controllerPause": false,
    });
    if flag(&status, "/abort") {
        out["phase"] = json!("Degraded");
        out["message"] = json!("RolloutAborted: Rollout aborted update to revision 2");
        out["currentStepIndex"] = json!(0);
        return (out, 0);
    }
    if flag(&status, "/promoteFull") || index >= steps.len() {
        out["phase"] = json!("Healthy");
        out["stableRS"] = json!(CANARY_HASH);
        out["currentStepIndex"] = json!(steps.len());
        out["promoteFull"] = json!(false);
        return (out, 100);
    }
    if flag(ro, "/spec/paused") {
        out["phase"] = json!("Paused");
        out["message"] = json!("manually paused");
        out["pauseConditions"] = status
            .get("pauseConditions")
            .cloned()
            .unwrap_or(Value::Null);
        out["controllerPause"] = json!(flag(&status, "/controllerPause"));
        return (out, weight_at(index));
    }
    let step = &steps[index];
    if let Some(weight) = number(step, "/setWeight") {
        out["currentStepIndex"] = json!(index + 1);
        return (out, weight);
    }
    let conditions = status
        .get("pauseConditions")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty());
    let weight = weight_at(index);
    let paused = |out: &mut Value, conditions: Value| {
        out["phase"] = json!("Paused");
        out["message"] = json!("CanaryPauseStep");
        out["pauseConditions"] = conditions;
        out["controllerPause"] = json!(true);
    };
    match conditions {
        // The pause was promoted away: on to the next step.
        None if flag(&status, "/controllerPause") => {
            out["currentStepIndex"] = json!(index + 1);
        }
        None => paused(
            &mut out,
            json!([{"reason": "CanaryPauseStep", "startTime": now.to_rfc3339()}]),
        ),
        Some(conditions) => {
            let started = conditions[0]
                .pointer("/startTime")
                .and_then(Value::as_str)
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            let due = step.pointer("/pause/duration").and_then(seconds);
            match (started, due) {
                (Some(started), Some(due)) if (now - started.to_utc()).num_seconds() >= due => {
                    out["currentStepIndex"] = json!(index + 1);
                }
                _ => paused(&mut out, Value::Array(conditions.clone())),
            }
        }
    }
    (out, weight)
}

/// Canary and stable replicas of `total` at `weight` percent.
pub fn split(total: i64, weight: i64) -> (i64, i64) {
    let canary = (total * weight + 99) / 100;
    (canary.min(total), total - canary.min(total))
}

/// Starts the stand-in controller in the background.
pub fn start(kubeconfig: PathBuf) {
    tokio::spawn(async move {
        let Ok(client) = super::demo::demo_client(&kubeconfig, CONTEXT).await else {
            return;
        };
        let rollouts = api(&client, "argoproj.io", "v1alpha1", "Rollout");
        let replica_sets = api(&client, "apps", "v1", "ReplicaSet");
        loop {
            tokio::time::sleep(TICK).await;
            if let Ok(ro) = rollouts.get(NAME).await
                && let Ok(ro) = serde_json::to_value(ro)
            {
                let _ = reconcile(&rollouts, &replica_sets, &ro).await;
            }
        }
    });
}

fn api(client: &kube::Client, group: &str, version: &str, kind: &str) -> Api<DynamicObject> {
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    Api::namespaced_with(client.clone(), NAMESPACE, &resource)
}

/// One look at the Rollout: ReplicaSets at the step's weight, then the
/// status with their replica counts.
async fn reconcile(
    rollouts: &Api<DynamicObject>,
    replica_sets: &Api<DynamicObject>,
    ro: &Value,
) -> Result<(), kube::Error> {
    let (mut status, weight) = next_status(ro, Utc::now());
    let total = number(ro, "/spec/replicas").unwrap_or(1);
    let (canary, stable) = split(total, weight);
    let params = PatchParams::apply(MANAGER).force();
    let mut available = 0;
    let mut updated = 0;
    for (hash, replicas) in [(CANARY_HASH, canary), (STABLE_HASH, stable)] {
        let rs = replica_set(ro, hash, replicas);
        let name = format!("{NAME}-{hash}");
        let applied = replica_sets
            .patch(&name, &params, &Patch::Apply(&rs))
            .await?;
        let ready = applied
            .data
            .pointer("/status/availableReplicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        available += ready;
        if hash == CANARY_HASH {
            updated = ready;
        }
    }
    status["replicas"] = json!(total);
    status["updatedReplicas"] = json!(updated);
    status["readyReplicas"] = json!(available);
    status["availableReplicas"] = json!(available);
    let current = ro.get("status").cloned().unwrap_or(Value::Null);
    let unchanged = status.as_object().is_some_and(|fields| {
        fields
            .iter()
            .all(|(k, v)| current.get(k).unwrap_or(&Value::Null) == v)
    });
    if !unchanged {
        let patch = json!({"status": status});
        rollouts
            .patch_status(NAME, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
    }
    Ok(())
}

/// The ReplicaSet of one version of the Rollout's pod template.
fn replica_set(ro: &Value, hash: &str, replicas: i64) -> Value {
    let mut template = ro.pointer("/spec/template").cloned().unwrap_or_default();
    template["metadata"]["labels"]["rollouts-pod-template-hash"] = json!(hash);
    let mut selector = ro
        .pointer("/spec/selector/matchLabels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    selector["rollouts-pod-template-hash"] = json!(hash);
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": format!("{NAME}-{hash}"),
            "namespace": NAMESPACE,
            "labels": {"rollouts-pod-template-hash": hash},
            "ownerReferences": [{
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": NAME,
                "uid": ro.pointer("/metadata/uid").cloned().unwrap_or(Value::Null),
                "controller": true, "blockOwnerDeletion": true,
            }],
        },
        "spec": {"replicas": replicas, "selector": {"matchLabels": selector}, "template": template},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(status: Value) -> Value {
        json!({"metadata": {"generation": 2}, "spec": {"replicas": 5, "strategy": {"canary": {"steps": [
            {"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {"duration": "30s"}}]}}},
            "status": status})
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    /// The status `ro` has once `patch` (a merge of whole fields) is written.
    fn step(ro: &mut Value, now: DateTime<Utc>) -> i64 {
        let (status, weight) = next_status(ro, now);
        ro["status"] = status;
        weight
    }

    #[test]
    fn the_canary_walks_its_steps_and_waits_for_a_promote() {
        let mut ro = rollout(json!({}));
        assert_eq!(step(&mut ro, at(0)), 20);
        assert_eq!(ro["status"]["currentStepIndex"], 1);
        // The indefinite pause holds until someone promotes.
        assert_eq!(step(&mut ro, at(3)), 20);
        assert_eq!(ro["status"]["phase"], "Paused");
        assert_eq!(
            ro["status"]["pauseConditions"][0]["reason"],
            "CanaryPauseStep"
        );
        step(&mut ro, at(600));
        assert_eq!(ro["status"]["currentStepIndex"], 1, "still paused");
        ro["status"]["pauseConditions"] = Value::Null; // what `promote` sends
        step(&mut ro, at(601));
        assert_eq!(ro["status"]["currentStepIndex"], 2);
        assert_eq!(step(&mut ro, at(604)), 60);
        // The timed pause ends by itself.
        step(&mut ro, at(607));
        assert_eq!(ro["status"]["phase"], "Paused");
        step(&mut ro, at(620));
        assert_eq!(ro["status"]["currentStepIndex"], 3, "30s not yet over");
        step(&mut ro, at(640));
        assert_eq!(ro["status"]["currentStepIndex"], 4);
        assert_eq!(step(&mut ro, at(643)), 100);
        assert_eq!(ro["status"]["phase"], "Healthy");
        assert_eq!(ro["status"]["stableRS"], CANARY_HASH);
    }

    #[test]
    fn abort_retry_pause_and_promote_full() {
        let mut ro = rollout(json!({"currentStepIndex": 2, "abort": true}));
        assert_eq!(step(&mut ro, at(0)), 0);
        assert_eq!(ro["status"]["phase"], "Degraded");
        ro["status"]["abort"] = json!(false); // retry
        assert_eq!(step(&mut ro, at(3)), 20);
        ro["spec"]["paused"] = json!(true);
        step(&mut ro, at(6));
        assert_eq!(ro["status"]["message"], "manually paused");
        ro["spec"]["paused"] = json!(false);
        ro["status"]["promoteFull"] = json!(true);
        assert_eq!(step(&mut ro, at(9)), 100);
        assert_eq!(ro["status"]["phase"], "Healthy");
    }

    #[test]
    fn replicas_follow_the_weight() {
        assert_eq!(split(5, 0), (0, 5));
        assert_eq!(split(5, 20), (1, 4));
        assert_eq!(split(5, 50), (3, 2));
        assert_eq!(split(5, 100), (5, 0));
        assert_eq!(seconds(&json!("2m")), Some(120));
        assert_eq!(seconds(&json!(15)), Some(15));
    }
}
