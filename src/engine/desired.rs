//! The desired state of an app: its path rendered at a revision, with the
//! destination namespace set and the tracking label added.

use super::EngineError;
use crate::model::{AppSpec, Revision};
use crate::render;
use crate::source::Repo;
use serde_json::Value;

/// The label that marks every object tether applies.
pub const TRACKING_LABEL: &str = "tether.dev/app";

/// Rendered manifests of one app at one revision.
#[derive(Debug, Clone)]
pub struct Desired {
    /// Full commit id, or `WORKTREE`.
    pub revision: String,
    pub objects: Vec<Value>,
}

/// Renders the app's path at `revision` (default: the app's own).
pub fn render_app(app: &AppSpec, revision: Option<&Revision>) -> Result<Desired, EngineError> {
    let source_err = |e: &dyn std::fmt::Display| EngineError::Source {
        app: app.name.clone(),
        message: e.to_string(),
    };
    let revision = revision.unwrap_or(&app.source.revision);
    let repo = Repo::open(&app.source.repo).map_err(|e| source_err(&e))?;
    let resolved = repo.resolve(revision).map_err(|e| source_err(&e))?;
    let tree = repo
        .read_tree(revision, &app.source.path)
        .map_err(|e| source_err(&e))?;
    let objects = render::render(&tree, &app.source.path).map_err(|e| EngineError::Render {
        app: app.name.clone(),
        message: e.to_string(),
    })?;
    Ok(Desired {
        revision: resolved.id,
        objects,
    })
}

/// Sets the destination namespace on namespaced objects without one and
/// adds the tracking label to every object.
pub fn prepare(app: &AppSpec, objects: &mut [Value], is_namespaced: impl Fn(&str, &str) -> bool) {
    if let Some(ns) = &app.destination.namespace {
        render::set_default_namespace(objects, ns, &is_namespaced);
    }
    for object in objects.iter_mut() {
        set_label(object, TRACKING_LABEL, &app.name);
    }
}

fn set_label(object: &mut Value, key: &str, value: &str) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let labels = meta
        .entry("labels")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(labels) = labels.as_object_mut() {
        labels.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// Kinds that are cluster-scoped in every Kubernetes; used when discovery
/// cannot be asked (no cluster needed to render).
pub fn is_namespaced_offline(group: &str, kind: &str) -> bool {
    !matches!(
        (group, kind),
        ("", "Namespace")
            | ("", "Node")
            | ("", "PersistentVolume")
            | ("rbac.authorization.k8s.io", "ClusterRole")
            | ("rbac.authorization.k8s.io", "ClusterRoleBinding")
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("storage.k8s.io", "StorageClass")
            | ("scheduling.k8s.io", "PriorityClass")
            | ("networking.k8s.io", "IngressClass")
            | ("admissionregistration.k8s.io", _)
            | ("apiregistration.k8s.io", "APIService")
    )
}
