//! [`FileTree`]: the files of part of a repository at one revision.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

pub use super::tree_error::TreeError;

/// Files of part of a repository at one revision: relative path (with `/`
/// separators, no leading `./`) → content, symbolic link or submodule.
/// The source layer lists it from a Git tree or the work tree; renderers
/// read only this, so any revision renders without a checkout.
///
/// Contents are loaded on first access ([`FileTree::read`]) and kept:
/// listing a folder reads no file, so a render reads only the files it
/// uses. An optional read limit ([`FileTree::set_read_limit`]) caps the
/// bytes all loads of the tree may return together.
#[derive(Clone, Default)]
pub struct FileTree {
    pub(super) entries: BTreeMap<String, Entry>,
    budget: Option<Arc<ReadBudget>>,
}

/// What a path of a [`FileTree`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A symbolic link (followed by [`FileTree::read`] inside the tree).
    Link,
    /// A Git submodule: its files are not part of the tree.
    Submodule,
    /// A folder holding entries.
    Folder,
}

/// Loads a file's content; the argument is the most bytes it may return.
pub type Loader = Arc<dyn Fn(u64) -> Result<Vec<u8>, LoadFailure> + Send + Sync>;

/// Why a [`Loader`] returned nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    /// The content is larger than allowed.
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The content could not be read (I/O, object database).
    Failed(String),
}

#[derive(Clone)]
pub(super) enum Entry {
    File(Arc<Content>),
    Link(String),
    Submodule,
}

pub(super) struct Content {
    loader: Option<Loader>,
    loaded: OnceLock<Result<Vec<u8>, TreeError>>,
}

/// The shared cap on bytes loaded.
#[derive(Debug)]
struct ReadBudget {
    limit: u64,
    used: AtomicU64,
}

impl fmt::Debug for FileTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_map();
        for (path, entry) in &self.entries {
            match entry {
                Entry::File(_) => list.entry(path, &"file"),
                Entry::Link(target) => list.entry(path, &format!("-> {target}")),
                Entry::Submodule => list.entry(path, &"submodule"),
            };
        }
        list.finish()
    }
}

impl FileTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file with its content.
    pub fn insert(&mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) {
        let loaded = OnceLock::new();
        let _ = loaded.set(Ok(content.into()));
        self.entries.insert(
            path.into(),
            Entry::File(Arc::new(Content {
                loader: None,
                loaded,
            })),
        );
    }

    /// Adds a file whose content `loader` returns on first access.
    pub fn insert_lazy(&mut self, path: impl Into<String>, loader: Loader) {
        self.entries.insert(
            path.into(),
            Entry::File(Arc::new(Content {
                loader: Some(loader),
                loaded: OnceLock::new(),
            })),
        );
    }

    /// Adds a symbolic link with its target as written (relative to the
    /// link's folder, or absolute).
    pub fn insert_link(&mut self, path: impl Into<String>, target: impl Into<String>) {
        self.entries.insert(path.into(), Entry::Link(target.into()));
    }

    /// Adds a submodule (its folder).
    pub fn insert_submodule(&mut self, path: impl Into<String>) {
        self.entries.insert(path.into(), Entry::Submodule);
    }

    /// Adds every entry of `other` (replacing entries at the same paths).
    pub fn extend(&mut self, other: FileTree) {
        self.entries.extend(other.entries);
    }

    /// Caps the bytes that loading contents may return from now on,
    /// all files together (contents given to [`FileTree::insert`] are
    /// not counted). Clones of the tree share the cap.
    pub fn set_read_limit(&mut self, bytes: u64) {
        self.budget = Some(Arc::new(ReadBudget {
            limit: bytes,
            used: AtomicU64::new(0),
        }));
    }

    /// Bytes loaded so far under the read limit.
    pub fn bytes_read(&self) -> u64 {
        self.budget
            .as_ref()
            .map_or(0, |b| b.used.load(Ordering::Relaxed))
    }

    /// What `path` is (links not followed), None when nothing is there.
    pub fn kind(&self, path: &str) -> Option<EntryKind> {
        match self.entries.get(path) {
            Some(Entry::File(_)) => Some(EntryKind::File),
            Some(Entry::Link(_)) => Some(EntryKind::Link),
            Some(Entry::Submodule) => Some(EntryKind::Submodule),
            None if self.under(path).next().is_some() => Some(EntryKind::Folder),
            None => None,
        }
    }

    /// True when `path` is an entry or a folder holding entries.
    pub fn has(&self, path: &str) -> bool {
        self.kind(path).is_some()
    }

    /// True when `path` is an entry (file, link or submodule).
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// True when `path` is a regular file (links not followed).
    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::File(_)))
    }

    /// The content of file `path`, following symbolic links inside the
    /// tree; None when it is missing or cannot be read (see
    /// [`FileTree::read`] for why).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.read(path).ok()
    }

    /// The content of file `path`, following symbolic links inside the
    /// tree, loaded on first access.
    pub fn read(&self, path: &str) -> Result<&[u8], TreeError> {
        let real = self.resolve_links(path)?;
        let content = match self.entries.get(&real) {
            Some(Entry::File(content)) => content,
            Some(Entry::Submodule) => {
                return Err(TreeError::Submodule {
                    path: path.to_string(),
                    submodule: real,
                });
            }
            _ if self.under(&real).next().is_some() => {
                return Err(TreeError::Folder {
                    path: path.to_string(),
                });
            }
            _ => {
                return Err(TreeError::NotFound {
                    path: path.to_string(),
                });
            }
        };
        let loaded = content.loaded.get_or_init(|| self.load(path, content));
        match loaded {
            Ok(bytes) => Ok(bytes.as_slice()),
            Err(e) => Err(e.clone()),
        }
    }

    fn load(&self, path: &str, content: &Content) -> Result<Vec<u8>, TreeError> {
        let Some(loader) = &content.loader else {
            return Ok(Vec::new());
        };
        let (limit, read) = match &self.budget {
            Some(b) => (b.limit, b.used.load(Ordering::Relaxed)),
            None => (u64::MAX, 0),
        };
        let left = limit.saturating_sub(read);
        match loader(left) {
            Ok(bytes) => {
                if let Some(b) = &self.budget {
                    b.used.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                }
                Ok(bytes)
            }
            Err(LoadFailure::TooLarge { size }) => Err(TreeError::TooLarge {
                path: path.to_string(),
                size,
                limit,
                read,
            }),
            Err(LoadFailure::Failed(message)) => Err(TreeError::Io {
                path: path.to_string(),
                message,
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of entries (files, links and submodules).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Paths of all entries (files, links, submodules) in path order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The regular files under `dir` (recursive; `""` is the root) with
    /// their content, in path order; links and submodules are left out.
    /// Loads every file: the first one that cannot be read (over the read
    /// limit, a failed load) is the error.
    pub fn files_under<'a>(&'a self, dir: &'a str) -> Result<Vec<(&'a str, &'a [u8])>, TreeError> {
        self.under(dir)
            .filter(|p| self.is_file(p))
            .map(|p| Ok((p, self.read(p)?)))
            .collect()
    }

    /// Copies the entry at `from` (file, link or submodule; a file keeps
    /// its lazy loader and what it loaded) into `out` at `to`.
    pub fn copy_entry(&self, from: &str, out: &mut FileTree, to: impl Into<String>) {
        if let Some(entry) = self.entries.get(from) {
            out.entries.insert(to.into(), entry.clone());
        }
    }

    /// Paths of the entries under `dir` (recursive), in path order. `""`
    /// means the root. Nothing is loaded.
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir.is_empty() || dir.ends_with('/') {
            dir.to_string()
        } else {
            format!("{dir}/")
        };
        self.entries
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, _)| p.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_lists_a_folder_recursively() {
        let mut t = FileTree::new();
        t.insert("a/x.yaml", "x");
        t.insert("a/b/y.yaml", "y");
        t.insert("ab/z.yaml", "z");
        let names: Vec<_> = t.under("a").collect();
        assert_eq!(names, vec!["a/b/y.yaml", "a/x.yaml"]);
        assert_eq!(t.under("").count(), 3);
        assert_eq!(t.kind("a/b"), Some(EntryKind::Folder));
    }

    #[test]
    fn contents_load_once_on_first_read_within_the_limit() {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = calls.clone();
        let mut t = FileTree::new();
        t.insert_lazy(
            "big.bin",
            Arc::new(|_| Err(LoadFailure::TooLarge { size: 4 << 30 })),
        );
        t.insert_lazy(
            "a.yaml",
            Arc::new(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
                Ok(b"a: 1\n".to_vec())
            }),
        );
        t.set_read_limit(100);
        assert_eq!(calls.load(Ordering::Relaxed), 0);
        assert_eq!(t.read("a.yaml").unwrap(), b"a: 1\n");
        assert_eq!(t.read("a.yaml").unwrap(), b"a: 1\n");
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert_eq!(t.bytes_read(), 5);
        assert_eq!(
            t.read("big.bin").unwrap_err().to_string(),
            "big.bin: reading its 4294967296 bytes would pass the limit of 100 bytes read per render (render.maxReadBytes); 5 bytes were read before it"
        );
    }
}
