//! Reverting a commit (DESIGN.md §4 "Revert"): a three-way tree merge through
//! gix (base = the commit, ours = HEAD, theirs = the commit's parent) whose
//! result is committed on the checked-out branch, like `git revert`.
//!
//! Every check (branch checked out, plain non-root non-merge commit, no
//! conflict, something to change, no uncommitted work in the way) runs before
//! anything becomes visible: on refusal no reference, index or work-tree file
//! is touched. (The merge may leave unreferenced objects in the object
//! database, as `git merge-tree` does.)

mod worktree;

pub(crate) use worktree::is_under;

use super::{Repo, Signature, SourceError};
use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::merge::tree::TreatAsUnresolved;
use gix::object::tree::EntryMode;
use gix::refs::FullName;
use std::collections::{BTreeMap, BTreeSet};

/// The result of [`Repo::revert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertOutcome {
    /// Full id of the new revert commit.
    pub id: String,
    /// Full id of the reverted commit.
    pub reverted: String,
    /// First line of the reverted commit's message.
    pub summary: String,
    /// Repository paths the revert changed (added, modified or deleted).
    pub changed: Vec<String>,
}

/// One file a revert would change: path, content at HEAD (None = absent),
/// content after the revert (None = deleted).
pub type RevertChange = (String, Option<Vec<u8>>, Option<Vec<u8>>);

/// What [`Repo::revert`] would do, computed without writing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertPreview {
    /// Full id of the commit to revert.
    pub reverted: String,
    /// First line of its message.
    pub summary: String,
    /// The changed files, sorted by path.
    pub changes: Vec<RevertChange>,
}

/// A tree entry: its mode and object id.
type Entry = (EntryMode, ObjectId);

/// A checked revert, ready to be committed.
struct Plan {
    branch: FullName,
    head: ObjectId,
    tree: ObjectId,
    reverted: ObjectId,
    summary: String,
    /// Path, entry at HEAD, entry after the revert.
    changes: Vec<(String, Option<Entry>, Option<Entry>)>,
}

impl Repo {
    /// Reverts `commit` (any revision expression naming a commit) on the
    /// checked-out branch: commits the three-way merge of HEAD with the
    /// commit's parent over the commit itself, with the message
    /// `Revert "<summary>"\n\nThis reverts commit <id>.\n`, `author` as author
    /// and committer and HEAD as parent, then moves the branch and updates
    /// the changed files in the work tree and index (other index entries are
    /// kept as they are).
    ///
    /// Refuses, writing nothing, on: a detached or unborn HEAD, an unknown
    /// revision, a root or merge commit, merge conflicts (naming the paths),
    /// a revert that changes nothing, and uncommitted changes (modified,
    /// staged or untracked files) under `guard_path` (`""` = the whole
    /// repository) or in any file the revert changes.
    pub fn revert(
        &self,
        commit: &str,
        guard_path: &str,
        author: &Signature,
    ) -> Result<RevertOutcome, SourceError> {
        let repo = self.local();
        let plan = self.plan(&repo, commit, guard_path)?;
        let message = format!(
            "Revert \"{}\"\n\nThis reverts commit {}.\n",
            plan.summary, plan.reverted
        );
        let sig = gix::actor::Signature {
            name: author.name.as_str().into(),
            email: author.email.as_str().into(),
            time: gix::date::Time {
                seconds: author.time,
                offset: 0,
            },
        };
        let mut time_buf = gix::date::parse::TimeBuf::default();
        let sig_ref = sig.to_ref(&mut time_buf);
        // commit_as only moves the branch if it still points at plan.head.
        let id = repo
            .commit_as(
                sig_ref,
                sig_ref,
                plan.branch.clone(),
                message,
                plan.tree,
                [plan.head],
            )
            .map_err(self.git_err("writing the revert commit"))?
            .detach();
        self.check_out_plan(&repo, &plan)?;
        Ok(RevertOutcome {
            id: id.to_string(),
            reverted: plan.reverted.to_string(),
            summary: plan.summary,
            changed: plan.changes.into_iter().map(|(path, _, _)| path).collect(),
        })
    }

    /// What [`Repo::revert`] would change, with the same checks (so a
    /// refusal shows up before the user confirms), writing nothing.
    pub fn revert_preview(
        &self,
        commit: &str,
        guard_path: &str,
    ) -> Result<RevertPreview, SourceError> {
        let repo = self.local();
        let plan = self.plan(&repo, commit, guard_path)?;
        let content = |entry: &Option<Entry>| -> Result<Option<Vec<u8>>, SourceError> {
            match entry {
                Some((_, id)) => Ok(Some(self.blob_bytes(&repo, *id)?)),
                None => Ok(None),
            }
        };
        let changes = plan
            .changes
            .iter()
            .map(|(path, old, new)| Ok((path.clone(), content(old)?, content(new)?)))
            .collect::<Result<Vec<_>, SourceError>>()?;
        Ok(RevertPreview {
            reverted: plan.reverted.to_string(),
            summary: plan.summary,
            changes,
        })
    }

    /// Author and committer identity from the repository's Git
    /// configuration (`user.name`, `user.email`, including global and system
    /// files), stamped with the current time.
    pub fn signature_from_config(&self) -> Result<Signature, SourceError> {
        let repo = self.local();
        let config = repo.config_snapshot();
        let get = |key: &'static str| {
            config
                .string(key)
                .map(|v| v.to_str_lossy().trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| SourceError::NoIdentity {
                    repo: self.path.clone(),
                    key,
                })
        };
        let (name, email) = (get("user.name")?, get("user.email")?);
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Ok(Signature { name, email, time })
    }

    /// Runs every check and the merge; returns what to commit.
    fn plan(
        &self,
        repo: &gix::Repository,
        commit: &str,
        guard_path: &str,
    ) -> Result<Plan, SourceError> {
        let head = repo.head().map_err(self.git_err("reading HEAD"))?;
        let branch = match &head.kind {
            gix::head::Kind::Symbolic(r) => r.name.clone(),
            gix::head::Kind::Detached { .. } => {
                return Err(SourceError::DetachedHead {
                    repo: self.path.clone(),
                });
            }
            gix::head::Kind::Unborn(_) => {
                return Err(SourceError::UnknownRevision {
                    rev: "HEAD".to_string(),
                    repo: self.path.clone(),
                    detail: Some("the repository has no commits yet".to_string()),
                });
            }
        };
        let head_id = head
            .id()
            .ok_or_else(|| SourceError::DetachedHead {
                repo: self.path.clone(),
            })?
            .detach();
        let (reverted, _) = self.commit_of(repo, commit)?;
        let target = repo
            .find_commit(reverted)
            .map_err(self.git_err("reading a commit"))?;
        let parents: Vec<ObjectId> = target.parent_ids().map(|id| id.detach()).collect();
        let parent = match parents.as_slice() {
            [] => {
                return Err(SourceError::RootCommit {
                    commit: reverted.to_string(),
                    repo: self.path.clone(),
                });
            }
            [one] if !repo.has_object(*one) => {
                return Err(SourceError::ShallowParent {
                    commit: reverted.to_string(),
                    repo: self.path.clone(),
                });
            }
            [one] => *one,
            many => {
                return Err(SourceError::MergeCommit {
                    commit: reverted.to_string(),
                    repo: self.path.clone(),
                    parents: many.len(),
                });
            }
        };
        let message = target.message_raw_sloppy().to_str_lossy().into_owned();
        let summary = message
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();

        let tree_of = |id: ObjectId| -> Result<ObjectId, SourceError> {
            Ok(repo
                .find_commit(id)
                .and_then(|c| c.tree_id())
                .map_err(self.git_err("reading a commit"))?
                .detach())
        };
        let (base, ours, theirs) = (tree_of(reverted)?, tree_of(head_id)?, tree_of(parent)?);
        let tree = self.merge(repo, reverted, &summary, [base, ours, theirs])?;
        if tree == ours {
            return Err(SourceError::NothingToRevert {
                commit: reverted.to_string(),
                repo: self.path.clone(),
            });
        }
        let changes = diff_entries(&self.entries(repo, ours)?, &self.entries(repo, tree)?);
        self.check_clean(repo, guard_path, &changes)?;
        Ok(Plan {
            branch,
            head: head_id,
            tree,
            reverted,
            summary,
            changes,
        })
    }

    /// Merges `[base, ours, theirs]` trees; the written result tree, or the
    /// conflicting paths as an error.
    fn merge(
        &self,
        repo: &gix::Repository,
        reverted: ObjectId,
        summary: &str,
        [base, ours, theirs]: [ObjectId; 3],
    ) -> Result<ObjectId, SourceError> {
        let options = repo
            .tree_merge_options()
            .map_err(self.git_err("configuring the merge"))?;
        let short = super::short_id(&reverted.to_string());
        let (base_label, parent_label) = (
            format!("{short} ({summary})"),
            format!("parent of {short} ({summary})"),
        );
        let labels = gix::merge::blob::builtin_driver::text::Labels {
            ancestor: Some(base_label.as_bytes().as_bstr()),
            current: Some("HEAD".into()),
            other: Some(parent_label.as_bytes().as_bstr()),
        };
        let mut outcome = repo
            .merge_trees(base, ours, theirs, labels, options)
            .map_err(self.git_err("merging trees"))?;
        let conflicts: BTreeSet<String> = outcome
            .conflicts
            .iter()
            .filter(|c| c.is_unresolved(TreatAsUnresolved::git()))
            .flat_map(|c| [c.ours.location(), c.theirs.location()])
            .map(|p| p.to_str_lossy().into_owned())
            .collect();
        if !conflicts.is_empty() {
            return Err(SourceError::RevertConflict {
                commit: reverted.to_string(),
                repo: self.path.clone(),
                paths: conflicts.into_iter().collect(),
            });
        }
        Ok(outcome
            .tree
            .write()
            .map_err(self.git_err("writing the merged tree"))?
            .detach())
    }

    /// Every non-tree entry under tree `id`, by repository path (which
    /// must be UTF-8).
    fn entries(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
    ) -> Result<BTreeMap<String, Entry>, SourceError> {
        let mut recorder = gix::traverse::tree::Recorder::default();
        repo.find_tree(id)
            .map_err(self.git_err("reading a tree"))?
            .traverse()
            .breadthfirst(&mut recorder)
            .map_err(self.git_err("reading a tree"))?;
        recorder
            .records
            .into_iter()
            .filter(|e| !e.mode.is_tree())
            .map(|e| match e.filepath.to_str() {
                Ok(path) => Ok((path.to_string(), (e.mode, e.oid))),
                // Refuse rather than write a mangled name to the work tree.
                Err(_) => Err(SourceError::InvalidPath {
                    path: e.filepath.to_str_lossy().into_owned(),
                    repo: self.path.clone(),
                    reason: "it is not valid UTF-8, which revert does not support",
                }),
            })
            .collect()
    }

    fn blob_bytes(&self, repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, SourceError> {
        Ok(repo
            .find_blob(id)
            .map_err(self.git_err("reading a file"))?
            .take_data())
    }
}

/// Entries that differ between `old` and `new`, sorted by path.
fn diff_entries(
    old: &BTreeMap<String, Entry>,
    new: &BTreeMap<String, Entry>,
) -> Vec<(String, Option<Entry>, Option<Entry>)> {
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    paths
        .into_iter()
        .filter_map(|p| {
            let (o, n) = (old.get(p).copied(), new.get(p).copied());
            (o != n).then(|| (p.clone(), o, n))
        })
        .collect()
}
