//! `namespace`, `namePrefix`/`nameSuffix` and `replicas` of a kustomization.

use super::fieldpath::visit;
use super::resource::Resource;
use super::spec::{FieldSpec, Kustomization};
use serde_json::Value;

/// Kinds whose names prefixes and suffixes leave alone.
const NAME_FIXED: &[&str] = &["CustomResourceDefinition", "APIService", "Namespace"];

/// Sets the kustomization's namespace on every namespaced object, renames
/// Namespace objects to it, and points `default` service-account subjects
/// of (Cluster)RoleBindings and webhook services at it.
pub(crate) fn set_namespace(k: &Kustomization, extra: &[FieldSpec], resources: &mut [Resource]) {
    if let Some(ns) = k.namespace.as_deref().filter(|n| !n.is_empty()) {
        move_to_namespace(ns, extra, resources);
    }
}

/// Moves every namespaced object to `ns` (and the fields `extra` names).
pub(crate) fn move_to_namespace(ns: &str, extra: &[FieldSpec], resources: &mut [Resource]) {
    if ns.is_empty() {
        return;
    }
    for res in resources.iter_mut().filter(|r| !r.helm_generated) {
        let kind = res.kind().to_string();
        if !res.is_cluster_scoped() {
            res.set_namespace(ns);
        }
        if kind == "Namespace" && res.api_version() == "v1" {
            res.set_name(ns);
        }
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            default_subjects(&mut res.obj, ns);
        }
        let ns_value = Value::String(ns.to_string());
        if kind == "APIService" && res.group() == "apiregistration.k8s.io" {
            visit(&mut res.obj, "spec/service/namespace", true, &mut |v| {
                *v = ns_value.clone()
            });
        }
        let custom: Vec<(String, bool)> = extra
            .iter()
            .filter(|f| f.as_field().selects(res))
            .map(|f| (f.path.clone(), f.create))
            .collect();
        for (path, create) in custom {
            visit(&mut res.obj, &path, create, &mut |v| *v = ns_value.clone());
        }
        if kind == "CustomResourceDefinition" {
            let path = "spec/conversion/webhook/clientConfig/service/namespace";
            visit(&mut res.obj, path, false, &mut |v| *v = ns_value.clone());
        }
    }
}

fn default_subjects(obj: &mut Value, ns: &str) {
    let Some(subjects) = obj.get_mut("subjects").and_then(Value::as_array_mut) else {
        return;
    };
    for s in subjects.iter_mut().filter_map(Value::as_object_mut) {
        if s.get("name").and_then(Value::as_str) == Some("default") {
            s.insert("namespace".into(), Value::String(ns.to_string()));
        }
    }
}

/// Adds namePrefix and nameSuffix to every name kustomize renames.
pub(crate) fn add_prefix_suffix(k: &Kustomization, resources: &mut [Resource]) {
    let prefix = k.name_prefix.as_deref().unwrap_or("");
    let suffix = k.name_suffix.as_deref().unwrap_or("");
    rename(resources, prefix, suffix, &|_| true);
}

/// Adds `prefix` and `suffix` to the names of the `selected` resources
/// (CRDs, APIServices and Namespaces keep theirs), remembering both for
/// name references.
pub(crate) fn rename(
    resources: &mut [Resource],
    prefix: &str,
    suffix: &str,
    selected: &dyn Fn(&Resource) -> bool,
) {
    if prefix.is_empty() && suffix.is_empty() {
        return;
    }
    for res in resources.iter_mut() {
        if NAME_FIXED.contains(&res.kind()) || !selected(res) {
            continue;
        }
        let name = format!("{prefix}{}{suffix}", res.name());
        res.set_name(&name);
        if !prefix.is_empty() {
            res.prefixes.push(prefix.to_string());
        }
        if !suffix.is_empty() {
            res.suffixes.push(suffix.to_string());
        }
    }
}

/// Workload kinds whose `spec/replicas` the `replicas` field sets.
const SCALABLE: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Sets `spec.replicas` of the workloads named in `replicas`; Err names
/// an entry that matches no workload.
pub(crate) fn set_replicas(
    k: &Kustomization,
    extra: &[FieldSpec],
    resources: &mut [Resource],
) -> Result<(), String> {
    for spec in &k.replicas {
        scale(&spec.name, spec.count, extra, resources)?;
    }
    Ok(())
}

/// Sets the replica count of the workloads once called `name` (and the
/// `extra` fields of objects so called); Err when nothing matches.
pub(crate) fn scale(
    name: &str,
    count: i64,
    extra: &[FieldSpec],
    resources: &mut [Resource],
) -> Result<(), String> {
    let mut found = false;
    for res in resources.iter_mut().filter(|r| r.was_named(name)) {
        let mut paths: Vec<(String, bool)> = extra
            .iter()
            .filter(|f| f.as_field().selects(res))
            .map(|f| (f.path.clone(), f.create))
            .collect();
        if SCALABLE.contains(&res.kind()) {
            paths.push(("spec/replicas".into(), true));
        }
        for (path, create) in paths {
            found = true;
            let value = Value::from(count);
            visit(&mut res.obj, &path, create, &mut |v| *v = value.clone());
        }
    }
    if found {
        return Ok(());
    }
    Err(format!(
        "replicas entry {name:?} matches no Deployment, StatefulSet, ReplicaSet or ReplicationController"
    ))
}
