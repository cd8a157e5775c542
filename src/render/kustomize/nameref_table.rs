//! Which fields of which kinds hold the name of which other kind (the
//! facts of kustomize's built-in `nameReference` configuration).

use super::config::NameRefSpec;

/// A field of `referrer` objects holding the name of a `target` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefField {
    /// Kind and group (empty = any) of the object named.
    pub target: (String, String),
    /// Kind of the object holding the reference (None = any kind).
    pub referrer: Option<String>,
    /// Group of the referrer (None = any).
    pub referrer_group: Option<String>,
    /// Path of the field in the referrer.
    pub path: String,
}

impl RefField {
    fn builtin(kind: &str, group: &str, referrer: &str, path: String) -> Self {
        Self {
            target: (kind.to_string(), group.to_string()),
            referrer: Some(referrer.to_string()),
            referrer_group: None,
            path,
        }
    }

    /// Whether objects of `kind` in `group` hold this field.
    pub fn held_by(&self, kind: &str, group: &str) -> bool {
        self.referrer.as_deref().is_none_or(|k| k == kind)
            && self.referrer_group.as_deref().is_none_or(|g| g == group)
    }
}

/// Kinds holding a pod spec, with the path to it.
const POD_HOLDERS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("PodTemplate", "template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
    ("ReplicationController", "spec/template/spec"),
];

const CONFIGMAP_IN_POD: &[&str] = &[
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
];

const SECRET_IN_POD: &[&str] = &[
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
];

/// Fields outside pod specs: (target kind, target group, referrer, path).
const OTHER: &[(&str, &str, &str, &str)] = &[
    (
        "Deployment",
        "",
        "HorizontalPodAutoscaler",
        "spec/scaleTargetRef/name",
    ),
    (
        "ReplicationController",
        "",
        "HorizontalPodAutoscaler",
        "spec/scaleTargetRef/name",
    ),
    (
        "ReplicaSet",
        "",
        "HorizontalPodAutoscaler",
        "spec/scaleTargetRef/name",
    ),
    (
        "StatefulSet",
        "",
        "HorizontalPodAutoscaler",
        "spec/scaleTargetRef/name",
    ),
    ("ConfigMap", "", "Role", "rules/resourceNames"),
    ("ConfigMap", "", "ClusterRole", "rules/resourceNames"),
    ("ConfigMap", "", "Node", "spec/configSource/configMap"),
    ("Secret", "", "Ingress", "spec/tls/secretName"),
    (
        "Secret",
        "",
        "Ingress",
        "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
    ),
    (
        "Secret",
        "",
        "Ingress",
        "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
    ),
    (
        "Secret",
        "",
        "Ingress",
        "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
    ),
    ("Secret", "", "ServiceAccount", "imagePullSecrets/name"),
    ("Secret", "", "StorageClass", "parameters/secretName"),
    ("Secret", "", "StorageClass", "parameters/adminSecretName"),
    ("Secret", "", "StorageClass", "parameters/userSecretName"),
    ("Secret", "", "StorageClass", "parameters/secretRef"),
    ("Secret", "", "Role", "rules/resourceNames"),
    ("Secret", "", "ClusterRole", "rules/resourceNames"),
    (
        "Secret",
        "",
        "PersistentVolume",
        "spec/azureFile/secretName",
    ),
    ("Service", "", "StatefulSet", "spec/serviceName"),
    (
        "Service",
        "",
        "Ingress",
        "spec/rules/http/paths/backend/serviceName",
    ),
    ("Service", "", "Ingress", "spec/backend/serviceName"),
    (
        "Service",
        "",
        "Ingress",
        "spec/rules/http/paths/backend/service/name",
    ),
    ("Service", "", "Ingress", "spec/defaultBackend/service/name"),
    ("Service", "", "APIService", "spec/service/name"),
    (
        "Role",
        "rbac.authorization.k8s.io",
        "RoleBinding",
        "roleRef/name",
    ),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "RoleBinding",
        "roleRef/name",
    ),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        "roleRef/name",
    ),
    (
        "PersistentVolume",
        "",
        "PersistentVolumeClaim",
        "spec/volumeName",
    ),
    ("PersistentVolume", "", "ClusterRole", "rules/resourceNames"),
    (
        "StorageClass",
        "storage.k8s.io",
        "PersistentVolume",
        "spec/storageClassName",
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        "PersistentVolumeClaim",
        "spec/storageClassName",
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        "StatefulSet",
        "spec/volumeClaimTemplates/spec/storageClassName",
    ),
    // IngressClass → Ingress spec/ingressClassName is listed by kustomize
    // under the group "networking.k8s.io/v1", which no object has, so
    // kustomize never updates it; neither do we.
    (
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
        "spec/policyName",
    ),
];

/// Per-pod-spec fields: (target kind, target group, path under the pod spec).
fn pod_fields() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out: Vec<_> = CONFIGMAP_IN_POD
        .iter()
        .map(|p| ("ConfigMap", "", *p))
        .collect();
    out.extend(SECRET_IN_POD.iter().map(|p| ("Secret", "", *p)));
    out.push(("ServiceAccount", "", "serviceAccountName"));
    out.push((
        "PersistentVolumeClaim",
        "",
        "volumes/persistentVolumeClaim/claimName",
    ));
    out.push(("PriorityClass", "scheduling.k8s.io", "priorityClassName"));
    out
}

/// Every reference field kustomize fixes after renames, plus the ones
/// `configurations` add.
pub(crate) fn ref_fields(extra: &[NameRefSpec]) -> Vec<RefField> {
    let mut out = Vec::new();
    for (holder, base) in POD_HOLDERS {
        for (kind, group, path) in pod_fields() {
            out.push(RefField::builtin(
                kind,
                group,
                holder,
                format!("{base}/{path}"),
            ));
        }
    }
    out.extend(OTHER.iter().map(|(kind, group, referrer, path)| {
        RefField::builtin(kind, group, referrer, (*path).to_string())
    }));
    for spec in extra {
        for fs in &spec.field_specs {
            out.push(RefField {
                target: (spec.kind.clone(), spec.group.clone().unwrap_or_default()),
                referrer: fs.kind.clone(),
                referrer_group: fs.group.clone(),
                path: fs.path.clone(),
            });
        }
    }
    out
}
