//! Errors of the Git layer, each one sentence naming the repository (and the
//! revision and path where they matter).

use std::path::PathBuf;

/// Why a Git operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The repository path does not exist.
    #[error("repository {} does not exist", repo.display())]
    RepoNotFound {
        /// The path given.
        repo: PathBuf,
    },
    /// The path exists but is not a Git repository.
    #[error("{} is not a Git repository{}", repo.display(), detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    NotARepo {
        /// The path given.
        repo: PathBuf,
        /// gix's reason when it says more than "not a repository".
        detail: Option<String>,
    },
    /// The revision names nothing in the repository.
    #[error("revision {rev:?} not found in repository {}{}", repo.display(), detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// The repository.
        repo: PathBuf,
        /// More about why, when there is something useful to say (ambiguous
        /// short id, no commits yet).
        detail: Option<String>,
    },
    /// The revision names an object that is not a commit (a tree or blob).
    #[error("revision {rev:?} of repository {} names a {kind}, not a commit", repo.display())]
    NotACommit {
        /// The revision as given.
        rev: String,
        /// The repository.
        repo: PathBuf,
        /// The kind of object it names (`tree`, `blob`).
        kind: String,
    },
    /// The path does not exist at the revision.
    #[error("path {path:?} does not exist at revision {rev} of repository {}", repo.display())]
    PathNotFound {
        /// The folder or file inside the repository.
        path: String,
        /// The revision as given.
        rev: String,
        /// The repository.
        repo: PathBuf,
    },
    /// A path given for writing is not a plain relative path in the repository.
    #[error("invalid path {path:?} for repository {}: {reason}", repo.display())]
    InvalidPath {
        /// The path as given.
        path: String,
        /// The repository.
        repo: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The branch name is not a valid Git reference name.
    #[error("invalid branch name {branch:?} for repository {}", repo.display())]
    InvalidBranch {
        /// The branch as given.
        branch: String,
        /// The repository.
        repo: PathBuf,
    },
    /// The repository has no work tree (bare) but one is needed.
    #[error("repository {} has no work tree", repo.display())]
    NoWorkTree {
        /// The repository.
        repo: PathBuf,
    },
    /// Reading or writing a work-tree file failed.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other failure inside gix (corrupt objects, locked refs, …).
    #[error("Git error in repository {} while {action}: {message}", repo.display())]
    Git {
        /// The repository.
        repo: PathBuf,
        /// What tether was doing.
        action: &'static str,
        /// gix's message.
        message: String,
    },
    /// HEAD is detached, so there is no checked-out branch to commit on.
    #[error("HEAD of repository {} is detached; check out a branch before reverting", repo.display())]
    DetachedHead {
        /// The repository.
        repo: PathBuf,
    },
    /// The commit to revert has no parent, so there is nothing to go back to.
    #[error("commit {commit} of repository {} is a root commit: it has no parent to revert to", repo.display())]
    RootCommit {
        /// Full id of the commit.
        commit: String,
        /// The repository.
        repo: PathBuf,
    },
    /// The commit to revert is the edge of a shallow clone: its parent is
    /// not in the repository.
    #[error("cannot revert commit {commit} of repository {}: its parent is not in the repository, which is a shallow clone; fetch more history (git fetch --deepen=1) first", repo.display())]
    ShallowParent {
        /// Full id of the commit.
        commit: String,
        /// The repository.
        repo: PathBuf,
    },
    /// The commit to revert is a merge; choosing a mainline parent is not supported.
    #[error("commit {commit} of repository {} is a merge commit with {parents} parents; reverting merges needs a mainline parent, which tether does not support", repo.display())]
    MergeCommit {
        /// Full id of the commit.
        commit: String,
        /// The repository.
        repo: PathBuf,
        /// How many parents it has.
        parents: usize,
    },
    /// The revert conflicts with later changes; nothing was written.
    #[error("reverting commit {commit} in repository {} conflicts with later changes to {}; nothing was written", repo.display(), paths.join(", "))]
    RevertConflict {
        /// Full id of the commit.
        commit: String,
        /// The repository.
        repo: PathBuf,
        /// The conflicting paths.
        paths: Vec<String>,
    },
    /// Reverting would not change HEAD (for example, it was already reverted).
    #[error("nothing to revert: HEAD of repository {} already matches the state before commit {commit} (already reverted?)", repo.display())]
    NothingToRevert {
        /// Full id of the commit.
        commit: String,
        /// The repository.
        repo: PathBuf,
    },
    /// Uncommitted changes (modified, staged or untracked files) block a write.
    #[error("repository {} has uncommitted changes {scope}: {}; commit or stash them first, nothing was written", repo.display(), files.join(", "))]
    DirtyWorkTree {
        /// The repository.
        repo: PathBuf,
        /// Where, e.g. `under "apps/web"` or `in files the revert changes`.
        scope: String,
        /// The dirty paths.
        files: Vec<String>,
    },
    /// No author identity is configured.
    #[error("no Git identity for repository {}: {key} is not set (set it with `git config {key} ...`)", repo.display())]
    NoIdentity {
        /// The repository.
        repo: PathBuf,
        /// The missing key, `user.name` or `user.email`.
        key: &'static str,
    },
}
