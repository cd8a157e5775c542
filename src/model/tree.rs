use std::collections::BTreeMap;

/// Files of one folder of a repository at one revision, held in memory:
/// relative path (with `/` separators, no leading `./`) → bytes. The source
/// layer fills it from a Git tree or the work tree; renderers read only this,
/// so any revision renders without a checkout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileTree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), content.into());
    }

    /// Adds every file of `other` (replacing files at the same paths).
    pub fn extend(&mut self, other: FileTree) {
        self.files.extend(other.files);
    }

    /// True when `path` is a file or a folder holding files.
    pub fn has(&self, path: &str) -> bool {
        self.contains(path) || self.under(path).next().is_some()
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// All files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_slice()))
    }

    /// Files under `dir` (recursive), in path order. `""` means the root.
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        let prefix = if dir.is_empty() || dir.ends_with('/') {
            dir.to_string()
        } else {
            format!("{dir}/")
        };
        self.files
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, c)| (p.as_str(), c.as_slice()))
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
        let names: Vec<_> = t.under("a").map(|(p, _)| p).collect();
        assert_eq!(names, vec!["a/b/y.yaml", "a/x.yaml"]);
        assert_eq!(t.under("").count(), 3);
    }
}
