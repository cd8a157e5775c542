//! The endpoints controller: one Endpoints object per Service with a
//! selector. Like the recorded cluster, it lists no addresses: every Pod of
//! the simulator reports the loopback IP 127.0.0.2, which the real
//! endpoints controller does not accept as an endpoint address.

use serde_json::{Value, json};

use super::super::meta;
use super::super::store::ChangeType;
use super::Ctl;

/// Reacts to a Service change.
pub(crate) fn on_change(ctl: &Ctl, kind: ChangeType, svc: &Value) {
    let Some(rt) = ctl.rt("", "Endpoints") else {
        return;
    };
    let (ns, name) = (meta::namespace(svc), meta::name(svc));
    if kind == ChangeType::Deleted || meta::deleting(svc) {
        ctl.remove_now(&rt, ns, name);
        return;
    }
    let has_selector = svc
        .pointer("/spec/selector")
        .and_then(Value::as_object)
        .is_some_and(|s| !s.is_empty());
    if !has_selector || ctl.get(&rt, ns, name).is_some() {
        return;
    }
    let endpoints = json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": meta::now()},
        },
    });
    ctl.create(&rt, ns, endpoints);
}
