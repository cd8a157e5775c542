//! Strategic merge patches as kustomize applies them: mappings merged,
//! `null` deletes, lists of built-in types merged by their patch merge key
//! (patch items first, then the untouched originals), other lists
//! replaced, `$patch: delete|replace` directives honoured. Like kustomize
//! 5.8 (kyaml), `$patch` is the only directive: `$setElementOrder/…`,
//! `$retainKeys` and `$deleteFromPrimitiveList/…` are not honoured and stay
//! in the output as ordinary fields, as `kubectl kustomize` prints them.

use serde_json::{Map, Value};

/// API groups of the built-in types whose lists merge by key.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
];

/// Whether objects of API group `group` have built-in merge keys.
pub(crate) fn is_builtin_group(group: &str) -> bool {
    BUILTIN_GROUPS.contains(&group)
}

/// The merge keys of list field `field` of a built-in type, given its
/// items (ports are keyed by containerPort in pods, port in Services). As
/// in the OpenAPI schema kustomize reads, ports are keyed with their
/// protocol and spread constraints with their `whenUnsatisfiable`, so a
/// UDP port never merges into the TCP one of the same number.
fn merge_key(field: &str, items: &[&Value]) -> Option<&'static [&'static str]> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates"
        | "webhooks" => &["name"],
        "volumeMounts" => &["mountPath"],
        "volumeDevices" => &["devicePath"],
        "hostAliases" => &["ip"],
        "conditions" => &["type"],
        "readinessGates" => &["conditionType"],
        "topologySpreadConstraints" => &["topologyKey", "whenUnsatisfiable"],
        "ownerReferences" => &["uid"],
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => {
            &["containerPort", "protocol"]
        }
        "ports" => &["port", "protocol"],
        _ => return None,
    })
}

/// What became of the patched value.
pub(crate) enum Outcome {
    /// Still there (possibly changed).
    Kept,
    /// `$patch: delete` removed it.
    Deleted,
}

/// Merges `patch` into `target`. `keyed` says whether lists merge by key
/// (built-in types) or are replaced.
pub(crate) fn merge(target: &mut Value, patch: &Value, keyed: bool) -> Outcome {
    let Some(pmap) = patch.as_object() else {
        *target = patch.clone();
        return Outcome::Kept;
    };
    match pmap.get("$patch").and_then(Value::as_str) {
        Some("delete") => return Outcome::Deleted,
        Some("replace") => {
            *target = strip(patch);
            return Outcome::Kept;
        }
        _ => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(tmap) = target.as_object_mut() else {
        return Outcome::Kept;
    };
    for (key, pv) in pmap {
        if key == PATCH {
            continue;
        }
        if pv.is_null() {
            tmap.remove(key);
            continue;
        }
        merge_field(tmap, key, pv, keyed);
    }
    Outcome::Kept
}

fn merge_field(tmap: &mut Map<String, Value>, key: &str, pv: &Value, keyed: bool) {
    let Some(tv) = tmap.get_mut(key) else {
        let fresh = strip(pv);
        if !is_delete(pv) {
            tmap.insert(key.to_string(), fresh);
        }
        return;
    };
    match (&mut *tv, pv) {
        (Value::Object(_), Value::Object(_)) => {
            if let Outcome::Deleted = merge(tv, pv, keyed) {
                tmap.remove(key);
            }
        }
        (Value::Array(items), Value::Array(patch_items)) => {
            let all: Vec<&Value> = items.iter().chain(patch_items).collect();
            let mk = if keyed { merge_key(key, &all) } else { None };
            *tv = match mk {
                Some(mk) => Value::Array(merge_list(items, patch_items, mk, keyed)),
                None => Value::Array(replace_list(patch_items)),
            };
        }
        _ => *tv = strip(pv),
    }
}

/// A list replaced by the patch's (directives dropped).
fn replace_list(patch_items: &[Value]) -> Vec<Value> {
    patch_items
        .iter()
        .filter(|p| !is_directive_item(p) && !is_delete(p))
        .map(strip)
        .collect()
}

/// Keyed list merge: the patch's items (merged with the original of the
/// same key) in patch order, then the originals the patch did not name.
fn merge_list(items: &[Value], patch_items: &[Value], mk: &[&str], keyed: bool) -> Vec<Value> {
    if patch_items.iter().any(|p| {
        p.get("$patch").and_then(Value::as_str) == Some("replace") && p.get(mk[0]).is_none()
    }) {
        return replace_list(patch_items);
    }
    // The first key field must be there; the others default as the API
    // server defaults them (a port without protocol is TCP).
    let key_of = |v: &Value| {
        v.get(mk[0])?;
        Some(
            mk.iter()
                .map(|k| match (v.get(*k), *k) {
                    (Some(value), _) => value.clone(),
                    (None, "protocol") => Value::String("TCP".into()),
                    (None, "whenUnsatisfiable") => Value::String("DoNotSchedule".into()),
                    (None, _) => Value::Null,
                })
                .collect::<Vec<_>>(),
        )
    };
    let mut out = Vec::new();
    let mut used = vec![false; items.len()];
    for p in patch_items.iter().filter(|p| !is_directive_item(p)) {
        let pk = key_of(p);
        let found = items
            .iter()
            .enumerate()
            .find(|(i, it)| !used[*i] && pk.is_some() && key_of(it) == pk)
            .map(|(i, _)| i);
        if let Some(i) = found {
            used[i] = true;
            let mut merged = items[i].clone();
            if let Outcome::Kept = merge(&mut merged, p, keyed) {
                out.push(merged);
            }
        } else if !is_delete(p) {
            out.push(strip(p));
        }
    }
    out.extend(
        items
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(_, it)| it.clone()),
    );
    out
}

fn is_delete(v: &Value) -> bool {
    v.get("$patch").and_then(Value::as_str) == Some("delete")
}

/// The one directive kustomize honours.
const PATCH: &str = "$patch";

/// A list item that is only a directive (`- $patch: replace`).
fn is_directive_item(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| !m.is_empty() && m.keys().all(|k| k == PATCH))
}

/// `v` without `$patch` directives and without null fields (as a new
/// value).
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, v)| *k != PATCH && !v.is_null())
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|i| !is_directive_item(i))
                .map(strip)
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_udp_port_does_not_merge_into_the_tcp_one() {
        let mut svc = json!({"spec": {"ports": [{"port": 80, "name": "http"},
            {"port": 53, "protocol": "TCP", "name": "dns-tcp"}]}});
        let patch = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080},
            {"port": 53, "protocol": "UDP", "name": "dns-udp"}]}});
        merge(&mut svc, &patch, true);
        let names: Vec<_> = svc["spec"]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["http", "dns-udp", "dns-tcp"]);
        assert_eq!(svc["spec"]["ports"][0]["targetPort"], 8080);
    }

    #[test]
    fn merges_containers_by_name_patch_items_first() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "a"}, {"name": "b", "image": "b"}]}});
        let p = json!({"spec": {"containers": [{"name": "b", "image": "b2"}, {"name": "a", "$patch": "delete"}]}});
        merge(&mut t, &p, true);
        assert_eq!(
            t,
            json!({"spec": {"containers": [{"name": "b", "image": "b2"}]}})
        );
    }

    #[test]
    fn replaces_lists_without_keys_and_deletes_nulls() {
        let mut t = json!({"a": [1, 2], "b": {"c": 1, "d": 2}});
        merge(&mut t, &json!({"a": [3], "b": {"c": null}}), true);
        assert_eq!(t, json!({"a": [3], "b": {"d": 2}}));
    }
}
