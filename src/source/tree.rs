//! Files of a folder at a revision, listed into a [`FileTree`]: from the
//! object database for commits (no checkout, the work tree is never
//! read), from disk for [`Revision::WorkTree`]. Listing reads no file:
//! contents load when a renderer first reads them.
//!
//! Both modes give the same tree:
//! - symbolic links are entries with their target (a committed link's
//!   blob, or the link on disk); [`FileTree::read`] follows them inside
//!   the tree, never outside the repository;
//! - submodules are entries without files (a gitlink in a commit; in the
//!   work tree, a folder holding its own `.git`), so a render of HEAD and
//!   of the work tree agree;
//! - `.git` itself is never listed.

use super::{Repo, SourceError};
use crate::model::{FileTree, LoadFailure, Loader, Revision};
use gix::bstr::ByteSlice;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

impl Repo {
    /// The entries under `path` (a folder or a single file, relative to
    /// the repository root; `""` is the root) at `rev`. Paths in the
    /// result are relative to the repository root, so `../` references
    /// between folders can be resolved later.
    pub fn read_tree(&self, rev: &Revision, path: &str) -> Result<FileTree, SourceError> {
        let path = normalize(path);
        if path.split('/').any(|c| c == "..") {
            return Err(SourceError::InvalidPath {
                path,
                repo: self.path.clone(),
                reason: "it must not contain ..",
            });
        }
        match rev {
            Revision::WorkTree => self.read_work_tree(rev, &path),
            Revision::Git(spec) => self.read_commit_tree(spec, &path),
        }
    }

    fn read_commit_tree(&self, spec: &str, path: &str) -> Result<FileTree, SourceError> {
        let repo = self.local();
        let (commit_id, _) = self.commit_of(&repo, spec)?;
        let root = repo
            .find_commit(commit_id)
            .and_then(|c| c.tree_id())
            .map_err(self.git_err("reading a commit"))?
            .detach();
        let mut out = FileTree::new();
        // One handle (and its object cache) for every lazy load of this tree.
        let shared = Arc::new(Mutex::new(repo.clone()));
        if path.is_empty() {
            self.walk(&repo, &shared, root, "", &mut out)?;
            return Ok(out);
        }
        let lookup = |p: &str| {
            repo.find_tree(root)
                .and_then(|t| t.lookup_entry_by_path(p))
                .map_err(self.git_err("reading a tree"))
        };
        // Looking through a submodule's gitlink fails (its commit is not
        // in this repository): that is "not found" here too.
        let Some(entry) = lookup(path).ok().flatten() else {
            // A path through a link or a submodule: the tree holds that
            // entry, so that readers can say why the path is not there.
            for ancestor in ancestors(path) {
                if let Some(e) = lookup(ancestor).ok().flatten()
                    && (e.mode().is_link() || e.mode().is_commit())
                {
                    self.add_entry(&repo, &shared, ancestor, e.mode(), e.object_id(), &mut out)?;
                    return Ok(out);
                }
            }
            return Err(self.path_not_found(path, spec));
        };
        let (mode, oid) = (entry.mode(), entry.object_id());
        if mode.is_tree() {
            self.walk(&repo, &shared, oid, path, &mut out)?;
        } else {
            self.add_entry(&repo, &shared, path, mode, oid, &mut out)?;
        }
        Ok(out)
    }

    /// Adds every entry under tree `id` (whose path is `prefix`) to `out`.
    fn walk(
        &self,
        repo: &gix::Repository,
        shared: &Shared,
        id: gix::ObjectId,
        prefix: &str,
        out: &mut FileTree,
    ) -> Result<(), SourceError> {
        let tree = repo.find_tree(id).map_err(self.git_err("reading a tree"))?;
        let decoded = tree.decode().map_err(self.git_err("decoding a tree"))?;
        let entries: Vec<_> = decoded
            .entries
            .iter()
            .map(|e| {
                (
                    e.filename.to_str_lossy().into_owned(),
                    e.mode,
                    e.oid.to_owned(),
                )
            })
            .collect();
        for (name, mode, oid) in entries {
            let child = join(prefix, &name);
            if mode.is_tree() {
                self.walk(repo, shared, oid, &child, out)?;
            } else {
                self.add_entry(repo, shared, &child, mode, oid, out)?;
            }
        }
        Ok(())
    }

    /// One non-tree entry of a commit: a file (loaded lazily), a link or a
    /// submodule.
    fn add_entry(
        &self,
        repo: &gix::Repository,
        shared: &Shared,
        path: &str,
        mode: gix::objs::tree::EntryMode,
        oid: gix::ObjectId,
        out: &mut FileTree,
    ) -> Result<(), SourceError> {
        if mode.is_link() {
            let mut blob = repo
                .find_blob(oid)
                .map_err(self.git_err("reading a link"))?;
            let target = String::from_utf8_lossy(&blob.take_data()).into_owned();
            out.insert_link(path, target);
        } else if mode.is_commit() {
            out.insert_submodule(path);
        } else if mode.is_blob() {
            out.insert_lazy(path, blob_loader(shared.clone(), oid));
        }
        Ok(())
    }

    fn read_work_tree(&self, rev: &Revision, path: &str) -> Result<FileTree, SourceError> {
        let work_dir = self.work_dir().ok_or_else(|| SourceError::NoWorkTree {
            repo: self.path.clone(),
        })?;
        let mut out = FileTree::new();
        if !list_disk(&work_dir, path, &mut out)? {
            return Err(self.path_not_found(path, &rev.to_string()));
        }
        Ok(out)
    }

    fn path_not_found(&self, path: &str, rev: &str) -> SourceError {
        SourceError::PathNotFound {
            path: path.to_string(),
            rev: rev.to_string(),
            repo: self.path.clone(),
        }
    }
}

/// The repository handle the lazy loads of one listing share.
type Shared = Arc<Mutex<gix::Repository>>;

/// Loads blob `oid` when asked, refusing it unread when its header says
/// it is larger than allowed.
fn blob_loader(shared: Shared, oid: gix::ObjectId) -> Loader {
    Arc::new(move |limit| {
        let repo = shared
            .lock()
            .map_err(|_| LoadFailure::Failed("the repository handle is poisoned".into()))?;
        let size = repo
            .find_header(oid)
            .map_err(|e| LoadFailure::Failed(e.to_string()))?
            .size();
        if size > limit {
            return Err(LoadFailure::TooLarge { size });
        }
        let mut blob = repo
            .find_blob(oid)
            .map_err(|e| LoadFailure::Failed(e.to_string()))?;
        Ok(blob.take_data())
    })
}

/// The entries under `root/path` on disk, outside any repository, with
/// paths relative to `root` (for rendering a folder that is not in Git).
pub fn read_folder(root: &Path, path: &str) -> Result<FileTree, SourceError> {
    let path = normalize(path);
    let mut out = FileTree::new();
    if !list_disk(root, &path, &mut out)? {
        return Err(SourceError::Io {
            path: root.join(&path),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        });
    }
    Ok(out)
}

/// Adds `root/path` (a file, link or folder) to `out`; false when there
/// is nothing at that path.
fn list_disk(root: &Path, path: &str, out: &mut FileTree) -> Result<bool, SourceError> {
    for ancestor in ancestors(path) {
        let full = root.join(ancestor);
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() || is_submodule(&full, ancestor) => {
                // A path through a link or a submodule: see read_commit_tree.
                add_disk_entry(&full, ancestor, &meta, out)?;
                return Ok(true);
            }
            Ok(_) => {}
            Err(_) => return Ok(false),
        }
    }
    let full = root.join(path);
    let Ok(meta) = std::fs::symlink_metadata(&full) else {
        return Ok(false);
    };
    add_disk_entry(&full, path, &meta, out)?;
    Ok(true)
}

/// The proper ancestors of a relative path, shortest first (`a`, `a/b`
/// for `a/b/c`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Whether folder `full` (repository path `path`) is a submodule's work
/// tree: a folder below the root holding its own `.git`.
fn is_submodule(full: &Path, path: &str) -> bool {
    !path.is_empty() && full.is_dir() && full.join(".git").exists()
}

/// One entry on disk: a folder (recursively; a submodule when it holds
/// its own `.git`), a link, or a file (loaded lazily).
fn add_disk_entry(
    full: &Path,
    path: &str,
    meta: &std::fs::Metadata,
    out: &mut FileTree,
) -> Result<(), SourceError> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = std::fs::read_link(full).map_err(|source| SourceError::Io {
            path: full.to_path_buf(),
            source,
        })?;
        out.insert_link(path, target.to_string_lossy().replace('\\', "/"));
    } else if kind.is_dir() {
        if is_submodule(full, path) {
            out.insert_submodule(path);
        } else {
            list_dir(full, path, out)?;
        }
    } else if kind.is_file() {
        out.insert_lazy(path, file_loader(full.to_path_buf()));
    }
    Ok(())
}

/// Adds the entries of folder `dir` (repository path `prefix`) to `out`,
/// skipping `.git`.
fn list_dir(dir: &Path, prefix: &str, out: &mut FileTree) -> Result<(), SourceError> {
    let io = |source| SourceError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            continue;
        }
        let meta = entry.metadata().map_err(io)?;
        add_disk_entry(&entry.path(), &join(prefix, &name), &meta, out)?;
    }
    Ok(())
}

/// Loads file `path` when asked, refusing it unread when larger than
/// allowed (the size is taken when loading: the file may have changed).
fn file_loader(path: PathBuf) -> Loader {
    Arc::new(move |limit| {
        use std::io::Read;
        let file = std::fs::File::open(&path).map_err(|e| LoadFailure::Failed(e.to_string()))?;
        let size = file
            .metadata()
            .map_err(|e| LoadFailure::Failed(e.to_string()))?
            .len();
        if size > limit {
            return Err(LoadFailure::TooLarge { size });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        // A file growing while read stops at the limit.
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| LoadFailure::Failed(e.to_string()))?;
        if bytes.len() as u64 > limit {
            return Err(LoadFailure::TooLarge {
                size: bytes.len() as u64,
            });
        }
        Ok(bytes)
    })
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// `path` without `./`, leading or trailing `/`; `.` becomes `""`.
pub(crate) fn normalize(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("./apps//web/"), "apps/web");
        assert_eq!(normalize("."), "");
        assert_eq!(normalize("/"), "");
    }
}
