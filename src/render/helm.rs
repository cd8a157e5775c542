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
    /// Value files given by their content (a file of another repository,
    /// YAML text), applied in order after `value_files` and before
    /// `values`; the name is for messages.
    pub value_contents: Vec<(String, Vec<u8>)>,
    /// `--set name=value`, in order.
    pub set: Vec<(String, String)>,
    /// `--set-string name=value`, in order.
    pub set_string: Vec<(String, String)>,
    /// `--set-file name=<file>`: the file's content.
    pub set_file: Vec<(String, Vec<u8>)>,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, each.
    pub api_versions: Vec<String>,
    /// Leave out `--include-crds` (the chart's `crds/` folder).
    pub skip_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
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
    for file in &options.value_files {
        if !tree.has(&join(path, file)) {
            return Err(RenderError::Helm(format!(
                "{path}/{file}: value file not found in the chart folder"
            )));
        }
    }
    let mut values: Vec<Values> = options
        .value_files
        .iter()
        .map(|f| Values::File(join(path, f)))
        .collect();
    for (_, content) in &options.value_contents {
        values.push(Values::Text(String::from_utf8_lossy(content).into_owned()));
    }
    if let Some(inline) = &options.values {
        let text = serde_yaml::to_string(inline)
            .map_err(|e| RenderError::Helm(format!("inline helm values: {e}")))?;
        values.push(Values::Text(text));
    }
    let mut flags = Vec::new();
    if let Some(version) = &options.kube_version {
        flags.extend(["--kube-version".to_string(), version.clone()]);
    }
    for (flag, pairs) in [
        ("--set", &options.set),
        ("--set-string", &options.set_string),
    ] {
        for (name, value) in pairs {
            flags.extend([flag.to_string(), format!("{name}={value}")]);
        }
    }
    for version in &options.api_versions {
        flags.extend(["--api-versions".to_string(), version.clone()]);
    }
    for (on, flag) in [
        (!options.skip_crds, "--include-crds"),
        (options.skip_schema_validation, "--skip-schema-validation"),
        (options.skip_tests, "--skip-tests"),
    ] {
        if on {
            flags.push(flag.to_string());
        }
    }
    let call = TemplateCall {
        chart: path,
        release: Some(&options.release_name),
        namespace: options.namespace.as_deref(),
        values,
        flags,
        set_files: options.set_file.clone(),
    };
    let stdout = run_template(helm, tree, &call)
        .map_err(|message| RenderError::Helm(format!("{path}: helm template failed: {message}")))?;
    parse_file(&format!("{path} (helm template)"), &stdout)
}

/// A source of values for `helm template --values`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    /// A file of the tree.
    File(String),
    /// YAML text.
    Text(String),
}

/// One `helm template` run: the chart folder of the tree, the release,
/// value sources in order and further flags (after the values).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TemplateCall<'a> {
    pub chart: &'a str,
    /// None: helm's own `release-name`.
    pub release: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub values: Vec<Values>,
    pub flags: Vec<String>,
    /// `--set-file name=<file>` with the file's content.
    pub set_files: Vec<(String, Vec<u8>)>,
}

/// Runs `helm template` on a copy of the chart written from `tree` to a
/// temporary folder; the rendered stream, or helm's message.
pub(crate) fn run_template(
    helm: &Path,
    tree: &FileTree,
    call: &TemplateCall<'_>,
) -> Result<Vec<u8>, String> {
    let work = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let chart = work.path().join("chart");
    write_chart(tree, call.chart, &chart).map_err(|e| e.to_string())?;
    let mut command = Command::new(helm);
    command.arg("template");
    if let Some(release) = call.release {
        command.arg(release);
    }
    command.arg(&chart);
    if let Some(ns) = call.namespace {
        command.arg("--namespace").arg(ns);
    }
    for (i, values) in call.values.iter().enumerate() {
        let on_disk = work.path().join(format!("values-{i}.yaml"));
        let bytes = match values {
            Values::File(file) => tree.get(file).unwrap_or_default(),
            Values::Text(text) => text.as_bytes(),
        };
        std::fs::write(&on_disk, bytes).map_err(|e| format!("cannot write values: {e}"))?;
        command.arg("--values").arg(on_disk);
    }
    command.args(&call.flags);
    for (i, (name, content)) in call.set_files.iter().enumerate() {
        let on_disk = work.path().join(format!("set-file-{i}"));
        std::fs::write(&on_disk, content).map_err(|e| format!("cannot write {name}: {e}"))?;
        command
            .arg("--set-file")
            .arg(format!("{name}={}", on_disk.display()));
    }
    // Helm's own configuration and caches stay out of the user's home.
    command
        .env("HELM_CONFIG_HOME", work.path().join("helm"))
        .env("HELM_CACHE_HOME", work.path().join("helm/.cache"))
        .env("HELM_DATA_HOME", work.path().join("helm/.data"));
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr.trim().trim_start_matches("Error: ").to_string());
    }
    Ok(output.stdout)
}

/// `dir/file` of a file tree (just `file` at the root).
pub fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
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
