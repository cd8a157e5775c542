//! Which renderer a folder needs.

use crate::model::FileTree;

/// How the manifests of a folder are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// YAML/JSON manifests, read as they are.
    Plain,
    /// A folder with `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
    Kustomize,
    /// A Helm chart: a folder with `Chart.yaml`.
    Helm,
}

/// File names that make a folder a Kustomize root.
pub const KUSTOMIZATION_FILES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// File name that makes a folder a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// The kind of the folder `path` of `tree` (its own files only, not its
/// sub-folders): Kustomize wins over Helm, Plain otherwise.
pub fn detect(tree: &FileTree, path: &str) -> SourceKind {
    match marker_file(tree, path) {
        Some((kind, _)) => kind,
        None => SourceKind::Plain,
    }
}

/// The file that makes folder `dir` Kustomize or Helm, if any.
pub(crate) fn marker_file(tree: &FileTree, dir: &str) -> Option<(SourceKind, String)> {
    let join = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", dir.trim_end_matches('/'))
        }
    };
    if let Some(file) = KUSTOMIZATION_FILES
        .iter()
        .map(|n| join(n))
        .find(|f| tree.contains(f))
    {
        return Some((SourceKind::Kustomize, file));
    }
    let chart = join(CHART_FILE);
    tree.contains(&chart).then_some((SourceKind::Helm, chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_marker_file_in_the_folder_itself() {
        let mut t = FileTree::new();
        t.insert("apps/web/deploy.yaml", "");
        t.insert("apps/web/overlay/Kustomization", "");
        t.insert("charts/db/Chart.yaml", "");
        assert_eq!(detect(&t, "apps/web"), SourceKind::Plain);
        assert_eq!(detect(&t, "apps/web/overlay"), SourceKind::Kustomize);
        assert_eq!(detect(&t, "charts/db/"), SourceKind::Helm);
        assert_eq!(detect(&t, ""), SourceKind::Plain);
    }
}
