//! Git through gix (DESIGN.md §1 `source`): open a local checkout, resolve
//! revisions, read a commit's files into memory without checking out, read
//! the work tree, list the commits touching a path, and write commits (for
//! the demo repository, tests and revert). No `git` binary is used.
//!
//! ```
//! use tether::model::Revision;
//! use tether::source::{Repo, Signature, init_repo};
//! let dir = tempfile::tempdir().unwrap();
//! let repo = init_repo(dir.path()).unwrap();
//! let me = Signature::new("Ann", "ann@example.com", 1_700_000_000);
//! let files = [("app/cm.yaml".to_string(), Some(b"kind: ConfigMap\n".to_vec()))];
//! let id = repo.commit_files("main", &files, "add app", &me).unwrap();
//! let tree = repo.read_tree(&Revision::default(), "app").unwrap();
//! assert_eq!(tree.get("app/cm.yaml"), Some(&b"kind: ConfigMap\n"[..]));
//! assert_eq!(repo.resolve(&Revision::default()).unwrap().id, id);
//! ```

mod checkout;
mod error;
mod log;
mod resolve;
mod revert;
mod tree;
mod write;

pub use error::SourceError;
pub use log::PathLog;
pub use revert::{RevertChange, RevertOutcome, RevertPreview};
pub(crate) use tree::normalize as normalize_path;
pub use tree::read_folder;
pub use write::init_repo;

use std::path::{Path, PathBuf};

/// A local Git repository (a checkout with a work tree, or bare).
///
/// Cheap to clone and shareable between threads; every operation opens a
/// thread-local handle on the shared repository.
#[derive(Clone)]
pub struct Repo {
    path: PathBuf,
    inner: gix::ThreadSafeRepository,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("path", &self.path).finish()
    }
}

/// A revision resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResolvedRevision {
    /// The full 40-hex commit id, or `WORKTREE`.
    pub id: String,
    /// The first 7 characters of the id (`WORKTREE` for the work tree).
    pub short: String,
    /// The reference the revision went through, e.g. `refs/heads/main` for
    /// `HEAD` or `main`, `refs/tags/v1` for a tag; None for commit ids and a
    /// detached HEAD.
    pub reference: Option<String>,
}

/// One commit of a path's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// First 7 characters of the id.
    pub short: String,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author time, RFC 3339 with the author's UTC offset.
    pub time: String,
    /// First line of the message.
    pub summary: String,
}

/// Author and committer of a commit tether writes, with an explicit time so
/// tests and the demo control timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Name, e.g. `Ann Example`.
    pub name: String,
    /// Email, e.g. `ann@example.com`.
    pub email: String,
    /// Seconds since the Unix epoch (UTC).
    pub time: i64,
}

impl Signature {
    /// A signature at `time` (seconds since the Unix epoch, UTC).
    pub fn new(name: &str, email: &str, time: i64) -> Self {
        Self {
            name: name.to_string(),
            email: email.to_string(),
            time,
        }
    }
}

impl Repo {
    /// Opens the repository at `path` (its work tree or its `.git` folder;
    /// no search in parent folders).
    pub fn open(path: impl AsRef<Path>) -> Result<Repo, SourceError> {
        let path = path.as_ref().to_path_buf();
        if !path.exists() {
            return Err(SourceError::RepoNotFound { repo: path });
        }
        let inner = gix::ThreadSafeRepository::open(&path).map_err(|e| {
            let message = e.to_string();
            SourceError::NotARepo {
                repo: path.clone(),
                detail: (!message.contains("does not appear to be a git repository"))
                    .then_some(message),
            }
        })?;
        Ok(Repo { path, inner })
    }

    /// The path the repository was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The work tree folder, None for a bare repository.
    pub fn work_dir(&self) -> Option<PathBuf> {
        self.local().workdir().map(Path::to_path_buf)
    }

    /// The fetch URLs of the repository's remotes (`origin` first), as
    /// written in its Git config.
    pub fn remote_urls(&self) -> Vec<String> {
        let repo = self.local();
        let mut names: Vec<String> = repo.remote_names().iter().map(|n| n.to_string()).collect();
        names.sort_by_key(|n| (n != "origin", n.clone()));
        names
            .iter()
            .filter_map(|name| repo.find_remote(name.as_str()).ok())
            .filter_map(|remote| {
                remote
                    .url(gix::remote::Direction::Fetch)
                    .map(|u| u.to_bstring().to_string())
            })
            .collect()
    }

    fn local(&self) -> gix::Repository {
        self.inner.to_thread_local()
    }

    /// A [`SourceError::Git`] for this repository.
    fn git_err(&self, action: &'static str) -> impl FnOnce(gix::Error) -> SourceError + '_ {
        move |e| SourceError::Git {
            repo: self.path.clone(),
            action,
            message: e.to_string(),
        }
    }
}

/// The first 7 characters of a hex id.
fn short_id(id: &str) -> String {
    id.chars().take(7).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn repo_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<super::Repo>();
    }
}
