//! The StatefulSet controller: Pods `<sts>-<ordinal>` created in order
//! (OrderedReady), with revision labels, and the recorded status shape.

use serde_json::{Map, Value, json};

use super::super::meta;
use super::Ctl;
use super::kubelet::is_ready;
use super::template::{create_pod, int, live_pods, template_hash};

/// Reconciles one StatefulSet.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str, name: &str) {
    let Some(rt) = ctl.rt("apps", "StatefulSet") else {
        return;
    };
    let Some(sts) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&sts) {
        return;
    }
    let want = int(&sts, "/spec/replicas", 1).max(0) as usize;
    let template = sts.pointer("/spec/template").cloned().unwrap_or_default();
    let revision = format!("{name}-{}", template_hash(&template));
    let mut pods = live_pods(ctl, &sts);
    pods.sort_by_key(|p| ordinal(p, name));
    let all_ready = pods.iter().all(is_ready);
    if pods.len() < want && all_ready {
        let ord = pods.len();
        let pod_name = format!("{name}-{ord}");
        let mut extra = Map::new();
        extra.insert("controller-revision-hash".into(), json!(revision));
        extra.insert("statefulset.kubernetes.io/pod-name".into(), json!(pod_name));
        if let Some(p) = create_pod(ctl, &sts, &template, Some(pod_name), "", &extra) {
            pods.push(p);
        }
    }
    if pods.len() > want
        && let Some(pod_rt) = ctl.rt("", "Pod")
        && let Some(last) = pods.pop()
    {
        ctl.delete(&pod_rt, &last, None);
    }
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let generation = int(&sts, "/metadata/generation", 1);
    ctl.modify_status(&rt, ns, name, |o| {
        let mut st = Map::new();
        st.insert("observedGeneration".into(), json!(generation));
        st.insert("replicas".into(), json!(pods.len()));
        if ready > 0 {
            st.insert("readyReplicas".into(), json!(ready));
        }
        if !pods.is_empty() {
            st.insert("currentReplicas".into(), json!(pods.len()));
            st.insert("updatedReplicas".into(), json!(pods.len()));
        }
        st.insert("currentRevision".into(), json!(revision));
        st.insert("updateRevision".into(), json!(revision));
        st.insert("collisionCount".into(), json!(0));
        st.insert("availableReplicas".into(), json!(ready));
        o.as_object_mut()
            .map(|t| t.insert("status".into(), Value::Object(st)))
            .is_some()
    });
}

fn ordinal(pod: &Value, sts: &str) -> usize {
    meta::name(pod)
        .strip_prefix(&format!("{sts}-"))
        .and_then(|o| o.parse().ok())
        .unwrap_or(usize::MAX)
}
