//! Symbolic links of a [`FileTree`]: followed inside the tree, never out
//! of the repository, with loops and dangling links reported.

use super::tree::{Entry, FileTree, TreeError};

/// Most symbolic links followed for one path, as Linux allows.
const MAX_LINK_HOPS: usize = 40;

impl FileTree {
    /// `path` with every symbolic link on it replaced by its target,
    /// followed inside the tree: the path of the real file or folder (it
    /// need not exist). Links leading outside the repository, loops and
    /// paths inside submodules are errors.
    pub fn resolve_links(&self, path: &str) -> Result<String, TreeError> {
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .rev()
            .map(str::to_string)
            .collect();
        let mut done: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                done.pop();
                continue;
            }
            done.push(part);
            let here = done.join("/");
            match self.entries.get(&here) {
                Some(Entry::Link(target)) => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(TreeError::LinkLoop {
                            path: path.to_string(),
                            link: here,
                        });
                    }
                    done.pop();
                    let outside = || TreeError::LinkOutside {
                        path: path.to_string(),
                        link: here.clone(),
                        target: target.clone(),
                    };
                    if target.starts_with('/') {
                        return Err(outside());
                    }
                    // `..` may not climb above the root, from where the link is.
                    let mut depth = done.len() as isize;
                    for c in target.split('/') {
                        match c {
                            "" | "." => {}
                            ".." => depth -= 1,
                            _ => depth += 1,
                        }
                        if depth < 0 {
                            return Err(outside());
                        }
                    }
                    pending.extend(
                        target
                            .split('/')
                            .filter(|c| !c.is_empty() && *c != ".")
                            .rev()
                            .map(str::to_string),
                    );
                }
                Some(Entry::Submodule) if !pending.is_empty() => {
                    return Err(TreeError::Submodule {
                        path: path.to_string(),
                        submodule: here,
                    });
                }
                _ => {}
            }
        }
        Ok(done.join("/"))
    }

    /// The link on `path` whose target is missing, as a
    /// [`TreeError::LinkDangling`]; None when every link on it leads to
    /// something or `path` goes through no link.
    pub fn dangling_link(&self, path: &str) -> Option<TreeError> {
        let mut prefix = String::new();
        for part in path.split('/').filter(|c| !c.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if let Some(Entry::Link(target)) = self.entries.get(&prefix) {
                let real = self.resolve_links(&prefix).ok()?;
                if !self.has(&real) {
                    return Some(TreeError::LinkDangling {
                        path: path.to_string(),
                        link: prefix,
                        target: target.clone(),
                    });
                }
            }
        }
        None
    }

    /// The targets of the tree's links, resolved, that the tree does not
    /// hold (for the source layer to add).
    pub fn missing_link_targets(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e, Entry::Link(_)))
            .filter_map(|(p, _)| self.resolve_links(p).ok())
            .filter(|real| !real.is_empty() && !self.has(real))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_tree_and_say_why_not() {
        let mut t = FileTree::new();
        t.insert("base/cm.yaml", "cm");
        t.insert_link("app/cm.yaml", "../base/cm.yaml");
        t.insert_link("app/base", "../base");
        t.insert_link("app/etc", "/etc/passwd");
        t.insert_link("app/up", "../../x");
        t.insert_link("app/l1", "l2");
        t.insert_link("app/l2", "l1");
        t.insert_link("app/gone", "nothing.yaml");
        t.insert_submodule("vendor/lib");
        assert_eq!(t.read("app/cm.yaml").unwrap(), b"cm");
        assert_eq!(t.read("app/base/cm.yaml").unwrap(), b"cm");
        assert_eq!(t.resolve_links("app/base/cm.yaml").unwrap(), "base/cm.yaml");
        assert_eq!(
            t.read("app/etc").unwrap_err().to_string(),
            "app/etc: symbolic link app/etc -> /etc/passwd points outside the repository; tether does not follow it"
        );
        assert!(matches!(
            t.read("app/up"),
            Err(TreeError::LinkOutside { .. })
        ));
        assert_eq!(
            t.read("app/l1").unwrap_err().to_string(),
            "app/l1: too many levels of symbolic links (a link loop through app/l1)"
        );
        assert_eq!(
            t.dangling_link("app/gone").unwrap().to_string(),
            "app/gone: symbolic link app/gone -> nothing.yaml points to nothing"
        );
        assert!(matches!(
            t.read("vendor/lib/x.yaml"),
            Err(TreeError::Submodule { .. })
        ));
        assert_eq!(t.missing_link_targets(), vec!["app/nothing.yaml"]);
    }
}
