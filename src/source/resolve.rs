//! Revisions to commits: HEAD, branches, tags (annotated tags peeled),
//! full and short commit ids, and the rest of `git rev-parse` syntax.

use super::{Repo, ResolvedRevision, SourceError, short_id};
use crate::model::Revision;
use gix::bstr::ByteSlice;

/// The id shown for work-tree "revisions".
pub(crate) const WORKTREE: &str = "WORKTREE";

impl Repo {
    /// The commit `rev` names (with the reference it went through), or
    /// `WORKTREE` for [`Revision::WorkTree`].
    pub fn resolve(&self, rev: &Revision) -> Result<ResolvedRevision, SourceError> {
        let spec = match rev {
            Revision::WorkTree => {
                return Ok(ResolvedRevision {
                    id: WORKTREE.to_string(),
                    short: WORKTREE.to_string(),
                    reference: None,
                });
            }
            Revision::Git(spec) => spec,
        };
        let repo = self.local();
        let (id, reference) = self.commit_of(&repo, spec)?;
        let id = id.to_string();
        Ok(ResolvedRevision {
            short: short_id(&id),
            id,
            reference,
        })
    }

    /// The commit id of a Git revision expression and the full name of the
    /// reference it went through (HEAD reported as the branch it points to).
    pub(crate) fn commit_of(
        &self,
        repo: &gix::Repository,
        spec: &str,
    ) -> Result<(gix::ObjectId, Option<String>), SourceError> {
        let unknown = |detail: Option<String>| SourceError::UnknownRevision {
            rev: spec.to_string(),
            repo: self.path.clone(),
            detail,
        };
        if spec.trim().is_empty() || spec.starts_with('-') {
            return Err(unknown(None));
        }
        let parsed = repo.rev_parse(spec.as_bytes().as_bstr()).map_err(|e| {
            let unborn = repo.head().is_ok_and(|h| h.is_unborn());
            match useful_detail(&e.to_string()) {
                Some(detail) => unknown(Some(detail)),
                None if unborn => unknown(Some("the repository has no commits yet".into())),
                None => unknown(None),
            }
        })?;
        let id = parsed.single().ok_or_else(|| unknown(None))?;
        let object = id.object().map_err(self.git_err("reading an object"))?;
        let kind = object.kind;
        let commit = object
            .peel_to_commit()
            .map_err(|_| SourceError::NotACommit {
                rev: spec.to_string(),
                repo: self.path.clone(),
                kind: kind.to_string(),
            })?;
        let reference = match parsed.first_reference() {
            Some(r) if r.name.as_bstr() == "HEAD" => repo
                .head_name()
                .map_err(self.git_err("reading HEAD"))?
                .map(|n| n.as_bstr().to_string()),
            Some(r) => Some(r.name.as_bstr().to_string()),
            None => None,
        };
        Ok((commit.id, reference))
    }
}

/// gix's message when it helps a user (an ambiguous short id), else None:
/// "not found" needs no further detail.
fn useful_detail(message: &str) -> Option<String> {
    message
        .to_lowercase()
        .contains("ambiguous")
        .then(|| message.to_string())
}
