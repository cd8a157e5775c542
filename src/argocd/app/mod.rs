//! An Application as a render plan (pure data), and the render of that
//! plan over repository trees as Argo CD's repo-server and controller
//! would produce the objects: tool detection, Helm, Kustomize (with the
//! app's overrides applied to the kustomization as `kustomize edit`
//! would), plain directories, the destination namespace, and the
//! tracking annotation/label.

mod directory;
mod env;
mod helm;
mod kustomize;
mod objects;
mod render;
mod spec;
mod tool_spec;

pub use objects::{
    COMPARE_OPTIONS_ANNOTATION, HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, ObjectPolicy,
    SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, object_policy,
};
pub use render::{RenderedApp, render};

use crate::argocd::tracking::{TrackingSettings, instance_name};
use crate::argocd::{ArgoError, TrackingMethod};
use crate::model::FileTree;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What argocd-cm (tether.yaml `argocd:`) and the destination cluster say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgoSettings {
    pub tracking: TrackingSettings,
    /// `kustomize.buildOptions`.
    pub kustomize_build_options: String,
    /// The namespace Argo CD runs in (`argocd`).
    pub controller_namespace: String,
    /// The destination cluster's version, for Helm's `--kube-version`
    /// when the app does not set one.
    pub kube_version: Option<String>,
    /// The destination cluster's API versions, for `--api-versions`.
    pub api_versions: Vec<String>,
}

impl Default for ArgoSettings {
    fn default() -> Self {
        Self {
            tracking: TrackingSettings::default(),
            kustomize_build_options: String::new(),
            controller_namespace: "argocd".into(),
            kube_version: None,
            api_versions: Vec::new(),
        }
    }
}

impl ArgoSettings {
    /// From the values of tether.yaml `argocd:` (argocd-cm keys).
    pub fn new(
        tracking_method: &str,
        instance_label_key: &str,
        kustomize_build_options: &str,
    ) -> Result<Self, ArgoError> {
        Ok(Self {
            tracking: TrackingSettings {
                method: TrackingMethod::parse(tracking_method).map_err(ArgoError::Settings)?,
                instance_label_key: if instance_label_key.is_empty() {
                    crate::argocd::DEFAULT_INSTANCE_LABEL_KEY.to_string()
                } else {
                    instance_label_key.to_string()
                },
                installation_id: None,
            },
            kustomize_build_options: kustomize_build_options.to_string(),
            ..Default::default()
        })
    }
}

impl From<&crate::model::ArgoSettings> for ArgoSettings {
    /// The settings of tether.yaml `argocd:` (kube version and API
    /// versions unknown: Helm's defaults apply).
    fn from(config: &crate::model::ArgoSettings) -> Self {
        Self {
            tracking: TrackingSettings {
                method: config.tracking_method,
                instance_label_key: config.instance_label_key.clone(),
                installation_id: None,
            },
            kustomize_build_options: config.kustomize_build_options.clone(),
            controller_namespace: config.namespace.clone(),
            kube_version: None,
            api_versions: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppDestination {
    pub server: String,
    pub name: String,
    pub namespace: String,
}

/// A source that provides files to others as `$name/…` (multi-source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSource {
    pub name: String,
    pub repo_url: String,
    pub target_revision: String,
}

/// A source that produces manifests.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSource {
    /// Position in `sources` (0 for `source`).
    pub index: usize,
    pub repo_url: String,
    /// Folder in the repository (`""` or `.` is the root).
    pub path: String,
    /// `HEAD` when empty in the spec.
    pub target_revision: String,
    pub name: String,
    pub tool: ToolBlock,
    /// The source as written, for `.argocd-source.yaml` overrides.
    pub raw: Value,
}

/// The tool block a source sets (or none: detect from the files).
#[derive(Debug, Clone, PartialEq)]
pub enum ToolBlock {
    Detect,
    Helm(HelmSource),
    Kustomize(KustomizeSource),
    Directory(DirectorySource),
}

/// Which renderer a source uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Helm,
    Kustomize,
    Directory,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmParameter {
    pub name: String,
    pub value: String,
    pub force_string: bool,
}

/// `source.helm`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmSource {
    pub value_files: Vec<String>,
    pub ignore_missing_value_files: bool,
    /// `values` text, or `valuesObject` as YAML (which wins).
    pub values: Option<String>,
    pub parameters: Vec<HelmParameter>,
    /// `fileParameters`: name and path.
    pub file_parameters: Vec<(String, String)>,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub skip_crds: bool,
    pub skip_tests: bool,
    pub skip_schema_validation: bool,
}

/// `source.kustomize`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KustomizeSource {
    pub name_prefix: String,
    pub name_suffix: String,
    pub images: Vec<String>,
    pub replicas: Vec<(String, i64)>,
    pub common_labels: BTreeMap<String, String>,
    pub common_annotations: BTreeMap<String, String>,
    pub common_annotations_envsubst: bool,
    pub force_common_labels: bool,
    pub force_common_annotations: bool,
    pub namespace: String,
    pub patches: Vec<Value>,
    pub components: Vec<String>,
    pub ignore_missing_components: bool,
    pub label_without_selector: bool,
    pub label_include_templates: bool,
}

/// `source.directory`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectorySource {
    pub recurse: bool,
    pub include: String,
    pub exclude: String,
    pub disable_extension_filter: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Automated {
    pub prune: bool,
    pub self_heal: bool,
    pub allow_empty: bool,
    /// `enabled` (nil means on).
    pub enabled: bool,
}

/// `spec.syncPolicy`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArgoSyncPolicy {
    pub automated: Option<Automated>,
    pub sync_options: Vec<String>,
    pub retry: Option<Value>,
    pub managed_namespace_metadata: Option<Value>,
}

impl ArgoSyncPolicy {
    /// Automated sync that is switched on.
    pub fn is_automated(&self) -> bool {
        self.automated.is_some_and(|a| a.enabled)
    }

    /// The value of sync option `name` (`CreateNamespace=true` → `true`).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.sync_options.iter().find_map(|o| {
            o.split_once('=')
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
    }
}

/// `spec.ignoreDifferences[]`, carried as data (jq expressions too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgoIgnoreDifference {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub json_pointers: Vec<String>,
    pub jq_path_expressions: Vec<String>,
    pub managed_fields_managers: Vec<String>,
}

/// Everything needed to render and sync an Application, read from its
/// object.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderPlan {
    pub name: String,
    /// Where the Application object lives.
    pub app_namespace: String,
    /// The name Argo CD tracks it by (`<ns>_<name>` outside the
    /// controller's namespace).
    pub instance: String,
    pub project: String,
    pub destination: AppDestination,
    /// Sources that render manifests, in order.
    pub sources: Vec<PlannedSource>,
    /// Sources that other sources reference as `$name/…`.
    pub refs: Vec<RefSource>,
    /// `spec.sources` was used.
    pub multi_source: bool,
    pub sync_policy: ArgoSyncPolicy,
    pub ignore_differences: Vec<ArgoIgnoreDifference>,
    pub revision_history_limit: Option<i64>,
    pub info: Vec<Value>,
    pub settings: ArgoSettings,
}

/// Reads an Application object into a render plan; every spec field is
/// used, carried, or refused with an error naming it.
pub fn plan(app: &Value, settings: &ArgoSettings) -> Result<RenderPlan, ArgoError> {
    let name = app
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let fail = |m: String| ArgoError::App {
        app: name.clone(),
        message: m,
    };
    if name.is_empty() {
        return Err(fail("metadata.name is empty".into()));
    }
    let app_namespace = app
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let empty = Map::new();
    let spec = app.get("spec").and_then(Value::as_object).unwrap_or(&empty);
    spec::check_spec(spec).map_err(fail)?;
    let destination = spec::destination(spec).map_err(fail)?;
    let (sources_value, multi_source) = match (
        spec.get("source").filter(|v| !v.is_null()),
        spec.get("sources"),
    ) {
        (_, Some(Value::Array(list))) if !list.is_empty() => (list.clone(), true),
        (Some(source), _) => (vec![source.clone()], false),
        _ => return Err(fail("spec.source or spec.sources is required".into())),
    };
    let mut sources = Vec::new();
    let mut refs = Vec::new();
    for (i, s) in sources_value.iter().enumerate() {
        let at = if multi_source {
            format!("spec.sources[{i}]")
        } else {
            "spec.source".to_string()
        };
        let (planned, reference) = spec::source(s, i, &at).map_err(fail)?;
        if let Some(r) = reference {
            if refs.iter().any(|x: &RefSource| x.name == r.name) {
                return Err(fail(format!(
                    "{at}.ref {:?} is used by two sources",
                    r.name
                )));
            }
            refs.push(r);
        }
        sources.extend(planned);
    }
    let project = match spec.get("project").and_then(Value::as_str) {
        None | Some("") => "default".to_string(),
        Some(p) => p.to_string(),
    };
    Ok(RenderPlan {
        instance: instance_name(&name, &app_namespace, &settings.controller_namespace),
        name: name.clone(),
        app_namespace,
        project,
        destination,
        sources,
        refs,
        multi_source,
        sync_policy: spec::sync_policy(spec).map_err(fail)?,
        ignore_differences: spec::ignore_differences(spec).map_err(fail)?,
        revision_history_limit: spec.get("revisionHistoryLimit").and_then(Value::as_i64),
        info: spec
            .get("info")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        settings: settings.clone(),
    })
}

impl PlannedSource {
    /// The folder in the repository, without `./` and slashes at the ends.
    pub fn dir(&self) -> String {
        clean_dir(&self.path)
    }

    /// Which tool renders this source: the block it sets, else detection
    /// over the folder's own files (`Chart.yaml`, or any file ending in
    /// it, means Helm; a kustomization file means Kustomize and wins;
    /// anything else is a directory).
    pub fn tool_for(&self, tree: &FileTree) -> Tool {
        match &self.tool {
            ToolBlock::Helm(_) => Tool::Helm,
            ToolBlock::Kustomize(_) => Tool::Kustomize,
            ToolBlock::Directory(_) => Tool::Directory,
            ToolBlock::Detect => detect(tree, &self.dir()),
        }
    }
}

/// Argo CD's tool detection for folder `dir`.
pub fn detect(tree: &FileTree, dir: &str) -> Tool {
    let mut tool = Tool::Directory;
    for path in tree.under(dir) {
        let rel = if dir.is_empty() {
            path
        } else {
            &path[dir.len() + 1..]
        };
        if rel.contains('/') {
            continue;
        }
        if rel.ends_with("Chart.yaml") && tool == Tool::Directory {
            tool = Tool::Helm;
        }
        if crate::render::KUSTOMIZATION_FILES.contains(&rel) {
            tool = Tool::Kustomize;
        }
    }
    tool
}

/// `path` as a tree folder: no `./`, no slashes at the ends, `.` → root.
pub fn clean_dir(path: &str) -> String {
    let p = path.trim_matches('/');
    let p = p.strip_prefix("./").unwrap_or(p);
    if p == "." {
        String::new()
    } else {
        p.to_string()
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
