//! Service defaults: port protocol and targetPort, type, session affinity,
//! IP families, and allocation of clusterIP (10.96.0.0/12) and nodePorts
//! (30000-32767). Allocated values survive updates.

use super::{child_object, set_default};
use rand::Rng;
use serde_json::{Value, json};

/// Defaults of a Service; `old` is the stored Service on update.
pub fn default_service(obj: &mut Value, old: Option<&Value>) {
    let Some(spec) = child_object(obj, "spec") else {
        return;
    };
    set_default(spec, "type", json!("ClusterIP"));
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let old_spec = old.and_then(|o| o.get("spec"));
    default_ports(spec, &ty, old_spec);
    set_default(spec, "sessionAffinity", json!("None"));
    if ty == "ExternalName" {
        return;
    }
    keep_allocated(spec, old_spec, "clusterIP");
    keep_allocated(spec, old_spec, "clusterIPs");
    set_default(spec, "clusterIP", json!(random_cluster_ip()));
    let ip = spec.get("clusterIP").cloned().unwrap_or_default();
    set_default(spec, "clusterIPs", json!([ip]));
    if ty == "NodePort" || ty == "LoadBalancer" {
        set_default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    set_default(spec, "ipFamilies", json!(["IPv4"]));
    set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
    if ty == "LoadBalancer" {
        set_default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    set_default(spec, "internalTrafficPolicy", json!("Cluster"));
}

fn keep_allocated(spec: &mut Value, old_spec: Option<&Value>, key: &str) {
    if let Some(v) = old_spec.and_then(|o| o.get(key)) {
        set_default(spec, key, v.clone());
    }
}

fn default_ports(spec: &mut Value, ty: &str, old_spec: Option<&Value>) {
    let old_ports: Vec<Value> = old_spec
        .and_then(|o| o.get("ports"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let needs_node_port = ty == "NodePort"
        || (ty == "LoadBalancer"
            && spec.get("allocateLoadBalancerNodePorts") != Some(&Value::Bool(false)));
    let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) else {
        return;
    };
    for p in ports {
        set_default(p, "protocol", json!("TCP"));
        if let Some(port) = p.get("port").cloned() {
            set_default(p, "targetPort", port);
        }
        if needs_node_port {
            let kept = old_ports
                .iter()
                .find(|o| o.get("port") == p.get("port") && o.get("protocol") == p.get("protocol"))
                .and_then(|o| o.get("nodePort"))
                .cloned();
            let np = kept.unwrap_or_else(|| json!(rand::rng().random_range(30000..=32767)));
            set_default(p, "nodePort", np);
        }
    }
}

fn random_cluster_ip() -> String {
    let mut rng = rand::rng();
    format!(
        "10.{}.{}.{}",
        96 + rng.random_range(0..16),
        rng.random_range(0..256),
        rng.random_range(1..255)
    )
}
