//! Apply order: Namespaces and CRDs first, then by kind as Argo CD orders
//! kinds (the order Helm installs them in), unknown kinds last.

use crate::model::ResourceKey;
use serde_json::Value;
use std::collections::HashSet;

const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// Rank of a kind in apply order: Namespace and CRD first, then the table.
pub fn kind_rank(kind: &str) -> usize {
    match kind {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        _ => {
            2 + KIND_ORDER
                .iter()
                .position(|k| *k == kind)
                .unwrap_or(KIND_ORDER.len())
        }
    }
}

/// The sync-wave annotations, ours first; Argo CD's is honoured too.
pub const WAVE_ANNOTATIONS: &[&str] = &["tether.dev/sync-wave", "argocd.argoproj.io/sync-wave"];

/// The sync wave of an object (0 when unannotated or unparsable).
pub fn wave_of(object: &Value) -> i64 {
    let annotations = object.pointer("/metadata/annotations");
    WAVE_ANNOTATIONS
        .iter()
        .find_map(|a| annotations?.get(*a)?.as_str()?.trim().parse().ok())
        .unwrap_or(0)
}

/// True for the objects applied before every wave: Namespaces and CRDs.
pub fn is_foundation(object: &Value) -> bool {
    matches!(
        object.get("kind").and_then(Value::as_str),
        Some("Namespace") | Some("CustomResourceDefinition")
    )
}

fn apply_key(o: &Value) -> (bool, i64, usize, Option<&str>) {
    let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = o.pointer("/metadata/name").and_then(Value::as_str);
    (!is_foundation(o), wave_of(o), kind_rank(kind), name)
}

/// Sorts objects into apply order: Namespaces and CRDs, then by wave,
/// then by kind, then by name.
pub fn sort_for_apply(objects: &mut [Value]) {
    objects.sort_by(|a, b| apply_key(a).cmp(&apply_key(b)));
}

/// One step of a sync: the foundation (Namespaces, CRDs) or one wave.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// None for the foundation step.
    pub wave: Option<i64>,
    pub objects: Vec<Value>,
}

/// Splits objects (any order) into ordered steps.
pub fn plan_steps(mut objects: Vec<Value>) -> Vec<Step> {
    sort_for_apply(&mut objects);
    let mut steps: Vec<Step> = Vec::new();
    for object in objects {
        let wave = (!is_foundation(&object)).then(|| wave_of(&object));
        match steps.last_mut() {
            Some(step) if step.wave == wave => step.objects.push(object),
            _ => steps.push(Step {
                wave,
                objects: vec![object],
            }),
        }
    }
    steps
}

/// Splits a step's objects (in apply order) into the batches that are
/// applied one after another; within a batch up to
/// [`super::sync::SyncMode::apply_concurrency`] applies are in flight at once, and
/// their results are taken in apply order.
///
/// No object is ever applied twice at the same time, by construction:
/// steps run one after another (each waits for health before the next
/// starts), batches of a step one after another (each is drained before
/// the next starts), and a batch holds each object (group, kind,
/// namespace, name) at most once — a manifest that repeats an object
/// starts a new batch, so its second apply follows the first, as before.
/// A batch holds objects of one group and kind, so kinds keep their
/// order within a wave (ConfigMaps before the Deployments that read them).
pub fn apply_batches(objects: &[Value]) -> Vec<&[Value]> {
    let kind_of = |o: &Value| {
        let group = crate::cluster::gvk_of(o)
            .map(|g| g.group)
            .unwrap_or_default();
        let kind = o.get("kind").and_then(Value::as_str).unwrap_or_default();
        (group, kind.to_string())
    };
    let mut batches = Vec::new();
    let mut start = 0;
    let mut seen = HashSet::new();
    for (i, object) in objects.iter().enumerate() {
        let same_kind = i > start && kind_of(&objects[start]) == kind_of(object);
        let identity = ResourceKey::from_object(object);
        let repeated = identity.as_ref().is_some_and(|id| seen.contains(id));
        if i > start && (!same_kind || repeated) {
            batches.push(&objects[start..i]);
            start = i;
            seen.clear();
        }
        seen.extend(identity);
    }
    if start < objects.len() {
        batches.push(&objects[start..]);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn waves_split_steps_after_the_foundation() {
        let objs = vec![
            json!({"kind": "Deployment", "metadata": {"name": "late", "annotations": {"argocd.argoproj.io/sync-wave": "2"}}}),
            json!({"kind": "ConfigMap", "metadata": {"name": "early", "annotations": {"tether.dev/sync-wave": "-1"}}}),
            json!({"kind": "Service", "metadata": {"name": "plain"}}),
            json!({"kind": "Namespace", "metadata": {"name": "ns", "annotations": {"tether.dev/sync-wave": "5"}}}),
        ];
        let steps = plan_steps(objs);
        let waves: Vec<_> = steps.iter().map(|s| (s.wave, s.objects.len())).collect();
        assert_eq!(
            waves,
            vec![(None, 1), (Some(-1), 1), (Some(0), 1), (Some(2), 1)]
        );
    }

    #[test]
    fn namespaces_and_crds_come_first() {
        let mut objs = vec![
            json!({"kind": "Deployment", "metadata": {"name": "a"}}),
            json!({"kind": "Widget", "metadata": {"name": "w"}}),
            json!({"kind": "Service", "metadata": {"name": "a"}}),
            json!({"kind": "CustomResourceDefinition", "metadata": {"name": "c"}}),
            json!({"kind": "Namespace", "metadata": {"name": "n"}}),
            json!({"kind": "ConfigMap", "metadata": {"name": "a"}}),
        ];
        sort_for_apply(&mut objs);
        let kinds: Vec<_> = objs.iter().map(|o| o["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            vec![
                "Namespace",
                "CustomResourceDefinition",
                "ConfigMap",
                "Service",
                "Deployment",
                "Widget"
            ]
        );
    }

    #[test]
    fn batches_hold_one_kind_and_each_object_once() {
        let object = |api: &str, kind: &str, name: &str| json!({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "ns"}});
        let objects = vec![
            object("v1", "ConfigMap", "a"),
            object("v1", "ConfigMap", "b"),
            object("v1", "ConfigMap", "b"),
            object("v1", "ConfigMap", "c"),
            object("v1", "Service", "a"),
            object("apps/v1", "Deployment", "a"),
            object("example.com/v1", "Deployment", "a"),
        ];
        let batches: Vec<Vec<&str>> = apply_batches(&objects)
            .iter()
            .map(|b| {
                b.iter()
                    .map(|o| o["metadata"]["name"].as_str().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(
            batches,
            vec![
                vec!["a", "b"],
                vec!["b", "c"],
                vec!["a"],
                vec!["a"],
                vec!["a"]
            ]
        );
        assert!(apply_batches(&[]).is_empty());
        let total: usize = apply_batches(&objects).iter().map(|b| b.len()).sum();
        assert_eq!(total, objects.len());
    }
}
