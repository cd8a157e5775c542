//! `compare`: two apps' desired states side by side (DESIGN.md §7), after
//! taking out what differs between stages by design
//! ([`crate::diff::make_comparable`]). The name prefix/suffix of a stage
//! is its Kustomize root's `namePrefix`/`nameSuffix`. Offline: nothing is
//! asked of a cluster.

use super::{Engine, EngineError, desired::render_app};
use crate::diff::{NameAffix, StageBlindness, make_comparable, mask_secret, to_yaml};
use crate::model::{AppSpec, Revision};
use crate::source::Repo;
use serde::Serialize;
use serde_json::Value;
use similar::TextDiff;
use std::collections::BTreeMap;

/// One resource of [`StageDiff`]: in the shape of `diff`'s resources,
/// from A to B (`delete`: only A has it, `create`: only B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageResourceDiff {
    pub group: String,
    pub kind: String,
    /// Empty when namespaces are taken out.
    pub namespace: String,
    /// Without the stages' prefix/suffix when those are taken out.
    pub name: String,
    /// `none`, `update`, `create` (only in B) or `delete` (only in A).
    pub change: String,
    /// Unified YAML diff from A to B; empty when `none`.
    pub diff: String,
}

/// What `tether compare A B` shows (`diff`'s JSON with `"apps":[A,B]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageDiff {
    pub apps: [String; 2],
    /// The commits compared (full ids, or `WORKTREE`).
    pub revisions: [String; 2],
    pub resources: Vec<StageResourceDiff>,
}

impl StageDiff {
    /// True when some resource differs.
    pub fn differs(&self) -> bool {
        self.resources.iter().any(|r| r.change != "none")
    }
}

type Key = (String, String, String, String);

impl Engine {
    /// Renders `a` and `b` (at `revision` when given, else each at its
    /// own) and diffs them after taking out what `blind` says.
    pub fn compare(
        &self,
        a: &str,
        b: &str,
        revision: Option<&Revision>,
        blind: &StageBlindness,
    ) -> Result<StageDiff, EngineError> {
        let (app_a, app_b) = (self.app(a)?, self.app(b)?);
        let (rev_a, side_a) = comparable(&app_a, revision, blind)?;
        let (rev_b, side_b) = comparable(&app_b, revision, blind)?;
        let mut keys: Vec<&Key> = side_a.keys().collect();
        keys.extend(side_b.keys().filter(|k| !side_a.contains_key(*k)));
        keys.sort();
        let resources = keys
            .into_iter()
            .map(|key| {
                let (old, new) = (side_a.get(key), side_b.get(key));
                let change = match (old, new) {
                    (Some(o), Some(n)) if o == n => "none",
                    (Some(_), Some(_)) => "update",
                    (None, _) => "create",
                    (_, None) => "delete",
                };
                let label = format!("{}/{}", key.1, key.3);
                let diff = if change == "none" {
                    String::new()
                } else {
                    TextDiff::from_lines(&to_yaml(old), &to_yaml(new))
                        .unified_diff()
                        .context_radius(3)
                        .header(
                            &format!("{}/{label}", app_a.name),
                            &format!("{}/{label}", app_b.name),
                        )
                        .to_string()
                };
                StageResourceDiff {
                    group: key.0.clone(),
                    kind: key.1.clone(),
                    namespace: key.2.clone(),
                    name: key.3.clone(),
                    change: change.to_string(),
                    diff,
                }
            })
            .collect();
        Ok(StageDiff {
            apps: [app_a.name.clone(), app_b.name.clone()],
            revisions: [rev_a, rev_b],
            resources,
        })
    }
}

/// An app's desired objects, by key, made comparable and masked.
fn comparable(
    app: &AppSpec,
    revision: Option<&Revision>,
    blind: &StageBlindness,
) -> Result<(String, BTreeMap<Key, Value>), EngineError> {
    let desired = render_app(app, revision)?;
    let mut objects = desired.objects;
    let affix = name_affix(app, revision);
    let namespaces: Vec<String> = app.destination.namespace.iter().cloned().collect();
    make_comparable(&mut objects, &affix, &namespaces, blind);
    let mut out = BTreeMap::new();
    for mut object in objects {
        let text = |p: &str| {
            object
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let api_version = text("/apiVersion");
        let group = api_version
            .rsplit_once('/')
            .map_or(String::new(), |(g, _)| g.to_string());
        let key = (
            group,
            text("/kind"),
            text("/metadata/namespace"),
            text("/metadata/name"),
        );
        // Both sides are masked with the same salt, so equal secret values
        // stay equal.
        let salt = format!("{}/{}", key.2, key.3);
        mask_secret(&mut object, &salt);
        desired.secrets.mask_values(&mut [&mut object], &salt);
        out.insert(key, object);
    }
    Ok((desired.revision, out))
}

/// `namePrefix`/`nameSuffix` of the app's Kustomize root, if it has one.
pub(crate) fn name_affix(app: &AppSpec, revision: Option<&Revision>) -> NameAffix {
    let revision = revision.unwrap_or(&app.source.revision);
    let Some(text) = Repo::open(&app.source.repo)
        .ok()
        .and_then(|repo| repo.read_tree(revision, &app.source.path).ok())
        .and_then(|tree| {
            KUSTOMIZATION_NAMES.iter().find_map(|name| {
                let path = join(&app.source.path, name);
                tree.get(&path)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            })
        })
    else {
        return NameAffix::default();
    };
    let doc: Value = serde_yaml::from_str(&text).unwrap_or(Value::Null);
    let field = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    NameAffix {
        prefix: field("namePrefix"),
        suffix: field("nameSuffix"),
    }
}

/// The file names kustomize reads as a root's kustomization.
pub(crate) const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `dir/name` (just `name` at the repository root).
pub(crate) fn join(dir: &str, name: &str) -> String {
    crate::source::normalize_path(&format!("{dir}/{name}"))
}
