//! Argo CD and Flux apps from Git (DESIGN.md §6): the `import:` folders of
//! tether.yaml scanned at their revisions for Applications,
//! ApplicationSets, AppProjects, Flux sources, Kustomizations and
//! HelmReleases; each app mapped to a tether [`AppSpec`] whose
//! [`crate::model::AppOrigin`] says how its controller renders it. An
//! object that cannot be mapped (a repository without a checkout, a
//! destination without a context) stays in the list with the reason.

mod app_of_apps;
mod appsets;
mod argo;
mod clusters;
mod flux;
mod repos;
mod scan;

pub use appsets::{appset_reference, expand_appset, generator_clusters};
pub use argo::{git_revision, map_application};
pub use clusters::{ClusterIndex, IN_CLUSTER_NAME, IN_CLUSTER_SERVER};
pub use flux::{HELM_PREFIX, KUSTOMIZE_PREFIX, git_ref_revision, map_flux_app};
pub use repos::RepoIndex;
pub use scan::{Found, GITOPS_GROUPS, is_kept, scan_import, scan_tree};

use crate::config::Config;
use crate::model::{AppOrigin, AppSpec, ArgoSettings, ImportedAppSet};
use serde_json::Value;
use std::sync::Arc;

/// What mapping needs: where URLs and destinations lead, the Argo CD
/// settings, and every object the imports found (sources, ConfigMaps…).
#[derive(Debug, Clone)]
pub struct Context {
    pub repos: RepoIndex,
    pub clusters: ClusterIndex,
    pub argocd: ArgoSettings,
    pub related: Arc<Vec<Value>>,
    /// The context the mapped objects live in (the import entry's).
    pub home_context: Option<String>,
}

/// One imported app: its spec and origin (joined into the spec by
/// [`Mapped::into_app`]).
#[derive(Debug, Clone)]
pub struct Mapped {
    pub spec: AppSpec,
    pub origin: AppOrigin,
}

impl Mapped {
    pub fn into_app(self) -> AppSpec {
        AppSpec {
            origin: Some(Arc::new(self.origin)),
            ..self.spec
        }
    }
}

/// The result of reading every `import:` entry.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Imported apps, in import order then file order.
    pub apps: Vec<AppSpec>,
    /// Problems that are not one app's: an import folder that cannot be
    /// read, a file that does not parse, an ApplicationSet whose
    /// generators fail. Shown as warnings.
    pub warnings: Vec<String>,
    /// The ApplicationSets found, with the refs of the apps they generated.
    pub appsets: Vec<ImportedAppSet>,
}

/// What mapping an object of `config` needs, without related objects:
/// `repos:` and the remotes of every checkout tether.yaml names, the
/// clusters, the Argo CD settings.
pub fn mapping_context(config: &Config, clusters: ClusterIndex) -> Context {
    let checkouts = config
        .import
        .iter()
        .map(|i| i.repo.as_path())
        .chain(config.apps.iter().map(|a| a.source.repo.as_path()));
    Context {
        repos: RepoIndex::new(&config.repos, checkouts),
        clusters,
        argocd: config.argocd.clone(),
        related: Arc::default(),
        home_context: None,
    }
}

/// Reads every `import:` entry of `config` and maps what it finds.
/// `clusters` describes the kubeconfig (see [`ClusterIndex`]).
pub fn import_apps(config: &Config, clusters: ClusterIndex) -> Imported {
    let mut out = Imported::default();
    let mut found = Vec::new();
    for (i, entry) in config.import.iter().enumerate() {
        match scan_import(entry, i) {
            Ok((_, objects, problems)) => {
                found.extend(objects);
                out.warnings.extend(problems);
            }
            Err(e) => out.warnings.push(e),
        }
    }
    let cx = Context {
        related: Arc::new(found.iter().map(|f| f.object.clone()).collect()),
        ..mapping_context(config, clusters)
    };
    for f in &found {
        let entry = &config.import[f.import];
        let found_in = format!("{}:{}", entry.repo.display(), f.file);
        let cx = Context {
            home_context: entry.context.clone(),
            ..cx.clone()
        };
        let mapped = match (f.group(), f.kind()) {
            ("argoproj.io", "Application") => {
                map_application(&f.object, &found_in, entry.manage, &cx)
            }
            ("argoproj.io", "ApplicationSet") => {
                let (appset, apps) = expand_appset(&f.object, &found_in, entry.manage, &cx);
                out.warnings.extend(appset.error.clone());
                out.apps.extend(apps);
                out.appsets.push(appset);
                continue;
            }
            ("kustomize.toolkit.fluxcd.io", "Kustomization")
            | ("helm.toolkit.fluxcd.io", "HelmRelease") => {
                let context = entry
                    .context
                    .clone()
                    .or_else(|| cx.clusters.current.clone());
                map_flux_app(&f.object, &found_in, entry.manage, context, &cx)
            }
            _ => continue,
        };
        out.apps.push(mapped.into_app());
    }
    let children = app_of_apps::expand(&out.apps, &cx, &mut out.warnings);
    out.apps.extend(children);
    out
}
