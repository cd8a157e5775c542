//! The ReplicaSet controller: keeps `spec.replicas` Pods and reports them.

use serde_json::{Map, Value, json};

use super::super::meta;
use super::kubelet::is_ready;
use super::template::{create_pod, int, live_pods};
use super::{Ctl, events};

/// Brings a ReplicaSet's Pods to its replica count and updates its status.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str, name: &str) {
    let Some(rt) = ctl.rt("apps", "ReplicaSet") else {
        return;
    };
    let Some(rs) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&rs) {
        return;
    }
    let want = int(&rs, "/spec/replicas", 1).max(0) as usize;
    let mut pods = live_pods(ctl, &rs);
    let template = rs.pointer("/spec/template").cloned().unwrap_or_default();
    while pods.len() < want {
        match create_pod(ctl, &rs, &template, None, &format!("{name}-"), &Map::new()) {
            Some(p) => {
                let message = format!("Created pod: {}", meta::name(&p));
                events::normal(
                    ctl,
                    &rs,
                    "SuccessfulCreate",
                    &message,
                    "replicaset-controller",
                );
                pods.push(p);
            }
            None => break,
        }
    }
    if pods.len() > want
        && let Some(pod_rt) = ctl.rt("", "Pod")
    {
        pods.sort_by_key(is_ready);
        for p in pods.drain(..pods.len() - want) {
            ctl.delete(&pod_rt, &p, None);
        }
    }
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let generation = int(&rs, "/metadata/generation", 1);
    ctl.modify_status(&rt, ns, name, |o| {
        let mut st = Map::new();
        st.insert("replicas".into(), json!(pods.len()));
        if !pods.is_empty() {
            st.insert("fullyLabeledReplicas".into(), json!(pods.len()));
        }
        if ready > 0 {
            st.insert("readyReplicas".into(), json!(ready));
            st.insert("availableReplicas".into(), json!(ready));
        }
        st.insert("observedGeneration".into(), json!(generation));
        o.as_object_mut()
            .map(|t| t.insert("status".into(), Value::Object(st)))
            .is_some()
    });
}
