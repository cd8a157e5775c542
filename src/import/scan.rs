//! Reading an `import:` folder at a revision: every YAML/JSON file under
//! it, recursively, split into objects; the Argo CD and Flux kinds kept.

use crate::model::{FileTree, ImportSpec};
use crate::render::{CHART_FILE, MANIFEST_EXTENSIONS};
use crate::source::Repo;
use serde_json::Value;

/// An object found in an import folder, with where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub object: Value,
    /// `<file>` relative to the repository root.
    pub file: String,
    /// Index of the `import:` entry.
    pub import: usize,
}

impl Found {
    pub fn kind(&self) -> &str {
        self.object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn group(&self) -> &str {
        self.object
            .get("apiVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.split_once('/'))
            .map_or("", |(g, _)| g)
    }

    pub fn name(&self) -> &str {
        self.object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The object's namespace, or `default_ns` when it has none.
    pub fn namespace_or<'a>(&'a self, default_ns: &'a str) -> &'a str {
        self.object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(default_ns)
    }
}

/// API groups whose kinds an import keeps, besides ConfigMaps and Secrets.
pub const GITOPS_GROUPS: &[&str] = &[
    "argoproj.io",
    "kustomize.toolkit.fluxcd.io",
    "helm.toolkit.fluxcd.io",
    "source.toolkit.fluxcd.io",
];

/// Whether an object is one an import keeps: the Argo CD and Flux kinds,
/// and ConfigMaps and Secrets (Flux substitution and values read them).
pub fn is_kept(object: &Value) -> bool {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    match api_version.split_once('/') {
        Some((group, _)) => GITOPS_GROUPS.contains(&group),
        None => api_version == "v1" && matches!(kind, "ConfigMap" | "Secret"),
    }
}

/// The kept objects of every manifest file of `tree` under `path`, and one
/// message per file that could not be read but looks like it meant to hold
/// Argo CD or Flux objects (it names one of their API groups). Files in a
/// Helm chart folder (templates are not YAML) and hidden files are skipped,
/// as are files that fail to parse and name no GitOps group: they are not
/// app definitions.
pub fn scan_tree(tree: &FileTree, path: &str, import: usize) -> (Vec<Found>, Vec<String>) {
    let charts: Vec<String> = tree
        .under(path)
        .filter_map(|file| file.strip_suffix(CHART_FILE))
        .filter(|dir| dir.is_empty() || dir.ends_with('/'))
        .map(str::to_string)
        .collect();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for file in tree.under(path) {
        let hidden = file.split('/').any(|c| c.starts_with('.'));
        let in_chart = charts.iter().any(|c| file.starts_with(c.as_str()));
        if hidden || in_chart || !MANIFEST_EXTENSIONS.iter().any(|e| file.ends_with(e)) {
            continue;
        }
        let bytes = match tree.read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        match crate::render::parse_file(file, bytes) {
            Ok(objects) => found.extend(objects.into_iter().filter(is_kept).map(|object| Found {
                object,
                file: file.to_string(),
                import,
            })),
            Err(e) => {
                let text = String::from_utf8_lossy(bytes);
                if GITOPS_GROUPS.iter().any(|g| text.contains(g)) {
                    problems.push(e.to_string());
                }
            }
        }
    }
    (found, problems)
}

/// Reads an `import:` entry: the repository at its revision (the folder
/// only), returning the commit id with what [`scan_tree`] finds.
pub fn scan_import(
    entry: &ImportSpec,
    index: usize,
) -> Result<(String, Vec<Found>, Vec<String>), String> {
    let where_ = || format!("import[{index}] ({}:{})", entry.repo.display(), entry.path);
    let repo = Repo::open(&entry.repo).map_err(|e| format!("{}: {e}", where_()))?;
    let resolved = repo
        .resolve(&entry.revision)
        .map_err(|e| format!("{}: {e}", where_()))?;
    let path = entry.path.trim_matches('/');
    let tree = repo
        .read_tree(&entry.revision, path)
        .map_err(|e| format!("{}: {e}", where_()))?;
    let (found, problems) = scan_tree(&tree, path, index);
    Ok((resolved.id, found, problems))
}
