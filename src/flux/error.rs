//! Errors of the Flux layer, each naming the Flux object (`Kustomization
//! flux-system/apps`) and what about it failed.

use crate::render::RenderError;

/// Why a Flux object could not be turned into objects to apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FluxError {
    /// The object is malformed, or uses a field tether does not support.
    #[error("{object}: {message}")]
    Spec {
        /// `Kind namespace/name` of the Flux object.
        object: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A ConfigMap or Secret the object reads is missing or unusable.
    #[error("{object}: {message}")]
    Reference {
        /// `Kind namespace/name` of the Flux object.
        object: String,
        /// Which reference and why (never a secret value).
        message: String,
    },
    /// `spec.path` (or the chart path) is not in the source artifact.
    #[error("{object}: {what} not found in the source artifact: {path:?}")]
    PathNotFound {
        /// `Kind namespace/name` of the Flux object.
        object: String,
        /// `kustomization path`, `chart path`, …
        what: &'static str,
        /// The path as resolved inside the artifact.
        path: String,
    },
    /// Building the manifests failed (kustomize, helm, a manifest file).
    #[error("{object}: {source}")]
    Render {
        /// `Kind namespace/name` of the Flux object.
        object: String,
        /// The renderer's error, naming the file.
        source: RenderError,
    },
    /// Post-build substitution failed for one rendered object.
    #[error("{object}: post build failed for {resource}: {message}")]
    PostBuild {
        /// `Kind namespace/name` of the Flux object.
        object: String,
        /// `Kind/name` of the rendered object.
        resource: String,
        /// Flux's message (`variable not set (strict mode): "x"`).
        message: String,
    },
}
