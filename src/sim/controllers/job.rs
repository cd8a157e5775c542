//! The Job controller: one Pod; its success completes the Job.

use serde_json::{Map, Value, json};

use super::super::meta;
use super::Ctl;
use super::kubelet::{is_ready, succeeded};
use super::template::{create_pod, live_pods};

/// Reconciles one Job.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str, name: &str) {
    let Some(rt) = ctl.rt("batch", "Job") else {
        return;
    };
    let Some(job) = ctl.get(&rt, ns, name) else {
        return;
    };
    if meta::deleting(&job) || job.pointer("/spec/suspend") == Some(&json!(true)) {
        return;
    }
    let mut pods = live_pods(ctl, &job);
    let done = job
        .pointer("/status/succeeded")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > 0;
    if pods.is_empty() && !done {
        let template = job.pointer("/spec/template").cloned().unwrap_or_default();
        let mut extra = Map::new();
        extra.insert("controller-uid".into(), json!(meta::uid(&job)));
        extra.insert("job-name".into(), json!(name));
        if let Some(p) = create_pod(ctl, &job, &template, None, &format!("{name}-"), &extra) {
            pods.push(p);
        }
    }
    let succeeded_n = pods.iter().filter(|p| succeeded(p)).count();
    let active = pods.len() - succeeded_n;
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let now = meta::now();
    ctl.modify_status(&rt, ns, name, |o| {
        let old = o.get("status").cloned().unwrap_or_else(|| json!({}));
        let mut st = Map::new();
        if succeeded_n > 0 || done {
            let at = old.get("completionTime").cloned().unwrap_or(json!(now));
            st.insert("conditions".into(), json!([{"type": "Complete", "status": "True", "lastProbeTime": at, "lastTransitionTime": at}]));
            st.insert("startTime".into(), old.get("startTime").cloned().unwrap_or(json!(now)));
            st.insert("completionTime".into(), at);
            st.insert("succeeded".into(), json!(1));
        } else {
            st.insert("startTime".into(), old.get("startTime").cloned().unwrap_or(json!(now)));
            if active > 0 {
                st.insert("active".into(), json!(active));
            }
        }
        st.insert("ready".into(), json!(ready));
        o.as_object_mut().map(|t| t.insert("status".into(), Value::Object(st))).is_some()
    });
}
