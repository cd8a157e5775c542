//! One object being built, with the identity history kustomize keeps to fix
//! name references after prefixes, suffixes and hashes.

use serde_json::{Map, Value};

/// Kinds that live outside namespaces (the built-in ones kustomize knows).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether objects of `kind` are cluster-scoped.
pub(crate) fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
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
        if self.api_version() != probe.api_version() || self.kind() != probe.kind() {
            return false;
        }
        let scoped = !is_cluster_scoped(self.kind());
        let same = |name: &str, ns: &str| {
            name == probe.name() && (!scoped || effective_ns(ns) == effective_ns(probe.namespace()))
        };
        same(self.name(), self.namespace()) || self.history.iter().any(|(n, ns)| same(n, ns))
    }

    /// Identity used for duplicate detection and sorting: kind.group,
    /// namespace (empty for cluster-scoped) and name.
    pub fn id(&self) -> String {
        let ns = if is_cluster_scoped(self.kind()) {
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
