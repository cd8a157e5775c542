//! The checkout a promotion writes to: its branch and whether a path of
//! it has uncommitted changes.

use super::{Repo, SourceError, tree::normalize};

impl Repo {
    /// The short name of the checked-out branch (`main`); an error on a
    /// detached or unborn HEAD.
    pub fn head_branch(&self) -> Result<String, SourceError> {
        let repo = self.local();
        let head = repo.head().map_err(self.git_err("reading HEAD"))?;
        match &head.kind {
            gix::head::Kind::Symbolic(r) => Ok(r.name.shorten().to_string()),
            gix::head::Kind::Detached { .. } => Err(SourceError::DetachedHead {
                repo: self.path.clone(),
            }),
            gix::head::Kind::Unborn(_) => Err(SourceError::UnknownRevision {
                rev: "HEAD".to_string(),
                repo: self.path.clone(),
                detail: Some("the repository has no commits yet".to_string()),
            }),
        }
    }

    /// Refuses, naming the files, when anything under one of `paths`
    /// (repository paths; `""` = everything) is modified, staged or
    /// untracked.
    pub fn require_clean(&self, paths: &[String]) -> Result<(), SourceError> {
        let repo = self.local();
        if repo.workdir().is_none() {
            return Ok(());
        }
        let guards: Vec<String> = paths.iter().map(|p| normalize(p)).collect();
        let files: Vec<String> = self
            .dirty_paths(&repo)?
            .into_iter()
            .filter(|d| guards.iter().any(|g| super::revert::is_under(d, g)))
            .collect();
        if files.is_empty() {
            return Ok(());
        }
        let scope = match guards.as_slice() {
            [one] if one.is_empty() => "in the work tree".to_string(),
            [one] => format!("under {one:?}"),
            many => format!("under {}", many.join(", ")),
        };
        Err(SourceError::DirtyWorkTree {
            repo: self.path.clone(),
            scope,
            files,
        })
    }
}
