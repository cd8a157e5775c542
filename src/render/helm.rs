//! Helm charts through the real `helm` binary: the chart folder (with its
//! vendored `charts/` dependencies) is written from the in-memory file tree
//! to a temporary folder and rendered with `helm template`, with the
//! release name, namespace, value files and inline values of the app. The
//! output is parsed like any other manifests.

use super::RenderError;
use super::documents::parse_file;
use super::process::{self, ProcessLimits};
use crate::model::{FileTree, RenderLimits};
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

/// Renders the chart at `path` of `tree` with `helm template`, within the
/// default [`RenderLimits`].
pub fn template(
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
) -> Result<Vec<Value>, RenderError> {
    template_limited(tree, path, options, &RenderLimits::default())
}

/// [`template`] within `limits` (deadline, memory and output of helm).
pub fn template_limited(
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
    limits: &RenderLimits,
) -> Result<Vec<Value>, RenderError> {
    template_with(&helm_binary()?, tree, path, options, limits)
}

/// [`template`] with an explicit helm binary.
pub fn template_with_binary(
    helm: &Path,
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
) -> Result<Vec<Value>, RenderError> {
    template_with(helm, tree, path, options, &RenderLimits::default())
}

/// [`template`] with an explicit helm binary and limits.
pub fn template_with(
    helm: &Path,
    tree: &FileTree,
    path: &str,
    options: &HelmOptions,
    limits: &RenderLimits,
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
    for (name, content) in &options.value_contents {
        values.push(Values::Text {
            text: String::from_utf8_lossy(content).into_owned(),
            origin: name.clone(),
        });
    }
    if let Some(inline) = &options.values {
        if !inline.is_object() {
            return Err(RenderError::Helm(format!(
                "{path}: source.helm.values of tether.yaml must be a mapping of values, not {}",
                json_type(inline)
            )));
        }
        let text = serde_yaml::to_string(inline)
            .map_err(|e| RenderError::Helm(format!("inline helm values: {e}")))?;
        values.push(Values::Text {
            text,
            origin: "source.helm.values of tether.yaml".to_string(),
        });
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
    let stdout = run_template(helm, tree, &call, &ProcessLimits::from(limits))
        .map_err(|message| RenderError::Helm(format!("{path}: helm template failed: {message}")))?;
    parse_file(&format!("{path} (helm template)"), &stdout)
}

/// A source of values for `helm template --values`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    /// A file of the tree.
    File(String),
    /// YAML text, and where it comes from (for helm's messages).
    Text { text: String, origin: String },
}

impl Values {
    /// How helm's messages should name it.
    fn origin(&self) -> &str {
        match self {
            Values::File(file) => file,
            Values::Text { origin, .. } => origin,
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
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
/// temporary folder, within `limits` ([`process::run`]); the rendered
/// stream, or helm's message with the temporary paths replaced by what
/// they stand for.
pub(crate) fn run_template(
    helm: &Path,
    tree: &FileTree,
    call: &TemplateCall<'_>,
    limits: &ProcessLimits,
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
    let mut renames: Vec<(String, String)> = Vec::new();
    for (i, values) in call.values.iter().enumerate() {
        let on_disk = work.path().join(format!("values-{i}.yaml"));
        let bytes = match values {
            Values::File(file) => tree.read(file).map_err(|e| e.to_string())?,
            Values::Text { text, .. } => text.as_bytes(),
        };
        std::fs::write(&on_disk, bytes).map_err(|e| format!("cannot write values: {e}"))?;
        renames.push((on_disk.display().to_string(), values.origin().to_string()));
        command.arg("--values").arg(on_disk);
    }
    renames.push((chart.display().to_string(), call.chart.to_string()));
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
    let output = process::run(command, limits).map_err(|e| e.to_string())?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(helm_message(&stderr, &renames));
    }
    Ok(output.stdout)
}

/// helm's error text for a tether user: `Error:` prefixes dropped, the
/// temporary files named by what they hold, and the advice about helm's
/// `--debug` flag (which tether does not have) turned into a command the
/// user can run.
fn helm_message(stderr: &str, renames: &[(String, String)]) -> String {
    let mut text = stderr.trim().to_string();
    for (temp, origin) in renames {
        text = text.replace(temp.as_str(), origin);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut advised = false;
    for line in text.lines() {
        let line = line.trim_start_matches("Error: ");
        if line.contains("--debug flag") {
            advised = true;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    let mut message = lines.join("; ");
    if advised && message.contains("YAML parse error") {
        message.push_str(
            " (to see the rendered text, run `helm template --debug` on the chart folder)",
        );
    }
    message
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
    for file in tree.under(path) {
        let relative = &file[prefix.len()..];
        if relative.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        if tree.kind(file) == Some(crate::model::EntryKind::Submodule) {
            continue;
        }
        let bytes = tree.read(file)?;
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
