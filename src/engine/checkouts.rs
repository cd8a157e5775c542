//! Repository contents for Argo CD's renderers, read from local
//! checkouts: what Argo CD's repo-server answers from its clones, here
//! from the checkout each `repoURL` maps to (tether.yaml `repos:` and the
//! remotes of the configured checkouts, compared by
//! [`crate::argocd::same_repo`]), at the revision asked for, through
//! [`crate::source::Repo`].

use crate::argocd::{RepoSource, same_repo};
use crate::model::{FileTree, RepoMapping, Revision};
use crate::source::Repo;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Local checkouts as an Argo CD [`RepoSource`]. Trees are read whole (a
/// kustomization may reach any folder of its repository) and kept per
/// commit for the lifetime of the value.
#[derive(Debug, Default)]
pub struct CheckoutRepos {
    mappings: Vec<RepoMapping>,
    /// A `(repoURL, targetRevision)` read at another revision: the app's
    /// source at the revision a command asked for (`--revision`, or the
    /// commit its own revision resolved to).
    pinned: Option<(String, String, Revision)>,
    trees: Mutex<HashMap<(PathBuf, String), Arc<FileTree>>>,
}

impl CheckoutRepos {
    /// Checkouts by URL (`repos:`-style entries).
    pub fn new(mappings: Vec<RepoMapping>) -> Self {
        Self {
            mappings,
            ..Self::default()
        }
    }

    /// Reads `repo_url` at `revision` whenever `target_revision` of it is
    /// asked for.
    pub fn pin(mut self, repo_url: &str, target_revision: &str, revision: Revision) -> Self {
        self.pinned = Some((repo_url.to_string(), target_revision.to_string(), revision));
        self
    }

    /// The checkout of `repo_url` and the revision to read for `revision`.
    fn locate(&self, repo_url: &str, revision: &str) -> Result<(Repo, Revision), String> {
        let mapping = self
            .mappings
            .iter()
            .find(|m| same_repo(&m.url, repo_url))
            .ok_or_else(|| {
                format!(
                    "repository {repo_url} has no local checkout: add `repos: [{{url: {repo_url}, path: ./CHECKOUT}}]` to tether.yaml"
                )
            })?;
        let repo = Repo::open(&mapping.path).map_err(|e| e.to_string())?;
        let revision = match &self.pinned {
            Some((url, target, pinned))
                if same_repo(url, repo_url) && same_target(target, revision) =>
            {
                pinned.clone()
            }
            _ => crate::import::git_revision(revision),
        };
        Ok((repo, revision))
    }
}

/// `HEAD` and an empty target revision are the same.
fn same_target(a: &str, b: &str) -> bool {
    let norm = |r: &str| match r.trim() {
        "" => "HEAD".to_string(),
        other => other.to_string(),
    };
    norm(a) == norm(b)
}

impl RepoSource for CheckoutRepos {
    fn tree(&self, repo_url: &str, revision: &str) -> Result<Arc<FileTree>, String> {
        let (repo, revision) = self.locate(repo_url, revision)?;
        let resolved = repo.resolve(&revision).map_err(|e| e.to_string())?;
        let key = (repo.path().to_path_buf(), resolved.id.clone());
        let cacheable = revision != Revision::WorkTree;
        if cacheable
            && let Ok(trees) = self.trees.lock()
            && let Some(tree) = trees.get(&key)
        {
            return Ok(Arc::clone(tree));
        }
        let read_at = if cacheable {
            Revision::Git(resolved.id)
        } else {
            Revision::WorkTree
        };
        let tree = Arc::new(repo.read_tree(&read_at, "").map_err(|e| e.to_string())?);
        if cacheable && let Ok(mut trees) = self.trees.lock() {
            trees.insert(key, Arc::clone(&tree));
        }
        Ok(tree)
    }

    fn revision(&self, repo_url: &str, revision: &str) -> Result<String, String> {
        let (repo, revision) = self.locate(repo_url, revision)?;
        repo.resolve(&revision)
            .map(|r| r.id)
            .map_err(|e| e.to_string())
    }
}
