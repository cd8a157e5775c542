//! The namespace controller: default ServiceAccount and root CA ConfigMap
//! in new namespaces; content removal and finalization on deletion.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::meta;
use super::super::store::ChangeType;
use super::conditions::{Cond, set};
use super::{Ctl, MANAGER};

const CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";
const FAKE_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBsimulatedcertificateauthoritynotforuse\n-----END CERTIFICATE-----\n";

/// Creates a namespace as the server's bootstrap does.
pub(crate) fn create(ctl: &Ctl, name: &str) {
    let Some(rt) = ctl.rt("", "Namespace") else {
        return;
    };
    ctl.create(&rt, "", json!({"metadata": {"name": name}}));
}

/// Reacts to a namespace change.
pub(crate) fn on_change(ctl: &Ctl, kind: ChangeType, name: &str) {
    match kind {
        ChangeType::Added => populate(ctl, name),
        ChangeType::Modified => reconcile(ctl, name),
        ChangeType::Deleted => {}
    }
}

/// Adds the server-side namespace fields, `default` SA and `kube-root-ca.crt`.
fn populate(ctl: &Ctl, ns: &str) {
    let Some(rt) = ctl.rt("", "Namespace") else {
        return;
    };
    ctl.modify(&rt, "", ns, |o| {
        meta::edit_meta(o, |m| {
            let labels = m.entry("labels").or_insert_with(|| json!({}));
            if let Some(l) = labels.as_object_mut() {
                l.entry("kubernetes.io/metadata.name").or_insert(json!(ns));
            }
        });
        if o.pointer("/spec/finalizers").is_none()
            && let Some(top) = o.as_object_mut()
        {
            top.insert("spec".into(), json!({"finalizers": ["kubernetes"]}));
        }
        true
    });
    ctl.modify_status(&rt, "", ns, |o| {
        if o.pointer("/status/phase").is_some() {
            return false;
        }
        o.as_object_mut()
            .map(|t| t.insert("status".into(), json!({"phase": "Active"})))
            .is_some()
    });
    if let Some(sa) = ctl.rt("", "ServiceAccount") {
        ctl.create(
            &sa,
            ns,
            json!({"metadata": {"name": "default", "namespace": ns}}),
        );
    }
    if let Some(cm) = ctl.rt("", "ConfigMap") {
        let obj = json!({
            "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "annotations": {"kubernetes.io/description": CA_DESCRIPTION}},
            "data": {"ca.crt": FAKE_CA},
        });
        ctl.create(&cm, ns, obj);
    }
}

/// Finishes a terminating namespace: deletes its content, reports what
/// remains, and removes the namespace once empty.
pub(crate) fn reconcile(ctl: &Ctl, ns: &str) {
    let Some(rt) = ctl.rt("", "Namespace") else {
        return;
    };
    let Some(obj) = ctl.get(&rt, "", ns) else {
        return;
    };
    if !meta::deleting(&obj) {
        return;
    }
    let types: Vec<_> = ctl
        .state
        .registry()
        .all()
        .iter()
        .filter(|t| t.namespaced)
        .cloned()
        .collect();
    let mut remaining: BTreeMap<String, usize> = BTreeMap::new();
    let mut finalizers: BTreeMap<String, usize> = BTreeMap::new();
    for t in types {
        for o in ctl.list(&t, Some(ns)) {
            if !meta::deleting(&o) {
                ctl.delete(&t, &o, Some("Background"));
            }
            if ctl.get(&t, ns, meta::name(&o)).is_some() {
                *remaining.entry(t.qualified()).or_default() += 1;
                for f in meta::finalizers(&o) {
                    *finalizers.entry(f).or_default() += 1;
                }
            }
        }
    }
    if remaining.is_empty() {
        ctl.remove_now(&rt, "", ns);
        return;
    }
    report_remaining(ctl, ns, &remaining, &finalizers);
}

fn report_remaining(
    ctl: &Ctl,
    ns: &str,
    remaining: &BTreeMap<String, usize>,
    fins: &BTreeMap<String, usize>,
) {
    let Some(rt) = ctl.rt("", "Namespace") else {
        return;
    };
    let content = remaining
        .iter()
        .map(|(r, n)| format!("{r}. has {n} resource instances"))
        .collect::<Vec<_>>()
        .join(", ");
    let fin_msg = fins
        .iter()
        .map(|(f, n)| format!("{f} in {n} resource instances"))
        .collect::<Vec<_>>()
        .join(", ");
    let now = meta::now();
    ctl.modify_with(
        &rt,
        "",
        ns,
        &super::super::write::WriteOpts::status(MANAGER),
        |o| {
            let mut conds: Vec<Value> = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let wanted = [
                (
                    "NamespaceDeletionDiscoveryFailure",
                    "False",
                    "ResourcesDiscovered",
                    "All resources successfully discovered".to_string(),
                ),
                (
                    "NamespaceDeletionGroupVersionParsingFailure",
                    "False",
                    "ParsedGroupVersions",
                    "All legacy kube types successfully parsed".to_string(),
                ),
                (
                    "NamespaceDeletionContentFailure",
                    "False",
                    "ContentDeleted",
                    "All content successfully deleted, may be waiting on finalization".to_string(),
                ),
                (
                    "NamespaceContentRemaining",
                    "True",
                    "SomeResourcesRemain",
                    format!("Some resources are remaining: {content}"),
                ),
            ];
            for (kind, status, reason, message) in &wanted {
                set(
                    &mut conds,
                    &Cond {
                        kind,
                        status,
                        reason,
                        message,
                    },
                    &now,
                    false,
                );
            }
            if !fins.is_empty() {
                let message =
                    format!("Some content in the namespace has finalizers remaining: {fin_msg}");
                set(
                    &mut conds,
                    &Cond {
                        kind: "NamespaceFinalizersRemaining",
                        status: "True",
                        reason: "SomeFinalizersRemain",
                        message: &message,
                    },
                    &now,
                    false,
                );
            }
            o.as_object_mut()
                .map(|t| {
                    t.insert(
                        "status".into(),
                        json!({"phase": "Terminating", "conditions": conds}),
                    )
                })
                .is_some()
        },
    );
}
