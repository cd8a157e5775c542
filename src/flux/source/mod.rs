//! Flux sources: a `GitRepository` as data, and the artifact
//! source-controller would make of a checkout — sparse checkout, included
//! repositories, then the ignore rules (`.sourceignore` files at any
//! depth, `spec.ignore`, the default exclusions).

pub mod ignore;

use super::FluxError;
use super::object::{ObjectMeta, describe};
use crate::model::FileTree;
use ignore::{IGNORE_FILE, Matcher, read_patterns};
use serde_json::Value;

/// `spec.ref` of a GitRepository (precedence: commit, name, semver, tag,
/// branch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitReference {
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub semver: Option<String>,
    pub name: Option<String>,
    pub commit: Option<String>,
}

impl GitReference {
    /// The Git revision expression to check out, in Flux's precedence;
    /// None means the remote's default branch. A semver range cannot be
    /// resolved without the remote's tags; it is returned as written.
    pub fn revision(&self) -> Option<&str> {
        self.commit
            .as_deref()
            .or(self.name.as_deref())
            .or(self.semver.as_deref())
            .or(self.tag.as_deref())
            .or(self.branch.as_deref())
    }
}

/// An `include` entry: another GitRepository's artifact copied in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitInclude {
    /// The included GitRepository (same namespace).
    pub repository: String,
    /// Folder of the included artifact to copy (`""`: all of it).
    pub from_path: String,
    /// Where it goes (default: the repository's name).
    pub to_path: String,
}

/// A `source.toolkit.fluxcd.io/v1` GitRepository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitRepository {
    pub meta: ObjectMeta,
    pub url: String,
    pub reference: GitReference,
    /// `spec.ignore` (gitignore lines).
    pub ignore: Option<String>,
    pub include: Vec<GitInclude>,
    /// `spec.sparseCheckout` folders (`./` dropped).
    pub sparse_checkout: Vec<String>,
    pub recurse_submodules: bool,
    pub suspend: bool,
}

impl GitRepository {
    /// Reads a GitRepository object.
    pub fn from_object(object: &Value) -> Result<Self, FluxError> {
        let meta = ObjectMeta::read(object, "source.toolkit.fluxcd.io", &["v1"], "GitRepository")?;
        let spec = object.get("spec").cloned().unwrap_or(Value::Null);
        let text = |pointer: &str| {
            spec.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let invalid = |message: String| FluxError::Spec {
            object: describe(&meta),
            message,
        };
        let url = text("/url").ok_or_else(|| invalid("spec.url is required".into()))?;
        let mut include = Vec::new();
        for (i, inc) in spec
            .get("include")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let repository = inc
                .pointer("/repository/name")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(format!("spec.include[{i}].repository.name is required")))?;
            let field = |f: &str| inc.get(f).and_then(Value::as_str).unwrap_or_default();
            include.push(GitInclude {
                repository: repository.to_string(),
                from_path: field("fromPath").to_string(),
                to_path: if field("toPath").is_empty() {
                    repository.to_string()
                } else {
                    field("toPath").to_string()
                },
            });
        }
        let sparse_checkout = spec
            .get("sparseCheckout")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|p| p.strip_prefix("./").unwrap_or(p).to_string())
            .collect();
        Ok(GitRepository {
            url,
            reference: GitReference {
                branch: text("/ref/branch"),
                tag: text("/ref/tag"),
                semver: text("/ref/semver"),
                name: text("/ref/name"),
                commit: text("/ref/commit"),
            },
            ignore: text("/ignore"),
            include,
            sparse_checkout,
            recurse_submodules: spec
                .get("recurseSubmodules")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            suspend: spec
                .get("suspend")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            meta,
        })
    }

    /// The artifact source-controller would build from `checkout` (the
    /// files of the repository at the revision): sparse checkout first,
    /// then `included` artifacts (one per `spec.include` entry, in order,
    /// each already an artifact of its own GitRepository), then the
    /// ignore rules.
    pub fn artifact(
        &self,
        checkout: &FileTree,
        included: &[&FileTree],
    ) -> Result<FileTree, FluxError> {
        let mut tree = self.sparse(checkout)?;
        if included.len() != self.include.len() {
            return Err(FluxError::Spec {
                object: describe(&self.meta),
                message: format!(
                    "spec.include names {} repositories but {} artifacts were given",
                    self.include.len(),
                    included.len()
                ),
            });
        }
        for (inc, artifact) in self.include.iter().zip(included) {
            let from = clean(&inc.from_path);
            let to = clean(&inc.to_path);
            for path in artifact.under(&from) {
                let rel = path[from.len()..].trim_start_matches('/');
                artifact.copy_entry(path, &mut tree, join(&to, rel));
            }
        }
        Ok(filter_artifact(&tree, self.ignore.as_deref()))
    }

    fn sparse(&self, checkout: &FileTree) -> Result<FileTree, FluxError> {
        if self.sparse_checkout.is_empty() {
            return Ok(checkout.clone());
        }
        let mut out = FileTree::new();
        for dir in &self.sparse_checkout {
            let dir = clean(dir);
            if !checkout.has(&dir) {
                return Err(FluxError::PathNotFound {
                    object: describe(&self.meta),
                    what: "sparse checkout dir",
                    path: dir,
                });
            }
            for path in checkout.under(&dir) {
                checkout.copy_entry(path, &mut out, path);
            }
        }
        Ok(out)
    }
}

/// The files of `checkout` that source-controller puts in an artifact:
/// the `.sourceignore` files of every folder (outer first, folders in name
/// order) and then `spec_ignore` decide; without any of those patterns the
/// default exclusions apply; version-control files are always left out.
pub fn filter_artifact(checkout: &FileTree, spec_ignore: Option<&str>) -> FileTree {
    let mut patterns = Vec::new();
    let mut ignore_files: Vec<(&str, &[u8])> = checkout
        .paths()
        .filter(|p| p.rsplit('/').next() == Some(IGNORE_FILE))
        .filter_map(|p| Some((p, checkout.get(p)?)))
        .collect();
    ignore_files.sort_by_key(|(p, _)| walk_key(p));
    for (path, bytes) in ignore_files {
        let domain = path.rsplit_once('/').map_or("", |(d, _)| d);
        patterns.extend(read_patterns(&String::from_utf8_lossy(bytes), domain));
    }
    if let Some(text) = spec_ignore {
        patterns.extend(read_patterns(text, ""));
    }
    let matcher = Matcher::for_artifact(patterns);
    let mut out = FileTree::new();
    for path in checkout.paths() {
        if !matcher.excludes_file(path) {
            checkout.copy_entry(path, &mut out, path);
        }
    }
    out
}

/// Orders `.sourceignore` files as a depth-first walk reads them: a
/// folder's own file before those of its sub-folders.
fn walk_key(path: &str) -> Vec<(u8, &str)> {
    let parts: Vec<&str> = path.split('/').collect();
    let (file, dirs) = parts.split_last().map_or((path, &[][..]), |(f, d)| (*f, d));
    let mut key: Vec<(u8, &str)> = dirs.iter().map(|d| (1, *d)).collect();
    key.push((0, file));
    key
}

/// A path inside the artifact: `./`, `/` and `..` resolved without
/// leaving the root (as Flux's secure join does).
pub(crate) fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// `rel` joined to folder `dir` and cleaned; None when `..` climbs out
/// of the artifact.
pub(crate) fn clean_within(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
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

fn join(dir: &str, rel: &str) -> String {
    match (dir.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => dir.to_string(),
        _ => format!("{dir}/{rel}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(files: &[&str]) -> FileTree {
        let mut t = FileTree::new();
        for f in files {
            t.insert(*f, "x");
        }
        t
    }

    fn paths(t: &FileTree) -> Vec<&str> {
        t.paths().collect()
    }

    #[test]
    fn sourceignore_files_and_spec_ignore_replace_the_defaults() {
        let mut t = tree(&[
            "a.yaml",
            "b.png",
            ".github/ci.yaml",
            "sub/x.txt",
            "sub/y.yaml",
        ]);
        assert_eq!(
            paths(&filter_artifact(&t, None)),
            ["a.yaml", "sub/x.txt", "sub/y.yaml"]
        );
        t.insert("sub/.sourceignore", "*.txt\n");
        assert_eq!(
            paths(&filter_artifact(&t, None)),
            [
                ".github/ci.yaml",
                "a.yaml",
                "b.png",
                "sub/.sourceignore",
                "sub/y.yaml"
            ]
        );
        assert_eq!(
            paths(&filter_artifact(&t, Some("/*\n!/sub/\n"))),
            ["sub/.sourceignore", "sub/x.txt", "sub/y.yaml"],
            "spec.ignore comes last, so its re-include wins over sub/.sourceignore"
        );
    }

    #[test]
    fn git_repository_builds_its_artifact() {
        let repo = GitRepository::from_object(&json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "app", "namespace": "flux-system"},
            "spec": {"url": "https://example.com/app.git", "ref": {"branch": "main", "tag": "v1"},
                     "sparseCheckout": ["./deploy"], "ignore": "*.md\n",
                     "include": [{"repository": {"name": "lib"}, "fromPath": "manifests"}]}
        }))
        .unwrap();
        assert_eq!(repo.reference.revision(), Some("v1"));
        let checkout = tree(&["deploy/a.yaml", "deploy/README.md", "src/main.go"]);
        let lib = tree(&["manifests/b.yaml", "other/c.yaml"]);
        let artifact = repo.artifact(&checkout, &[&lib]).unwrap();
        assert_eq!(paths(&artifact), ["deploy/a.yaml", "lib/b.yaml"]);
        let missing = GitRepository {
            sparse_checkout: vec!["nope".into()],
            ..repo.clone()
        };
        assert!(matches!(
            missing.artifact(&checkout, &[&lib]),
            Err(FluxError::PathNotFound { .. })
        ));
    }

    #[test]
    fn clean_paths_stay_inside_the_root() {
        assert_eq!(clean("./apps//prod/"), "apps/prod");
        assert_eq!(clean("/../../apps"), "apps");
        assert_eq!(clean("."), "");
    }
}
