//! Errors of rendering manifests, each one sentence naming the file (and
//! line where there is one).

/// Why a folder could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Nothing at all under the path in the given file tree.
    #[error("no files under {path:?} to render")]
    NotFound {
        /// The folder (or file) asked for.
        path: String,
    },
    /// A file could not be parsed as YAML or JSON.
    #[error("{file}:{line}: invalid {format}: {message}")]
    Syntax {
        /// Path of the file in the tree.
        file: String,
        /// 1-based line of the problem in the file.
        line: usize,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// The parser's message, without its own location.
        message: String,
    },
    /// A document parsed but is not a Kubernetes object.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// Path of the file in the tree.
        file: String,
        /// 1-based line where the offending document starts.
        line: usize,
        /// What is missing or wrong.
        message: String,
    },
    /// A file is not UTF-8 text.
    #[error("{file}: not UTF-8 text")]
    Encoding {
        /// Path of the file in the tree.
        file: String,
    },
    /// The folder needs a renderer tether does not have yet (Kustomize, Helm).
    #[error("{0}")]
    Unsupported(String),
    /// Rendering a Helm chart failed (missing binary, bad values, a
    /// template error); the message names the chart folder or file.
    #[error("{0}")]
    Helm(String),
    /// The kustomize binary could not be found, failed (its message
    /// follows the folder and the program) or ran past its deadline.
    #[error("{0}")]
    KustomizeBinary(String),
    /// A file of the tree could not be read (missing, a link out of the
    /// repository or in a loop, inside a submodule, over the read limit).
    #[error(transparent)]
    Tree(#[from] crate::model::TreeError),
    /// The render passed one of its limits (objects, bytes).
    #[error("{0}")]
    Limit(String),
    /// A file cannot be used as it is (a link out of the rendered folder).
    #[error("{file}: {message}")]
    File {
        /// Path of the file in the tree.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A Kustomize build failed (the message names the kustomization file
    /// and the entry).
    #[error(transparent)]
    Kustomize(#[from] super::kustomize::KustomizeError),
}
