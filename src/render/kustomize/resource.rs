//! One object being built, with the identity history kustomize keeps to fix
//! name references after prefixes, suffixes and hashes.

use serde_json::{Map, Value};

/// The (apiVersion, kind) pairs kustomize 5.8 (kubectl 1.37) knows to be
/// cluster-scoped; everything else, custom resources included, is treated
/// as namespaced.
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

/// Whether objects of `api_version` and `kind` are cluster-scoped.
pub(crate) fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&(api_version, kind))
}

/// Whether `kind` is cluster-scoped in some API version (for references,
/// which name a kind but not its version).
pub(crate) fn is_cluster_kind(kind: &str) -> bool {
    CLUSTER_SCOPED.iter().any(|(_, k)| *k == kind)
}

/// How a generated object combines with one of the same id from a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behavior {
    /// A new object (the default).
    Create,
    /// Data merged into the base object.
    Merge,
    /// Replaces the base object's data.
    Replace,
}

/// An object plus what kustomize tracks about it.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// The object itself.
    pub obj: Value,
    /// Every (name, namespace) it has had, oldest first (current excluded).
    pub history: Vec<(String, String)>,
    /// A generated ConfigMap/Secret whose name gets the content hash.
    pub needs_hash: bool,
    /// Generator behavior (Create for everything not generated).
    pub behavior: Behavior,
    /// Where it came from, as the `config.kubernetes.io/origin` text.
    pub origin: String,
    /// Name prefixes added to it, innermost kustomization first.
    pub prefixes: Vec<String>,
    /// Name suffixes added to it, innermost kustomization first.
    pub suffixes: Vec<String>,
    /// Legacy `vars` that read a field of this object.
    pub var_names: Vec<String>,
    /// (apiVersion, kind) it had before a patch allowed to change its kind.
    pub prev_types: Vec<(String, String)>,
    /// Rendered from a `helmCharts` chart: helm placed it in its namespace,
    /// so `namespace:` leaves it alone (kustomize's helm-generated mark).
    pub helm_generated: bool,
}

impl Resource {
    /// A resource read from a file.
    pub fn new(obj: Value) -> Self {
        Self {
            obj,
            history: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Create,
            origin: String::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            var_names: Vec::new(),
            prev_types: Vec::new(),
            helm_generated: false,
        }
    }

    /// `apiVersion` (may be empty).
    pub fn api_version(&self) -> &str {
        self.obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// API group (empty for core).
    pub fn group(&self) -> &str {
        self.api_version().split_once('/').map_or("", |(g, _)| g)
    }

    /// API version without group.
    pub fn version(&self) -> &str {
        let v = self.api_version();
        v.split_once('/').map_or(v, |(_, v)| v)
    }

    /// Whether this object lives outside namespaces.
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(self.api_version(), self.kind())
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        self.obj.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.meta_str("name")
    }

    /// `metadata.namespace` ("" when unset).
    pub fn namespace(&self) -> &str {
        self.meta_str("namespace")
    }

    fn meta_str(&self, key: &str) -> &str {
        self.obj
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The metadata mapping, created if absent (None only if the object
    /// itself is not a mapping, which loading rules out).
    pub fn metadata_mut(&mut self) -> Option<&mut Map<String, Value>> {
        let meta = self
            .obj
            .as_object_mut()?
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        ensure_object(meta)
    }

    /// Sets (Some) or removes (None) the string field `key` of metadata.
    pub fn set_meta(&mut self, key: &str, value: Option<&str>) {
        let Some(meta) = self.metadata_mut() else {
            return;
        };
        match value {
            Some(v) => meta.insert(key.to_string(), Value::String(v.to_string())),
            None => meta.remove(key),
        };
    }

    /// Renames the object, remembering the old name for references.
    pub fn set_name(&mut self, name: &str) {
        self.remember();
        self.set_meta("name", Some(name));
    }

    /// Moves the object to a namespace, remembering the old one.
    pub fn set_namespace(&mut self, ns: &str) {
        self.remember();
        self.set_meta("namespace", Some(ns));
    }

    fn remember(&mut self) {
        let now = (self.name().to_string(), self.namespace().to_string());
        if self.history.last() != Some(&now) {
            self.history.push(now);
        }
    }

    /// Whether the object was ever called `name`.
    pub fn was_named(&self, name: &str) -> bool {
        self.name() == name || self.history.iter().any(|(n, _)| n == name)
    }

    /// The original name (before any prefix, suffix or hash).
    pub fn original_name(&self) -> &str {
        self.history
            .first()
            .map_or(self.name(), |(n, _)| n.as_str())
    }

    /// The original namespace.
    pub fn original_namespace(&self) -> &str {
        self.history
            .first()
            .map_or(self.namespace(), |(_, ns)| ns.as_str())
    }

    /// Whether this resource has (or had) the identity of `probe`: same
    /// group, version and kind, and a (name, namespace) it went by.
    pub fn answers_to(&self, probe: &Resource) -> bool {
        let same_type = |(v, k): (&str, &str)| v == probe.api_version() && k == probe.kind();
        let typed = same_type((self.api_version(), self.kind()))
            || self.prev_types.iter().any(|(v, k)| same_type((v, k)));
        if !typed {
            return false;
        }
        let scoped = !self.is_cluster_scoped();
        let same = |name: &str, ns: &str| {
            name == probe.name() && (!scoped || effective_ns(ns) == effective_ns(probe.namespace()))
        };
        same(self.name(), self.namespace()) || self.history.iter().any(|(n, ns)| same(n, ns))
    }

    /// Identity used for duplicate detection and sorting: kind.group,
    /// namespace (empty for cluster-scoped) and name.
    pub fn id(&self) -> String {
        let ns = if self.is_cluster_scoped() {
            ""
        } else {
            effective_ns(self.namespace())
        };
        let group = self.group();
        let dot = if group.is_empty() { "" } else { "." };
        format!("{}{dot}{group}/{ns}/{}", self.kind(), self.name())
    }
}

/// "default" and "" are the same namespace for identities.
pub(crate) fn effective_ns(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

/// `v` as a mapping, replacing it with an empty one if it is something else.
pub(crate) fn ensure_object(v: &mut Value) -> Option<&mut Map<String, Value>> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut()
}
