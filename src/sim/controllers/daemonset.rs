//! The DaemonSet controller: one Pod on the single node.

use serde_json::{Map, Value, json};

use super::super::meta;
use super::Ctl;
use super::kubelet::is_ready;
use super::template::{create_pod, int, live_pods, template_hash};

/// Reconciles one DaemonSet.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str, name: &str) {
    let Some(rt) = ctl.rt("apps", "DaemonSet") else {
        return;
    };
    let Some(ds) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&ds) {
        return;
    }
    let template = ds.pointer("/spec/template").cloned().unwrap_or_default();
    let mut pods = live_pods(ctl, &ds);
    if pods.is_empty() {
        let mut extra = Map::new();
        extra.insert(
            "controller-revision-hash".into(),
            json!(template_hash(&template)),
        );
        extra.insert(
            "pod-template-generation".into(),
            json!(int(&ds, "/metadata/generation", 1).to_string()),
        );
        if let Some(p) = create_pod(ctl, &ds, &template, None, &format!("{name}-"), &extra) {
            pods.push(p);
        }
    }
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let generation = int(&ds, "/metadata/generation", 1);
    ctl.modify_status(&rt, ns, name, |o| {
        let mut st = Map::new();
        st.insert("currentNumberScheduled".into(), json!(pods.len()));
        st.insert("numberMisscheduled".into(), json!(0));
        st.insert("desiredNumberScheduled".into(), json!(1));
        st.insert("numberReady".into(), json!(ready));
        st.insert("observedGeneration".into(), json!(generation));
        st.insert("updatedNumberScheduled".into(), json!(pods.len()));
        if ready > 0 {
            st.insert("numberAvailable".into(), json!(ready));
        } else {
            st.insert("numberUnavailable".into(), json!(1));
        }
        o.as_object_mut()
            .map(|t| t.insert("status".into(), Value::Object(st)))
            .is_some()
    });
}
