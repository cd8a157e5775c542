//! The structure of types as server-side apply sees it: which lists are
//! associative (and by which keys), sets or atomic, which maps/structs are
//! atomic, and which fields exist. Built-in kinds use tables modelled on the
//! Kubernetes 1.24 OpenAPI; custom resources read their openAPIV3Schema.

use super::KindInfo;
use super::known_fields::builtin_known_fields;
use serde_json::Value;

/// How a list is merged and tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListType {
    /// Replaced as a whole; tracked as one leaf.
    Atomic,
    /// Set of scalars; tracked by value (`v:`).
    Set,
    /// Associative list keyed by these fields (`k:`).
    Map(Vec<String>),
}

/// A position in the type of an object.
#[derive(Debug, Clone)]
pub struct Shape<'a> {
    kind: &'a str,
    /// Field names from the root; list items appear as `[]`.
    path: Vec<String>,
    custom: bool,
    /// Schema node of a custom resource at this position.
    node: Option<&'a Value>,
    /// Inside `x-kubernetes-preserve-unknown-fields`: no schema any more.
    deduced: bool,
}

/// Struct fields that are values (not pointers) in the Go types: a write
/// creating them does not own the struct itself.
const VALUE_STRUCTS: &[&str] = &[
    "metadata",
    "spec",
    "template",
    "strategy",
    "updateStrategy",
    "resources",
    "jobTemplate",
    "status",
    "names",
    "scaleTargetRef",
];

/// Maps and structs that are atomic in the built-in schema.
const ATOMIC_STRUCTS: &[&str] = &[
    "selector",
    "podSelector",
    "namespaceSelector",
    "nodeSelector",
    "labelSelector",
    "roleRef",
];

impl<'a> Shape<'a> {
    /// The root of an object of this kind.
    pub fn root(kind: &KindInfo<'a>) -> Self {
        Shape {
            kind: kind.kind,
            path: Vec::new(),
            custom: kind.schema.is_some(),
            node: kind.schema,
            deduced: false,
        }
    }

    /// The field names from the root (`[]` for list items).
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// The kind name.
    pub fn kind(&self) -> &str {
        self.kind
    }

    /// The shape of field `name` of this object.
    pub fn child(&self, name: &str) -> Shape<'a> {
        let mut path = self.path.clone();
        path.push(name.to_string());
        let custom_meta = self.custom && self.path.is_empty() && name == "metadata";
        let (node, deduced) = if !self.custom || custom_meta {
            (None, false)
        } else if self.deduced {
            (None, true)
        } else {
            match self.node {
                Some(n) => match n.get("properties").and_then(|p| p.get(name)) {
                    Some(c) => (Some(c), false),
                    None => match n.get("additionalProperties") {
                        Some(ap) if ap.is_object() => (Some(ap), false),
                        _ => (None, true),
                    },
                },
                None => (None, true),
            }
        };
        Shape {
            kind: self.kind,
            path,
            custom: self.custom && !custom_meta,
            node,
            deduced,
        }
    }

    /// The shape of the items of this list.
    pub fn item(&self) -> Shape<'a> {
        let mut path = self.path.clone();
        path.push("[]".to_string());
        Shape {
            kind: self.kind,
            path,
            custom: self.custom,
            node: self.node.and_then(|n| n.get("items")),
            deduced: self.deduced,
        }
    }

    fn last(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("")
    }

    /// True inside a preserve-unknown-fields subtree (no schema).
    pub fn is_deduced(&self) -> bool {
        self.deduced
    }

    /// How the list at this position behaves.
    pub fn list_type(&self) -> ListType {
        if self.custom {
            return self.custom_list_type();
        }
        let name = self.last();
        let keys: &[&str] = match name {
            "containers"
            | "initContainers"
            | "ephemeralContainers"
            | "env"
            | "volumes"
            | "imagePullSecrets" => &["name"],
            "volumeMounts" => &["mountPath"],
            "volumeDevices" => &["devicePath"],
            "conditions" => &["type"],
            "ownerReferences" => &["uid"],
            "hostAliases" => &["ip"],
            "topologySpreadConstraints" => &["topologyKey", "whenUnsatisfiable"],
            "ports" if self.kind == "Service" && self.path.len() == 2 => &["port", "protocol"],
            "ports" if self.path.iter().any(|p| p.ends_with("ontainers")) => {
                &["containerPort", "protocol"]
            }
            "finalizers" => return ListType::Set,
            _ => return ListType::Atomic,
        };
        ListType::Map(keys.iter().map(|k| k.to_string()).collect())
    }

    fn custom_list_type(&self) -> ListType {
        let Some(n) = self.node else {
            return ListType::Atomic;
        };
        match n.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("map") => {
                let keys = n
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|k| k.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                ListType::Map(keys)
            }
            Some("set") => ListType::Set,
            _ => ListType::Atomic,
        }
    }

    /// True when the map/struct at this position is replaced as a whole.
    pub fn is_atomic_map(&self) -> bool {
        if self.custom {
            return self
                .node
                .and_then(|n| n.get("x-kubernetes-map-type"))
                .and_then(Value::as_str)
                == Some("atomic");
        }
        ATOMIC_STRUCTS.contains(&self.last())
    }

    /// True when a map/struct created by an Update is owned itself (`"."`).
    pub fn owned_on_create(&self) -> bool {
        if self.custom {
            return true;
        }
        !VALUE_STRUCTS.contains(&self.last())
    }

    /// Default value of an associative-list key field that is absent.
    pub fn key_default(&self, key: &str) -> Option<Value> {
        if !self.custom && key == "protocol" {
            return Some(Value::String("TCP".to_string()));
        }
        None
    }

    /// The declared fields of the object at this position, or None when any
    /// field is allowed (unknown structure, maps, preserve-unknown-fields).
    pub fn known_fields(&self) -> Option<Vec<String>> {
        if !self.custom {
            return builtin_known_fields(self.kind, &self.path)
                .map(|f| f.iter().map(|s| s.to_string()).collect());
        }
        if self.deduced {
            return None;
        }
        if self.path.is_empty() {
            let mut fields: Vec<String> = ["apiVersion", "kind", "metadata"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if let Some(props) = self.node.and_then(|n| n.get("properties")) {
                fields.extend(props.as_object()?.keys().cloned());
            }
            return Some(fields);
        }
        let n = self.node?;
        let preserve = n.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if preserve || n.get("additionalProperties").is_some() {
            return None;
        }
        let props = n.get("properties")?.as_object()?;
        Some(props.keys().cloned().collect())
    }
}
