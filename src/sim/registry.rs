//! The served resource types: the built-in tables recorded from a real
//! apiserver (embedded as data) plus the custom resources of established
//! CRDs.

use std::sync::Arc;

use serde_json::{Value, json};

use super::error::SimError;
use super::semantics::KindInfo;

/// Kinds whose objects carry `metadata.generation`.
const GENERATION_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Ingress",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "CustomResourceDefinition",
];

/// One served resource type.
#[derive(Debug, Clone)]
pub(crate) struct ResourceType {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    pub subresources: Vec<String>,
    /// openAPIV3Schema of a custom resource; None for built-in kinds.
    pub schema: Option<Value>,
    /// additionalPrinterColumns of a custom resource.
    pub printer_columns: Vec<Value>,
    /// The discovery entry (APIResource) of the main resource.
    pub discovery: Value,
}

impl ResourceType {
    /// `group/plural` key used by the store (`/pods` for core).
    pub fn key(&self) -> String {
        format!("{}/{}", self.group, self.plural)
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps` or `configmaps`, as messages name the resource.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether this is a custom resource.
    pub fn is_custom(&self) -> bool {
        self.schema.is_some()
    }

    /// Whether objects carry `metadata.generation`.
    pub fn has_generation(&self) -> bool {
        self.is_custom() || GENERATION_KINDS.contains(&self.kind.as_str())
    }

    /// Whether `sub` is a served subresource.
    pub fn has_sub(&self, sub: &str) -> bool {
        self.subresources.iter().any(|s| s == sub)
    }

    /// The view the semantics module needs.
    pub fn kind_info(&self) -> KindInfo<'_> {
        KindInfo {
            group: &self.group,
            version: &self.version,
            kind: &self.kind,
            plural: &self.plural,
            namespaced: self.namespaced,
            schema: self.schema.as_ref(),
        }
    }
}

/// All resource types the server knows, plus the discovery documents.
#[derive(Debug, Clone)]
pub(crate) struct Registry {
    types: Vec<Arc<ResourceType>>,
    /// Recorded discovery data (version, api, apis, resources, openapi_v3).
    pub data: Arc<Value>,
    /// Group versions served by CRDs, as (group, version).
    crd_versions: Vec<(String, String)>,
}

impl Registry {
    /// Builds the built-in registry from the embedded recorded discovery.
    pub fn builtin() -> Result<Self, SimError> {
        let data: Value = serde_json::from_str(include_str!("data/discovery.json"))
            .map_err(|e| SimError::Data(e.to_string()))?;
        let mut types = Vec::new();
        if let Some(lists) = data.get("resources").and_then(Value::as_object) {
            for (gv, list) in lists {
                types.extend(types_of_list(gv, list));
            }
        }
        Ok(Registry {
            types,
            data: Arc::new(data),
            crd_versions: Vec::new(),
        })
    }

    /// Finds a type by group, version and plural.
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        self.types
            .iter()
            .find(|t| t.group == group && t.version == version && t.plural == plural)
            .cloned()
    }

    /// Finds a type by group and kind (any version).
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<Arc<ResourceType>> {
        self.types
            .iter()
            .find(|t| t.group == group && t.kind == kind)
            .cloned()
    }

    /// Finds a type by its store key.
    pub fn by_key(&self, key: &str) -> Option<Arc<ResourceType>> {
        self.types.iter().find(|t| t.key() == key).cloned()
    }

    /// All types (one per group/version/plural).
    pub fn all(&self) -> &[Arc<ResourceType>] {
        &self.types
    }

    /// Whether the group/version is served.
    pub fn serves_version(&self, group: &str, version: &str) -> bool {
        self.group_versions(group).iter().any(|v| v == version)
    }

    /// Versions served for a group, preferred first.
    pub fn group_versions(&self, group: &str) -> Vec<String> {
        let mut out = Vec::new();
        for g in self.groups_json() {
            if g.get("name").and_then(Value::as_str) == Some(group) {
                for v in g
                    .get("versions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(v) = v.get("version").and_then(Value::as_str) {
                        out.push(v.to_string());
                    }
                }
            }
        }
        out
    }

    /// The APIGroup entries, built-in then CRD groups. Only group versions
    /// with served resources are listed (the recorded list also names groups
    /// whose resource tables were not recorded).
    pub fn groups_json(&self) -> Vec<Value> {
        let mut groups: Vec<Value> = self
            .data
            .pointer("/apis/groups")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let types = &self.types;
        for g in groups.iter_mut() {
            let name = g
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(vs) = g.get_mut("versions").and_then(Value::as_array_mut) {
                vs.retain(|v| {
                    let version = v.get("version").and_then(Value::as_str).unwrap_or("");
                    types
                        .iter()
                        .any(|t| t.group == name && t.version == version)
                });
            }
        }
        groups.retain(|g| {
            g.get("versions")
                .and_then(Value::as_array)
                .is_some_and(|v| !v.is_empty())
        });
        for (group, version) in &self.crd_versions {
            let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
            if let Some(existing) = groups
                .iter_mut()
                .find(|g| g.get("name").and_then(Value::as_str) == Some(group))
            {
                if let Some(vs) = existing.get_mut("versions").and_then(Value::as_array_mut) {
                    vs.push(gv);
                }
                continue;
            }
            groups.push(json!({"name": group, "versions": [gv.clone()], "preferredVersion": gv}));
        }
        groups
    }

    /// The APIResource entries of a group/version.
    pub fn resources_json(&self, group: &str, version: &str) -> Vec<Value> {
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        if let Some(list) = self.data.pointer(&format!(
            "/resources/{}",
            gv.replace('~', "~0").replace('/', "~1")
        )) {
            return list
                .get("resources")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
        }
        let mut out = Vec::new();
        for t in self
            .types
            .iter()
            .filter(|t| t.group == group && t.version == version)
        {
            out.push(t.discovery.clone());
            for sub in &t.subresources {
                out.push(json!({"name": format!("{}/{sub}", t.plural), "singularName": "", "namespaced": t.namespaced, "kind": t.kind, "verbs": ["get", "patch", "update"]}));
            }
        }
        out
    }

    /// Registers (or replaces) the types served by a CRD.
    pub fn add_crd(&mut self, crd_types: Vec<ResourceType>) {
        for t in crd_types {
            self.types.retain(|o| {
                !(o.group == t.group && o.version == t.version && o.plural == t.plural)
            });
            let gv = (t.group.clone(), t.version.clone());
            if !self.crd_versions.contains(&gv) {
                self.crd_versions.push(gv);
            }
            self.types.push(Arc::new(t));
        }
    }

    /// Stops serving the resource `plural` of `group`.
    pub fn remove_crd(&mut self, group: &str, plural: &str) {
        self.types
            .retain(|t| !(t.group == group && t.plural == plural && t.is_custom()));
        let types = &self.types;
        self.crd_versions
            .retain(|(g, v)| types.iter().any(|t| &t.group == g && &t.version == v));
    }
}

fn types_of_list(gv: &str, list: &Value) -> Vec<Arc<ResourceType>> {
    let (group, version) = match gv.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), gv.to_string()),
    };
    let entries = list
        .get("resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for e in entries.iter() {
        let Some(name) = e.get("name").and_then(Value::as_str) else {
            continue;
        };
        if name.contains('/') {
            continue;
        }
        let subresources = entries
            .iter()
            .filter_map(|s| s.get("name").and_then(Value::as_str))
            .filter_map(|s| s.strip_prefix(&format!("{name}/")).map(str::to_string))
            .collect();
        out.push(Arc::new(ResourceType {
            group: group.clone(),
            version: version.clone(),
            kind: e
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            plural: name.to_string(),
            namespaced: e
                .get("namespaced")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            subresources,
            schema: None,
            printer_columns: Vec::new(),
            discovery: e.clone(),
        }));
    }
    out
}
