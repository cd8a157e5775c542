//! One admission request as a policy sees it: the object (and the live
//! one it would replace), its resource, operation and namespace, and the
//! CEL variables built from them (`request`, `namespaceObject`).

use super::kinds::Kinds;
use serde::Serialize;
use serde_json::{Value, json};

/// The operation a sync performs on an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Operation {
    /// The object does not exist yet.
    #[serde(rename = "CREATE")]
    Create,
    /// The object exists and is applied over.
    #[serde(rename = "UPDATE")]
    Update,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
        }
    }
}

/// Who sends the request (`request.userInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub username: String,
    pub groups: Vec<String>,
}

/// Group, version, kind and plural resource of an object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
}

/// One object's admission request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub object: &'a Value,
    /// The live object, for an update.
    pub old_object: Option<&'a Value>,
    pub resource: Resource,
    pub operation: Operation,
    pub name: String,
    /// Empty for cluster-scoped objects; a Namespace's own name for it.
    pub namespace: String,
    /// The Namespace the object lives in, when it has one.
    pub namespace_object: Option<&'a Value>,
    pub user: &'a UserInfo,
    pub dry_run: bool,
}

impl<'a> Request<'a> {
    /// The request for `object`: UPDATE when `old_object` exists.
    pub fn new(
        object: &'a Value,
        old_object: Option<&'a Value>,
        namespace_object: Option<&'a Value>,
        kinds: &Kinds,
        user: &'a UserInfo,
    ) -> Request<'a> {
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let (group, version) = match text("/apiVersion").split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), text("/apiVersion").to_string()),
        };
        let kind = text("/kind").to_string();
        let info = kinds.info(&group, &version, &kind);
        // The API server gives a Namespace's own name as the namespace of
        // its requests (and no namespaceObject).
        let is_namespace = group.is_empty() && kind == "Namespace";
        let namespace = match (is_namespace, info.namespaced) {
            (true, _) => text("/metadata/name").to_string(),
            (false, true) => text("/metadata/namespace").to_string(),
            (false, false) => String::new(),
        };
        Request {
            object,
            old_object,
            resource: Resource {
                group,
                version,
                kind,
                plural: info.plural,
            },
            operation: match old_object {
                Some(_) => Operation::Update,
                None => Operation::Create,
            },
            name: text("/metadata/name").to_string(),
            namespace_object: if namespace.is_empty() || is_namespace {
                None
            } else {
                namespace_object
            },
            namespace,
            user,
            dry_run: false,
        }
    }

    /// Whether the object is a Namespace.
    pub fn is_namespace(&self) -> bool {
        self.resource.group.is_empty() && self.resource.kind == "Namespace"
    }

    /// `Kind.group/namespace/name`, as messages name objects.
    pub fn object_name(&self) -> String {
        let mut text = self.resource.kind.clone();
        if !self.resource.group.is_empty() {
            text.push('.');
            text.push_str(&self.resource.group);
        }
        if !self.namespace.is_empty() && !self.is_namespace() {
            text.push('/');
            text.push_str(&self.namespace);
        }
        text.push('/');
        text.push_str(&self.name);
        text
    }

    /// The CEL `request`: an AdmissionRequest as the API server builds it
    /// for a server-side apply (empty optional fields left out).
    pub fn to_cel_request(&self) -> Value {
        let r = &self.resource;
        let kind = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let resource = json!({"group": r.group, "version": r.version, "resource": r.plural});
        let mut request = json!({
            "uid": "00000000-0000-0000-0000-000000000000",
            "kind": kind,
            "resource": resource,
            "requestKind": kind,
            "requestResource": resource,
            "operation": self.operation.as_str(),
            "userInfo": self.user,
            "dryRun": self.dry_run,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "PatchOptions",
                        "fieldManager": "tether", "force": true},
        });
        if let Some(map) = request.as_object_mut() {
            if !self.name.is_empty() {
                map.insert("name".into(), Value::String(self.name.clone()));
            }
            if !self.namespace.is_empty() {
                map.insert("namespace".into(), Value::String(self.namespace.clone()));
            }
        }
        request
    }

    /// The CEL `namespaceObject`: the Namespace's metadata, spec and
    /// status; null for cluster-scoped objects.
    pub fn to_cel_namespace(&self) -> Value {
        let Some(namespace) = self.namespace_object else {
            return Value::Null;
        };
        let mut out = serde_json::Map::new();
        for field in ["metadata", "spec", "status"] {
            if let Some(v) = namespace.get(field) {
                out.insert(field.to_string(), v.clone());
            }
        }
        if let Some(meta) = out.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            meta.remove("ownerReferences");
        }
        Value::Object(out)
    }
}

/// The Namespace `name` as the policies see it: `live` (the cluster's)
/// merged with `desired` (the app's own), or just the name; always with
/// the `kubernetes.io/metadata.name` label the API server sets.
pub fn namespace_view(name: &str, live: Option<&Value>, desired: Option<&Value>) -> Value {
    let mut namespace = live.cloned().unwrap_or_else(
        || json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
    );
    if let Some(desired) = desired {
        for field in ["labels", "annotations"] {
            let Some(wanted) = desired
                .pointer(&format!("/metadata/{field}"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            if let Some(meta) = namespace.get_mut("metadata").and_then(Value::as_object_mut) {
                let entry = meta.entry(field).or_insert_with(|| json!({}));
                if let Some(map) = entry.as_object_mut() {
                    map.extend(wanted.clone());
                }
            }
        }
    }
    if let Some(meta) = namespace.get_mut("metadata").and_then(Value::as_object_mut) {
        let labels = meta.entry("labels").or_insert_with(|| json!({}));
        if let Some(map) = labels.as_object_mut() {
            map.insert(
                "kubernetes.io/metadata.name".into(),
                Value::String(name.to_string()),
            );
        }
    }
    namespace
}
