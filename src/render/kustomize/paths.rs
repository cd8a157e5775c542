//! Paths inside the file tree: joining a kustomization's folder with the
//! relative entries it names, and telling remote entries apart.

use crate::model::FileTree;
use crate::render::KUSTOMIZATION_FILES;

/// `dir/rel` normalised: `.` dropped, `..` applied, no leading or trailing
/// `/`. None when `..` climbs above the tree root.
pub(crate) fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let rel = rel.trim_start_matches('/');
    for part in dir.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `path` relative to folder `from` (both tree paths), with `..` as needed.
pub(crate) fn relative(from: &str, path: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Whether an entry names something remote (URL, git or ssh repository).
pub(crate) fn is_remote(entry: &str) -> bool {
    let e = entry.trim();
    [
        "http://",
        "https://",
        "git::",
        "git@",
        "ssh://",
        "github.com/",
        "gitlab.com/",
    ]
    .iter()
    .any(|p| e.starts_with(p))
        || e.contains("?ref=")
        || e.contains(".git//")
}

/// Whether `path` is a folder (has files under it) in `tree`.
pub(crate) fn is_dir(tree: &FileTree, path: &str) -> bool {
    tree.under(path).next().is_some() && !tree.contains(path)
}

/// Every kustomization file of folder `dir` (more than one is an error).
pub(crate) fn kustomization_files(tree: &FileTree, dir: &str) -> Vec<String> {
    KUSTOMIZATION_FILES
        .iter()
        .filter_map(|name| join(dir, name))
        .filter(|f| tree.contains(f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises() {
        assert_eq!(join("a/b", "../c/./d.yaml").as_deref(), Some("a/c/d.yaml"));
        assert_eq!(join("", "x").as_deref(), Some("x"));
        assert_eq!(join("a", "../..").as_deref(), None);
        assert!(is_remote("https://github.com/x/y//base?ref=v1"));
        assert!(!is_remote("../base"));
        assert_eq!(relative("app/overlay", "app/base/d.yaml"), "../base/d.yaml");
        assert_eq!(relative("", "base/d.yaml"), "base/d.yaml");
    }
}
