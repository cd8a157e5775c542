//! The work-tree side of a revert: refusing on uncommitted changes (gix
//! status) and writing the reverted files and their index entries.

use super::{Entry, Plan};
use crate::source::write::{io_err, remove_path};
use crate::source::{Repo, SourceError, tree::normalize};
use gix::bstr::ByteSlice;
use gix::index::entry::{Flags, Mode, Stat};
use gix::object::tree::EntryKind;
use gix::status::index_worktree;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

impl Repo {
    /// Refuses when files under `guard_path`, or files the revert changes,
    /// are modified, staged or untracked (per gix status).
    pub(super) fn check_clean(
        &self,
        repo: &gix::Repository,
        guard_path: &str,
        changes: &[(String, Option<Entry>, Option<Entry>)],
    ) -> Result<(), SourceError> {
        if repo.workdir().is_none() {
            return Ok(());
        }
        let guard = normalize(guard_path);
        let dirty = self.dirty_paths(repo)?;
        let (under_guard, elsewhere): (Vec<String>, Vec<String>) =
            dirty.into_iter().partition(|p| is_under(p, &guard));
        let scope = if guard.is_empty() {
            "in the work tree".to_string()
        } else {
            format!("under {guard:?}")
        };
        let (scope, files) = if !under_guard.is_empty() {
            (scope, under_guard)
        } else {
            let touched: Vec<String> = elsewhere
                .into_iter()
                .filter(|d| {
                    changes
                        .iter()
                        .any(|(c, _, _)| is_under(c, d) || is_under(d, c))
                })
                .collect();
            ("in files the revert changes".to_string(), touched)
        };
        if files.is_empty() {
            return Ok(());
        }
        Err(SourceError::DirtyWorkTree {
            repo: self.path.clone(),
            scope,
            files,
        })
    }

    /// Paths with staged, unstaged or untracked changes, sorted.
    pub(crate) fn dirty_paths(&self, repo: &gix::Repository) -> Result<Vec<String>, SourceError> {
        let iter = repo
            .status(gix::progress::Discard)
            .map_err(self.git_err("reading the status"))?
            .untracked_files(gix::status::UntrackedFiles::Files)
            .index_worktree_rewrites(None)
            .dirwalk_options(|o| o.empty_patterns_match_prefix(false))
            .into_iter(Vec::new())
            .map_err(self.git_err("reading the status"))?;
        let mut out = BTreeSet::new();
        for item in iter {
            let item = item.map_err(self.git_err("reading the status"))?;
            let noise = match &item {
                gix::status::Item::IndexWorktree(index_worktree::Item::Modification {
                    status,
                    ..
                }) => matches!(
                    status,
                    gix::status::plumbing::index_as_worktree::EntryStatus::NeedsUpdate(_)
                ),
                gix::status::Item::IndexWorktree(index_worktree::Item::DirectoryContents {
                    entry,
                    ..
                }) => entry.status != gix::dir::entry::Status::Untracked,
                _ => false,
            };
            if !noise {
                out.insert(item.location().to_str_lossy().into_owned());
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Writes the plan's changed files to the work tree and updates their
    /// index entries (other entries stay as they are).
    pub(super) fn check_out_plan(
        &self,
        repo: &gix::Repository,
        plan: &Plan,
    ) -> Result<(), SourceError> {
        let Some(work_dir) = repo.workdir().map(Path::to_path_buf) else {
            return Ok(());
        };
        for (path, _, new) in &plan.changes {
            if new.is_none() {
                remove_path(&work_dir, &work_dir.join(checked(path, &self.path)?))?;
            }
        }
        let mut new_entries = Vec::new();
        for (path, _, new) in &plan.changes {
            let Some((mode, id)) = new else { continue };
            let file = work_dir.join(checked(path, &self.path)?);
            if mode.is_commit() {
                // A submodule: only its (empty) folder is checked out.
                std::fs::create_dir_all(&file).map_err(io_err(&file))?;
            } else {
                write_entry(&file, mode.kind(), &self.blob_bytes(repo, *id)?)?;
            }
            let stat = gix::index::fs::Metadata::from_path_no_follow(&file)
                .ok()
                .and_then(|m| Stat::from_fs(&m).ok())
                .unwrap_or_default();
            new_entries.push((path.as_str(), *id, index_mode(mode.kind()), stat));
        }
        let mut index = if repo.index_path().exists() {
            repo.open_index()
                .map_err(self.git_err("reading the index"))?
        } else {
            repo.index_from_tree(&plan.tree)
                .map_err(self.git_err("building the index"))?
        };
        let changed: BTreeSet<&str> = plan.changes.iter().map(|(p, _, _)| p.as_str()).collect();
        index.remove_entries(|_, path, _| changed.contains(path.to_str_lossy().as_ref()));
        for (path, id, mode, stat) in new_entries {
            index.dangerously_push_entry(stat, id, Flags::empty(), mode, path.as_bytes().as_bstr());
        }
        index.sort_entries();
        index.remove_tree();
        index
            .write(gix::index::write::Options::default())
            .map_err(|e| SourceError::Git {
                repo: self.path.clone(),
                action: "writing the index",
                message: e.to_string(),
            })
    }
}

/// Whether repository path `path` is `dir` or lies below it (`""` = root).
pub(crate) fn is_under(path: &str, dir: &str) -> bool {
    let path = path.trim_end_matches('/');
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `path` if it stays inside the work tree (tree entries are not trusted).
fn checked<'a>(path: &'a str, repo: &Path) -> Result<&'a str, SourceError> {
    if path.is_empty()
        || path.starts_with('/')
        || path
            .split('/')
            .any(|c| c.is_empty() || c == ".." || c == "." || c.eq_ignore_ascii_case(".git"))
    {
        return Err(SourceError::InvalidPath {
            path: path.to_string(),
            repo: repo.to_path_buf(),
            reason: "it must not leave the work tree",
        });
    }
    Ok(path)
}

fn index_mode(kind: EntryKind) -> Mode {
    match kind {
        EntryKind::BlobExecutable => Mode::FILE_EXECUTABLE,
        EntryKind::Link => Mode::SYMLINK,
        EntryKind::Commit => Mode::COMMIT,
        EntryKind::Blob | EntryKind::Tree => Mode::FILE,
    }
}

/// Writes a file (or, on Unix, a symbolic link or executable file),
/// replacing whatever is at `file`.
fn write_entry(file: &Path, kind: EntryKind, bytes: &[u8]) -> Result<(), SourceError> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(file).map_err(io_err(file))?,
        Ok(m) if m.file_type().is_symlink() => std::fs::remove_file(file).map_err(io_err(file))?,
        _ => {}
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if kind == EntryKind::Link {
            let target = PathBuf::from(bytes.to_str_lossy().as_ref());
            if file.exists() {
                std::fs::remove_file(file).map_err(io_err(file))?;
            }
            return std::os::unix::fs::symlink(target, file).map_err(io_err(file));
        }
        std::fs::write(file, bytes).map_err(io_err(file))?;
        let mode = if kind == EntryKind::BlobExecutable {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).map_err(io_err(file))
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        std::fs::write(file, bytes).map_err(io_err(file))
    }
}
