//! The commits that changed a path, newest first (`git log -- PATH`).

use super::{CommitInfo, Repo, SourceError, short_id};
use crate::model::Revision;
use gix::revision::walk::Sorting;
use gix::traverse::commit::simple::CommitTimeOrder;

/// The commits that changed a path, and where a shallow clone cut the
/// history short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathLog {
    /// Newest first.
    pub commits: Vec<CommitInfo>,
    /// The oldest commit of a shallow clone met on the way (full id): its
    /// parents are not in the repository, so whether it changed the path
    /// cannot be told, and nothing older is listed.
    pub shallow_boundary: Option<String>,
}

impl Repo {
    /// [`Repo::log_path_bounded`] without the shallow boundary.
    pub fn log_path(
        &self,
        rev: &Revision,
        path: &str,
        limit: usize,
    ) -> Result<Vec<CommitInfo>, SourceError> {
        Ok(self.log_path_bounded(rev, path, limit)?.commits)
    }

    /// Up to `limit` commits reachable from `rev` that changed anything under
    /// `path` (`""` = the whole repository), newest first by commit time.
    ///
    /// A commit touches the path when the tree (or blob) id at `path`
    /// differs from the one in its first parent, or when it is a root commit
    /// holding the path. Unlike `git log -- PATH`, merges are not simplified
    /// away: every reachable commit is considered, each against its first
    /// parent. For linear histories both agree. [`Revision::WorkTree`] lists
    /// the history of HEAD.
    ///
    /// In a shallow clone (`git clone --depth N`, git-sync's default) the
    /// walk stops at the clone's boundary commits, which are left out and
    /// reported in [`PathLog::shallow_boundary`].
    pub fn log_path_bounded(
        &self,
        rev: &Revision,
        path: &str,
        limit: usize,
    ) -> Result<PathLog, SourceError> {
        let spec = match rev {
            Revision::Git(spec) => spec.as_str(),
            Revision::WorkTree => "HEAD",
        };
        let path = super::tree::normalize(path);
        let repo = self.local();
        let (tip, _) = self.commit_of(&repo, spec)?;
        let walk = repo
            .rev_walk([tip])
            .sorting(Sorting::ByCommitTime(CommitTimeOrder::NewestFirst))
            .all()
            .map_err(self.git_err("walking the history"))?;
        let shallow: Vec<gix::ObjectId> = repo
            .shallow_commits()
            .map_err(self.git_err("reading the shallow file"))?
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut boundary = None;
        for info in walk {
            if out.len() >= limit {
                break;
            }
            let info = info.map_err(self.git_err("walking the history"))?;
            if shallow.contains(&info.id) {
                boundary.get_or_insert_with(|| info.id.to_string());
                continue;
            }
            let commit = info.object().map_err(self.git_err("reading a commit"))?;
            let here = self.id_at(&repo, commit.id, &path)?;
            let before = match commit.parent_ids().next() {
                Some(parent) => self.id_at(&repo, parent.detach(), &path)?,
                None => None,
            };
            if here != before {
                out.push(self.commit_info(&commit)?);
            }
        }
        Ok(PathLog {
            commits: out,
            shallow_boundary: boundary,
        })
    }

    /// The id of the tree or blob at `path` in commit `id`, None if absent.
    fn id_at(
        &self,
        repo: &gix::Repository,
        id: gix::ObjectId,
        path: &str,
    ) -> Result<Option<gix::ObjectId>, SourceError> {
        let tree = repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .map_err(self.git_err("reading a commit"))?;
        if path.is_empty() {
            return Ok(Some(tree.id));
        }
        let entry = tree
            .lookup_entry_by_path(path)
            .map_err(self.git_err("reading a tree"))?;
        Ok(entry.map(|e| e.object_id()))
    }

    fn commit_info(&self, commit: &gix::Commit<'_>) -> Result<CommitInfo, SourceError> {
        let author = commit.author().map_err(self.git_err("reading a commit"))?;
        let time = author.time().map_err(|e| SourceError::Git {
            repo: self.path.clone(),
            action: "reading a commit time",
            message: e.to_string(),
        })?;
        let message = commit.message().map_err(self.git_err("reading a commit"))?;
        let id = commit.id.to_string();
        Ok(CommitInfo {
            short: short_id(&id),
            id,
            author: format!("{} <{}>", author.name, author.email),
            time: rfc3339(time.seconds, time.offset),
            summary: message.summary().to_string(),
        })
    }
}

/// `seconds` since the epoch at UTC offset `offset` (seconds east) as RFC
/// 3339, e.g. `2023-11-14T22:13:20+01:00`; UTC is written `Z`.
pub(crate) fn rfc3339(seconds: i64, offset: i32) -> String {
    let utc = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    match chrono::FixedOffset::east_opt(offset) {
        Some(tz) if offset != 0 => utc.with_timezone(&tz).to_rfc3339(),
        _ => utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_times_with_their_offset() {
        assert_eq!(rfc3339(1_700_000_000, 0), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(1_700_000_000, 3600), "2023-11-14T23:13:20+01:00");
    }
}
