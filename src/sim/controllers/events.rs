//! Core v1 Events recorded by the simulated controllers, shaped as
//! kube-controller-manager writes them (`<object>.<16 hex digits>`).

use rand::Rng;
use serde_json::{Value, json};

use super::super::meta;
use super::Ctl;

/// Records a Normal event about `obj` from `component`.
pub(crate) fn normal(ctl: &Ctl, obj: &Value, reason: &str, message: &str, component: &str) {
    let Some(rt) = ctl.rt("", "Event") else {
        return;
    };
    let ns = meta::namespace(obj);
    let suffix: u64 = rand::rng().random();
    let now = meta::now();
    let event = json!({
        "metadata": {"name": format!("{}.{suffix:016x}", meta::name(obj)), "namespace": ns},
        "involvedObject": {
            "kind": obj.get("kind").cloned().unwrap_or_default(),
            "namespace": ns,
            "name": meta::name(obj),
            "uid": meta::uid(obj),
            "apiVersion": obj.get("apiVersion").cloned().unwrap_or_default(),
            "resourceVersion": meta::rv(obj),
        },
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": "Normal",
        "eventTime": null,
        "reportingComponent": "",
        "reportingInstance": "",
    });
    ctl.create(&rt, ns, event);
}
