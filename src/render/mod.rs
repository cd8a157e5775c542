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
pub(crate) mod documents;
mod error;
mod fold;
pub(crate) mod go_json;
pub mod helm;
pub mod kustomize;
pub mod kustomize_binary;
mod namespace;
mod output;
pub mod process;
mod requote;
pub(crate) mod scalars;

pub use detect::{CHART_FILE, KUSTOMIZATION_FILES, SourceKind, detect};
pub(crate) use documents::{bad_name, parse_file};
pub use error::RenderError;
pub use helm::HelmOptions;
pub use namespace::set_default_namespace;
pub use output::to_yaml_stream;

use crate::model::{EntryKind, FileTree, KustomizeMode, RenderLimits};
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

/// Options of renderers that take them (Helm, Kustomize), and the limits
/// of the render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderOptions {
    /// Used when the folder is a Helm chart; the release name defaults to
    /// the folder's name.
    pub helm: Option<HelmOptions>,
    /// How a Kustomize root is built.
    pub kustomize: KustomizeMode,
    /// The load restrictor, object and size limits, external process limits.
    pub limits: RenderLimits,
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
    let real = tree.resolve_links(path)?;
    let objects = render_kind(tree, &real, options)?;
    check_output(&objects, &options.limits)?;
    Ok(objects)
}

fn render_kind(
    tree: &FileTree,
    path: &str,
    options: &RenderOptions,
) -> Result<Vec<Value>, RenderError> {
    match detect(tree, path) {
        SourceKind::Kustomize => match options.kustomize {
            KustomizeMode::Native => Ok(kustomize::build_with(tree, path, &options.limits)?),
            KustomizeMode::Binary => kustomize_binary::build(tree, path, &options.limits),
        },
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
            helm::template_limited(tree, path, &helm, &options.limits)
        }
        SourceKind::Plain => render_plain(tree, path),
    }
}

/// Refuses a render that produced more objects, or more bytes of them as
/// JSON, than [`RenderLimits`] allow.
fn check_output(objects: &[Value], limits: &RenderLimits) -> Result<(), RenderError> {
    if objects.len() > limits.max_objects {
        return Err(RenderError::Limit(format!(
            "the render produced {} objects, more than the {} allowed (render.maxObjects)",
            objects.len(),
            limits.max_objects
        )));
    }
    let bytes = json_size(objects.iter());
    if bytes > limits.max_output_bytes {
        return Err(RenderError::Limit(format!(
            "the render produced {bytes} bytes of objects (as JSON), more than the {} allowed (render.maxOutputBytes)",
            limits.max_output_bytes
        )));
    }
    Ok(())
}

/// The size of `objects` written as compact JSON, counted without
/// writing them.
pub(crate) fn json_size<'a>(objects: impl Iterator<Item = &'a Value>) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    for object in objects {
        let _ = serde_json::to_writer(&mut count, object);
    }
    count.0
}

/// The objects of the plain folder (or file) `path`.
fn render_plain(tree: &FileTree, path: &str) -> Result<Vec<Value>, RenderError> {
    match tree.kind(path) {
        None => {
            return Err(RenderError::NotFound {
                path: path.to_string(),
            });
        }
        Some(EntryKind::Folder) => {}
        Some(_) => return documents::parse_file(path, tree.read(path)?),
    }
    let files: Vec<&str> = tree
        .under(path)
        .filter(|p| !is_hidden(&p[path.len()..]))
        .collect();
    refuse_other_kinds(&files)?;
    let mut out = Vec::new();
    for file in files {
        if !MANIFEST_EXTENSIONS.iter().any(|e| file.ends_with(e)) {
            continue;
        }
        match tree.kind(file) {
            Some(EntryKind::File) => {}
            Some(EntryKind::Link) => {
                if !followed_link(tree, path, file)? {
                    continue;
                }
            }
            // Submodules are not part of the tree (README: submodules).
            _ => continue,
        }
        out.extend(documents::parse_file(file, tree.read(file)?)?);
    }
    Ok(out)
}

/// Whether the link `file` of the plain folder `root` is read: a link to
/// a file inside the folder is; a link to a folder is skipped (as a
/// folder walk skips it); anything else is an error naming the link.
fn followed_link(tree: &FileTree, root: &str, file: &str) -> Result<bool, RenderError> {
    let real = tree.resolve_links(file)?;
    if !within(&real, root) {
        return Err(RenderError::File {
            file: file.to_string(),
            message: format!(
                "symbolic link to {real:?}, outside the folder {root:?} being rendered; tether does not follow links out of it (move the file into the folder)"
            ),
        });
    }
    match tree.kind(&real) {
        Some(EntryKind::Folder) => Ok(false),
        Some(EntryKind::File) => Ok(true),
        _ => Err(match tree.dangling_link(file) {
            Some(e) => e.into(),
            None => RenderError::NotFound {
                path: file.to_string(),
            },
        }),
    }
}

/// Whether tree path `path` is `dir` or below it.
pub(crate) fn within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a relative path has a component starting with `.`.
fn is_hidden(rel: &str) -> bool {
    rel.split('/')
        .any(|c| c.starts_with('.') && c != "." && c != "..")
}

/// The Unsupported error for the first kustomization or chart among `files`.
fn refuse_other_kinds(files: &[&str]) -> Result<(), RenderError> {
    for file in files {
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
