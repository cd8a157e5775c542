//! Helm charts through the real `helm` binary: the chart folder (with its
//! vendored `charts/` dependencies) is written from the in-memory file tree
//! to a temporary folder and rendered with `helm template`, with the
//! release name, namespace, value files and inline values of the app. The
//! output is parsed like any other manifests.

use super::RenderError;
use super::documents::parse_file;
use crate::model::FileTree;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable naming the helm binary (default: `helm` on PATH).
pub const HELM_ENV: &str = "TETHER_HELM";

/// How to render a chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmOptions {
    /// Release name (`.Release.Name`).
    pub release_name: String,
    /// Release namespace (`.Release.Namespace`); None = helm's default.
    pub namespace: Option<String>,
    /// Value files, relative to the chart folder, applied in order.
    pub value_files: Vec<String>,
    /// Inline values, applied after the value files.
    pub values: Option<Value>,
}

/// The helm binary: `$TETHER_HELM`, else `helm` found on PATH.
pub fn helm_binary() -> Result<PathBuf, RenderError> {
    if let Some(path) = std::env::var_os(HELM_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("helm"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            RenderError::Helm(format!(
                "helm is needed to render charts but was not found: set {HELM_ENV} to the helm binary or put `helm` on PATH"
            ))
        })
}

/// Renders the chart at `path` of `tree` with `helm template`.
pub fn template(
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
) -> Result<Vec<Value>, RenderError> {
    template_with_binary(&helm_binary()?, tree, path, options)
}

/// [`template`] with an explicit helm binary.
pub fn template_with_binary(
    helm: &Path,
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
) -> Result<Vec<Value>, RenderError> {
    let work = tempfile::tempdir()
        .map_err(|e| RenderError::Helm(format!("cannot create a temporary folder: {e}")))?;
    let chart = work.path().join("chart");
    write_chart(tree, path, &chart)?;
    let mut command = Command::new(helm);
    command
        .arg("template")
        .arg(&options.release_name)
        .arg(&chart)
        .arg("--include-crds");
    if let Some(ns) = &options.namespace {
        command.arg("--namespace").arg(ns);
    }
    for file in &options.value_files {
        let on_disk = chart.join(file);
        if !on_disk.is_file() {
            return Err(RenderError::Helm(format!(
                "{path}/{file}: value file not found in the chart folder"
            )));
        }
        command.arg("--values").arg(on_disk);
    }
    if let Some(values) = &options.values {
        let inline = work.path().join("inline-values.yaml");
        let text = serde_yaml::to_string(values)
            .map_err(|e| RenderError::Helm(format!("inline helm values: {e}")))?;
        std::fs::write(&inline, text)
            .map_err(|e| RenderError::Helm(format!("cannot write inline values: {e}")))?;
        command.arg("--values").arg(inline);
    }
    let output = command
        .output()
        .map_err(|e| RenderError::Helm(format!("cannot run {}: {e}", helm.display())))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.trim().trim_start_matches("Error: ");
        return Err(RenderError::Helm(format!(
            "{path}: helm template failed: {message}"
        )));
    }
    parse_file(&format!("{path} (helm template)"), &output.stdout)
}

/// Writes every file under `path` (the chart and its `charts/`) to `dest`.
fn write_chart(tree: &FileTree, path: &str, dest: &Path) -> Result<(), RenderError> {
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    for (file, bytes) in tree.under(path) {
        let relative = &file[prefix.len()..];
        if relative.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        let target = dest.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| RenderError::Helm(format!("cannot write the chart: {e}")))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|e| RenderError::Helm(format!("cannot write {file}: {e}")))?;
    }
    Ok(())
}
