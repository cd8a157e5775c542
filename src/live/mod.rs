//! Argo CD and Flux running in clusters (DESIGN.md §6): their
//! Applications, ApplicationSets, Kustomizations, HelmReleases and sources
//! read from the watch caches of every context in scope, turned into rows
//! of the apps table, and driven through patches ([`patches`]). Nothing
//! here needs an Argo CD API server or a Flux CLI: only the Kubernetes API.

pub mod actions;
mod appsets;
mod history;
mod operation;
pub mod patches;
mod read;
mod status;

pub use appsets::{appset_status, parent_of};
pub use history::argo_history_entries;
pub use operation::{OperationResource, OperationView, operation_view};
pub use read::{LiveView, kind_of, read_contexts};
pub use status::{argocd_status, live_status};

use crate::model::{AppEngine, GroupVersionKind};
use serde_json::Value;
use std::sync::Arc;

/// A kind of GitOps object tether reads live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiveKind {
    pub engine: AppEngine,
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// The resource name (`applications`), for messages and RBAC.
    pub plural: &'static str,
}

impl LiveKind {
    pub fn gvk(&self) -> GroupVersionKind {
        GroupVersionKind {
            group: self.group.to_string(),
            version: self.version.to_string(),
            kind: self.kind.to_string(),
        }
    }

    /// `applications.argoproj.io`.
    pub fn resource(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }
}

const fn live(
    engine: AppEngine,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
) -> LiveKind {
    LiveKind {
        engine,
        group,
        version,
        kind,
        plural,
    }
}

pub const APPLICATION: LiveKind = live(
    AppEngine::Argocd,
    "argoproj.io",
    "v1alpha1",
    "Application",
    "applications",
);
pub const APPLICATION_SET: LiveKind = live(
    AppEngine::Argocd,
    "argoproj.io",
    "v1alpha1",
    "ApplicationSet",
    "applicationsets",
);
pub const KUSTOMIZATION: LiveKind = live(
    AppEngine::Flux,
    "kustomize.toolkit.fluxcd.io",
    "v1",
    "Kustomization",
    "kustomizations",
);
pub const HELM_RELEASE: LiveKind = live(
    AppEngine::Flux,
    "helm.toolkit.fluxcd.io",
    "v2",
    "HelmRelease",
    "helmreleases",
);

/// The app kinds: each object of these is a row of the apps table.
pub const APP_KINDS: [LiveKind; 3] = [APPLICATION, KUSTOMIZATION, HELM_RELEASE];

/// Flux sources, read to tell whether an app runs its source's latest
/// artifact.
pub const SOURCE_KINDS: [LiveKind; 4] = [
    live(
        AppEngine::Flux,
        "source.toolkit.fluxcd.io",
        "v1",
        "GitRepository",
        "gitrepositories",
    ),
    live(
        AppEngine::Flux,
        "source.toolkit.fluxcd.io",
        "v1",
        "OCIRepository",
        "ocirepositories",
    ),
    live(
        AppEngine::Flux,
        "source.toolkit.fluxcd.io",
        "v1",
        "HelmRepository",
        "helmrepositories",
    ),
    live(
        AppEngine::Flux,
        "source.toolkit.fluxcd.io",
        "v1",
        "HelmChart",
        "helmcharts",
    ),
];

/// One live GitOps object of one context.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveApp {
    pub context: String,
    pub kind: LiveKind,
    pub object: Arc<Value>,
}

impl LiveApp {
    fn text(&self, pointer: &str) -> &str {
        self.object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.text("/metadata/name")
    }

    pub fn namespace(&self) -> &str {
        self.text("/metadata/namespace")
    }

    /// The unambiguous name of a live app: `CONTEXT/NAMESPACE/NAME`.
    pub fn reference(&self) -> String {
        format!("{}/{}/{}", self.context, self.namespace(), self.name())
    }
}
