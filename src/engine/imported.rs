//! Rendering an imported app as its controller does: an Argo CD
//! Application through the repo-server's steps ([`crate::argocd::app`],
//! sources read from local checkouts), a Flux Kustomization through
//! kustomize-controller's ([`crate::flux::kustomization`]), a HelmRelease
//! through helm-controller's ([`crate::flux::helmrelease`]). Values that
//! came from Secrets are masked in every output.

use super::EngineError;
use super::checkouts::CheckoutRepos;
use super::desired::{collect_scalars, is_namespaced_offline};
use crate::argocd::app::{plan, render};
use crate::diff::SecretStrings;
use crate::flux::RefObjects;
use crate::flux::refs::secret_data;
use crate::model::{AppEngine, AppOrigin, AppSpec, FileTree, Revision, ValuePath};
use crate::source::Repo;
use serde_json::Value;

/// What rendering an imported app gives besides the objects to apply.
pub(crate) struct ImportedRender {
    /// Objects compared, applied and pruned as the app's.
    pub objects: Vec<Value>,
    /// Argo CD hooks (PreSync, Sync, PostSync, SyncFail, …): run by a
    /// sync, never compared or pruned.
    pub hooks: Vec<Value>,
    pub secrets: SecretStrings,
    /// Conditions the controller would raise (`RepeatedResourceWarning`).
    pub warnings: Vec<String>,
}

/// The render of an imported app, or None for an app tether's own
/// renderers handle.
pub(crate) fn render_imported(
    app: &AppSpec,
    repo: &Repo,
    revision: &Revision,
) -> Option<Result<ImportedRender, EngineError>> {
    let origin = app.origin.as_deref()?;
    let render_err = |message: String| EngineError::Render {
        app: app.name.clone(),
        message,
    };
    if origin.engine == AppEngine::Argocd {
        return Some(argo_application(origin, revision).map_err(render_err));
    }
    if origin.engine != AppEngine::Flux {
        return None;
    }
    let refs = RefObjects::from_objects(origin.related.iter().cloned());
    let rendered = match origin.kind.as_str() {
        "Kustomization" => flux_kustomization(app, origin, repo, revision, &refs),
        "HelmRelease" => flux_helm_release(app, origin, repo, revision, &refs),
        other => Err(format!("Flux kind {other} is not an app")),
    };
    Some(
        rendered
            .map(|(objects, secrets)| ImportedRender {
                // Objects kustomize-controller skips (`ssa: Ignore`,
                // `reconcile: disabled`) stay: in its inventory, never
                // pruned; the sync skips them (`super::flux_gate`).
                objects,
                hooks: Vec::new(),
                secrets,
                warnings: Vec::new(),
            })
            .map_err(render_err),
    )
}

/// An Application as the repo-server renders it: its plan, every source
/// read from its checkout (the primary source at `revision`), then the
/// project checked ([`super::argo_project`]), then the objects split into
/// the ones synced and the hooks; `Skip` hooks are dropped. Only Secrets are masked (Argo CD marks no values secret).
fn argo_application(origin: &AppOrigin, revision: &Revision) -> Result<ImportedRender, String> {
    let settings = crate::argocd::app::ArgoSettings::from(&origin.argocd);
    let plan = plan(&origin.object, &settings).map_err(|e| e.to_string())?;
    let mut repos = CheckoutRepos::new(origin.checkouts.clone());
    if let Some(primary) = plan.sources.first() {
        repos = repos.pin(
            &primary.repo_url,
            &primary.target_revision,
            revision.clone(),
        );
    }
    let rendered = render(&plan, &repos, &is_namespaced_offline).map_err(|e| e.to_string())?;
    super::argo_project::check_project(origin, &rendered.objects, &is_namespaced_offline)?;
    let mut out = ImportedRender {
        objects: Vec::new(),
        hooks: Vec::new(),
        secrets: SecretStrings::default(),
        warnings: rendered.warnings,
    };
    for (object, policy) in rendered.objects.into_iter().zip(rendered.policies) {
        if policy.is_skipped() {
            continue;
        }
        if policy.is_hook() {
            out.hooks.push(object);
        } else {
            out.objects.push(object);
        }
    }
    Ok(out)
}

/// The source artifact a Flux app reads: the app's folder (and what its
/// kustomizations reference) at the revision, with every `.sourceignore`
/// on the way from the root, filtered by the GitRepository's rules.
fn artifact(
    app: &AppSpec,
    origin: &AppOrigin,
    repo: &Repo,
    revision: &Revision,
    extra: &[String],
) -> Result<FileTree, String> {
    let mut tree =
        super::read_sources(repo, revision, &app.source.path).map_err(|e| e.to_string())?;
    for path in extra {
        if let Ok(files) = repo.read_tree(revision, path) {
            tree.extend(files);
        }
    }
    let mut dir = String::new();
    for part in std::iter::once("").chain(app.source.path.split('/')) {
        if !part.is_empty() {
            dir = if dir.is_empty() {
                part.to_string()
            } else {
                format!("{dir}/{part}")
            };
        }
        let ignore = if dir.is_empty() {
            ".sourceignore".to_string()
        } else {
            format!("{dir}/.sourceignore")
        };
        if let Ok(files) = repo.read_tree(revision, &ignore) {
            tree.extend(files);
        }
    }
    let ignore = git_repository(origin)
        .and_then(|g| g.pointer("/spec/ignore"))
        .and_then(Value::as_str);
    Ok(crate::flux::source::filter_artifact(&tree, ignore))
}

/// The GitRepository the app's source reference names, among the objects
/// found with it.
fn git_repository(origin: &AppOrigin) -> Option<&Value> {
    let reference = crate::flux::status::source_ref(&origin.object)?;
    let source = if reference.kind == "HelmChart" {
        // A chart in a Git source: the HelmRelease's chart.spec.sourceRef.
        crate::flux::kustomization::object_ref(
            origin.object.pointer("/spec/chart/spec/sourceRef")?,
            &origin.namespace,
            "spec.chart.spec.sourceRef",
        )
        .ok()?
    } else {
        reference
    };
    origin.related.iter().find(|o| {
        o.get("kind").and_then(Value::as_str) == Some(source.kind.as_str())
            && o.pointer("/metadata/name").and_then(Value::as_str) == Some(source.name.as_str())
            && o.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or(&origin.namespace)
                == source.namespace
    })
}

fn flux_kustomization(
    app: &AppSpec,
    origin: &AppOrigin,
    repo: &Repo,
    revision: &Revision,
    refs: &RefObjects,
) -> Result<(Vec<Value>, SecretStrings), String> {
    let ks = crate::flux::kustomization::Kustomization::from_object(&origin.object)
        .map_err(|e| e.to_string())?;
    let tree = artifact(app, origin, repo, revision, &ks.components)?;
    let objects = crate::flux::kustomization::build(&ks, &tree, refs, &Default::default())
        .map_err(|e| e.to_string())?;
    // Variables read from Secrets are secret wherever they end up.
    let mut secret = Vec::new();
    for r in ks.post_build.iter().flat_map(|p| &p.substitute_from) {
        if r.kind == "Secret"
            && let Some(object) = refs.get("Secret", &ks.meta.namespace, &r.name)
            && let Ok(data) = secret_data(object)
        {
            secret.extend(
                data.values()
                    .map(|v| String::from_utf8_lossy(v).to_string()),
            );
        }
    }
    Ok((objects, SecretStrings::new(secret)))
}

fn flux_helm_release(
    app: &AppSpec,
    origin: &AppOrigin,
    repo: &Repo,
    revision: &Revision,
    refs: &RefObjects,
) -> Result<(Vec<Value>, SecretStrings), String> {
    use crate::flux::helmrelease::{ChartSource, HelmRelease, plan, render};
    let hr = HelmRelease::from_object(&origin.object).map_err(|e| e.to_string())?;
    let chart_dir = hr.chart_path_in_source().ok_or_else(|| {
        "the chart comes from a Helm or OCI repository, which tether does not pull; vendor it into a Git folder and point chart.spec.sourceRef at that GitRepository".to_string()
    })?;
    let values_files = match &hr.chart {
        ChartSource::Template { values_files, .. } => values_files.clone(),
        ChartSource::Reference(_) => Vec::new(),
    };
    let tree = artifact(app, origin, repo, revision, &values_files)?;
    let plan = plan(&hr, refs).map_err(|e| e.to_string())?;
    let objects = render(&hr, &plan, &tree, &chart_dir).map_err(|e| e.to_string())?;
    let paths: Vec<ValuePath> = plan
        .secret_values
        .iter()
        .filter_map(|p| ValuePath::parse(p).ok())
        .collect();
    let mut secret = Vec::new();
    for path in &paths {
        for value in path.select(&plan.values) {
            collect_scalars(value, &mut secret);
        }
    }
    Ok((objects, SecretStrings::new(secret)))
}
