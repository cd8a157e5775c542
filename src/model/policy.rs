//! `policies:` of tether.yaml (DESIGN.md §7): where the
//! ValidatingAdmissionPolicies and their bindings live in Git.

use super::Revision;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A folder of a Git checkout holding `ValidatingAdmissionPolicy` and
/// `ValidatingAdmissionPolicyBinding` objects (and the objects their
/// bindings take as params), rendered like an app's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicySource {
    /// Local Git checkout; resolved against the folder of tether.yaml.
    pub repo: PathBuf,
    /// Folder inside the repository (default: its root).
    #[serde(default)]
    pub path: String,
    /// Branch, tag, commit, `HEAD` (the default) or `WORKTREE`.
    #[serde(default)]
    pub revision: Revision,
}
