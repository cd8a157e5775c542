//! Resource identities as kustomize compares them: group, version, kind,
//! name and namespace, with "" and `default` the same namespace and
//! cluster-scoped kinds in none.

use std::fmt;

/// The (apiVersion, kind) pairs kustomize 5.8 (kubectl 1.37) knows to be
/// cluster-scoped; everything else, custom resources included, is
/// namespaced unless an `openapi` schema says otherwise.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    (
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
    ),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("node.k8s.io/v1", "RuntimeClass"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "CSINode"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ("v1", "ComponentStatus"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("v1", "NodeProxyOptions"),
    ("v1", "PersistentVolume"),
];

/// The namespaced types kustomize knows without reading a schema.
const NAMESPACED: &[(&str, &str)] = &[
    ("apps/v1", "ControllerRevision"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("autoscaling/v1", "Scale"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    ("batch/v1", "CronJob"),
    ("batch/v1", "Job"),
    ("batch/v1beta1", "CronJob"),
    ("coordination.k8s.io/v1", "Lease"),
    ("coordination.k8s.io/v1beta1", "Lease"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"),
    ("events.k8s.io/v1", "Event"),
    ("events.k8s.io/v1beta1", "Event"),
    ("extensions/v1beta1", "Ingress"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("networking.k8s.io/v1beta1", "Ingress"),
    ("policy/v1", "PodDisruptionBudget"),
    ("policy/v1beta1", "PodDisruptionBudget"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"),
    ("v1", "ConfigMap"),
    ("v1", "Endpoints"),
    ("v1", "Event"),
    ("v1", "LimitRange"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Pod"),
    ("v1", "PodAttachOptions"),
    ("v1", "PodExecOptions"),
    ("v1", "PodPortForwardOptions"),
    ("v1", "PodProxyOptions"),
    ("v1", "PodTemplate"),
    ("v1", "ReplicationController"),
    ("v1", "ResourceQuota"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    ("v1", "ServiceProxyOptions"),
];

/// Whether objects of `api_version` and `kind` are certainly
/// cluster-scoped: by kustomize's built-in table, else by an `openapi`
/// schema in use.
pub(crate) fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    if CLUSTER_SCOPED.contains(&(api_version, kind)) {
        return true;
    }
    if NAMESPACED.contains(&(api_version, kind)) {
        return false;
    }
    super::openapi::is_namespaced(api_version, kind) == Some(false)
}

/// "default" namespace.
pub(crate) const DEFAULT_NAMESPACE: &str = "default";
/// The effective namespace of cluster-scoped objects.
pub(crate) const NO_NAMESPACE: &str = "_non_namespaceable_";

/// Group, version and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    /// The Gvk of an apiVersion (`group/version` or `version`) and kind.
    pub fn new(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = split_api_version(api_version);
        Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
        }
    }

    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether this Gvk has every field `selector` sets.
    pub fn is_selected(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || selector.group == self.group)
            && (selector.version.is_empty() || selector.version == self.version)
            && (selector.kind.is_empty() || selector.kind == self.kind)
    }

    /// Whether kustomize knows this type to be cluster-scoped.
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.api_version(), &self.kind)
    }

    /// kustomize's ordering of types (`IsLessThan`): some kinds first,
    /// webhooks last, the rest by group, version and kind.
    pub fn is_less_than(&self, other: &Gvk) -> bool {
        let (a, b) = (type_order(&self.kind), type_order(&other.kind));
        if a != b {
            return a < b;
        }
        self.stable_sort_string() < other.stable_sort_string()
    }

    fn stable_sort_string(&self) -> String {
        format!(
            "{}_{}_{}",
            or(&self.group, "~G"),
            or(&self.version, "~V"),
            or(&self.kind, "~K")
        )
    }
}

fn or<'a>(s: &'a str, missing: &'a str) -> &'a str {
    if s.is_empty() { missing } else { s }
}

impl fmt::Display for Gvk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }
}

/// Kinds kustomize orders first, then the ones it orders last.
pub(crate) const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds kustomize orders last.
pub(crate) const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn type_order(kind: &str) -> i64 {
    let first = ORDER_FIRST.len() as i64;
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i64 - first;
    }
    ORDER_LAST
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| i as i64 + 1)
}

/// `(group, version)` of an apiVersion.
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// A resource identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
    /// Whether the type is cluster-scoped (false for previous ids, as in
    /// kustomize, which rebuilds those without looking the type up).
    pub cluster: bool,
}

impl ResId {
    /// The id of an object of `gvk` with `name` in `namespace`.
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> ResId {
        let cluster = gvk.is_cluster_scoped();
        ResId {
            gvk,
            name: name.to_string(),
            namespace: namespace.to_string(),
            cluster,
        }
    }

    /// The namespace ids are compared by: `default` for "" and
    /// `default`, none for cluster-scoped types.
    pub fn effective_namespace(&self) -> &str {
        if self.cluster {
            NO_NAMESPACE
        } else if self.namespace.is_empty() || self.namespace == DEFAULT_NAMESPACE {
            DEFAULT_NAMESPACE
        } else {
            &self.namespace
        }
    }

    /// Same effective namespace.
    pub fn is_ns_equals(&self, other: &ResId) -> bool {
        self.effective_namespace() == other.effective_namespace()
    }

    /// Same name and Gvk.
    pub fn gvkn_equals(&self, other: &ResId) -> bool {
        self.name == other.name && self.gvk == other.gvk
    }

    /// Same identity.
    pub fn equals(&self, other: &ResId) -> bool {
        self.is_ns_equals(other) && self.gvkn_equals(other)
    }

    /// `Kind.group/namespace/name`, as tether names objects in messages
    /// (no namespace for cluster-scoped ones).
    pub fn describe(&self) -> String {
        let ns = if self.cluster {
            ""
        } else {
            self.effective_namespace()
        };
        let dot = if self.gvk.group.is_empty() { "" } else { "." };
        format!(
            "{}{dot}{}/{ns}/{}",
            self.gvk.kind, self.gvk.group, self.name
        )
    }

    /// Whether `selector` (empty fields match anything) selects this id.
    pub fn is_selected_by(&self, selector: &ResId) -> bool {
        (selector.name.is_empty() || selector.name == self.name)
            && (selector.namespace.is_empty() || selector.is_ns_equals(self))
            && self.gvk.is_selected(&selector.gvk)
    }
}

impl fmt::Display for ResId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = or(&self.name, "[noName]");
        let ns = or(&self.namespace, "[noNs]");
        write!(f, "{}/{name}.{ns}", self.gvk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_kustomize_compares_them() {
        let cm = |ns: &str| ResId::new(Gvk::new("v1", "ConfigMap"), "a", ns);
        assert!(cm("").equals(&cm("default")));
        assert!(!cm("x").equals(&cm("")));
        let ns = ResId::new(Gvk::new("v1", "Namespace"), "a", "x");
        assert_eq!(ns.effective_namespace(), NO_NAMESPACE);
        assert_eq!(cm("").to_string(), "ConfigMap.v1.[noGrp]/a.[noNs]");
        let service = Gvk::new("v1", "Service");
        assert!(Gvk::new("v1", "ConfigMap").is_less_than(&service));
        assert!(service.is_less_than(&Gvk::new("apps/v1", "ReplicaSet")));
    }
}
