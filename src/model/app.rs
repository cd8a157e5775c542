use super::limits::RenderSettings;
use super::{AppEngine, AppOrigin, Tracking};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// One application of tether.yaml (DESIGN.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    pub source: SourceSpec,
    #[serde(default)]
    pub destination: DestinationSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<IgnoreDifference>,
    /// For an Argo CD or Flux app: the object it came from and how to
    /// render it. None for the apps of tether.yaml.
    #[serde(skip)]
    pub origin: Option<Arc<AppOrigin>>,
    /// How the app renders (load restrictor, limits); after loading
    /// tether.yaml, the top-level `render:` fills what the app leaves unset.
    #[serde(default, skip_serializing_if = "RenderSettings::is_unset")]
    pub render: RenderSettings,
}

impl AppSpec {
    /// Which engine reconciles the app.
    pub fn engine(&self) -> AppEngine {
        self.origin.as_ref().map_or(AppEngine::Tether, |o| o.engine)
    }

    /// How its objects are marked as its own.
    pub fn tracking(&self) -> Tracking {
        self.origin.as_ref().map_or_else(
            || Tracking::Tether {
                app: self.name.clone(),
            },
            |o| o.tracking.clone(),
        )
    }

    /// The unambiguous name: the app's name for tether apps,
    /// `KIND/NAMESPACE/NAME` for imported ones.
    pub fn reference(&self) -> String {
        self.origin
            .as_ref()
            .map_or_else(|| self.name.clone(), |o| o.reference())
    }

    /// Why tether may not change the app (sync, prune, pause, rollback):
    /// it is imported and its engine manages it. None when tether may.
    pub fn read_only_reason(&self) -> Option<String> {
        let origin = self.origin.as_ref().filter(|o| !o.manage)?;
        Some(format!(
            "{} is managed by {} ({} {}); tether only shows and diffs it. To let tether sync it, set `manage: true` on its `import:` entry in tether.yaml",
            self.name,
            origin.engine.product(),
            origin.kind,
            origin.reference(),
        ))
    }

    /// How Kustomize roots of this app are built (native by default).
    pub fn kustomize_mode(&self) -> KustomizeMode {
        self.render.kustomize.unwrap_or_default()
    }

    /// Sets how Kustomize roots are built (`--kustomize` on the command line).
    pub fn set_kustomize_mode(&mut self, mode: KustomizeMode) {
        self.render.kustomize = Some(mode);
    }

    /// The project, or `default` as Argo CD names the implicit one.
    pub fn project_name(&self) -> &str {
        self.project.as_deref().unwrap_or("default")
    }

    pub fn is_automated(&self) -> bool {
        self.sync_policy
            .as_ref()
            .is_some_and(|p| p.automated.is_some())
    }

    /// The value of sync option `name` (`CreateNamespace=true` → `true`).
    pub fn sync_option(&self, name: &str) -> Option<&str> {
        self.sync_policy
            .as_ref()?
            .sync_options
            .iter()
            .find_map(|o| {
                let (n, v) = o.split_once('=')?;
                (n == name).then_some(v)
            })
    }

    pub fn has_sync_option(&self, option: &str) -> bool {
        self.sync_policy
            .as_ref()
            .is_some_and(|p| p.sync_options.iter().any(|o| o == option))
    }
}

/// Where an app's manifests come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceSpec {
    /// Path of a local Git checkout; relative paths are resolved against the
    /// folder of tether.yaml when the config is loaded.
    pub repo: PathBuf,
    /// Folder inside the repository.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub revision: Revision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmSpec>,
}

/// A revision to render: a Git revision expression, or the work tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Revision {
    /// Branch, tag, full or short commit id, or `HEAD`.
    Git(String),
    /// The files on disk, uncommitted changes included.
    WorkTree,
}

impl Default for Revision {
    fn default() -> Self {
        Revision::Git("HEAD".to_string())
    }
}

impl Revision {
    pub fn parse(s: &str) -> Self {
        if s == "WORKTREE" {
            Revision::WorkTree
        } else {
            Revision::Git(s.to_string())
        }
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Revision::Git(r) => f.write_str(r),
            Revision::WorkTree => f.write_str("WORKTREE"),
        }
    }
}

impl Serialize for Revision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Revision {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() {
            return Err(serde::de::Error::custom("revision must not be empty"));
        }
        Ok(Revision::parse(&s))
    }
}

/// Helm options of a source whose path holds a chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_name: Option<String>,
    /// Inline values (a mapping), applied after the value files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<serde_json::Value>,
    /// Paths of values that are secret (`db.password`, `users.*.token`,
    /// see [`super::ValuePath`]): whatever they hold — in the chart's
    /// values, the value files or the inline values — is masked wherever
    /// it shows up in a diff, a live view or a message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_values: Vec<String>,
}

/// How a Kustomize root is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KustomizeMode {
    /// tether's own Kustomize, in process over the Git tree.
    #[default]
    Native,
    /// The real `kustomize build` / `kubectl kustomize` over the tree
    /// written to a private temporary folder.
    Binary,
}

impl KustomizeMode {
    /// `native` or `binary`, as tether.yaml and `--kustomize` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            KustomizeMode::Native => "native",
            KustomizeMode::Binary => "binary",
        }
    }
}

/// Where an app's objects go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationSpec {
    /// kubeconfig context; None = the current context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Namespace for namespaced objects that have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<AutomatedPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomatedPolicy {
    #[serde(default)]
    pub prune: bool,
    #[serde(default)]
    pub self_heal: bool,
}

/// Fields to leave out of the comparison, per group/kind (and optionally name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IgnoreDifference {
    #[serde(default)]
    pub group: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jq_path_expressions: Vec<String>,
    /// Fields owned (in the live object's `managedFields`) by any of these
    /// field managers are left out, as Argo CD's `managedFieldsManagers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields_managers: Vec<String>,
}
