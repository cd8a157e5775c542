//! Server defaults added on create and update, per kind, as a 1.24
//! apiserver (plus its admission plugins) fills them in. Defaults never
//! override given values, so defaulting a stored object changes nothing.

mod custom;
mod pod;
mod service;
mod workloads;

use super::KindInfo;
use base64::Engine;
use serde_json::{Map, Value, json};

pub use pod::random_suffix;

/// See [`super::default_object`].
pub fn default_object(kind: &KindInfo, obj: &mut Value, old: Option<&Value>) {
    if kind.is_custom() {
        custom::default_custom(kind, obj);
        return;
    }
    match (kind.group, kind.kind) {
        ("", "Pod") => pod::default_pod(obj, old.is_none()),
        ("", "Service") => service::default_service(obj, old),
        ("", "Secret") => default_secret(obj),
        ("", "Namespace") => default_namespace(obj),
        ("", "PersistentVolumeClaim") => default_pvc(obj),
        ("networking.k8s.io", "NetworkPolicy") => default_network_policy(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => default_crd(obj),
        _ => workloads::default_workload(kind.kind, obj, old),
    }
    if old.is_none() {
        initial_status(kind, obj);
    }
}

/// Inserts `key: value` into the object `v` when absent.
pub(crate) fn set_default(v: &mut Value, key: &str, value: Value) {
    if let Some(m) = v.as_object_mut() {
        m.entry(key.to_string()).or_insert(value);
    }
}

/// The object at `key` inside `v`, created empty when absent.
pub(crate) fn child_object<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let m = v.as_object_mut()?;
    let c = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    c.is_object().then_some(c)
}

/// Folds a Secret's write-only `stringData` into base64 `data`.
pub fn fold_string_data(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else {
        return;
    };
    let Some(Value::Object(sd)) = m.shift_remove("stringData") else {
        return;
    };
    let data = m
        .entry("data".to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(d) = data.as_object_mut() {
        for (k, v) in sd {
            let s = v.as_str().unwrap_or_default();
            let enc = base64::engine::general_purpose::STANDARD.encode(s);
            d.insert(k, Value::String(enc));
        }
    }
}

fn default_secret(obj: &mut Value) {
    fold_string_data(obj);
    set_default(obj, "type", json!("Opaque"));
}

fn default_namespace(obj: &mut Value) {
    let name = obj
        .pointer("/metadata/name")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(labels) = child_object(obj, "metadata").and_then(|m| child_object(m, "labels")) {
        set_default(labels, "kubernetes.io/metadata.name", name);
    }
    if let Some(spec) = child_object(obj, "spec") {
        set_default(spec, "finalizers", json!(["kubernetes"]));
    }
}

fn default_pvc(obj: &mut Value) {
    if let Some(spec) = child_object(obj, "spec") {
        set_default(spec, "volumeMode", json!("Filesystem"));
    }
    add_finalizer(obj, "kubernetes.io/pvc-protection");
}

fn add_finalizer(obj: &mut Value, fin: &str) {
    let Some(meta) = child_object(obj, "metadata") else {
        return;
    };
    set_default(meta, "finalizers", json!([]));
    if let Some(list) = meta.get_mut("finalizers").and_then(Value::as_array_mut)
        && !list.iter().any(|f| f == fin)
    {
        list.push(json!(fin));
    }
}

fn default_network_policy(obj: &mut Value) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    let mut types = vec![json!("Ingress")];
    if spec.get("egress").is_some() {
        types.push(json!("Egress"));
    }
    set_default(spec, "policyTypes", Value::Array(types));
    for dir in ["ingress", "egress"] {
        for rule in spec
            .get_mut(dir)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            for port in rule
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                set_default(port, "protocol", json!("TCP"));
            }
        }
    }
}

fn default_crd(obj: &mut Value) {
    if let Some(spec) = child_object(obj, "spec") {
        set_default(spec, "conversion", json!({"strategy": "None"}));
    }
}

fn crd_initial_status(obj: &Value) -> Value {
    let stored: Vec<Value> = obj
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v.get("storage") == Some(&Value::Bool(true)))
        .filter_map(|v| v.get("name").cloned())
        .collect();
    json!({"conditions": null, "acceptedNames": {"plural": "", "kind": ""}, "storedVersions": stored})
}

/// The status a freshly created object starts with.
fn initial_status(kind: &KindInfo, obj: &mut Value) {
    let status = match kind.kind {
        "Deployment" | "Job" | "CronJob" | "NetworkPolicy" => json!({}),
        "Service" | "Ingress" => json!({"loadBalancer": {}}),
        "StatefulSet" => json!({"replicas": 0, "availableReplicas": 0}),
        "DaemonSet" => json!({"currentNumberScheduled": 0, "numberMisscheduled": 0,
            "desiredNumberScheduled": 0, "numberReady": 0}),
        "ReplicaSet" => json!({"replicas": 0}),
        "PodDisruptionBudget" => json!({"disruptionsAllowed": 0, "currentHealthy": 0,
            "desiredHealthy": 0, "expectedPods": 0}),
        "HorizontalPodAutoscaler" => json!({"desiredReplicas": 0, "currentMetrics": null}),
        "PersistentVolumeClaim" => json!({"phase": "Pending"}),
        "Namespace" => json!({"phase": "Active"}),
        "Pod" => pod::initial_pod_status(obj),
        "CustomResourceDefinition" => crd_initial_status(obj),
        _ => return,
    };
    set_default(obj, "status", status);
}
