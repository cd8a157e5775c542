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

/// Sorts objects into apply order (stable: equal kinds keep their order,
/// then by name for determinism).
pub fn sort_for_apply(objects: &mut [Value]) {
    objects.sort_by(|a, b| {
        let ka = a.get("kind").and_then(Value::as_str).unwrap_or("");
        let kb = b.get("kind").and_then(Value::as_str).unwrap_or("");
        kind_rank(ka).cmp(&kind_rank(kb)).then_with(|| {
            let na = a.pointer("/metadata/name").and_then(Value::as_str);
            let nb = b.pointer("/metadata/name").and_then(Value::as_str);
            na.cmp(&nb)
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
