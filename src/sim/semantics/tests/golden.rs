//! Loading golden files and comparing objects apart from volatile fields.

use super::super::KindInfo;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The golden folder, or None (after printing `SKIPPED:`) when absent.
/// Looked up as `$TETHER_GOLDEN_DIR`, else `../shared/kube-golden` from the
/// package (main checkout), else `../../shared/kube-golden` (worktrees).
pub fn dir() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("TETHER_GOLDEN_DIR").map(PathBuf::from),
        Some(root.join("../shared/kube-golden")),
        Some(root.join("../../shared/kube-golden")),
    ];
    let found = candidates.into_iter().flatten().find(|d| d.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: golden files not found next to {}", root.display());
    }
    found
}

/// One golden file, parsed.
pub fn load(name: &str) -> Option<Value> {
    let d = dir()?;
    let entry = std::fs::read_dir(&d)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(name))?;
    let text = std::fs::read_to_string(entry.path()).ok()?;
    serde_json::from_str(&text).ok()
}

fn widget_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        load("124-")
            .and_then(|f| {
                f.pointer("/request/body/spec/versions/0/schema/openAPIV3Schema")
                    .cloned()
            })
            .unwrap_or(Value::Null)
    })
}

/// The KindInfo of the resource a golden request path names.
pub fn kind_for(path: &str) -> KindInfo<'static> {
    let path: &'static str = Box::leak(path.to_string().into_boxed_str());
    let path = path.split('?').next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = if parts[0] == "api" {
        ("", parts[1], &parts[2..])
    } else {
        (parts[1], parts[2], &parts[3..])
    };
    let plural = if rest.first() == Some(&"namespaces") && rest.len() >= 3 {
        rest[2]
    } else {
        rest[0]
    };
    let (kind, namespaced) = match plural {
        "namespaces" => ("Namespace", false),
        "configmaps" => ("ConfigMap", true),
        "secrets" => ("Secret", true),
        "serviceaccounts" => ("ServiceAccount", true),
        "services" => ("Service", true),
        "deployments" => ("Deployment", true),
        "statefulsets" => ("StatefulSet", true),
        "daemonsets" => ("DaemonSet", true),
        "replicasets" => ("ReplicaSet", true),
        "jobs" => ("Job", true),
        "cronjobs" => ("CronJob", true),
        "pods" => ("Pod", true),
        "persistentvolumeclaims" => ("PersistentVolumeClaim", true),
        "ingresses" => ("Ingress", true),
        "horizontalpodautoscalers" => ("HorizontalPodAutoscaler", true),
        "poddisruptionbudgets" => ("PodDisruptionBudget", true),
        "roles" => ("Role", true),
        "rolebindings" => ("RoleBinding", true),
        "clusterroles" => ("ClusterRole", false),
        "networkpolicies" => ("NetworkPolicy", true),
        "leases" => ("Lease", true),
        "customresourcedefinitions" => ("CustomResourceDefinition", false),
        "widgets" => ("Widget", true),
        other => (other, true),
    };
    let schema = (plural == "widgets").then(widget_schema);
    KindInfo {
        group,
        version,
        kind,
        plural,
        namespaced,
        schema,
    }
}

/// The value of query parameter `key` in a request path.
pub fn query(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

/// Nulls every volatile pointer (relative to `/response/body`) in `v`, and
/// sorts managedFields by manager (they are unordered).
pub fn normalize(file: &Value, v: &Value) -> Value {
    let mut out = v.clone();
    let vol = file.get("volatile").and_then(Value::as_array);
    for p in vol.into_iter().flatten().filter_map(Value::as_str) {
        if let Some(rel) = p.strip_prefix("/response/body")
            && let Some(slot) = out.pointer_mut(rel)
        {
            *slot = Value::Null;
        }
    }
    let unordered = file.get("unordered").and_then(Value::as_array);
    for p in unordered.into_iter().flatten().filter_map(Value::as_str) {
        if let Some(rel) = p.strip_prefix("/response/body")
            && let Some(Value::Array(a)) = out.pointer_mut(rel)
        {
            a.sort_by_key(|e| e.to_string());
        }
    }
    for k in ["uid", "resourceVersion", "creationTimestamp", "generation"] {
        if let Some(m) = out.get_mut("metadata").and_then(Value::as_object_mut) {
            m.shift_remove(k);
        }
    }
    if let Some(Value::Array(mf)) = out.pointer_mut("/metadata/managedFields") {
        for e in mf.iter_mut() {
            if let Some(m) = e.as_object_mut() {
                m.shift_remove("time");
            }
        }
        mf.sort_by_key(|e| e.to_string());
    }
    out
}

/// Asserts `actual` equals the golden response body apart from volatile
/// fields, naming the file on failure.
pub fn assert_body(file: &Value, actual: &Value) {
    let expected = file.pointer("/response/body").cloned().unwrap_or_default();
    let exp = normalize(file, &expected);
    let act = normalize(file, actual);
    assert_eq!(
        act,
        exp,
        "{}\nactual:   {}\nexpected: {}",
        file["description"],
        serde_json::to_string(&act).unwrap_or_default(),
        serde_json::to_string(&exp).unwrap_or_default()
    );
}

/// The managedFields time the response carries for `manager`, or a fixed time.
pub fn time_of(file: &Value) -> String {
    file.pointer("/response/body/metadata/managedFields/0/time")
        .and_then(Value::as_str)
        .unwrap_or("2026-11-22T04:47:33Z")
        .to_string()
}

/// The object with controller-owned noise removed: status, annotations,
/// resourceVersion/generation and the kube-controller-manager entries.
pub fn owned_view(v: &Value) -> Value {
    let mut out = v.clone();
    if let Some(m) = out.as_object_mut() {
        m.shift_remove("status");
    }
    if let Some(meta) = out.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["annotations", "resourceVersion", "generation"] {
            meta.shift_remove(k);
        }
        if let Some(Value::Array(mf)) = meta.get_mut("managedFields") {
            mf.retain(|e| e["manager"] != "kube-controller-manager");
        }
    }
    out
}

/// Asserts spec and ownership (times included) equal the golden response.
pub fn assert_owned(file: &Value, actual: &Value) {
    let exp = owned_view(&file["response"]["body"]);
    let act = owned_view(actual);
    assert_eq!(
        serde_json::to_string(&act).unwrap_or_default(),
        serde_json::to_string(&exp).unwrap_or_default(),
        "{}\nactual:   {}\nexpected: {}",
        file["description"],
        serde_json::to_string(&act).unwrap_or_default(),
        serde_json::to_string(&exp).unwrap_or_default()
    );
}

/// The managedFields time of `manager` in the response (the write's "now").
pub fn time_of_manager(file: &Value, manager: &str) -> String {
    file.pointer("/response/body/metadata/managedFields")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|e| e["manager"] == manager))
        .and_then(|e| e.get("time"))
        .and_then(Value::as_str)
        .unwrap_or("2026-11-22T05:00:00Z")
        .to_string()
}

/// The response body of a golden file.
pub fn body(file: &Value) -> Value {
    file.pointer("/response/body").cloned().unwrap_or_default()
}
