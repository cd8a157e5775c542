//! ApplicationSets: generators (list, clusters, git directories and
//! files, matrix, merge) with selectors and per-generator templates,
//! fasttemplate or Go templates, `templatePatch`, and the Applications
//! the ApplicationSet controller would create. Pure: the caller supplies
//! the clusters and the repository trees.

mod generators;
mod git;
mod nested;
mod params;
mod render;
mod selector;

pub use params::{Params, flatten};
pub use render::{RESOURCES_FINALIZER, merge_patch};

use crate::argocd::ArgoError;
use crate::argocd::gotemplate::Options;
use crate::model::FileTree;
use render::Mode;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Name of Argo CD's implicit local cluster.
pub const IN_CLUSTER_NAME: &str = "in-cluster";
/// API server of Argo CD's implicit local cluster.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
/// Label every Argo CD cluster Secret carries.
pub const CLUSTER_SECRET_LABEL: (&str, &str) = ("argocd.argoproj.io/secret-type", "cluster");

/// A cluster as the clusters generator sees it (an Argo CD cluster
/// Secret; for tether, an entry of tether.yaml `clusters:`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    pub name: String,
    pub server: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The Secret's `project` (project-scoped clusters).
    pub project: Option<String>,
}

impl Cluster {
    /// The labels of the cluster Secret, with the secret-type label.
    pub fn secret_labels(&self) -> BTreeMap<String, String> {
        let mut labels = self.labels.clone();
        labels.insert(CLUSTER_SECRET_LABEL.0.into(), CLUSTER_SECRET_LABEL.1.into());
        labels
    }
}

/// Access to repository contents, as Argo CD's repo-server answers the
/// git generator: the tree of `repo_url` at `revision` (a branch, tag,
/// commit, or empty for HEAD) with paths relative to the repository
/// root. The directory and file listings derive from the tree unless an
/// implementation answers them itself.
pub trait RepoSource {
    fn tree(&self, repo_url: &str, revision: &str) -> Result<Arc<FileTree>, String>;

    /// The commit `revision` resolves to (for `$ARGOCD_APP_REVISION`);
    /// the revision itself unless an implementation resolves it.
    fn revision(&self, _repo_url: &str, revision: &str) -> Result<String, String> {
        Ok(revision.to_string())
    }

    /// Every directory except the root and hidden ones, in walk order.
    fn directories(&self, repo_url: &str, revision: &str) -> Result<Vec<String>, String> {
        Ok(git::all_directories(&*self.tree(repo_url, revision)?))
    }

    /// The files `pattern` selects (a `git ls-files` pathspec, or a
    /// doublestar glob when `doublestar`), with their contents.
    fn files(
        &self,
        repo_url: &str,
        revision: &str,
        pattern: &str,
        doublestar: bool,
    ) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let tree = self.tree(repo_url, revision)?;
        git::matching_files(&tree, pattern, doublestar)
    }
}

/// Trees held in memory, found by URL as Argo CD compares URLs
/// ([`crate::argocd::same_repo`]); every revision reads the same tree.
#[derive(Debug, Clone, Default)]
pub struct StaticRepos {
    pub repos: Vec<(String, Arc<FileTree>)>,
}

impl RepoSource for StaticRepos {
    fn tree(&self, repo_url: &str, _revision: &str) -> Result<Arc<FileTree>, String> {
        self.repos
            .iter()
            .find(|(url, _)| crate::argocd::same_repo(url, repo_url))
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("repository {repo_url} is not in repos:"))
    }
}

/// ApplicationSet controller settings that change generation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppSetSettings {
    /// `applicationsetcontroller.enable.new.git.file.globbing`: git file
    /// patterns as doublestar globs instead of `git ls-files` pathspecs.
    pub new_git_file_globbing: bool,
}

/// What generation needs from outside.
pub struct GenerateContext<'a> {
    pub clusters: &'a [Cluster],
    pub repos: &'a dyn RepoSource,
    pub settings: AppSetSettings,
}

/// An error of one generator (path like `generators[0].matrix.generators[1].git`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSetError {
    pub generator: String,
    pub message: String,
}

/// `spec.syncPolicy.applicationsSync`: what the controller may do to the
/// Applications it generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplicationsSync {
    /// Create, update and delete (`sync`, the default).
    #[default]
    Sync,
    CreateOnly,
    CreateUpdate,
    CreateDelete,
}

/// The result of an ApplicationSet: its Applications and the policies
/// that say how they are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub appset: String,
    pub namespace: String,
    /// The Application objects, in generator order.
    pub applications: Vec<Value>,
    pub applications_sync: ApplicationsSync,
    pub preserve_resources_on_deletion: bool,
    /// `spec.strategy`, `spec.ignoreApplicationDifferences` and
    /// `spec.preservedFields` as written (tether does not act on them).
    pub strategy: Option<Value>,
    pub ignore_application_differences: Option<Value>,
    pub preserved_fields: Option<Value>,
}

const SPEC_FIELDS: &[&str] = &[
    "generators",
    "template",
    "templatePatch",
    "goTemplate",
    "goTemplateOptions",
    "syncPolicy",
    "strategy",
    "ignoreApplicationDifferences",
    "preservedFields",
    "applyNestedSelectors",
];

/// The Applications an ApplicationSet object generates.
///
/// ```
/// use tether::argocd::appset::{generate, GenerateContext, StaticRepos};
/// let appset = serde_json::json!({
///   "metadata": {"name": "guestbook", "namespace": "argocd"},
///   "spec": {"generators": [{"list": {"elements": [{"env": "dev"}, {"env": "prod"}]}}],
///            "template": {"metadata": {"name": "guestbook-{{env}}"},
///                         "spec": {"project": "default", "destination": {"namespace": "{{env}}"}}}}});
/// let ctx = GenerateContext { clusters: &[], repos: &StaticRepos::default(), settings: Default::default() };
/// let out = generate(&appset, &ctx).unwrap();
/// assert_eq!(out.applications[1]["metadata"]["name"], "guestbook-prod");
/// ```
pub fn generate(appset: &Value, ctx: &GenerateContext<'_>) -> Result<Generated, ArgoError> {
    let name = appset
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let namespace = appset
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let fail = |generator: &str, message: String| ArgoError::AppSet {
        appset: name.clone(),
        generator: generator.to_string(),
        message,
    };
    let empty = Map::new();
    let spec = appset
        .get("spec")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if let Some(unknown) = spec.keys().find(|k| !SPEC_FIELDS.contains(&k.as_str())) {
        return Err(fail("", format!("unknown field spec.{unknown}")));
    }
    let go_template = spec
        .get("goTemplate")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let go_options: Vec<String> = spec
        .get("goTemplateOptions")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let options = Options::from_go_options(&go_options)
        .map_err(|e| fail("", format!("goTemplateOptions: {e}")))?;
    let mode = Mode {
        go_template,
        options,
    };
    let sync_policy = spec.get("syncPolicy").cloned().unwrap_or(Value::Null);
    let preserve = sync_policy
        .get("preserveResourcesOnDeletion")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let applications_sync = match sync_policy.get("applicationsSync").and_then(Value::as_str) {
        None | Some("sync") => ApplicationsSync::Sync,
        Some("create-only") => ApplicationsSync::CreateOnly,
        Some("create-update") => ApplicationsSync::CreateUpdate,
        Some("create-delete") => ApplicationsSync::CreateDelete,
        Some(other) => {
            return Err(fail(
                "",
                format!(
                    "syncPolicy.applicationsSync {other:?} is not one of sync, create-only, create-update, create-delete"
                ),
            ));
        }
    };
    let template = spec.get("template").cloned().unwrap_or(Value::Null);
    let patch = spec.get("templatePatch").and_then(Value::as_str);
    let generators = spec
        .get("generators")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut apps: Vec<Value> = Vec::new();
    for (i, entry) in generators.iter().enumerate() {
        let path = format!("generators[{i}]");
        let results = generators::transform(ctx, &mode, entry, &path, &template, None)
            .map_err(|e| fail(&e.generator, e.message))?;
        for result in results {
            let base = application_from_template(&result.template);
            for params in &result.params {
                let mut app = render::render_application(&base, params, &mode, preserve)
                    .map_err(|m| fail(&path, m))?;
                if let Some(patch) = patch {
                    let text = render::replace(patch, params, &mode).map_err(|m| {
                        fail(
                            &path,
                            format!("error replacing values in templatePatch: {m}"),
                        )
                    })?;
                    app = render::apply_template_patch(&app, &text).map_err(|m| fail(&path, m))?;
                }
                if let Some(meta) = render::metadata(&mut app) {
                    meta.insert("namespace".into(), Value::String(namespace.clone()));
                }
                apps.push(app);
            }
        }
    }
    check_names(&apps).map_err(|m| fail("", m))?;
    Ok(Generated {
        appset: name.clone(),
        namespace,
        applications: apps,
        applications_sync,
        preserve_resources_on_deletion: preserve,
        strategy: spec.get("strategy").cloned(),
        ignore_application_differences: spec.get("ignoreApplicationDifferences").cloned(),
        preserved_fields: spec.get("preservedFields").cloned(),
    })
}

/// An Application object from an ApplicationSet template (`GetTempApplication`).
fn application_from_template(template: &Value) -> Value {
    let mut meta = Map::new();
    for field in ["name", "namespace", "labels", "annotations", "finalizers"] {
        if let Some(v) = template
            .pointer(&format!("/metadata/{field}"))
            .filter(|v| !v.is_null())
        {
            meta.insert(field.to_string(), v.clone());
        }
    }
    let mut app = Map::new();
    app.insert(
        "apiVersion".into(),
        Value::String("argoproj.io/v1alpha1".into()),
    );
    app.insert("kind".into(), Value::String("Application".into()));
    app.insert("metadata".into(), Value::Object(meta));
    app.insert(
        "spec".into(),
        template
            .get("spec")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    );
    Value::Object(app)
}

fn check_names(apps: &[Value]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for app in apps {
        let name = app
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if name.is_empty() {
            return Err("a generated Application has an empty name".into());
        }
        if !seen.insert(name) {
            return Err(format!("contains applications with duplicate name: {name}"));
        }
    }
    Ok(())
}

/// The parameter sets of one generator entry (for tests and `tether`
/// views of a generator), with the ApplicationSet's templating mode.
pub fn generator_params(
    entry: &Value,
    go_template: bool,
    go_template_options: &[String],
    ctx: &GenerateContext<'_>,
) -> Result<Vec<Params>, ArgoError> {
    let options = Options::from_go_options(go_template_options).map_err(ArgoError::Settings)?;
    let mode = Mode {
        go_template,
        options,
    };
    let results = generators::transform(ctx, &mode, entry, "generators[0]", &Value::Null, None)
        .map_err(|e| ArgoError::AppSet {
            appset: String::new(),
            generator: e.generator,
            message: e.message,
        })?;
    Ok(results.into_iter().flat_map(|r| r.params).collect())
}

/// Argo CD's `RenderTemplateParams`: the Application template with every
/// string rendered from `params` and the resources finalizer added
/// (unless it has finalizers or `preserve_resources`); unchanged when
/// `params` is empty.
pub fn render_template_params(
    template: &Value,
    params: &Params,
    go_template: bool,
    go_template_options: &[String],
    preserve_resources: bool,
) -> Result<Value, String> {
    let options = Options::from_go_options(go_template_options)?;
    render::render_application(
        template,
        params,
        &Mode {
            go_template,
            options,
        },
        preserve_resources,
    )
}

/// Argo CD's `Replace` of one string with a parameter set, for tests and
/// callers that template single values.
pub fn render_string(
    template: &str,
    params: &Params,
    go_template: bool,
    go_template_options: &[String],
) -> Result<String, String> {
    let options = Options::from_go_options(go_template_options)?;
    render::replace(
        template,
        params,
        &Mode {
            go_template,
            options,
        },
    )
}
