//! Files of a folder at a revision, into memory: from the object database
//! for commits (no checkout, the work tree is never read), from disk for
//! [`Revision::WorkTree`].
//!
//! Symbolic links are skipped in both modes: a link's target may lie outside
//! the folder or the repository, and renderers get the same files either way.
//! Submodules are skipped too.

use super::{Repo, SourceError};
use crate::model::{FileTree, Revision};
use gix::bstr::ByteSlice;
use std::path::Path;

impl Repo {
    /// The files under `path` (a folder or a single file, relative to the
    /// repository root; `""` is the root) at `rev`. Paths in the result are
    /// relative to the repository root, so `../` references between folders
    /// can be resolved later.
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
        if path.is_empty() {
            self.walk(&repo, root, "", &mut out)?;
            return Ok(out);
        }
        let entry = repo
            .find_tree(root)
            .and_then(|t| t.lookup_entry_by_path(path))
            .map_err(self.git_err("reading a tree"))?
            .ok_or_else(|| self.path_not_found(path, spec))?;
        let mode = entry.mode();
        if mode.is_tree() {
            self.walk(&repo, entry.object_id(), path, &mut out)?;
        } else if mode.is_blob() {
            out.insert(path, self.blob(&repo, entry.object_id())?);
        } else {
            return Err(self.path_not_found(path, spec));
        }
        Ok(out)
    }

    /// Adds every blob under tree `id` (whose path is `prefix`) to `out`.
    fn walk(
        &self,
        repo: &gix::Repository,
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
            let child = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if mode.is_tree() {
                self.walk(repo, oid, &child, out)?;
            } else if mode.is_blob() {
                out.insert(child, self.blob(repo, oid)?);
            }
        }
        Ok(())
    }

    fn blob(&self, repo: &gix::Repository, id: gix::ObjectId) -> Result<Vec<u8>, SourceError> {
        let mut blob = repo.find_blob(id).map_err(self.git_err("reading a file"))?;
        Ok(blob.take_data())
    }

    fn read_work_tree(&self, rev: &Revision, path: &str) -> Result<FileTree, SourceError> {
        let work_dir = self.work_dir().ok_or_else(|| SourceError::NoWorkTree {
            repo: self.path.clone(),
        })?;
        let full = work_dir.join(path);
        let meta = std::fs::symlink_metadata(&full);
        let mut out = FileTree::new();
        match meta {
            Ok(m) if m.is_dir() => read_dir(&full, path, &mut out)?,
            Ok(m) if m.is_file() => {
                out.insert(path, read_file(&full)?);
            }
            _ => return Err(self.path_not_found(path, &rev.to_string())),
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

/// The files under `root/path` on disk, outside any repository, with
/// paths relative to `root` (for rendering a folder that is not in Git).
pub fn read_folder(root: &Path, path: &str) -> Result<FileTree, SourceError> {
    let path = normalize(path);
    let full = root.join(&path);
    let mut out = FileTree::new();
    if full.is_file() {
        out.insert(path, read_file(&full)?);
    } else {
        read_dir(&full, &path, &mut out)?;
    }
    Ok(out)
}

/// `path` without `./`, leading or trailing `/`; `.` becomes `""`.
pub(crate) fn normalize(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Adds the regular files under `dir` (repository path `prefix`) to `out`,
/// skipping `.git` and symbolic links.
fn read_dir(dir: &Path, prefix: &str, out: &mut FileTree) -> Result<(), SourceError> {
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
        let child = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry.file_type().map_err(io)?;
        if file_type.is_dir() {
            read_dir(&entry.path(), &child, out)?;
        } else if file_type.is_file() {
            out.insert(child, read_file(&entry.path())?);
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })
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
