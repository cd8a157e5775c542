//! Manifests from a file tree (DESIGN.md §1 `render`): plain YAML/JSON
//! folders, native Kustomize ([`kustomize`]) or the real kustomize binary
//! ([`kustomize_binary`]), and Helm charts through the `helm` binary
//! ([`helm`]).
//!
//! ```
//! use tether::model::FileTree;
//! let mut tree = FileTree::new();
//! tree.insert("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
//! let objects = tether::render::render(&tree, "app").unwrap();
//! assert_eq!(tether::render::to_yaml_stream(&objects),
//!            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
//! ```

pub(crate) mod convert;
mod detect;
mod documents;
mod error;
pub mod external;
mod fold;
pub mod helm;
pub mod kustomize;
pub mod kustomize_binary;
mod namespace;
mod output;
mod requote;
pub(crate) mod scalars;

pub use detect::{CHART_FILE, KUSTOMIZATION_FILES, SourceKind, detect};
pub(crate) use documents::parse_file;
pub use error::RenderError;
pub use helm::HelmOptions;
pub use namespace::set_default_namespace;
pub use output::to_yaml_stream;

use crate::model::{FileTree, KustomizeMode};
use serde_json::Value;

/// Extensions of the files a plain folder render reads.
pub const MANIFEST_EXTENSIONS: &[&str] = &[".yaml", ".yml", ".json"];

/// The objects of every `.yaml`, `.yml` and `.json` file under `path` of
/// `tree` (recursive, in path order; `path` may also name one file), with
/// multi-document streams split, `kind: List` flattened and empty documents
/// skipped. Files and folders whose name starts with `.` are ignored.
///
/// A folder holding a kustomization is built with [`kustomize::build`].
/// Otherwise a folder holding a kustomization or `Chart.yaml` in a
/// sub-folder is an [`RenderError::Unsupported`] error naming that file:
/// rendering it as plain YAML would produce the wrong objects.
pub fn render(tree: &FileTree, path: &str) -> Result<Vec<Value>, RenderError> {
    render_with(tree, path, &RenderOptions::default())
}

/// Options of renderers that take them (Helm, Kustomize).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderOptions {
    /// Used when the folder is a Helm chart; the release name defaults to
    /// the folder's name.
    pub helm: Option<HelmOptions>,
    /// How a Kustomize root is built.
    pub kustomize: KustomizeMode,
}

/// [`render`] with options: a folder holding `Chart.yaml` renders through
/// `helm template` ([`helm::template`]); a Kustomize root natively or,
/// with [`KustomizeMode::Binary`], through [`kustomize_binary::build`].
pub fn render_with(
    tree: &FileTree,
    path: &str,
    options: &RenderOptions,
) -> Result<Vec<Value>, RenderError> {
    let path = path.trim_matches('/');
    let path = path.strip_prefix("./").unwrap_or(path);
    let path = if path == "." { "" } else { path };
    match detect(tree, path) {
        SourceKind::Kustomize => {
            return match options.kustomize {
                KustomizeMode::Native => Ok(kustomize::build(tree, path)?),
                KustomizeMode::Binary => kustomize_binary::build(tree, path),
            };
        }
        SourceKind::Helm => {
            let mut helm = options.helm.clone().unwrap_or_default();
            if helm.release_name.is_empty() {
                helm.release_name = path
                    .rsplit('/')
                    .next()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("release")
                    .to_string();
            }
            return helm::template(tree, path, &helm);
        }
        SourceKind::Plain => {}
    }
    if let Some(bytes) = tree.get(path) {
        return documents::parse_file(path, bytes);
    }
    let files: Vec<(&str, &[u8])> = tree
        .under(path)
        .filter(|(p, _)| !is_hidden(&p[path.len()..]))
        .collect();
    if files.is_empty() && tree.under(path).next().is_none() {
        return Err(RenderError::NotFound {
            path: path.to_string(),
        });
    }
    refuse_other_kinds(&files)?;
    let mut out = Vec::new();
    for (file, bytes) in files {
        if MANIFEST_EXTENSIONS.iter().any(|e| file.ends_with(e)) {
            out.extend(documents::parse_file(file, bytes)?);
        }
    }
    Ok(out)
}

/// Whether a relative path has a component starting with `.`.
fn is_hidden(rel: &str) -> bool {
    rel.split('/')
        .any(|c| c.starts_with('.') && c != "." && c != "..")
}

/// The Unsupported error for the first kustomization or chart among `files`.
fn refuse_other_kinds(files: &[(&str, &[u8])]) -> Result<(), RenderError> {
    for (file, _) in files {
        let name = file.rsplit('/').next().unwrap_or(file);
        if KUSTOMIZATION_FILES.contains(&name) {
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            return Err(RenderError::Unsupported(format!(
                "{file}: a kustomization inside a plain manifest folder; point the app at {dir:?} to build it, or at a folder of plain manifests"
            )));
        }
        if name == CHART_FILE {
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            return Err(RenderError::Unsupported(format!(
                "{file}: a Helm chart inside a plain manifest folder; point the app at {dir:?} to render the chart"
            )));
        }
    }
    Ok(())
}
