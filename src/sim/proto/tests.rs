//! Decoding what kubectl 1.37 really sends, and round trips of every
//! built-in object recorded from a real apiserver in `../shared/kube-golden`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protobuf")
}

/// Pairs of (name, protobuf body kubectl sent, the same object as JSON
/// from `kubectl … --dry-run=client -o json`).
fn kubectl_bodies() -> Vec<(String, Vec<u8>, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pb") {
            let json = std::fs::read_to_string(path.with_extension("json")).unwrap();
            out.push((
                path.file_stem().unwrap().to_string_lossy().to_string(),
                std::fs::read(&path).unwrap(),
                serde_json::from_str(&json).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn kubectl_bodies_decode_to_the_json_kubectl_would_send() {
    let bodies = kubectl_bodies();
    assert!(bodies.len() >= 15, "fixtures missing: {}", bodies.len());
    for (name, pb, want) in bodies {
        let got = decode(&pb, "", "").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn decoded_bodies_keep_explicit_zeroes_and_drop_go_defaults() {
    let pb = std::fs::read(fixtures().join("deployment.pb")).unwrap();
    let d = decode(&pb, "", "").unwrap();
    assert_eq!(d.pointer("/spec/replicas"), Some(&json!(0)));
    assert_eq!(d.pointer("/spec/strategy"), Some(&json!({})));
    assert_eq!(d.pointer("/metadata/namespace"), None);
    assert_eq!(d.pointer("/metadata/creationTimestamp"), None);
    let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
    assert_eq!(keys[..2], ["kind", "apiVersion"]);
    let secret = decode(
        &std::fs::read(fixtures().join("secret-generic.pb")).unwrap(),
        "",
        "",
    )
    .unwrap();
    assert_eq!(secret.pointer("/data/user"), Some(&json!("YWRtaW4=")));
}

#[test]
fn kubectl_objects_survive_an_encoding_round_trip() {
    for (name, _, want) in kubectl_bodies() {
        let pb = encode(&want).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decode(&pb, "", "").unwrap(), want, "{name}");
    }
}

#[test]
fn envelopes_without_a_type_take_the_endpoint_type() {
    let obj = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a"}});
    let body = encode(&obj).unwrap();
    let env = envelope::open(&body).unwrap();
    let bare = envelope::seal("", "", env.raw).unwrap();
    assert_eq!(decode(&bare, "v1", "ConfigMap").unwrap(), obj);
    assert!(decode(&bare, "", "").is_err());
}

#[test]
fn broken_bodies_are_errors() {
    let good = encode(&json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "n"}}))
        .unwrap();
    for cut in [5, good.len() - 3] {
        assert!(decode(&good[..cut], "", "").is_err(), "cut at {cut}");
    }
    assert!(decode(b"k8s\0\x0a\xff\xff", "", "").is_err());
    let widget = json!({"kind": "Widget", "apiVersion": "golden.example.com/v1"});
    assert!(encode(&widget).is_err());
    let wrong = json!({"kind": "ConfigMap", "apiVersion": "v1", "data": {"a": 1}});
    assert!(encode(&wrong).is_err());
}

#[test]
fn special_types_use_their_json_form() {
    let svc = json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": "s", "creationTimestamp": "2026-01-02T03:04:05Z"},
        "spec": {"ports": [{"port": 80, "targetPort": "http"}, {"port": 81, "targetPort": 8081}]}
    });
    assert_eq!(decode(&encode(&svc).unwrap(), "", "").unwrap(), svc);
    let lease = json!({
        "kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
        "metadata": {"name": "l"},
        "spec": {"renewTime": "2026-01-02T03:04:05.123456Z", "leaseDurationSeconds": 0}
    });
    assert_eq!(decode(&encode(&lease).unwrap(), "", "").unwrap(), lease);
    let quota = json!({
        "kind": "ResourceQuota", "apiVersion": "v1", "metadata": {"name": "q"},
        "spec": {"hard": {"cpu": "500m", "memory": "1Gi"}}
    });
    assert_eq!(decode(&encode(&quota).unwrap(), "", "").unwrap(), quota);
}

#[test]
fn watch_frames_are_length_prefixed_events() {
    let obj = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a"}});
    let frame = watch_frame("ADDED", &obj).unwrap();
    let len = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
    assert_eq!(len, frame.len() - 4);
    let mut two = frame.clone();
    two.extend(watch_frame("DELETED", &obj).unwrap());
    let events = read_watch_frames(&two).unwrap();
    assert_eq!(
        events,
        [
            ("ADDED".to_string(), obj.clone()),
            ("DELETED".to_string(), obj)
        ]
    );
}

fn golden_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = [
        std::env::var_os("TETHER_GOLDEN_DIR").map(PathBuf::from),
        Some(root.join("../shared/kube-golden")),
        Some(root.join("../../shared/kube-golden")),
    ]
    .into_iter()
    .flatten()
    .find(|d| d.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: golden files not found next to {}", root.display());
    }
    found
}

/// Objects a real apiserver wrote: response bodies and watched objects.
fn recorded_objects(file: &Value) -> Vec<Value> {
    match file.pointer("/response/body") {
        Some(Value::Array(events)) => events
            .iter()
            .filter_map(|e| e.get("object").cloned())
            .collect(),
        Some(body @ Value::Object(_)) => vec![body.clone()],
        _ => Vec::new(),
    }
}

/// What Go reads the same from JSON and protobuf: a null field is the zero
/// value a protobuf message leaves out, and so is an empty `items: []`.
fn without_nulls(mut v: Value) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.retain(|k, v| !(v.is_null() || k == "items" && *v == json!([])));
            for child in m.values_mut() {
                *child = without_nulls(child.take());
            }
        }
        Value::Array(items) => {
            for child in items.iter_mut() {
                *child = without_nulls(child.take());
            }
        }
        _ => {}
    }
    v
}

#[test]
fn every_recorded_builtin_object_round_trips() {
    let Some(dir) = golden_dir() else { return };
    let mut kinds = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for obj in recorded_objects(&file) {
            let api_version = obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let kind = obj
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if types::message_of(&api_version, &kind).is_none() {
                continue;
            }
            let mut obj = obj;
            if kind == "NetworkPolicy" {
                // NetworkPolicy.status existed in 1.24 and is gone since 1.26.
                obj.as_object_mut().unwrap().shift_remove("status");
            }
            let pb = encode(&obj).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let back = decode(&pb, "", "").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                without_nulls(back),
                without_nulls(obj.clone()),
                "{}",
                path.display()
            );
            kinds.insert(kind);
        }
    }
    for kind in [
        "ConfigMap",
        "Secret",
        "Service",
        "ServiceAccount",
        "Namespace",
        "Pod",
        "PodList",
        "Endpoints",
        "EventList",
        "PersistentVolumeClaim",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "Ingress",
        "NetworkPolicy",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Role",
        "RoleBinding",
        "ClusterRole",
        "Lease",
        "CustomResourceDefinition",
        "Scale",
        "Status",
        "ConfigMapList",
        "DeploymentList",
        "ReplicaSetList",
        "APIGroupList",
        "APIGroup",
        "APIResourceList",
        "APIVersions",
    ] {
        assert!(
            kinds.contains(kind),
            "no recorded {kind} was checked: {kinds:?}"
        );
    }
}
