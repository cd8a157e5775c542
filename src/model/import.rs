//! Argo CD and Flux apps (DESIGN.md §6): the tether.yaml sections that map
//! their remote URLs and cluster addresses to local checkouts and
//! kubeconfig contexts, the folders scanned for their objects, and what an
//! imported app carries besides its [`super::AppSpec`].

use super::{Revision, Tracking};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// `repos:` — a remote Git URL named in Argo CD / Flux objects, and the
/// local checkout that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepoMapping {
    pub url: String,
    /// Resolved against the folder of tether.yaml when the config is loaded.
    pub path: PathBuf,
}

/// `clusters:` — a kubeconfig context, the Argo CD destination it stands
/// for (`server` URL and/or cluster `name`), and labels for ApplicationSet
/// cluster generators. Every entry is also a context watched for live
/// Argo CD / Flux apps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterMapping {
    pub context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// How Argo CD marks the objects of an app (argocd-cm
/// `application.resourceTrackingMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum TrackingMethod {
    #[default]
    #[serde(rename = "annotation")]
    Annotation,
    #[serde(rename = "label")]
    Label,
    #[serde(rename = "annotation+label")]
    AnnotationAndLabel,
}

/// `argocd:` — what argocd-cm would say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArgoSettings {
    #[serde(default)]
    pub tracking_method: TrackingMethod,
    #[serde(default = "default_instance_label_key")]
    pub instance_label_key: String,
    /// `kustomize.buildOptions`, e.g. `--enable-helm`.
    #[serde(default)]
    pub kustomize_build_options: String,
    /// The namespace Argo CD runs in: Applications elsewhere are tracked
    /// as `<namespace>_<name>`.
    #[serde(default = "default_argocd_namespace")]
    pub namespace: String,
}

fn default_instance_label_key() -> String {
    "app.kubernetes.io/instance".to_string()
}

fn default_argocd_namespace() -> String {
    "argocd".to_string()
}

impl Default for ArgoSettings {
    fn default() -> Self {
        Self {
            tracking_method: TrackingMethod::default(),
            instance_label_key: default_instance_label_key(),
            kustomize_build_options: String::new(),
            namespace: default_argocd_namespace(),
        }
    }
}

/// `import:` — a folder scanned recursively for Argo CD and Flux objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportSpec {
    /// Local Git checkout; resolved against the folder of tether.yaml.
    pub repo: PathBuf,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub revision: Revision,
    /// Where Flux objects found here reconcile (default: current context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Whether tether's engine may sync, prune and pause these apps.
    #[serde(default)]
    pub manage: bool,
}

/// Which engine reconciles an app.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum AppEngine {
    #[default]
    Tether,
    Argocd,
    Flux,
}

impl AppEngine {
    pub fn as_str(self) -> &'static str {
        match self {
            AppEngine::Tether => "tether",
            AppEngine::Argocd => "argocd",
            AppEngine::Flux => "flux",
        }
    }

    /// The product name, for messages: `Argo CD`, `Flux`, `tether`.
    pub fn product(self) -> &'static str {
        match self {
            AppEngine::Tether => "tether",
            AppEngine::Argocd => "Argo CD",
            AppEngine::Flux => "Flux",
        }
    }
}

impl fmt::Display for AppEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an app's definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AppOriginKind {
    /// tether.yaml `apps:`.
    #[default]
    Config,
    /// An object found in an `import:` folder.
    Git,
    /// An object live in a cluster.
    Cluster,
}

/// What an imported app carries besides its [`super::AppSpec`]: the object
/// it came from and everything needed to render it as its controller does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppOrigin {
    pub engine: AppEngine,
    pub origin: AppOriginKind,
    /// `Application`, `Kustomization`, `HelmRelease`.
    pub kind: String,
    /// The object's namespace and name.
    pub namespace: String,
    pub name: String,
    /// Where the object was found: `<checkout>:<file>` (or the
    /// ApplicationSet that generated it).
    pub found_in: String,
    /// tether may sync, prune and pause it (`import[].manage`).
    pub manage: bool,
    /// Why it cannot be rendered (an unmapped repository or cluster, a
    /// missing source object): the app shows Unknown with this message.
    pub problem: Option<String>,
    /// The object itself.
    pub object: Value,
    /// Objects found alongside that rendering may need: Flux sources,
    /// ConfigMaps and Secrets for substitution and values, AppProjects.
    pub related: Arc<Vec<Value>>,
    /// The app-of-apps parent or generating ApplicationSet, as a ref.
    pub parent: Option<String>,
    /// The context the object itself lives in (the `import:` entry's
    /// `context`; for a live app, where it was read), when known: a live
    /// object there of the same kind, namespace and name is this app.
    pub home_context: Option<String>,
    /// For a live app that is also imported from Git: the Git app's ref.
    pub git_ref: Option<String>,
    pub tracking: Tracking,
    /// Argo CD settings in effect (for Argo CD apps).
    pub argocd: ArgoSettings,
}

impl AppOrigin {
    /// The unambiguous name: `KIND/NAMESPACE/NAME` for an app imported
    /// from Git, `CONTEXT/NAMESPACE/NAME` for a live one.
    pub fn reference(&self) -> String {
        match (&self.origin, &self.home_context) {
            (AppOriginKind::Cluster, Some(context)) => {
                format!("{context}/{}/{}", self.namespace, self.name)
            }
            _ => format!("{}/{}/{}", self.kind, self.namespace, self.name),
        }
    }
}
