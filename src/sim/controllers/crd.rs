//! CRD establishment: a created CustomResourceDefinition gets its status
//! conditions and its versions become served resources.

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::super::meta;
use super::super::registry::ResourceType;
use super::super::store::ChangeType;
use super::super::write::WriteOpts;
use super::Ctl;
use super::conditions::{Cond, set};

/// Reacts to a CRD change.
pub(crate) fn on_change(ctl: &Ctl, kind: ChangeType, crd: &Value) {
    let group = crd
        .pointer("/spec/group")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let plural = crd
        .pointer("/spec/names/plural")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind == ChangeType::Deleted || meta::deleting(crd) {
        remove(ctl, &group, &plural, kind == ChangeType::Deleted);
        return;
    }
    let types = types_of(crd);
    {
        let mut store = ctl.state.store();
        for t in &types {
            store.mark_served(&t.key());
        }
    }
    ctl.state.registry_mut().add_crd(types);
    establish(ctl, crd);
}

/// Stops serving the CRD's resource and removes its objects.
fn remove(ctl: &Ctl, group: &str, plural: &str, gone: bool) {
    let Some(rt) = ctl
        .state
        .registry()
        .all()
        .iter()
        .find(|t| t.group == group && t.plural == plural)
        .cloned()
    else {
        return;
    };
    for o in ctl.list(&rt, None) {
        ctl.remove_now(&rt, meta::namespace(&o), meta::name(&o));
    }
    if gone {
        ctl.state.registry_mut().remove_crd(group, plural);
    } else if let Some(crd_rt) = ctl.rt("apiextensions.k8s.io", "CustomResourceDefinition") {
        let name = format!("{plural}.{group}");
        ctl.modify(&crd_rt, "", &name, |o| {
            let fins: Vec<String> = meta::finalizers(o)
                .into_iter()
                .filter(|f| f != "customresourcecleanup.apiextensions.k8s.io")
                .collect();
            meta::set_finalizers(o, &fins);
            true
        });
    }
}

fn establish(ctl: &Ctl, crd: &Value) {
    let Some(rt) = ctl.rt("apiextensions.k8s.io", "CustomResourceDefinition") else {
        return;
    };
    let now = meta::now();
    let names = crd.pointer("/spec/names").cloned().unwrap_or_default();
    let stored: Vec<Value> = versions(crd)
        .iter()
        .filter(|v| v.get("storage") == Some(&json!(true)))
        .filter_map(|v| v.get("name").cloned())
        .collect();
    ctl.modify_with(
        &rt,
        "",
        meta::name(crd),
        &WriteOpts::status("kube-apiserver"),
        |o| {
            let mut conds: Vec<Value> = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            set(
                &mut conds,
                &Cond {
                    kind: "NamesAccepted",
                    status: "True",
                    reason: "NoConflicts",
                    message: "no conflicts found",
                },
                &now,
                false,
            );
            set(
                &mut conds,
                &Cond {
                    kind: "Established",
                    status: "True",
                    reason: "InitialNamesAccepted",
                    message: "the initial names have been accepted",
                },
                &now,
                false,
            );
            let status =
                json!({"conditions": conds, "acceptedNames": names, "storedVersions": stored});
            o.as_object_mut()
                .map(|t| t.insert("status".into(), status))
                .is_some()
        },
    );
}

fn versions(crd: &Value) -> Vec<Value> {
    crd.pointer("/spec/versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// base64(sha256("<group>/<version>/<kind>")[:8]), as discovery reports it.
fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
    let digest = Sha256::digest(format!("{group}/{version}/{kind}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(&digest[..8])
}

/// The resource types served by a CRD (one per served version).
fn types_of(crd: &Value) -> Vec<ResourceType> {
    let s = |p: &str| {
        crd.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (group, plural, kind, singular) = (
        s("/spec/group"),
        s("/spec/names/plural"),
        s("/spec/names/kind"),
        s("/spec/names/singular"),
    );
    let namespaced = s("/spec/scope") != "Cluster";
    let mut out = Vec::new();
    for v in versions(crd)
        .iter()
        .filter(|v| v.get("served") != Some(&json!(false)))
    {
        let version = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut disc = json!({
            "name": plural, "singularName": singular, "namespaced": namespaced, "kind": kind,
            "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
        });
        if let Some(sn) = crd.pointer("/spec/names/shortNames") {
            disc["shortNames"] = sn.clone();
        }
        if let Some(c) = crd.pointer("/spec/names/categories") {
            disc["categories"] = c.clone();
        }
        disc["storageVersionHash"] = json!(storage_version_hash(&group, &version, &kind));
        let mut subresources = Vec::new();
        for sub in ["status", "scale"] {
            if v.pointer(&format!("/subresources/{sub}")).is_some() {
                subresources.push(sub.to_string());
            }
        }
        out.push(ResourceType {
            group: group.clone(),
            version,
            kind: kind.clone(),
            plural: plural.clone(),
            namespaced,
            subresources,
            schema: Some(
                v.pointer("/schema/openAPIV3Schema")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object"})),
            ),
            printer_columns: v
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            discovery: disc,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_version_hash_matches_recorded_value() {
        assert_eq!(
            storage_version_hash("golden.example.com", "v1", "Widget"),
            "FtbgEmiKtnw="
        );
    }
}
