//! Pod spec and container defaults, and the admission defaults of Pods
//! (service account token volume, tolerations, priority).

use super::{child_object, set_default};
use rand::Rng;
use serde_json::{Value, json};

const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const TOKEN_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Five random characters as the API server uses for generated names.
pub fn random_suffix() -> String {
    let mut rng = rand::rng();
    (0..5)
        .map(|_| SUFFIX_ALPHABET[rng.random_range(0..SUFFIX_ALPHABET.len())] as char)
        .collect()
}

/// Defaults of a PodSpec (in a Pod or a pod template).
pub fn default_pod_spec(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    for list in ["initContainers", "containers"] {
        let items = spec.get_mut(list).and_then(Value::as_array_mut);
        for c in items.into_iter().flatten() {
            default_container(c);
        }
    }
    let volumes = spec.get_mut("volumes").and_then(Value::as_array_mut);
    for v in volumes.into_iter().flatten() {
        default_volume(v);
    }
}

fn default_container(c: &mut Value) {
    let policy = pull_policy(c.get("image").and_then(Value::as_str).unwrap_or(""));
    set_default(c, "resources", json!({}));
    set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
    set_default(c, "terminationMessagePolicy", json!("File"));
    set_default(c, "imagePullPolicy", json!(policy));
    let ports = c.get_mut("ports").and_then(Value::as_array_mut);
    for p in ports.into_iter().flatten() {
        set_default(p, "protocol", json!("TCP"));
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe) {
            set_default(p, "timeoutSeconds", json!(1));
            set_default(p, "periodSeconds", json!(10));
            set_default(p, "successThreshold", json!(1));
            set_default(p, "failureThreshold", json!(3));
        }
    }
}

/// `Always` for `:latest` and untagged images, else `IfNotPresent`.
fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn default_volume(v: &mut Value) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(s) = v.get_mut(source) {
            set_default(s, "defaultMode", json!(420));
        }
    }
}

/// Defaults of a Pod; admission defaults only on create.
pub fn default_pod(obj: &mut Value, create: bool) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    default_pod_spec(spec);
    if create {
        admit_pod(spec);
    }
}

fn admit_pod(spec: &mut Value) {
    set_default(spec, "serviceAccountName", json!("default"));
    let sa = spec.get("serviceAccountName").cloned().unwrap_or_default();
    set_default(spec, "serviceAccount", sa);
    if spec.get("automountServiceAccountToken") != Some(&Value::Bool(false)) {
        add_token_volume(spec);
    }
    add_default_tolerations(spec);
    set_default(spec, "priority", json!(0));
    set_default(spec, "enableServiceLinks", json!(true));
    set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
}

fn add_token_volume(spec: &mut Value) {
    let exists = spec
        .get("volumes")
        .and_then(Value::as_array)
        .is_some_and(|vs| {
            vs.iter().any(|v| {
                v.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.starts_with("kube-api-access-"))
            })
        });
    if exists {
        return;
    }
    let name = format!("kube-api-access-{}", random_suffix());
    let volume = json!({"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
    ], "defaultMode": 420}});
    set_default(spec, "volumes", json!([]));
    if let Some(vs) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        vs.push(volume);
    }
    let mount = json!({"name": name, "readOnly": true, "mountPath": TOKEN_MOUNT});
    for list in ["initContainers", "containers"] {
        let items = spec.get_mut(list).and_then(Value::as_array_mut);
        for c in items.into_iter().flatten() {
            set_default(c, "volumeMounts", json!([]));
            if let Some(ms) = c.get_mut("volumeMounts").and_then(Value::as_array_mut)
                && !ms
                    .iter()
                    .any(|m| m.get("mountPath") == Some(&json!(TOKEN_MOUNT)))
            {
                ms.push(mount.clone());
            }
        }
    }
}

fn add_default_tolerations(spec: &mut Value) {
    set_default(spec, "tolerations", json!([]));
    let Some(ts) = spec.get_mut("tolerations").and_then(Value::as_array_mut) else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !ts.iter().any(|t| t.get("key") == Some(&json!(key))) {
            ts.push(
                json!({"key": key, "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 300}),
            );
        }
    }
}

/// `{phase: Pending, qosClass}` for a new Pod.
pub fn initial_pod_status(obj: &Value) -> Value {
    json!({"phase": "Pending", "qosClass": qos_class(obj)})
}

fn qos_class(obj: &Value) -> &'static str {
    let containers: Vec<&Value> = obj
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let has = |c: &Value, k: &str| {
        c.pointer(&format!("/resources/{k}"))
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
    };
    if containers
        .iter()
        .all(|c| !has(c, "requests") && !has(c, "limits"))
    {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let lim = c.pointer("/resources/limits");
        ["cpu", "memory"]
            .iter()
            .all(|r| lim.and_then(|l| l.get(*r)).is_some())
            && c.pointer("/resources/requests")
                .and_then(Value::as_object)
                .is_none_or(|req| {
                    req.iter()
                        .all(|(k, v)| lim.and_then(|l| l.get(k)) == Some(v))
                })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_and_untagged_images_pull_always() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("localhost:5000/nginx"), "Always");
        assert_eq!(pull_policy("nginx:1.25"), "IfNotPresent");
    }

    #[test]
    fn suffix_uses_the_apiserver_alphabet() {
        let s = random_suffix();
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)));
    }
}
