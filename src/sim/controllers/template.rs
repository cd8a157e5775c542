//! Pods from pod templates, owner references and template hashes.

use serde_json::{Map, Value, json};

use super::super::meta;
use super::super::registry::ResourceType;
use super::Ctl;

/// The controller ownerReference pointing at `owner`.
pub(crate) fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or_default(),
        "kind": owner.get("kind").cloned().unwrap_or_default(),
        "name": meta::name(owner),
        "uid": meta::uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// FNV-32a of the template's JSON, encoded with the apiserver's safe
/// alphabet (same shape as `pod-template-hash`, not the same value).
pub(crate) fn template_hash(template: &Value) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in template.to_string().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|d| SAFE[usize::from(d) % SAFE.len()] as char)
        .collect()
}

/// Creates a Pod from `owner`'s template (`spec.template`, or `template`
/// given explicitly), named `name` or generated from `generate_name`.
pub(crate) fn create_pod(
    ctl: &Ctl,
    owner: &Value,
    template: &Value,
    name: Option<String>,
    generate_name: &str,
    extra: &Map<String, Value>,
) -> Option<Value> {
    let rt: std::sync::Arc<ResourceType> = ctl.rt("", "Pod")?;
    let ns = meta::namespace(owner);
    let mut labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.extend(extra.clone());
    let mut md = json!({"namespace": ns, "labels": labels, "ownerReferences": [owner_ref(owner)]});
    match name {
        Some(n) => md["name"] = json!(n),
        None => md["generateName"] = json!(generate_name),
    }
    if let Some(a) = template.pointer("/metadata/annotations") {
        md["annotations"] = a.clone();
    }
    let spec = template.get("spec").cloned().unwrap_or_default();
    ctl.create(&rt, ns, json!({"metadata": md, "spec": spec}))
}

/// Pods of `owner` (by controller ownerReference) that are not terminating.
pub(crate) fn live_pods(ctl: &Ctl, owner: &Value) -> Vec<Value> {
    let Some(rt) = ctl.rt("", "Pod") else {
        return Vec::new();
    };
    ctl.owned(&rt, meta::namespace(owner), meta::uid(owner))
        .into_iter()
        .filter(|p| !meta::deleting(p))
        .collect()
}

/// Reads an integer field.
pub(crate) fn int(obj: &Value, ptr: &str, default: i64) -> i64 {
    obj.pointer(ptr).and_then(Value::as_i64).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_safe() {
        let t = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}});
        let h = template_hash(&t);
        assert_eq!(h, template_hash(&t));
        assert!(h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
        assert_ne!(h, template_hash(&json!({"spec": {}})));
    }
}
