//! Defaults of the workload kinds (Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, Job, CronJob) and of their pod templates.

use super::pod::default_pod_spec;
use super::{child_object, set_default};
use serde_json::{Map, Value, json};

/// Defaults of a workload kind; other kinds are left alone.
pub fn default_workload(kind: &str, obj: &mut Value, old: Option<&Value>) {
    match kind {
        "Deployment" => default_deployment(obj),
        "StatefulSet" => default_statefulset(obj),
        "DaemonSet" => default_daemonset(obj, old),
        "ReplicaSet" => {
            if let Some(spec) = child_object(obj, "spec") {
                set_default(spec, "replicas", json!(1));
                default_template(spec);
            }
        }
        "Job" => default_job(obj, old.is_none()),
        "CronJob" => default_cronjob(obj),
        _ => {}
    }
}

/// `metadata.creationTimestamp: null` and pod spec defaults of a template.
fn default_template(spec: &mut Value) {
    let Some(t) = spec.get_mut("template") else {
        return;
    };
    if let Some(meta) = child_object(t, "metadata") {
        set_default(meta, "creationTimestamp", Value::Null);
    }
    if let Some(ps) = t.get_mut("spec") {
        default_pod_spec(ps);
    }
}

fn default_deployment(obj: &mut Value) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    set_default(spec, "replicas", json!(1));
    default_template(spec);
    if let Some(strategy) = child_object(spec, "strategy") {
        set_default(strategy, "type", json!("RollingUpdate"));
        if strategy.get("type") == Some(&json!("RollingUpdate"))
            && let Some(ru) = child_object(strategy, "rollingUpdate")
        {
            set_default(ru, "maxUnavailable", json!("25%"));
            set_default(ru, "maxSurge", json!("25%"));
        }
    }
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(spec, "progressDeadlineSeconds", json!(600));
}

fn default_statefulset(obj: &mut Value) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    set_default(spec, "replicas", json!(1));
    default_template(spec);
    set_default(spec, "podManagementPolicy", json!("OrderedReady"));
    if let Some(us) = child_object(spec, "updateStrategy") {
        set_default(us, "type", json!("RollingUpdate"));
        if us.get("type") == Some(&json!("RollingUpdate"))
            && let Some(ru) = child_object(us, "rollingUpdate")
        {
            set_default(ru, "partition", json!(0));
        }
    }
    set_default(spec, "revisionHistoryLimit", json!(10));
}

fn default_daemonset(obj: &mut Value, old: Option<&Value>) {
    if let Some(spec) = child_object(obj, "spec") {
        default_template(spec);
        if let Some(us) = child_object(spec, "updateStrategy") {
            set_default(us, "type", json!("RollingUpdate"));
            if us.get("type") == Some(&json!("RollingUpdate"))
                && let Some(ru) = child_object(us, "rollingUpdate")
            {
                set_default(ru, "maxUnavailable", json!(1));
                set_default(ru, "maxSurge", json!(0));
            }
        }
        set_default(spec, "revisionHistoryLimit", json!(10));
    }
    let key = "deprecated.daemonset.template.generation";
    let previous = old
        .and_then(|o| o.pointer("/metadata/annotations"))
        .and_then(|a| a.get(key))
        .cloned();
    if let Some(ann) = child_object(obj, "metadata").and_then(|m| child_object(m, "annotations")) {
        set_default(ann, key, previous.unwrap_or_else(|| json!("1")));
    }
}

fn default_job(obj: &mut Value, create: bool) {
    let uid = obj.pointer("/metadata/uid").cloned();
    let name = obj.pointer("/metadata/name").cloned();
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    default_job_spec(spec);
    let manual = spec.get("manualSelector") == Some(&Value::Bool(true));
    if create
        && !manual
        && spec.get("selector").is_none()
        && let (Some(uid), Some(name)) = (uid, name)
    {
        spec["selector"] = json!({"matchLabels": {"controller-uid": uid}});
        if let Some(labels) = spec
            .get_mut("template")
            .and_then(|t| child_object(t, "metadata"))
            .and_then(|m| child_object(m, "labels"))
        {
            set_default(labels, "controller-uid", uid);
            set_default(labels, "job-name", name);
        }
    }
    let template_labels = obj
        .pointer("/spec/template/metadata/labels")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(meta) = child_object(obj, "metadata") {
        let empty = meta
            .get("labels")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty);
        if empty && template_labels.as_object().is_some_and(|m| !m.is_empty()) {
            meta["labels"] = template_labels;
        }
    }
}

fn default_job_spec(spec: &mut Value) {
    if spec.get("parallelism").is_none() && spec.get("completions").is_none() {
        set_default(spec, "completions", json!(1));
    }
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    default_template(spec);
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
}

fn default_cronjob(obj: &mut Value) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    set_default(spec, "concurrencyPolicy", json!("Allow"));
    set_default(spec, "suspend", json!(false));
    if let Some(jt) = spec.get_mut("jobTemplate") {
        if let Some(meta) = child_object(jt, "metadata") {
            set_default(meta, "creationTimestamp", Value::Null);
        }
        if let Some(js) = jt.get_mut("spec") {
            default_template(js);
        }
    }
    set_default(spec, "successfulJobsHistoryLimit", json!(3));
    set_default(spec, "failedJobsHistoryLimit", json!(1));
}
