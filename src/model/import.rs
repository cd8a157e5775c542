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

impl TrackingMethod {
    /// `annotation`, `label` or `annotation+label` (argocd-cm spelling);
    /// empty means the default. Errors say what is allowed.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "" | "annotation" => Ok(TrackingMethod::Annotation),
            "label" => Ok(TrackingMethod::Label),
            "annotation+label" => Ok(TrackingMethod::AnnotationAndLabel),
            other => Err(format!(
                "trackingMethod {other:?} is not one of annotation, label, annotation+label"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TrackingMethod::Annotation => "annotation",
            TrackingMethod::Label => "label",
            TrackingMethod::AnnotationAndLabel => "annotation+label",
        }
    }
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
    /// The local checkout of every repository the app reads (each source
    /// of an Argo CD Application, multi-source `ref` sources included).
    pub checkouts: Vec<RepoMapping>,
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

    /// For an Argo CD Application: the name of its AppProject
    /// (`spec.project`, empty = `default`).
    pub fn project_name(&self) -> &str {
        match self.object.pointer("/spec/project").and_then(Value::as_str) {
            None | Some("") => "default",
            Some(p) => p,
        }
    }

    /// For an Argo CD Application: its AppProject object among the objects
    /// found with it (in Argo CD's namespace), if any. None also means
    /// the implicit `default` project when the name is `default`.
    pub fn app_project(&self) -> Option<&Value> {
        if self.engine != AppEngine::Argocd {
            return None;
        }
        let name = self.project_name();
        self.related.iter().find(|o| {
            let text = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or("");
            text("/kind") == "AppProject"
                && text("/apiVersion").starts_with("argoproj.io/")
                && text("/metadata/name") == name
                && [String::new(), self.argocd.namespace.clone()]
                    .contains(&text("/metadata/namespace").to_string())
        })
    }

    /// For an Argo CD Application: the `spec.syncWindows` of its
    /// AppProject as written (empty when there are none), for the sync
    /// windows checks.
    pub fn sync_windows(&self) -> &[Value] {
        self.app_project()
            .and_then(|p| p.pointer("/spec/syncWindows"))
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

/// An ApplicationSet found in an `import:` folder, and what it generated
/// (DESIGN.md §6): for listing it next to its Applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAppSet {
    /// `ApplicationSet/NAMESPACE/NAME`.
    pub reference: String,
    pub namespace: String,
    pub name: String,
    /// Where it was found: `<checkout>:<file>`.
    pub found_in: String,
    /// The refs of the Applications it generated (each app's `parent` is
    /// [`Self::reference`]), in generator order.
    pub apps: Vec<String>,
    /// Why it generated nothing: the ApplicationSet and generator named.
    pub error: Option<String>,
    /// `spec.syncPolicy.applicationsSync` (`sync` when unset):
    /// `sync`, `create-only`, `create-update` or `create-delete`.
    pub applications_sync: String,
    /// `spec.syncPolicy.preserveResourcesOnDeletion`.
    pub preserve_resources_on_deletion: bool,
    /// The object itself.
    pub object: Value,
}
