//! The rules of the Argo CD / Flux sections of tether.yaml (DESIGN.md §6):
//! `repos:`, `clusters:` and `import:`; and of `policies:` (§7), a Git
//! folder like an import's.

use super::validate::{Step, Violation};
use crate::model::{ClusterMapping, ImportSpec, PolicySource, RepoMapping};
use std::collections::HashMap;
use std::path::{Component, Path};

/// The first broken rule of the §6 sections, in document order. `no_apps`:
/// the file has no `apps:`, so it must import or watch something.
pub(crate) fn first_violation(
    repos: &[RepoMapping],
    clusters: &[ClusterMapping],
    import: &[ImportSpec],
    no_apps: bool,
) -> Option<Violation> {
    if no_apps && import.is_empty() && clusters.is_empty() {
        return Some(Violation::new(
            vec![Step::Key("apps")],
            "nothing to do: give \"apps\", \"import\" folders or \"clusters\" to watch".into(),
        ));
    }
    for (i, repo) in repos.iter().enumerate() {
        if repo.url.trim().is_empty() {
            return Some(Violation::new(
                vec![Step::Key("repos"), Step::Index(i), Step::Key("url")],
                "must not be empty (the Git URL as Argo CD or Flux objects name it)".into(),
            ));
        }
    }
    let mut contexts: HashMap<&str, usize> = HashMap::new();
    for (i, cluster) in clusters.iter().enumerate() {
        let at = |key| vec![Step::Key("clusters"), Step::Index(i), Step::Key(key)];
        if cluster.context.trim().is_empty() {
            return Some(Violation::new(
                at("context"),
                "must not be empty (a kubeconfig context)".into(),
            ));
        }
        if let Some(first) = contexts.insert(&cluster.context, i) {
            return Some(Violation::new(
                at("context"),
                format!(
                    "context {:?} is already listed at clusters[{first}]",
                    cluster.context
                ),
            ));
        }
        if let Some(server) = &cluster.server
            && !(server.starts_with("https://") || server.starts_with("http://"))
        {
            return Some(Violation::new(
                at("server"),
                format!("{server:?} is not an API server URL (https://host:port)"),
            ));
        }
    }
    for (i, entry) in import.iter().enumerate() {
        if let Some(problem) = folder_problem(&entry.path) {
            return Some(Violation::new(
                vec![Step::Key("import"), Step::Index(i), Step::Key("path")],
                problem,
            ));
        }
    }
    None
}

/// The broken rule of `policies:`, if any: its path must stay inside the
/// repository.
pub(crate) fn policies_violation(policies: Option<&PolicySource>) -> Option<Violation> {
    let problem = folder_problem(&policies?.path)?;
    Some(Violation::new(
        vec![Step::Key("policies"), Step::Key("path")],
        problem,
    ))
}

/// Why `path` is not a folder inside a repository (absolute, or with `..`).
fn folder_problem(path: &str) -> Option<String> {
    Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| {
            format!("path {path:?} must be a folder inside the repository (relative, without ..)")
        })
}
