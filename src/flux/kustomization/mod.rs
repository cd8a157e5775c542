//! A Flux Kustomization rendered as kustomize-controller v1.9 renders it:
//! find (or generate) the kustomization in `spec.path`, overlay the spec,
//! build with kustomize (no reordering: resources keep their input order
//! unless the kustomization sets `sortOptions`), substitute variables
//! (`spec.postBuild`), then stamp the owner labels and `commonMetadata`.
//!
//! ```
//! use tether::flux::{RefObjects, kustomization::{Kustomization, BuildOptions, build}};
//! use tether::model::FileTree;
//! let ks = Kustomization::from_object(&serde_json::json!({
//!     "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
//!     "metadata": {"name": "apps", "namespace": "flux-system"},
//!     "spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}, "path": "./apps",
//!              "prune": true, "postBuild": {"substitute": {"env": "prod"}}}})).unwrap();
//! let mut artifact = FileTree::new();
//! artifact.insert("apps/cm.yaml",
//!     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: web}\ndata:\n  env: ${env}\n");
//! let objects = build(&ks, &artifact, &RefObjects::new(), &BuildOptions::default()).unwrap();
//! assert_eq!(objects[0]["data"]["env"], "prod");
//! assert_eq!(objects[0]["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"], "apps");
//! ```

pub mod generate;
mod spec;

pub use spec::{Image, Kustomization, ObjectRef, Patch};
pub(crate) use spec::{object_ref, read_images, read_patches};

use super::FluxError;
use super::envsubst::Mode;
use super::metadata::{apply_common, owner_labels, set_pairs};
use super::object::describe;
use super::postbuild::substitute_object;
use super::refs::RefObjects;
use super::source::clean;
use crate::model::FileTree;
use serde_json::{Value, json};

/// The API group whose owner labels Kustomizations stamp.
pub const GROUP: &str = "kustomize.toolkit.fluxcd.io";

/// How to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildOptions {
    /// Substitution mode; strict is kustomize-controller v1.9's default
    /// (feature gate `StrictPostBuildSubstitutions`), lenient is what
    /// `flux build`/`flux diff` do without `--strict-substitute`.
    pub substitution: Mode,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            substitution: Mode::Strict,
        }
    }
}

/// The objects kustomize-controller would apply for `ks`, from the source
/// `artifact` (see [`super::source::GitRepository::artifact`]), reading
/// `substituteFrom` ConfigMaps and Secrets from `refs`.
pub fn build(
    ks: &Kustomization,
    artifact: &FileTree,
    refs: &RefObjects,
    options: &BuildOptions,
) -> Result<Vec<Value>, FluxError> {
    let object = describe(&ks.meta);
    let spec_error = |message: String| FluxError::Spec {
        object: object.clone(),
        message,
    };
    let dir = clean(&ks.path);
    if artifact.contains(&dir) && !dir.is_empty() {
        return Err(spec_error(format!(
            "spec.path {:?} is a file, not a folder",
            ks.path
        )));
    }
    if !dir.is_empty() && artifact.under(&dir).next().is_none() {
        return Err(FluxError::PathNotFound {
            object,
            what: "kustomization path",
            path: dir,
        });
    }
    let tree = kustomization_tree(ks, artifact, &dir).map_err(&spec_error)?;
    let objects = crate::render::kustomize::build(&tree, &dir).map_err(|e| FluxError::Render {
        object: object.clone(),
        source: e.into(),
    })?;
    let mut out = Vec::with_capacity(objects.len());
    let vars = ks
        .post_build
        .as_ref()
        .map(|pb| pb.variables(&ks.meta.namespace, refs));
    for mut obj in objects {
        let resource = resource_name(&obj);
        let missing = ["/apiVersion", "/kind", "/metadata/name"].iter().any(|p| {
            obj.pointer(p)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        });
        if missing {
            return Err(spec_error(format!(
                "failed to decode Kubernetes apiVersion, kind and name from {resource}"
            )));
        }
        if let (Some(pb), Some(vars)) = (&ks.post_build, &vars) {
            let vars = vars.as_ref().map_err(|message| FluxError::Reference {
                object: object.clone(),
                message: message.clone(),
            })?;
            obj = substitute_object(&obj, vars, pb.always, options.substitution).map_err(
                |message| FluxError::PostBuild {
                    object: object.clone(),
                    resource: resource.clone(),
                    message,
                },
            )?;
        }
        set_pairs(
            &mut obj,
            "labels",
            &owner_labels(GROUP, &ks.meta.name, &ks.meta.namespace),
        );
        apply_common(&mut obj, &ks.common_metadata);
        out.push(obj);
    }
    Ok(out)
}

/// `artifact` with the kustomization Flux builds `dir` with written in.
fn kustomization_tree(
    ks: &Kustomization,
    artifact: &FileTree,
    dir: &str,
) -> Result<FileTree, String> {
    let mut file = generate::find_or_generate(artifact, dir)?;
    generate::overlay(&mut file, ks, artifact, dir)?;
    // Flux's build does not reorder unless the kustomization asks to.
    file.content
        .entry("sortOptions")
        .or_insert_with(|| json!({"order": "fifo"}));
    let text = crate::render::to_yaml_stream(&[Value::Object(file.content)]);
    let mut tree = artifact.clone();
    tree.insert(file.path, text);
    Ok(tree)
}

/// `Kind/name` of a rendered object, for messages.
fn resource_name(obj: &Value) -> String {
    let text = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("?");
    format!("{}/{}", text("/kind"), text("/metadata/name"))
}

#[cfg(test)]
mod tests;
