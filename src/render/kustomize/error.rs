//! Errors of a Kustomize build, each naming the kustomization file (or the
//! resource file) and the offending entry.

/// Why a kustomization could not be built. No partial output is produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KustomizeError {
    /// A file or folder named by a kustomization is not in the tree.
    #[error("{kustomization}: {field} entry {entry:?}: no such file or folder")]
    Missing {
        /// The kustomization file naming the entry.
        kustomization: String,
        /// The field (`resources`, `patches`, …).
        field: &'static str,
        /// The entry as written.
        entry: String,
    },
    /// An entry that names something tether refuses to read (absolute,
    /// outside the repository or the kustomization's folder, a link loop,
    /// a submodule).
    #[error("{kustomization}: {field} entry {entry:?}: {reason}")]
    Entry {
        /// The kustomization file naming the entry.
        kustomization: String,
        /// The field (`resources`, `patches`, …).
        field: &'static str,
        /// The entry as written.
        entry: String,
        /// Why it is refused.
        reason: String,
    },
    /// The build passed a limit of the render (objects, bytes).
    #[error("{kustomization}: {message}")]
    Limit {
        /// The kustomization whose level passed it.
        kustomization: String,
        /// Which limit, and by how much.
        message: String,
    },
    /// A remote (URL or git) resource; tether renders only what is in the tree.
    #[error(
        "{kustomization}: {field} entry {entry:?} is remote; tether does not fetch remote bases (vendor it into the repository)"
    )]
    Remote {
        /// The kustomization file naming the entry.
        kustomization: String,
        /// The field naming it.
        field: &'static str,
        /// The URL as written.
        entry: String,
    },
    /// The kustomization file itself is malformed (syntax, unknown field).
    #[error("{file}: invalid kustomization: {message}")]
    Invalid {
        /// The kustomization file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A resource or patch file could not be read.
    #[error("{file}: {message}")]
    File {
        /// The file that failed.
        file: String,
        /// What is wrong (with its line when known).
        message: String,
    },
    /// Two resources with the same kind, namespace and name.
    #[error("{kustomization}: may not add resource with an already registered id: {id}")]
    Duplicate {
        /// The kustomization accumulating the resource.
        kustomization: String,
        /// `Kind.group/namespace/name` of the duplicate.
        id: String,
    },
    /// A kustomization includes itself through its bases.
    #[error("{kustomization}: cycle in bases: {path}")]
    Cycle {
        /// The kustomization where the cycle closed.
        kustomization: String,
        /// The chain of folders.
        path: String,
    },
    /// A transformation (patch, generator, replacement…) failed.
    #[error("{kustomization}: {message}")]
    Transform {
        /// The kustomization declaring the transformation.
        kustomization: String,
        /// What failed, naming the entry.
        message: String,
    },
    /// A file could not be read (over the read limit, I/O).
    #[error(transparent)]
    Tree(#[from] crate::model::TreeError),
    /// A resource file is not valid YAML/JSON or not a Kubernetes object.
    #[error("{0}")]
    Parse(Box<crate::render::RenderError>),
}

impl KustomizeError {
    /// A [`KustomizeError::Transform`] of the kustomization `file`.
    pub(crate) fn transform(file: &str, message: String) -> Self {
        KustomizeError::Transform {
            kustomization: file.to_string(),
            message,
        }
    }
}
