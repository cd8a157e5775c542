//! tether.yaml: the app definitions (DESIGN.md §2), where they are looked
//! up, and validation errors that name file, line and field.
//!
//! Rules beyond the shape (unknown fields are errors everywhere):
//! - `name` is a DNS-1123 label (lowercase letters, digits, `-`, at most 63)
//!   and unique; a duplicate is reported at the second occurrence;
//! - `source.revision` is not empty; `source.path` stays inside the repo;
//! - `destination.namespace` is a DNS-1123 label;
//! - `syncPolicy.syncOptions` are the options tether honours:
//!   `NAME=true|false` with NAME one of [`BOOL_SYNC_OPTIONS`]
//!   (CreateNamespace, ApplyOutOfSyncOnly, FailOnSharedResource),
//!   `ServerSideApply=true` / `PruneLast=true` (always on, accepted for
//!   Argo CD compatibility) or
//!   `PrunePropagationPolicy=foreground|background|orphan`;
//! - `render.kustomize` (top level, and per app) is `native` or `binary`;
//! - `ignoreDifferences[].jsonPointers` start with `/`;
//! - `ignoreDifferences[].jqPathExpressions` compile
//!   ([`crate::diff::jq::JqPaths`]: jq, in the bounded vocabulary);
//! - `policies.path` stays inside its repo (DESIGN.md §7);
//! - `pipelines:` and `syncWindows:` follow the rules in `pipelines.rs`
//!   (DESIGN.md §7);
//! - `client.applyConcurrency` is at least 1 ([`ClientSettings`]).
//!
//! ```
//! use std::path::Path;
//! let text = "apps:\n  - name: web\n    source: { repo: ./gitops, path: apps/web }\n";
//! let config = tether::config::parse(text, Path::new("/srv/tether.yaml")).unwrap();
//! assert_eq!(config.apps[0].source.repo, Path::new("/srv/gitops"));
//! ```

mod client;
mod error;
mod import;
mod locate;
pub mod paths;
mod pipelines;
mod validate;

pub use client::ClientSettings;
pub use error::ConfigError;
pub use locate::{Seg, locate};
pub use validate::{
    ALWAYS_ON_SYNC_OPTIONS, BOOL_SYNC_OPTIONS, PRUNE_PROPAGATION_POLICIES, dns_label_problem,
    is_known_sync_option,
};

use crate::argocd::SyncWindowSpec;
use crate::model::{
    AppSpec, ArgoSettings, ClusterMapping, ImportSpec, PipelineSpec, PolicySource, RenderSettings,
    RepoMapping,
};
use serde::Deserialize;
use std::path::{Component, Path, PathBuf};

/// The file name looked up in the current and the user config directory.
pub const FILE_NAME: &str = "tether.yaml";

/// A loaded tether.yaml (the default: no file, nothing configured).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The file the apps came from.
    pub path: PathBuf,
    /// The apps, with `source.repo` resolved against the file's folder and
    /// the top-level `render:` merged into each app's `render:`.
    pub apps: Vec<AppSpec>,
    /// Remote Git URLs of Argo CD / Flux objects → local checkouts
    /// (DESIGN.md §6), paths resolved against the file's folder.
    pub repos: Vec<RepoMapping>,
    /// Argo CD destinations → kubeconfig contexts; contexts watched live.
    pub clusters: Vec<ClusterMapping>,
    /// What argocd-cm would say.
    pub argocd: ArgoSettings,
    /// Folders scanned for Argo CD and Flux objects, repos resolved.
    pub import: Vec<ImportSpec>,
    /// The top-level `render:` defaults (also for imported apps).
    pub render: RenderSettings,
    /// Where the ValidatingAdmissionPolicies checked before every sync
    /// live (DESIGN.md §7), repo resolved; None when not configured.
    pub policies: Option<PolicySource>,
    /// Staged rollouts: the same app across stages (DESIGN.md §7).
    pub pipelines: Vec<PipelineSpec>,
    /// Sync windows (Argo CD AppProject semantics) for every app.
    pub sync_windows: Vec<SyncWindowSpec>,
    /// How requests to API servers are paced (`client:`).
    pub client: ClientSettings,
}

/// The document's shape (DESIGN.md §2 and §6), with `render:` defaults
/// for every app.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    apps: Vec<AppSpec>,
    #[serde(default)]
    repos: Vec<RepoMapping>,
    #[serde(default)]
    clusters: Vec<ClusterMapping>,
    #[serde(default)]
    argocd: ArgoSettings,
    #[serde(default)]
    import: Vec<ImportSpec>,
    #[serde(default)]
    render: RenderSettings,
    #[serde(default)]
    policies: Option<PolicySource>,
    #[serde(default)]
    pipelines: Vec<PipelineSpec>,
    #[serde(default, rename = "syncWindows")]
    sync_windows: Vec<SyncWindowSpec>,
    #[serde(default)]
    client: ClientSettings,
}

/// Finds and parses tether.yaml: `explicit` (`--config FILE`) if given, else
/// `./tether.yaml`, else `tether.yaml` in the user config dir
/// ([`paths::config_dir`]).
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => find_default()?,
    };
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    parse(&text, &path)
}

fn find_default() -> Result<PathBuf, ConfigError> {
    let local = PathBuf::from(FILE_NAME);
    if local.is_file() {
        return Ok(local);
    }
    let user_file = paths::user_file(FILE_NAME)
        .unwrap_or_else(|| PathBuf::from("~/.config/tether/tether.yaml"));
    if user_file.is_file() {
        return Ok(user_file);
    }
    Err(ConfigError::NotFound { user_file })
}

/// Parses and validates the text of tether.yaml read from `path` (used in
/// messages and to resolve relative repository paths).
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let invalid = |line: usize, message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    if text.trim().is_empty() || locate(text, &[]).is_none() {
        return Err(invalid(
            1,
            "the file is empty; expected a top-level \"apps\" or \"import\" list".into(),
        ));
    }
    let doc: Document = crate::yaml::from_str(text).map_err(|e| {
        let line = e.line().unwrap_or(1);
        let message = e.message().replace('`', "\"");
        match empty_revision(text, &message) {
            Some((line, message)) => invalid(line, message),
            None => invalid(line, message),
        }
    })?;
    let violation = validate::first_violation(&doc.apps)
        .or_else(|| {
            import::first_violation(&doc.repos, &doc.clusters, &doc.import, doc.apps.is_empty())
        })
        .or_else(|| import::policies_violation(doc.policies.as_ref()))
        .or_else(|| {
            let others = !doc.import.is_empty() || !doc.clusters.is_empty();
            pipelines::first_violation(&doc.pipelines, &doc.apps, others)
        })
        .or_else(|| pipelines::windows_violation(&doc.sync_windows));
    if let Some(v) = violation {
        let line = locate(text, &v.segs()).unwrap_or(1);
        return Err(invalid(line, format!("{}: {}", v.field(), v.problem)));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let apps = doc
        .apps
        .into_iter()
        .map(|mut app| {
            app.source.repo = resolve_repo(base, &app.source.repo);
            app.render = app.render.over(&doc.render);
            app
        })
        .collect();
    let repos = doc
        .repos
        .into_iter()
        .map(|mut r| {
            r.path = resolve_repo(base, &r.path);
            r
        })
        .collect();
    let import = doc
        .import
        .into_iter()
        .map(|mut i| {
            i.repo = resolve_repo(base, &i.repo);
            i
        })
        .collect();
    let policies = doc.policies.map(|mut p| {
        p.repo = resolve_repo(base, &p.repo);
        p
    });
    Ok(Config {
        path: path.to_path_buf(),
        apps,
        repos,
        clusters: doc.clusters,
        argocd: doc.argocd,
        import,
        render: doc.render,
        policies,
        pipelines: doc.pipelines,
        sync_windows: doc.sync_windows,
        client: doc.client,
    })
}

/// serde_yaml_ng's message without its ` at line L column C` tail (the line
/// goes in front) and with field names in double quotes. Other YAML loaders
/// (themes, keymaps) use it with `e.location()` to report `file:line: …`.
pub fn serde_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let text = match text
        .find(" at line ")
        .or_else(|| text.find(" at position "))
    {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    text.replace('`', "\"")
}

/// The model rejects an empty revision while deserialising, so serde points
/// at the enclosing `source` mapping; this finds the `revision` line itself.
fn empty_revision(text: &str, message: &str) -> Option<(usize, String)> {
    let source = message.strip_suffix(": revision must not be empty")?;
    let index: usize = source
        .strip_prefix("apps[")?
        .strip_suffix("].source")?
        .parse()
        .ok()?;
    let segs = [
        Seg::Key("apps"),
        Seg::Index(index),
        Seg::Key("source"),
        Seg::Key("revision"),
    ];
    let line = locate(text, &segs)?;
    Some((
        line,
        format!(
            "{source}.revision: must not be empty (use HEAD, a branch, tag, commit or WORKTREE)"
        ),
    ))
}

/// `repo` joined to `base` when relative, without `.` components.
fn resolve_repo(base: &Path, repo: &Path) -> PathBuf {
    let joined = if repo.is_absolute() {
        repo.to_path_buf()
    } else {
        base.join(repo)
    };
    let clean: PathBuf = joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if clean.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_repos() {
        assert_eq!(
            resolve_repo(Path::new("/srv"), Path::new("./gitops")),
            Path::new("/srv/gitops")
        );
        assert_eq!(
            resolve_repo(Path::new(""), Path::new("./gitops")),
            Path::new("gitops")
        );
        assert_eq!(resolve_repo(Path::new(""), Path::new(".")), Path::new("."));
        assert_eq!(
            resolve_repo(Path::new("/srv"), Path::new("/abs/repo")),
            Path::new("/abs/repo")
        );
    }
}
