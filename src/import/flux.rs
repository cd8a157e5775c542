//! Flux Kustomizations and HelmReleases found in Git → tether apps
//! (DESIGN.md §6): the source object (a GitRepository found in the same
//! imports) to a local checkout and revision, the import's context as the
//! destination. Rendering as the controllers do is `crate::flux`'s.

use super::{Context, Mapped};
use crate::model::{
    AppEngine, AppOrigin, AppOriginKind, AppSpec, AutomatedPolicy, DestinationSpec, Revision,
    SourceSpec, SyncPolicy, Tracking,
};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// The owner-label prefix of Kustomizations.
pub const KUSTOMIZE_PREFIX: &str = "kustomize.toolkit.fluxcd.io";
/// The owner-label prefix of HelmReleases.
pub const HELM_PREFIX: &str = "helm.toolkit.fluxcd.io";

/// A Kustomization or HelmRelease as a tether app.
pub fn map_flux_app(
    object: &Value,
    found_in: &str,
    manage: bool,
    context: Option<String>,
    cx: &Context,
) -> Mapped {
    let str_at = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    let kind = str_at("/kind").to_string();
    let name = str_at("/metadata/name").to_string();
    let namespace = match str_at("/metadata/namespace") {
        "" => "flux-system".to_string(),
        ns => ns.to_string(),
    };
    let is_helm = kind == "HelmRelease";
    let (source_ref, path) = if is_helm {
        (
            object.pointer("/spec/chart/spec/sourceRef"),
            str_at("/spec/chart/spec/chart"),
        )
    } else {
        (object.pointer("/spec/sourceRef"), str_at("/spec/path"))
    };
    let mut problems = Vec::new();
    let (repo, revision) = match resolve_source(source_ref, &namespace, cx) {
        Ok(found) => found,
        Err(e) => {
            problems.push(e);
            (PathBuf::new(), Revision::default())
        }
    };
    if is_helm && object.pointer("/spec/chartRef").is_some() {
        problems.push(
            "spec.chartRef (an OCIRepository or HelmChart) is not available locally; vendor the chart into a Git folder and use spec.chart.spec.sourceRef: GitRepository"
                .to_string(),
        );
    }
    let target_ns = str_at("/spec/targetNamespace").to_string();
    let suspended = object.pointer("/spec/suspend") == Some(&Value::Bool(true));
    let prune = object.pointer("/spec/prune") == Some(&Value::Bool(true));
    let spec = AppSpec {
        name: name.clone(),
        project: Some(namespace.clone()),
        source: SourceSpec {
            repo,
            path: path.trim_start_matches("./").trim_matches('/').to_string(),
            revision,
            helm: None,
        },
        destination: DestinationSpec {
            context,
            namespace: (!target_ns.is_empty()).then(|| target_ns.clone()),
        },
        // Flux reconciles continuously: with `manage`, tether does too
        // (self-heal), unless the object is suspended.
        sync_policy: (manage && !suspended).then(|| SyncPolicy {
            automated: Some(AutomatedPolicy {
                prune: !is_helm && prune,
                self_heal: true,
            }),
            sync_options: Vec::new(),
        }),
        ignore_differences: Vec::new(),
        render: Default::default(),
        origin: None,
    };
    let origin = AppOrigin {
        engine: AppEngine::Flux,
        origin: AppOriginKind::Git,
        kind,
        namespace: namespace.clone(),
        name: name.clone(),
        found_in: found_in.to_string(),
        manage,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
        object: object.clone(),
        related: Arc::clone(&cx.related),
        parent: None,
        home_context: cx.home_context.clone(),
        git_ref: None,
        tracking: Tracking::Flux {
            prefix: if is_helm {
                HELM_PREFIX
            } else {
                KUSTOMIZE_PREFIX
            },
            name,
            namespace,
        },
        argocd: cx.argocd.clone(),
        checkouts: Vec::new(),
    };
    Mapped { spec, origin }
}

/// The checkout and revision of a `sourceRef` to a GitRepository among the
/// imported objects (namespace defaults to the referrer's).
fn resolve_source(
    source_ref: Option<&Value>,
    namespace: &str,
    cx: &Context,
) -> Result<(PathBuf, Revision), String> {
    let source_ref = source_ref.ok_or("it has no sourceRef")?;
    let str_at = |k: &str| source_ref.get(k).and_then(Value::as_str).unwrap_or("");
    let kind = str_at("kind");
    let name = str_at("name");
    let ns = match str_at("namespace") {
        "" => namespace,
        ns => ns,
    };
    if kind != "GitRepository" {
        return Err(format!(
            "sourceRef {kind}/{ns}/{name}: only GitRepository sources can be read locally (vendor {kind} content into a Git folder)"
        ));
    }
    let source = cx
        .related
        .iter()
        .find(|o| {
            o.get("kind").and_then(Value::as_str) == Some("GitRepository")
                && o.pointer("/metadata/name").and_then(Value::as_str) == Some(name)
                && o.pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("flux-system")
                    == ns
        })
        .ok_or_else(|| {
            format!("sourceRef GitRepository/{ns}/{name} is not among the imported objects: add the folder holding it to `import:`")
        })?;
    let url = source
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let checkout = cx.repos.checkout(url).ok_or_else(|| {
        format!(
            "GitRepository/{ns}/{name} url {url} has no local checkout: add `repos: [{{url: {url}, path: ./CHECKOUT}}]` to tether.yaml"
        )
    })?;
    Ok((
        checkout.to_path_buf(),
        git_ref_revision(source.pointer("/spec/ref"))?,
    ))
}

/// A GitRepository `spec.ref` as a revision of the local checkout:
/// `commit` wins, then `name`, `tag`, `branch`; none is `HEAD` (Flux
/// defaults to `master`, but a checkout's HEAD is what people mean
/// locally). `semver` is refused: tether does not pick tags by range.
pub fn git_ref_revision(git_ref: Option<&Value>) -> Result<Revision, String> {
    let Some(git_ref) = git_ref else {
        return Ok(Revision::default());
    };
    let field = |k: &str| {
        git_ref
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(commit) = field("commit") {
        return Ok(Revision::Git(commit.to_string()));
    }
    if let Some(semver) = field("semver") {
        return Err(format!(
            "spec.ref.semver {semver:?}: tether does not select tags by semver range; pin a tag or branch"
        ));
    }
    let chosen = field("name")
        .or_else(|| field("tag"))
        .or_else(|| field("branch"));
    Ok(chosen.map_or_else(Revision::default, |r| Revision::Git(r.to_string())))
}
