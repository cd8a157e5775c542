//! Writing: new repositories and commits built through gix (no `git`
//! binary), used by the demo repository, tests and revert.

use super::{Repo, Signature, SourceError, tree::normalize};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit};
use gix::refs::{FullName, Target};
use std::path::{Path, PathBuf};

/// Creates a new repository with a work tree at `path` (creating the folder
/// if needed) and opens it. HEAD is unborn until the first
/// [`Repo::commit_files`], which points it at that commit's branch.
pub fn init_repo(path: impl AsRef<Path>) -> Result<Repo, SourceError> {
    let path = path.as_ref();
    std::fs::create_dir_all(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    gix::init(path).map_err(|e| SourceError::Git {
        repo: path.to_path_buf(),
        action: "creating the repository",
        message: e.to_string(),
    })?;
    Repo::open(path)
}

impl Repo {
    /// Commits `changes` (repository path → new content, None = delete the
    /// file or folder) on top of `branch` and moves the branch to the new
    /// commit, which is returned (40-hex id). The first commit on a branch
    /// creates it; if HEAD is unborn it then points at `refs/heads/<branch>`.
    ///
    /// When HEAD points at `branch` (it is checked out), the changed files
    /// are also written to (or removed from) the work tree and the index is
    /// rewritten from the new commit's tree, so the checkout looks committed.
    /// Other uncommitted work-tree edits are left on disk but unstaged.
    pub fn commit_files(
        &self,
        branch: &str,
        changes: &[(String, Option<Vec<u8>>)],
        message: &str,
        author: &Signature,
    ) -> Result<String, SourceError> {
        let repo = self.local();
        let ref_name = self.branch_ref(branch)?;
        let changes = changes
            .iter()
            .map(|(path, content)| Ok((self.checked_path(path)?, content.as_deref())))
            .collect::<Result<Vec<_>, SourceError>>()?;

        let parent = repo
            .try_find_reference(ref_name.as_bstr())
            .map_err(self.git_err("reading a branch"))?
            .map(|mut r| r.peel_to_commit())
            .transpose()
            .map_err(self.git_err("reading a branch"))?;
        let base_tree = match &parent {
            Some(commit) => commit
                .tree_id()
                .map_err(self.git_err("reading a commit"))?
                .detach(),
            None => repo.empty_tree().id,
        };
        let mut editor = repo
            .edit_tree(base_tree)
            .map_err(self.git_err("editing a tree"))?;
        for (path, content) in &changes {
            match content {
                Some(bytes) => {
                    let blob = repo
                        .write_blob(bytes)
                        .map_err(self.git_err("writing a file"))?;
                    editor
                        .upsert(path.as_str(), gix::object::tree::EntryKind::Blob, blob)
                        .map_err(self.git_err("editing a tree"))?;
                }
                None => {
                    editor
                        .remove(path.as_str())
                        .map_err(self.git_err("editing a tree"))?;
                }
            }
        }
        let tree = editor
            .write()
            .map_err(self.git_err("writing a tree"))?
            .detach();

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
        let parents: Vec<gix::ObjectId> = parent.iter().map(|c| c.id).collect();
        let id = repo
            .commit_as(sig_ref, sig_ref, ref_name.clone(), message, tree, parents)
            .map_err(self.git_err("writing a commit"))?
            .detach();

        let head = repo.head().map_err(self.git_err("reading HEAD"))?;
        let (unborn, head_name) = (head.is_unborn(), head.referent_name().map(|n| n.to_owned()));
        if unborn && head_name.as_ref() != Some(&ref_name) {
            self.point_head_at(&repo, &ref_name)?;
        }
        if unborn || head_name.as_ref() == Some(&ref_name) {
            self.check_out_changes(&repo, tree, &changes)?;
        }
        Ok(id.to_string())
    }

    /// `refs/heads/<branch>`, validated.
    fn branch_ref(&self, branch: &str) -> Result<FullName, SourceError> {
        let invalid = || SourceError::InvalidBranch {
            branch: branch.to_string(),
            repo: self.path.clone(),
        };
        if branch.is_empty() || branch.starts_with("refs/") {
            return Err(invalid());
        }
        FullName::try_from(format!("refs/heads/{branch}")).map_err(|_| invalid())
    }

    /// The normalized repository path, refusing ways out of the work tree.
    fn checked_path(&self, path: &str) -> Result<String, SourceError> {
        let invalid = |reason| SourceError::InvalidPath {
            path: path.to_string(),
            repo: self.path.clone(),
            reason,
        };
        if path.starts_with('/') || path.contains('\\') {
            return Err(invalid("it must be relative, with / separators"));
        }
        let clean = normalize(path);
        if clean.is_empty() {
            return Err(invalid("it is empty"));
        }
        if clean.split('/').any(|c| c == ".." || c == ".git") {
            return Err(invalid("it must not contain .. or .git"));
        }
        Ok(clean)
    }

    fn point_head_at(&self, repo: &gix::Repository, target: &FullName) -> Result<(), SourceError> {
        let head = FullName::try_from("HEAD").map_err(|e| SourceError::Git {
            repo: self.path.clone(),
            action: "updating HEAD",
            message: e.to_string(),
        })?;
        repo.edit_reference(RefEdit {
            change: Change::Update {
                log: LogChange::default(),
                expected: PreviousValue::Any,
                new: Target::Symbolic(target.clone()),
            },
            name: head,
            deref: false,
        })
        .map_err(self.git_err("updating HEAD"))?;
        Ok(())
    }

    /// Writes `changes` to the work tree and the index from `tree`.
    fn check_out_changes(
        &self,
        repo: &gix::Repository,
        tree: gix::ObjectId,
        changes: &[(String, Option<&[u8]>)],
    ) -> Result<(), SourceError> {
        let Some(work_dir) = repo.workdir().map(Path::to_path_buf) else {
            return Ok(());
        };
        for (path, content) in changes {
            let file = work_dir.join(path);
            match content {
                Some(bytes) => write_file(&file, bytes)?,
                None => remove_path(&work_dir, &file)?,
            }
        }
        let mut index = repo
            .index_from_tree(&tree)
            .map_err(self.git_err("building the index"))?;
        index
            .write(gix::index::write::Options::default())
            .map_err(|e| SourceError::Git {
                repo: self.path.clone(),
                action: "writing the index",
                message: e.to_string(),
            })?;
        Ok(())
    }
}

/// Turns an I/O error into a [`SourceError`] naming `path`.
pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_file(file: &Path, bytes: &[u8]) -> Result<(), SourceError> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    if file.is_dir() {
        std::fs::remove_dir_all(file).map_err(io_err(file))?;
    }
    std::fs::write(file, bytes).map_err(io_err(file))
}

/// Removes a file or folder and then its parent folders left empty, up to
/// (not including) `work_dir`. A path already gone is fine.
pub(crate) fn remove_path(work_dir: &Path, file: &Path) -> Result<(), SourceError> {
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(file).map_err(io_err(file))?,
        Ok(_) => std::fs::remove_file(file).map_err(io_err(file))?,
        Err(_) => return Ok(()),
    }
    let mut dir: Option<PathBuf> = file.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == work_dir || !d.starts_with(work_dir) || std::fs::remove_dir(&d).is_err() {
            break;
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(())
}
