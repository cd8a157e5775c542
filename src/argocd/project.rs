//! AppProject rules (`app_project_types.go`): which repositories an app
//! may take manifests from, where it may deploy, which kinds it may
//! create, and its sync windows.

use super::ArgoError;
use super::glob::{glob_match, path_match};
use super::normalize_git_url;
use super::windows::{SyncWindowSpec, SyncWindows};
use crate::model::GroupVersionKind;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// One allowed (or, with `!`, denied) destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDestination {
    #[serde(default)]
    pub server: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
}

/// A group/kind pattern (`filepath.Match` globs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GroupKindPattern {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub kind: String,
    /// Cluster-scoped lists only: a name glob; empty = every name.
    #[serde(default)]
    pub name: String,
}

/// The parts of `spec` tether enforces; see docs/ARGOCD.md for the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProjectSpec {
    #[serde(default)]
    pub source_repos: Vec<String>,
    #[serde(default)]
    pub destinations: Vec<ProjectDestination>,
    #[serde(default)]
    pub cluster_resource_whitelist: Vec<GroupKindPattern>,
    #[serde(default)]
    pub cluster_resource_blacklist: Vec<GroupKindPattern>,
    /// None (absent) allows every namespaced kind; `[]` allows none.
    #[serde(default)]
    pub namespace_resource_whitelist: Option<Vec<GroupKindPattern>>,
    #[serde(default)]
    pub namespace_resource_blacklist: Vec<GroupKindPattern>,
    #[serde(default)]
    pub sync_windows: Vec<SyncWindowSpec>,
    #[serde(default)]
    pub source_namespaces: Vec<String>,
    #[serde(default)]
    pub permit_only_project_scoped_clusters: bool,
}

/// An AppProject with its windows checked.
#[derive(Debug, Clone)]
pub struct AppProject {
    pub name: String,
    pub spec: AppProjectSpec,
    pub windows: SyncWindows,
}

/// Where an app deploys: the destination cluster (both name and server
/// when known) and namespace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Destination<'a> {
    pub server: &'a str,
    pub name: &'a str,
    pub namespace: &'a str,
}

/// Why a project refuses an app: the project, the rule, and what broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDenial {
    pub project: String,
    /// `sourceRepos`, `destinations`, `clusterResourceWhitelist`, …
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for ProjectDenial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AppProject {} ({}): {}",
            self.project, self.rule, self.message
        )
    }
}

impl std::error::Error for ProjectDenial {}

impl AppProject {
    /// From an AppProject object (`metadata.name`, `spec`).
    pub fn from_object(object: &Value) -> Result<Self, ArgoError> {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let spec = object.get("spec").cloned().unwrap_or(Value::Null);
        let spec: AppProjectSpec = if spec.is_null() {
            AppProjectSpec::default()
        } else {
            serde_json::from_value(spec)
                .map_err(|e| ArgoError::project(&name, format!("spec: {e}")))?
        };
        let windows = SyncWindows::new(&spec.sync_windows)
            .map_err(|e| ArgoError::project(&name, e.to_string()))?;
        Ok(Self {
            name,
            spec,
            windows,
        })
    }

    /// Argo CD's built-in `default` project: every repo, destination and kind.
    pub fn default_project() -> Self {
        let everything = || GroupKindPattern {
            group: "*".into(),
            kind: "*".into(),
            name: String::new(),
        };
        Self {
            name: "default".into(),
            spec: AppProjectSpec {
                source_repos: vec!["*".into()],
                destinations: vec![ProjectDestination {
                    server: "*".into(),
                    name: "*".into(),
                    namespace: "*".into(),
                }],
                cluster_resource_whitelist: vec![everything()],
                ..Default::default()
            },
            windows: SyncWindows::default(),
        }
    }

    fn deny(&self, rule: &'static str, message: String) -> ProjectDenial {
        ProjectDenial {
            project: self.name.clone(),
            rule,
            message,
        }
    }

    /// `IsSourcePermitted`: URLs normalised; `!` entries deny; a deny
    /// entry the source does not match counts as a match.
    pub fn is_source_permitted(&self, repo_url: &str) -> bool {
        let source = normalize_git_url(repo_url).unwrap_or_default();
        let mut any = false;
        for entry in &self.spec.source_repos {
            if let Some(denied) = entry.strip_prefix('!') {
                let pattern = normalize_git_url(denied).unwrap_or_default();
                if glob_match(&pattern, &source, "/") {
                    return false;
                }
                any = true;
            } else {
                let pattern = normalize_git_url(entry).unwrap_or_default();
                if pattern == "*" || glob_match(&pattern, &source, "/") {
                    any = true;
                }
            }
        }
        any
    }

    /// `isDestinationMatched`: (server glob OR name glob) AND namespace
    /// glob on some entry, with `!` entries denying.
    pub fn is_destination_permitted(&self, dest: &Destination<'_>) -> bool {
        let mut any = false;
        for item in &self.spec.destinations {
            let name = !dest.name.is_empty() && neg_glob(&item.name, dest.name);
            let server = !dest.server.is_empty() && neg_glob(&item.server, dest.server);
            let namespace = neg_glob(&item.namespace, dest.namespace);
            if (server || name) && namespace {
                any = true;
            } else if (!name && is_deny(&item.name))
                || (!server && is_deny(&item.server) && namespace)
                || (!namespace && is_deny(&item.namespace) && server)
            {
                return false;
            }
        }
        any
    }

    /// `IsGroupKindNamePermitted`.
    pub fn is_kind_permitted(&self, group: &str, kind: &str, name: &str, namespaced: bool) -> bool {
        let spec = &self.spec;
        if namespaced {
            let white = match &spec.namespace_resource_whitelist {
                None => true,
                Some(list) => in_list(list, group, kind, None),
            };
            return white && !in_list(&spec.namespace_resource_blacklist, group, kind, None);
        }
        in_list(&spec.cluster_resource_whitelist, group, kind, Some(name))
            && !in_list(&spec.cluster_resource_blacklist, group, kind, Some(name))
    }

    /// Whether an Application living in `app_namespace` may use this
    /// project (`IsAppNamespacePermitted`; `/regex/` entries or globs).
    pub fn is_app_namespace_permitted(
        &self,
        app_namespace: &str,
        controller_namespace: &str,
    ) -> bool {
        if app_namespace.is_empty() || app_namespace == controller_namespace {
            return true;
        }
        self.spec.source_namespaces.iter().any(|entry| {
            match entry.strip_prefix('/').and_then(|e| e.strip_suffix('/')) {
                Some(re) => regex::Regex::new(re).is_ok_and(|re| re.is_match(app_namespace)),
                None => glob_match(entry, app_namespace, ""),
            }
        })
    }

    /// Checks an app against the project: every source repository, the
    /// destination, then every rendered object's kind (and, for namespaced
    /// objects, its namespace as a destination). `is_namespaced(group,
    /// kind)` says how a kind is scoped.
    pub fn check_app(
        &self,
        repo_urls: &[&str],
        dest: &Destination<'_>,
        objects: &[Value],
        is_namespaced: &dyn Fn(&str, &str) -> bool,
    ) -> Result<(), ProjectDenial> {
        if self.spec.permit_only_project_scoped_clusters {
            return Err(self.deny(
                "permitOnlyProjectScopedClusters",
                "project-scoped clusters are cluster Secrets, which tether does not read; this project cannot be checked".into(),
            ));
        }
        for repo in repo_urls {
            if !self.is_source_permitted(repo) {
                return Err(self.deny(
                    "sourceRepos",
                    format!(
                        "application repo {repo} is not permitted in project '{}'",
                        self.name
                    ),
                ));
            }
        }
        if !self.is_destination_permitted(dest) {
            return Err(self.deny(
                "destinations",
                format!(
                    "application destination server '{}' and namespace '{}' do not match any of the allowed destinations in project '{}'",
                    if dest.server.is_empty() { dest.name } else { dest.server },
                    dest.namespace,
                    self.name
                ),
            ));
        }
        for object in objects {
            self.check_object(object, dest, is_namespaced)?;
        }
        Ok(())
    }

    fn check_object(
        &self,
        object: &Value,
        dest: &Destination<'_>,
        is_namespaced: &dyn Fn(&str, &str) -> bool,
    ) -> Result<(), ProjectDenial> {
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let gvk = GroupVersionKind::from_api_version(text("/apiVersion"), text("/kind"));
        let name = text("/metadata/name");
        let namespaced = is_namespaced(&gvk.group, &gvk.kind);
        let namespace = match (namespaced, text("/metadata/namespace")) {
            (false, _) => "",
            (true, "") => dest.namespace,
            (true, ns) => ns,
        };
        let rule = if namespaced {
            "namespaceResourceWhitelist/Blacklist"
        } else {
            "clusterResourceWhitelist/Blacklist"
        };
        if !self.is_kind_permitted(&gvk.group, &gvk.kind, name, namespaced) {
            return Err(self.deny(
                rule,
                format!(
                    "resource {}:{} is not permitted in project {} ({} {name})",
                    gvk.group, gvk.kind, self.name, gvk.kind
                ),
            ));
        }
        if namespaced && !self.is_destination_permitted(&Destination { namespace, ..*dest }) {
            return Err(self.deny(
                "destinations",
                format!(
                    "namespace {namespace} is not permitted in project '{}' ({} {name})",
                    self.name, gvk.kind
                ),
            ));
        }
        Ok(())
    }
}

fn is_deny(pattern: &str) -> bool {
    pattern.starts_with('!')
}

/// `globMatch` with negation: `!p` matches what `p` does not.
fn neg_glob(pattern: &str, value: &str) -> bool {
    if let Some(p) = pattern.strip_prefix('!') {
        return !glob_match(p, value, "");
    }
    pattern == "*" || glob_match(pattern, value, "")
}

/// `isResourceInList` / `isNamedResourceInList` with `filepath.Match`;
/// a malformed pattern matches nothing.
fn in_list(list: &[GroupKindPattern], group: &str, kind: &str, name: Option<&str>) -> bool {
    let m = |p: &str, v: &str| path_match(p, v).unwrap_or(false);
    list.iter().any(|item| {
        m(&item.kind, kind)
            && m(&item.group, group)
            && match name {
                Some(name) if !item.name.is_empty() => m(&item.name, name),
                _ => true,
            }
    })
}

#[cfg(test)]
#[path = "project_tests.rs"]
mod tests;
