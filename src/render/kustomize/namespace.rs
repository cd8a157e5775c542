//! The namespace transformer (`namespace:` and the NamespaceTransformer
//! plugin): `metadata.namespace` of namespaced objects, the fields the
//! configuration names (Namespace names, APIService and CRD webhook
//! services), and the namespace of (Cluster)RoleBinding subjects.

use super::fieldspec::{self, CreateKind};
use super::resource::Resource;
use super::spec::FieldSpec;
use serde_json::Value;

/// Which RoleBinding subjects get the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subjects {
    /// Subjects named `default` (the default).
    DefaultOnly,
    /// Every ServiceAccount subject.
    AllServiceAccounts,
    /// None.
    None,
}

impl Subjects {
    /// The mode of a `setRoleBindingSubjects` value.
    pub fn parse(text: &str) -> Result<Subjects, String> {
        match text {
            "" | "defaultOnly" => Ok(Subjects::DefaultOnly),
            "allServiceAccounts" => Ok(Subjects::AllServiceAccounts),
            "none" => Ok(Subjects::None),
            other => Err(format!(
                "invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
            )),
        }
    }
}

/// One namespace transformation.
pub(crate) struct NamespaceChange<'a> {
    pub namespace: &'a str,
    pub field_specs: &'a [FieldSpec],
    /// Only set namespaces that are empty.
    pub unset_only: bool,
    pub subjects: Subjects,
}

impl NamespaceChange<'_> {
    /// Applies the change to every resource (but those a Helm chart
    /// placed); Err on a field that is not a scalar or an id clash.
    pub fn apply(&self, resources: &mut [Resource]) -> Result<(), String> {
        if self.namespace.is_empty() {
            return Ok(());
        }
        for i in 0..resources.len() {
            if resources[i].is_empty() || resources[i].helm_generated {
                continue;
            }
            resources[i].store_previous_id();
            self.apply_one(&mut resources[i])
                .map_err(|e| format!("namespace transformation failed: {e}"))?;
            let id = resources[i].cur_id();
            let clashes = resources.iter().filter(|r| r.cur_id().equals(&id)).count();
            if clashes != 1 {
                return Err(format!(
                    "namespace transformation produces ID conflict: {id}"
                ));
            }
        }
        Ok(())
    }

    fn set(&self, node: &mut Value) -> Result<(), String> {
        if self.unset_only && has_value(node) {
            return Ok(());
        }
        fieldspec::set_entry(node, "", Value::String(self.namespace.to_string()))
    }

    fn apply_one(&self, res: &mut Resource) -> Result<(), String> {
        let api_version = res.api_version().to_string();
        let specs: Vec<&FieldSpec> = self
            .field_specs
            .iter()
            .filter(|f| f.path != "metadata/namespace")
            .filter(|f| api_version == "v1" || f.path != "metadata/name")
            .collect();
        let cluster = res.is_cluster_scoped();
        let kind = res.kind().to_string();
        if !cluster {
            let meta = FieldSpec {
                path: "metadata/namespace".into(),
                create: true,
                ..FieldSpec::default()
            };
            fieldspec::apply(&mut res.obj, &meta, CreateKind::Scalar, &mut |n| {
                self.set(n)
            })?;
        }
        let is_binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
        if is_binding {
            self.subjects(&mut res.obj)?;
        }
        for fs in specs {
            if is_binding && fs.path == "subjects/namespace" {
                let binding_spec = fs
                    .kind
                    .as_deref()
                    .is_some_and(|k| k == "RoleBinding" || k == "ClusterRoleBinding");
                if binding_spec {
                    continue;
                }
            }
            fieldspec::apply(&mut res.obj, fs, CreateKind::Scalar, &mut |n| self.set(n)).map_err(
                |e| {
                    if e.contains("expected ScalarNode") {
                        format!("namespace field specs must target scalar nodes: {e}")
                    } else {
                        e
                    }
                },
            )?;
        }
        Ok(())
    }

    fn subjects(&self, obj: &mut Value) -> Result<(), String> {
        if self.subjects == Subjects::None {
            return Ok(());
        }
        let Some(subjects) = obj.get_mut("subjects") else {
            return Ok(());
        };
        let items = match subjects {
            Value::Null => return Ok(()),
            Value::Array(items) => items,
            other => {
                return Err(format!(
                    "setting namespace on (cluster)role binding subjects: wrong node kind: expected SequenceNode but got {}",
                    fieldspec::node_kind(other)
                ));
            }
        };
        for s in items {
            let Some(map) = s.as_object_mut() else {
                return Err(
                    "setting namespace on (cluster)role binding subjects: wrong node kind: expected MappingNode".into(),
                );
            };
            let wanted = match self.subjects {
                Subjects::DefaultOnly => map.get("name").and_then(Value::as_str) == Some("default"),
                _ => map.get("kind").and_then(Value::as_str) == Some("ServiceAccount"),
            };
            if !wanted {
                continue;
            }
            let field = map
                .entry("namespace")
                .or_insert(Value::String(String::new()));
            self.set(field)?;
        }
        Ok(())
    }
}

/// Whether a scalar holds a value (kustomize's `SetEntryIfEmpty` check).
fn has_value(node: &Value) -> bool {
    match node {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Object(_) | Value::Array(_) => false,
        _ => true,
    }
}
