//! The desired state of an app: its path rendered at a revision, with the
//! destination namespace set and the tracking label added.

use super::EngineError;
use crate::model::{AppSpec, Revision};
use crate::render;
use crate::source::Repo;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// The label that marks every object tether applies.
pub const TRACKING_LABEL: &str = "tether.dev/app";

/// Rendered manifests of one app at one revision.
#[derive(Debug, Clone)]
pub struct Desired {
    /// Full commit id, or `WORKTREE`.
    pub revision: String,
    pub objects: Vec<Value>,
}

/// Rendered desired states by app, reused while the app's revision
/// resolves to the same commit: a refresh re-renders only what moved.
#[derive(Default)]
pub struct DesiredCache {
    entries: Mutex<HashMap<String, Desired>>,
}

impl DesiredCache {
    /// The app's desired state at its own revision: from the cache when the
    /// revision still resolves to the cached commit, else rendered anew.
    /// The work tree (`WORKTREE`) is always read afresh.
    pub fn render(&self, app: &AppSpec) -> Result<Desired, EngineError> {
        if app.source.revision == Revision::WorkTree {
            return render_app(app, None);
        }
        let repo = Repo::open(&app.source.repo).map_err(|e| source_error(app, &e))?;
        let resolved = repo
            .resolve(&app.source.revision)
            .map_err(|e| source_error(app, &e))?;
        if let Ok(entries) = self.entries.lock()
            && let Some(cached) = entries.get(&app.name)
            && cached.revision == resolved.id
        {
            return Ok(cached.clone());
        }
        let desired = render_at(app, &repo, &Revision::Git(resolved.id.clone()), resolved.id)?;
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(app.name.clone(), desired.clone());
        }
        Ok(desired)
    }
}

fn source_error(app: &AppSpec, e: &dyn std::fmt::Display) -> EngineError {
    EngineError::Source {
        app: app.name.clone(),
        message: e.to_string(),
    }
}

fn render_at(
    app: &AppSpec,
    repo: &Repo,
    revision: &Revision,
    id: String,
) -> Result<Desired, EngineError> {
    let tree = read_sources(repo, revision, &app.source.path).map_err(|e| source_error(app, &e))?;
    let objects =
        render::render_with(&tree, &app.source.path, &render_options(app)).map_err(|e| {
            EngineError::Render {
                app: app.name.clone(),
                message: e.to_string(),
            }
        })?;
    Ok(Desired {
        revision: id,
        objects,
    })
}

/// The files a render of `path` needs: the folder itself, or the whole
/// repository at that revision when the folder is a Kustomize root, since
/// a kustomization may reach anywhere in the repository (`../base`).
pub fn read_sources(
    repo: &Repo,
    revision: &Revision,
    path: &str,
) -> Result<crate::model::FileTree, crate::source::SourceError> {
    let tree = repo.read_tree(revision, path)?;
    if render::detect(&tree, path.trim_matches('/')) == render::SourceKind::Kustomize {
        return repo.read_tree(revision, "");
    }
    Ok(tree)
}

/// The renderer options of an app: for a Helm chart, the release name
/// (`source.helm.releaseName`, default the app's name), the destination
/// namespace, value files and inline values.
pub fn render_options(app: &AppSpec) -> render::RenderOptions {
    let helm = app.source.helm.clone().unwrap_or_default();
    render::RenderOptions {
        helm: Some(render::HelmOptions {
            release_name: helm.release_name.unwrap_or_else(|| app.name.clone()),
            namespace: app.destination.namespace.clone(),
            value_files: helm.value_files,
            values: helm.values,
        }),
    }
}

/// Renders the app's path at `revision` (default: the app's own).
pub fn render_app(app: &AppSpec, revision: Option<&Revision>) -> Result<Desired, EngineError> {
    let revision = revision.unwrap_or(&app.source.revision);
    let repo = Repo::open(&app.source.repo).map_err(|e| source_error(app, &e))?;
    let resolved = repo.resolve(revision).map_err(|e| source_error(app, &e))?;
    render_at(app, &repo, revision, resolved.id)
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
