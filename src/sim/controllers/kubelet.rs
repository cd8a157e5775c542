//! A stand-in scheduler and kubelet: binds Pods to the single node and
//! reports their status after the configured delay (images containing
//! `crash` crash-loop, `nopull` cannot be pulled); removes deleted Pods
//! after a short grace.

use std::time::Duration;

use serde_json::{Value, json};

use super::super::meta;
use super::super::store::ChangeType;
use super::super::write::WriteOpts;
use super::{Ctl, NODE};

/// How long a deleted Pod lingers before the stand-in kubelet removes it.
const TERMINATION: Duration = Duration::from_millis(300);
/// How many restarts a crash-looping container accumulates.
const MAX_RESTARTS: i64 = 5;

/// Creates the single Node.
pub(crate) fn register_node(ctl: &Ctl) {
    let Some(rt) = ctl.rt("", "Node") else { return };
    let now = meta::now();
    let node = json!({
        "metadata": {"name": NODE, "labels": {"kubernetes.io/hostname": NODE, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}},
        "spec": {},
    });
    ctl.create(&rt, "", node);
    ctl.modify_status(&rt, "", NODE, |o| {
        let status = json!({
            "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": now, "lastTransitionTime": now, "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": NODE}],
            "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.24.0", "operatingSystem": "linux", "architecture": "amd64", "containerRuntimeVersion": "sim://1"},
        });
        o.as_object_mut().map(|t| t.insert("status".into(), status)).is_some()
    });
}

/// Reacts to a Pod change.
pub(crate) fn on_change(ctl: &Ctl, kind: ChangeType, pod: &Value) {
    let ns = meta::namespace(pod).to_string();
    let name = meta::name(pod).to_string();
    if kind == ChangeType::Deleted {
        return;
    }
    if meta::deleting(pod) {
        let uid = meta::uid(pod).to_string();
        ctl.after(TERMINATION, move |ctl| terminate(ctl, &ns, &name, &uid));
        return;
    }
    if kind == ChangeType::Added && pod.pointer("/spec/nodeName").is_none() {
        bind(ctl, &ns, &name);
        let delay = ctl.state.opts.pod_ready_delay;
        ctl.after(delay, move |ctl| start_containers(ctl, &ns, &name, 0));
    }
}

fn terminate(ctl: &Ctl, ns: &str, name: &str, uid: &str) {
    let Some(rt) = ctl.rt("", "Pod") else { return };
    if let Some(p) = ctl.get(&rt, ns, name)
        && meta::uid(&p) == uid
        && meta::finalizers(&p).is_empty()
    {
        ctl.remove_now(&rt, ns, name);
    }
}

fn bind(ctl: &Ctl, ns: &str, name: &str) {
    let Some(rt) = ctl.rt("", "Pod") else { return };
    let now = meta::now();
    let o = WriteOpts {
        subresource: Some("binding".into()),
        ..WriteOpts::by("kube-scheduler")
    };
    ctl.modify_with(&rt, ns, name, &o, |p| {
        if let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("nodeName".into(), json!(NODE));
        }
        let cond = json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now});
        let status = p.as_object_mut().map(|t| t.entry("status").or_insert_with(|| json!({})));
        if let Some(Value::Object(s)) = status {
            s.insert("conditions".into(), json!([cond]));
        }
        true
    });
}

/// What the containers of a Pod do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ready,
    Crash,
    NoPull,
    Complete,
}

fn outcome(pod: &Value) -> Outcome {
    let images: Vec<String> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("image").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if images.iter().any(|i| i.contains("crash")) {
        return Outcome::Crash;
    }
    if images.iter().any(|i| i.contains("nopull")) {
        return Outcome::NoPull;
    }
    let policy = pod
        .pointer("/spec/restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Always");
    if policy != "Always" {
        Outcome::Complete
    } else {
        Outcome::Ready
    }
}

fn start_containers(ctl: &Ctl, ns: &str, name: &str, restarts: i64) {
    let Some(rt) = ctl.rt("", "Pod") else { return };
    let Some(pod) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&pod) {
        return;
    }
    let out = outcome(&pod);
    let now = meta::now();
    ctl.modify_status(&rt, ns, name, |p| {
        let status = pod_status(p, out, restarts, &now);
        p.as_object_mut()
            .map(|t| t.insert("status".into(), status))
            .is_some()
    });
    if out == Outcome::Crash && restarts < MAX_RESTARTS {
        let (ns, name) = (ns.to_string(), name.to_string());
        let delay = ctl
            .state
            .opts
            .pod_ready_delay
            .max(Duration::from_millis(200));
        ctl.after(delay, move |ctl| {
            start_containers(ctl, &ns, &name, restarts + 1)
        });
    }
}

fn pod_status(pod: &Value, out: Outcome, restarts: i64, now: &str) -> Value {
    let ready = out == Outcome::Ready;
    // As the recorder's stand-in kubelet wrote them: no condition reasons.
    let cond = |t: &str, s: bool| json!({"type": t, "status": if s { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": now});
    let containers = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|c| {
            let state = match out {
                Outcome::Ready => json!({"running": {"startedAt": now}}),
                Outcome::Crash => json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off restarting failed container"}}),
                Outcome::NoPull => json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}),
                Outcome::Complete => json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}}),
            };
            json!({"name": c.get("name"), "state": state, "lastState": {}, "ready": ready, "restartCount": restarts,
                   "image": c.get("image"), "imageID": "", "started": ready})
        })
        .collect();
    let started = pod
        .pointer("/status/startTime")
        .cloned()
        .unwrap_or(json!(now));
    json!({
        "phase": if out == Outcome::Complete { "Succeeded" } else { "Running" },
        "conditions": [cond("Initialized", true), cond("PodScheduled", true), cond("ContainersReady", ready), cond("Ready", ready)],
        "hostIP": "127.0.0.1", "podIP": "127.0.0.2", "podIPs": [{"ip": "127.0.0.2"}],
        "startTime": started,
        "containerStatuses": statuses,
        "qosClass": pod.pointer("/status/qosClass").cloned().unwrap_or(json!("BestEffort")),
    })
}

/// Whether a Pod is Ready.
pub(crate) fn is_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True"))
            })
        })
}

/// Whether a Pod has succeeded.
pub(crate) fn succeeded(pod: &Value) -> bool {
    pod.pointer("/status/phase").and_then(Value::as_str) == Some("Succeeded")
}
