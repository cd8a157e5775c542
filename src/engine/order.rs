//! Apply order: Namespaces and CRDs first, then by kind as Argo CD orders
//! kinds (the order Helm installs them in), unknown kinds last.

use serde_json::Value;

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
}
