//! The desired state of an app: its path rendered at a revision, with the
//! destination namespace set and the tracking label added.

use super::EngineError;
use crate::diff::SecretStrings;
use crate::model::{AppSpec, ResourceKey, Revision, ValuePath};
use crate::model::{FileTree, RenderLimits};
use crate::render;
use crate::source::Repo;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The label that marks every object tether applies for its own apps.
pub const TRACKING_LABEL: &str = crate::model::TETHER_TRACKING_LABEL;

/// Rendered manifests of one app at one revision.
#[derive(Debug, Clone)]
pub struct Desired {
    /// Full commit id, or `WORKTREE`.
    pub revision: String,
    pub objects: Vec<Value>,
    /// The values the app marks secret, to mask in every output.
    pub secrets: Arc<SecretStrings>,
    /// Argo CD hooks (`argocd.argoproj.io/hook` PreSync, Sync, PostSync,
    /// SyncFail…): run around the sync, never compared or pruned.
    pub hooks: Vec<Value>,
    /// What the app's controller would warn about while rendering
    /// (Argo CD's `RepeatedResourceWarning`).
    pub warnings: Vec<String>,
}

/// Rendered desired states by app, reused while the app's revision
/// resolves to the same commit: a refresh re-renders only what moved.
/// The objects are held as compact JSON text and parsed on each read: a
/// parsed object costs about ten times its text, and parsing it again
/// costs about what the copy a read used to make did.
#[derive(Default)]
pub struct DesiredCache {
    entries: Mutex<HashMap<String, CachedDesired>>,
}

/// A [`Desired`] as the cache holds it (a clone shares the text).
#[derive(Clone)]
struct CachedDesired {
    revision: String,
    /// The objects as one JSON array.
    objects: Arc<str>,
    secrets: Arc<SecretStrings>,
    hooks: Vec<Value>,
    warnings: Vec<String>,
}

impl CachedDesired {
    fn new(desired: &Desired) -> Option<Self> {
        Some(Self {
            revision: desired.revision.clone(),
            objects: serde_json::to_string(&desired.objects).ok()?.into(),
            secrets: desired.secrets.clone(),
            hooks: desired.hooks.clone(),
            warnings: desired.warnings.clone(),
        })
    }

    fn desired(&self) -> Option<Desired> {
        Some(Desired {
            revision: self.revision.clone(),
            objects: serde_json::from_str(&self.objects).ok()?,
            secrets: self.secrets.clone(),
            hooks: self.hooks.clone(),
            warnings: self.warnings.clone(),
        })
    }
}

impl DesiredCache {
    /// The app's desired state at its own revision: from the cache when the
    /// revision still resolves to the cached commit, else rendered anew.
    /// The work tree (`WORKTREE`) is always read afresh.
    pub fn render(&self, app: &AppSpec) -> Result<Desired, EngineError> {
        mapped(app)?;
        if app.source.revision == Revision::WorkTree {
            return render_app(app, None);
        }
        let repo = Repo::open(&app.source.repo).map_err(|e| source_error(app, &e))?;
        let resolved = repo
            .resolve(&app.source.revision)
            .map_err(|e| source_error(app, &e))?;
        // Parsed outside the lock: other apps' reads do not wait for it.
        let cached = self
            .entries
            .lock()
            .ok()
            .and_then(|entries| entries.get(&app.name).cloned())
            .filter(|cached| cached.revision == resolved.id);
        if let Some(desired) = cached.and_then(|c| c.desired()) {
            return Ok(desired);
        }
        let desired = render_at(app, &repo, &Revision::Git(resolved.id.clone()), resolved.id)?;
        if let Some(cached) = CachedDesired::new(&desired)
            && let Ok(mut entries) = self.entries.lock()
        {
            entries.insert(app.name.clone(), cached);
        }
        Ok(desired)
    }
}

/// Ok unless the app is imported and could not be mapped to a checkout or
/// a cluster: then the reason, as the app's error.
pub(crate) fn mapped(app: &AppSpec) -> Result<(), EngineError> {
    match app.origin.as_ref().and_then(|o| o.problem.as_ref()) {
        Some(problem) => Err(EngineError::Source {
            app: app.name.clone(),
            message: problem.clone(),
        }),
        None => Ok(()),
    }
}

fn source_error(app: &AppSpec, e: &dyn std::fmt::Display) -> EngineError {
    EngineError::Source {
        app: app.name.clone(),
        message: e.to_string(),
    }
}

fn render_at(
    app: &AppSpec,
    repo: &Repo,
    revision: &Revision,
    id: String,
) -> Result<Desired, EngineError> {
    mapped(app)?;
    if let Some(rendered) = super::imported::render_imported(app, repo, revision) {
        let rendered = rendered?;
        check_names(app, &rendered.objects)?;
        refuse_generated_names(app, &rendered.objects)?;
        // A hook may have only `generateName` (named at sync time, see
        // `super::hooks`); the render checks its prefix as a name.
        check_names(app, &rendered.hooks)?;
        return Ok(Desired {
            revision: id,
            objects: rendered.objects,
            secrets: Arc::new(rendered.secrets),
            hooks: rendered.hooks,
            warnings: rendered.warnings,
        });
    }
    let limits = app.render.limits();
    let tree = read_sources_with(repo, revision, &app.source.path, &limits)
        .map_err(|e| source_error(app, &e))?;
    refuse_helm_without_chart(app, &tree)?;
    let secrets = secret_strings(app, &tree);
    let objects =
        render::render_with(&tree, &app.source.path, &render_options(app)).map_err(|e| {
            EngineError::Render {
                app: app.name.clone(),
                message: secrets.mask_text(&e.to_string()),
            }
        })?;
    check_names(app, &objects)?;
    refuse_generated_names(app, &objects)?;
    Ok(Desired {
        revision: id,
        objects,
        secrets: Arc::new(secrets),
        hooks: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Refuses a render holding an object whose name or namespace the API
/// server would refuse for its kind: names go into request URLs, so one
/// such as `../x` must stop here. (Renderers print such names as kustomize
/// and helm do; the engine is where they would be sent.)
fn check_names(app: &AppSpec, objects: &[Value]) -> Result<(), EngineError> {
    match objects.iter().find_map(render::bad_name) {
        Some(problem) => Err(EngineError::Render {
            app: app.name.clone(),
            message: format!("{problem} (in the rendered objects)"),
        }),
        None => Ok(()),
    }
}

/// Refuses an object that has only `metadata.generateName`: the render
/// lets hooks through (an imported Argo CD app names them when it runs
/// them), but everything else is applied by name.
fn refuse_generated_names(app: &AppSpec, objects: &[Value]) -> Result<(), EngineError> {
    let text = |o: &Value, p: &str| {
        o.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match objects
        .iter()
        .find(|o| text(o, "/metadata/name").is_empty())
    {
        Some(o) => Err(EngineError::Render {
            app: app.name.clone(),
            message: format!(
                "{} with generateName {:?} has no metadata.name: only the hooks of an imported Argo CD app may (tether applies objects by name)",
                text(o, "/kind"),
                text(o, "/metadata/generateName")
            ),
        }),
        None => Ok(()),
    }
}

/// The values an app marks secret (`source.helm.secretValues`), read from
/// every place a value can come from: the chart's `values.yaml`, those of
/// its vendored subcharts (seen under the subchart's name), the value
/// files and the inline values. Each scalar under a marked path counts.
/// Sources that do not parse are skipped (the render reports them).
pub fn secret_strings(app: &AppSpec, tree: &FileTree) -> SecretStrings {
    let Some(helm) = &app.source.helm else {
        return SecretStrings::default();
    };
    let paths: Vec<ValuePath> = helm
        .secret_values
        .iter()
        .filter_map(|p| ValuePath::parse(p).ok())
        .collect();
    if paths.is_empty() {
        return SecretStrings::default();
    }
    let chart = app.source.path.trim_matches('/');
    let in_chart = |file: &str| render::helm::join(chart, file);
    let parse = |file: &str| {
        tree.get(&in_chart(file))
            .and_then(|bytes| crate::yaml::from_slice::<Value>(bytes).ok())
    };
    let mut sources: Vec<(Option<String>, Value)> = Vec::new();
    sources.extend(parse("values.yaml").map(|v| (None, v)));
    let subcharts = in_chart("charts/");
    for file in tree.under(&in_chart("charts")) {
        let Some((name, "values.yaml")) = file
            .strip_prefix(subcharts.as_str())
            .and_then(|rest| rest.split_once('/'))
        else {
            continue;
        };
        if let Some(Ok(values)) = tree.get(file).map(crate::yaml::from_slice::<Value>) {
            sources.push((Some(name.to_string()), values));
        }
    }
    sources.extend(
        helm.value_files
            .iter()
            .filter_map(|f| parse(f))
            .map(|v| (None, v)),
    );
    sources.extend(helm.values.clone().map(|v| (None, v)));
    let mut found = Vec::new();
    for (subchart, values) in &sources {
        for path in &paths {
            let path = match subchart {
                None => Some(path.clone()),
                Some(name) => path.strip_prefix(name),
            };
            for value in path.iter().flat_map(|p| p.select(values)) {
                collect_scalars(value, &mut found);
            }
        }
    }
    SecretStrings::new(found)
}

pub(crate) fn collect_scalars(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| collect_scalars(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_scalars(v, out)),
        Value::Null | Value::Bool(_) => {}
    }
}

/// `source.helm` set on a folder that is not a chart is a mistake (the
/// options would be silently ignored): an error naming the app and field.
fn refuse_helm_without_chart(app: &AppSpec, tree: &FileTree) -> Result<(), EngineError> {
    let path = app.source.path.trim_matches('/');
    let real = tree
        .resolve_links(path)
        .unwrap_or_else(|_| path.to_string());
    let kind = render::detect(tree, &real);
    if app.source.helm.is_none() || kind == render::SourceKind::Helm {
        return Ok(());
    }
    let what = match kind {
        render::SourceKind::Kustomize => "a Kustomize folder",
        _ => "a folder of plain manifests",
    };
    Err(EngineError::Render {
        app: app.name.clone(),
        message: format!(
            "source.helm is set, but {path:?} has no {} ({what}); remove source.helm or point source.path at a chart",
            render::CHART_FILE
        ),
    })
}

/// The files a render of `path` needs: the folder itself, plus — for a
/// Kustomize root — every file or folder its kustomizations name (bases,
/// components, patches, generator files), and the targets of symbolic
/// links, followed to closure, so an overlay may reach `../base` without
/// the whole repository being listed. Contents load on first read, at
/// most [`RenderLimits::default`]'s `max_read_bytes` in all.
pub fn read_sources(
    repo: &Repo,
    revision: &Revision,
    path: &str,
) -> Result<FileTree, crate::source::SourceError> {
    read_sources_with(repo, revision, path, &RenderLimits::default())
}

/// [`read_sources`] reading at most `limits.max_read_bytes`.
pub fn read_sources_with(
    repo: &Repo,
    revision: &Revision,
    path: &str,
    limits: &RenderLimits,
) -> Result<FileTree, crate::source::SourceError> {
    let mut tree = repo.read_tree(revision, path)?;
    tree.set_read_limit(limits.max_read_bytes);
    Ok(follow_kustomizations(tree, |p| {
        repo.read_tree(revision, p).ok()
    }))
}

/// Extends `tree` with what its kustomizations reference and the targets
/// of its symbolic links, listing through `read` until nothing new is
/// named. Any string of a kustomization that resolves to an existing path
/// is listed; others (names, labels) are not found and ignored.
pub fn follow_kustomizations(
    mut tree: FileTree,
    read: impl Fn(&str) -> Option<FileTree>,
) -> FileTree {
    let mut tried: HashSet<String> = HashSet::new();
    loop {
        let mut wanted = Vec::new();
        for target in tree.missing_link_targets() {
            if tried.insert(target.clone()) {
                wanted.push(target);
            }
        }
        for file in tree.paths() {
            let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
            if !render::KUSTOMIZATION_FILES.contains(&name) {
                continue;
            }
            let Some(Ok(doc)) = tree
                .get(file)
                .map(crate::yaml::from_slice::<serde_yaml::Value>)
            else {
                continue;
            };
            let mut strings = Vec::new();
            collect_strings(&doc, &mut strings);
            for s in strings {
                if let Some(candidate) = join_relative(dir, &s)
                    && !tree.has(&candidate)
                    && tried.insert(candidate.clone())
                {
                    wanted.push(candidate);
                }
            }
        }
        if wanted.is_empty() {
            return tree;
        }
        for path in wanted {
            if let Some(found) = read(&path) {
                tree.extend(found);
            }
        }
    }
}

fn collect_strings(value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| collect_strings(i, out)),
        serde_yaml::Value::Mapping(map) => map.iter().for_each(|(_, v)| collect_strings(v, out)),
        serde_yaml::Value::Tagged(tagged) => collect_strings(&tagged.value, out),
        _ => {}
    }
}

/// `dir/reference` normalised, for plausible relative file references
/// only (no URLs, absolute paths, spaces or newlines; inside the root).
fn join_relative(dir: &str, reference: &str) -> Option<String> {
    // `files:` entries may be `key=path`.
    let reference = reference.rsplit_once('=').map_or(reference, |(_, p)| p);
    if reference.is_empty()
        || reference.contains("://")
        || reference.starts_with('/')
        || reference.contains(char::is_whitespace)
    {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The renderer options of an app: for a Helm chart, the release name
/// (`source.helm.releaseName`, default the app's name), the destination
/// namespace, value files and inline values; for a Kustomize root, native
/// or binary (`render.kustomize`).
pub fn render_options(app: &AppSpec) -> render::RenderOptions {
    let helm = app.source.helm.clone().unwrap_or_default();
    render::RenderOptions {
        helm: Some(render::HelmOptions {
            release_name: helm.release_name.unwrap_or_else(|| app.name.clone()),
            namespace: app.destination.namespace.clone(),
            value_files: helm.value_files,
            values: helm.values,
            ..Default::default()
        }),
        kustomize: app.kustomize_mode(),
        limits: app.render.limits(),
    }
}

/// The values the app marks secret at its own revision, from the cached
/// render when there is one; when the render fails, read from the value
/// sources directly (and at worst from the inline values alone), so a
/// broken chart never unmasks a live object.
///
/// Also returns the desired twin of `key`, when there is one: where it
/// holds a secret the live object holds the value of an earlier sync,
/// which the current values no longer name, so that field is masked too.
pub fn app_secrets(
    cache: &DesiredCache,
    app: &AppSpec,
    key: &ResourceKey,
) -> (Arc<SecretStrings>, Option<Value>) {
    if app
        .source
        .helm
        .as_ref()
        .is_none_or(|h| h.secret_values.is_empty())
    {
        return (Arc::default(), None);
    }
    if let Ok(desired) = cache.render(app) {
        let twin = desired.objects.into_iter().find(|o| {
            ResourceKey::from_object(o).is_some_and(|k| {
                k.group == key.group
                    && k.kind == key.kind
                    && k.name == key.name
                    && (k.namespace.is_none() || k.namespace == key.namespace)
            })
        });
        return (desired.secrets, twin);
    }
    let tree = Repo::open(&app.source.repo)
        .ok()
        .and_then(|repo| read_sources(&repo, &app.source.revision, &app.source.path).ok())
        .unwrap_or_default();
    (Arc::new(secret_strings(app, &tree)), None)
}

/// Renders the app's path at `revision` (default: the app's own).
pub fn render_app(app: &AppSpec, revision: Option<&Revision>) -> Result<Desired, EngineError> {
    mapped(app)?;
    let revision = revision.unwrap_or(&app.source.revision);
    let repo = Repo::open(&app.source.repo).map_err(|e| source_error(app, &e))?;
    let resolved = repo.resolve(revision).map_err(|e| source_error(app, &e))?;
    render_at(app, &repo, revision, resolved.id)
}

/// Sets the destination namespace on namespaced objects without one and
/// marks every object as the app's (tether's label, or the Argo CD / Flux
/// marks of an imported app: [`super::tracking::mark`]). For an Argo CD
/// app, cluster-scoped objects also lose a namespace they name, as Argo
/// CD's controller drops it.
pub fn prepare(app: &AppSpec, objects: &mut [Value], is_namespaced: impl Fn(&str, &str) -> bool) {
    if let Some(ns) = &app.destination.namespace {
        render::set_default_namespace(objects, ns, &is_namespaced);
    }
    let argo = app.engine() == crate::model::AppEngine::Argocd;
    let tracking = app.tracking();
    for object in objects.iter_mut() {
        if argo {
            clear_cluster_scoped_namespace(object, &is_namespaced);
        }
        // The only failure (an Argo CD label value that cannot be cut to
        // 63 characters) already failed the render, which marks the same.
        if let Err(e) = super::tracking::mark(&tracking, object) {
            tracing::warn!(app = app.name, "tracking: {e}");
        }
    }
}

fn clear_cluster_scoped_namespace(object: &mut Value, is_namespaced: &impl Fn(&str, &str) -> bool) {
    let Some(gvk) = crate::cluster::gvk_of(object) else {
        return;
    };
    if !is_namespaced(&gvk.group, &gvk.kind)
        && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.remove("namespace");
    }
}

/// Whether a kind is namespaced, by the table of built-in cluster-scoped
/// kinds; used when discovery cannot be asked (no cluster needed to
/// render).
pub fn is_namespaced_offline(group: &str, kind: &str) -> bool {
    !crate::model::is_cluster_scoped_builtin(group, kind)
}
