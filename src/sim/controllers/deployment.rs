//! The Deployment controller: one ReplicaSet per pod template (named
//! `<deployment>-<hash>`), rolling replacement of old ReplicaSets, and the
//! status/conditions progression of kube-controller-manager.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::super::meta;
use super::super::registry::ResourceType;
use super::Ctl;
use super::conditions::{Cond, reason_of, set};
use super::events;
use super::template::{int, owner_ref, template_hash};

const REVISION: &str = "deployment.kubernetes.io/revision";

/// Reconciles one Deployment.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str, name: &str) {
    let (Some(rt), Some(rs_rt)) = (ctl.rt("apps", "Deployment"), ctl.rt("apps", "ReplicaSet"))
    else {
        return;
    };
    let Some(dep) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&dep) {
        // As the real controller: only the status follows a deletion.
        let owned = ctl.owned(&rs_rt, ns, meta::uid(&dep));
        let desired = int(&dep, "/spec/replicas", 1).max(0);
        let rs_name = owned
            .first()
            .map(|r| meta::name(r).to_string())
            .unwrap_or_default();
        update_status(ctl, &rt, &dep, &owned, &rs_name, desired, Mode::StatusOnly);
        return;
    }
    let desired = int(&dep, "/spec/replicas", 1).max(0);
    let template = dep.pointer("/spec/template").cloned().unwrap_or_default();
    let hash = template_hash(&template);
    let rs_name = format!("{name}-{hash}");
    let owned = ctl.owned(&rs_rt, ns, meta::uid(&dep));
    let max_rev = owned.iter().map(revision_of).max().unwrap_or(0);
    let created = ensure_new_rs(ctl, &rs_rt, &dep, &rs_name, &hash, desired, max_rev);
    let owned = ctl.owned(&rs_rt, ns, meta::uid(&dep));
    let Some(new_rs) = owned.iter().find(|r| meta::name(r) == rs_name).cloned() else {
        return;
    };
    let rev = revision_of(&new_rs).to_string();
    ctl.modify(&rt, ns, name, |o| {
        meta::edit_meta(o, |m| {
            let ann = m.entry("annotations").or_insert_with(|| json!({}));
            ann.as_object_mut()
                .map(|a| a.insert(REVISION.into(), json!(rev)));
        });
        true
    });
    let new_available = int(&new_rs, "/status/availableReplicas", 0);
    if new_available >= desired {
        for old in owned
            .iter()
            .filter(|r| meta::name(r) != rs_name && int(r, "/spec/replicas", 0) > 0)
        {
            scale(ctl, &rs_rt, &dep, old, 0);
        }
    }
    let mode = if created { Mode::Created } else { Mode::Sync };
    update_status(ctl, &rt, &dep, &owned, &rs_name, desired, mode);
}

fn revision_of(rs: &Value) -> i64 {
    rs.pointer(&format!(
        "/metadata/annotations/{}",
        REVISION.replace('/', "~1")
    ))
    .and_then(Value::as_str)
    .and_then(|r| r.parse().ok())
    .unwrap_or(0)
}

fn max_surge(dep: &Value, desired: i64) -> i64 {
    match dep.pointer("/spec/strategy/rollingUpdate/maxSurge") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(p)) => {
            (desired * p.trim_end_matches('%').parse::<i64>().unwrap_or(25) + 99) / 100
        }
        _ => (desired * 25 + 99) / 100,
    }
}

fn max_unavailable(dep: &Value, desired: i64) -> i64 {
    match dep.pointer("/spec/strategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(p)) => {
            desired * p.trim_end_matches('%').parse::<i64>().unwrap_or(25) / 100
        }
        _ => desired * 25 / 100,
    }
}

/// Creates (or scales) the ReplicaSet of the current template; returns
/// whether it was created now.
fn ensure_new_rs(
    ctl: &Ctl,
    rs_rt: &ResourceType,
    dep: &Value,
    rs_name: &str,
    hash: &str,
    desired: i64,
    max_rev: i64,
) -> bool {
    let ns = meta::namespace(dep);
    if let Some(rs) = ctl.get(rs_rt, ns, rs_name) {
        if int(&rs, "/spec/replicas", 0) != desired {
            scale(ctl, rs_rt, dep, &rs, desired);
        }
        return false;
    }
    let mut template = dep.pointer("/spec/template").cloned().unwrap_or_default();
    let mut labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert("pod-template-hash".into(), json!(hash));
    if let Some(m) = template.get_mut("metadata").and_then(Value::as_object_mut) {
        m.insert("labels".into(), Value::Object(labels.clone()));
    }
    let mut selector = dep
        .pointer("/spec/selector")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(ml) = selector
        .as_object_mut()
        .map(|s| s.entry("matchLabels").or_insert_with(|| json!({})))
    {
        ml.as_object_mut()
            .map(|m| m.insert("pod-template-hash".into(), json!(hash)));
    }
    let annotations = json!({
        "deployment.kubernetes.io/desired-replicas": desired.to_string(),
        "deployment.kubernetes.io/max-replicas": (desired + max_surge(dep, desired)).to_string(),
        REVISION: (max_rev + 1).to_string(),
    });
    let rs = json!({
        "metadata": {"name": rs_name, "namespace": ns, "labels": labels, "annotations": annotations, "ownerReferences": [owner_ref(dep)]},
        "spec": {"replicas": desired, "selector": selector, "template": template},
    });
    let created = ctl.create(rs_rt, ns, rs).is_some();
    if created {
        let message = format!("Scaled up replica set {rs_name} to {desired}");
        events::normal(
            ctl,
            dep,
            "ScalingReplicaSet",
            &message,
            "deployment-controller",
        );
    }
    created
}

fn scale(ctl: &Ctl, rs_rt: &ResourceType, dep: &Value, rs: &Value, replicas: i64) {
    let before = int(rs, "/spec/replicas", 0);
    let direction = if replicas > before { "up" } else { "down" };
    let message = format!(
        "Scaled {direction} replica set {} to {replicas}",
        meta::name(rs)
    );
    events::normal(
        ctl,
        dep,
        "ScalingReplicaSet",
        &message,
        "deployment-controller",
    );
    ctl.modify(rs_rt, meta::namespace(rs), meta::name(rs), |o| {
        if let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("replicas".into(), json!(replicas));
        }
        meta::edit_meta(o, |m| {
            let ann = m.entry("annotations").or_insert_with(|| json!({}));
            ann.as_object_mut().map(|a| {
                a.insert(
                    "deployment.kubernetes.io/desired-replicas".into(),
                    json!(replicas.to_string()),
                )
            });
        });
        true
    });
}

fn sum(rss: &[Value], ptr: &str) -> i64 {
    rss.iter().map(|r| int(r, ptr, 0)).sum()
}

/// How much of the status a reconcile may change.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The new ReplicaSet was created in this reconcile.
    Created,
    /// A normal sync.
    Sync,
    /// The Deployment is being deleted: counts and availability only.
    StatusOnly,
}

fn update_status(
    ctl: &Ctl,
    rt: &ResourceType,
    dep: &Value,
    rss: &[Value],
    rs_name: &str,
    desired: i64,
    mode: Mode,
) {
    let created = mode == Mode::Created;
    let new_rs: Vec<Value> = rss
        .iter()
        .filter(|r| meta::name(r) == rs_name)
        .cloned()
        .collect();
    let replicas = sum(rss, "/status/replicas");
    let updated = sum(&new_rs, "/status/replicas");
    let ready = sum(rss, "/status/readyReplicas");
    let available = sum(rss, "/status/availableReplicas");
    let total = sum(rss, "/spec/replicas");
    let complete = updated == desired && replicas == desired && available >= desired;
    let minimum = available >= desired - max_unavailable(dep, desired);
    let deadline = int(dep, "/spec/progressDeadlineSeconds", 600);
    let now = meta::now();
    let (ns, name) = (
        meta::namespace(dep).to_string(),
        meta::name(dep).to_string(),
    );
    let generation = int(dep, "/metadata/generation", 1);
    let mut schedule = false;
    ctl.modify_status(rt, &ns, &name, |o| {
        let mut conds: Vec<Value> = o
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let (a_status, a_reason, a_msg) = if minimum {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        if !created {
            set(
                &mut conds,
                &Cond {
                    kind: "Available",
                    status: a_status,
                    reason: a_reason,
                    message: a_msg,
                },
                &now,
                true,
            );
        }
        let (p_status, p_reason, p_msg) =
            progressing(&conds, complete, created, rs_name, deadline, &now);
        let before = reason_of(&conds, "Progressing").map(str::to_string);
        let progress = mode != Mode::StatusOnly;
        set_if(
            progress,
            &mut conds,
            &Cond {
                kind: "Progressing",
                status: p_status,
                reason: p_reason,
                message: &p_msg,
            },
            &now,
            true,
        );
        schedule =
            progress && before.as_deref() != Some(p_reason) && p_status == "True" && !complete;
        let mut st = Map::new();
        st.insert("observedGeneration".into(), json!(generation));
        for (k, v) in [
            ("replicas", replicas),
            ("updatedReplicas", updated),
            ("readyReplicas", ready),
            ("availableReplicas", available),
            ("unavailableReplicas", (total - available).max(0)),
        ] {
            if v != 0 {
                st.insert(k.into(), json!(v));
            }
        }
        st.insert("conditions".into(), Value::Array(conds));
        o.as_object_mut()
            .map(|t| t.insert("status".into(), Value::Object(st)))
            .is_some()
    });
    if schedule {
        let secs = u64::try_from(deadline).unwrap_or(600) + 1;
        ctl.after(Duration::from_secs(secs), move |ctl| {
            reconcile(ctl, &ns, &name)
        });
    }
}

/// The Progressing condition: created, progressing, complete or timed out.
fn progressing(
    conds: &[Value],
    complete: bool,
    created: bool,
    rs: &str,
    deadline: i64,
    now: &str,
) -> (&'static str, &'static str, String) {
    if complete {
        return (
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{rs}\" has successfully progressed."),
        );
    }
    let current = reason_of(conds, "Progressing");
    if created || current.is_none() {
        return (
            "True",
            "NewReplicaSetCreated",
            format!("Created new replica set \"{rs}\""),
        );
    }
    if current == Some("ProgressDeadlineExceeded") {
        return (
            "False",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet \"{rs}\" has timed out progressing."),
        );
    }
    let since = conds
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Progressing"))
        .and_then(|c| c.get("lastUpdateTime"))
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let nowt = chrono::DateTime::parse_from_rfc3339(now).ok();
    if let (Some(s), Some(n)) = (since, nowt)
        && (n - s).num_seconds() > deadline
    {
        return (
            "False",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet \"{rs}\" has timed out progressing."),
        );
    }
    (
        "True",
        "ReplicaSetUpdated",
        format!("ReplicaSet \"{rs}\" is progressing."),
    )
}

fn set_if(doit: bool, conds: &mut Vec<Value>, c: &Cond, now: &str, with_update_time: bool) {
    if doit {
        set(conds, c, now, with_update_time);
    }
}
