//! On-demand views and actions of one app: tree, events, live YAML,
//! history, pause and resume.

use super::desired::app_secrets;
use super::events::events_of;
use super::permissions::state_checks;
use super::record::now;
use super::tree::build_tree;
use super::{Engine, EngineError};
use crate::cluster::{ClusterClient, read_state};
use crate::diff::{mask_secret, strip_noise, to_yaml};
use crate::model::{
    AppHistory, AppSpec, CommitRecord, EventRecord, GroupVersionKind, ResourceKey, ResourceNode,
    Revision,
};
use crate::source::{Repo, RevertOutcome};
use std::sync::Arc;

/// Git commits listed per app in history views.
const COMMIT_LIMIT: usize = 100;

impl Engine {
    pub(crate) async fn client_for(
        &self,
        app: &AppSpec,
    ) -> Result<Arc<ClusterClient>, EngineError> {
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        client
            .ping()
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        Ok(client)
    }

    /// The app's resources with their live descendants.
    pub async fn tree(&self, name: &str) -> Result<Vec<ResourceNode>, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let status = self.status(app).await;
        let client = self.client_for(app).await?;
        let mut tree = build_tree(&client, &status)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        // Events are read in one pass per namespace and hung on their nodes.
        if let Ok(events) = events_of(&client, &flatten(&tree)).await {
            attach_events(&mut tree, &events);
        }
        Ok(tree)
    }

    /// Events of the app's objects and their descendants, or of one object.
    pub async fn events(
        &self,
        name: &str,
        resource: Option<&ResourceKey>,
    ) -> Result<Vec<EventRecord>, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let keys = match resource {
            Some(key) => vec![key.clone()],
            None => flatten(&self.tree(name).await?),
        };
        let client = self.client_for(app).await?;
        events_of(&client, &keys)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))
    }

    /// The live object as YAML, server noise dropped and Secrets masked.
    pub async fn live_yaml(
        &self,
        name: &str,
        key: &ResourceKey,
        version: &str,
    ) -> Result<String, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let client = self.client_for(app).await?;
        let gvk = GroupVersionKind {
            group: key.group.clone(),
            version: version.to_string(),
            kind: key.kind.clone(),
        };
        let live = client
            .get(&gvk, key.namespace.as_deref(), &key.name)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        let Some(live) = live else {
            return Ok(format!("# {key} does not exist in the cluster\n"));
        };
        let mut shown = strip_noise(&live);
        let salt = format!("{}/{}", key.namespace.as_deref().unwrap_or(""), key.name);
        mask_secret(&mut shown, &salt);
        let (secrets, twin) = app_secrets(&self.desired, app, key);
        match twin {
            Some(mut twin) => secrets.mask_values(&mut [&mut shown, &mut twin], &salt),
            None => secrets.mask_values(&mut [&mut shown], &salt),
        }
        if let Some(status) = live.get("status")
            && let Some(obj) = shown.as_object_mut()
        {
            obj.insert("status".to_string(), status.clone());
        }
        Ok(secrets.mask_text(&to_yaml(Some(&shown))))
    }

    /// Commits touching the app path (newest first) and its sync records.
    /// A live Argo CD or Flux app's sync records are its object's
    /// `status.history` (see [`Engine::live_history`]).
    pub async fn history(&self, name: &str) -> Result<AppHistory, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        if self.live_of(app).is_ok() {
            return self.live_history(app).await;
        }
        super::desired::mapped(app)?;
        let (commits, shallow) = self.commits_at(app, &app.source.revision)?;
        let client = self.client_for(app).await?;
        let state = read_state(&client, &app.name)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        let mut syncs = state.history;
        syncs.reverse();
        Ok(AppHistory {
            app: app.name.clone(),
            commits,
            syncs,
            shallow,
        })
    }

    /// Commits touching the app path at `revision` (the work tree: HEAD),
    /// newest first, and in a shallow clone the boundary commit where the
    /// log stops.
    pub(super) fn commits_at(
        &self,
        app: &AppSpec,
        revision: &Revision,
    ) -> Result<(Vec<CommitRecord>, Option<String>), EngineError> {
        let source_err = |e: &dyn std::fmt::Display| EngineError::Source {
            app: app.name.clone(),
            message: e.to_string(),
        };
        let repo = Repo::open(&app.source.repo).map_err(|e| source_err(&e))?;
        let revision = match revision {
            Revision::WorkTree => Revision::Git("HEAD".to_string()),
            other => other.clone(),
        };
        let log = repo
            .log_path_bounded(&revision, &app.source.path, COMMIT_LIMIT)
            .map_err(|e| source_err(&e))?;
        let commits = log
            .commits
            .into_iter()
            .map(|c| CommitRecord {
                id: c.id,
                author: c.author,
                time: c.time,
                summary: c.summary,
            })
            .collect();
        Ok((commits, log.shallow_boundary))
    }

    /// The commit `revert` takes by default: the newest touching the app path.
    fn revert_target(
        &self,
        app: &AppSpec,
        repo: &Repo,
        commit: Option<&str>,
    ) -> Result<String, EngineError> {
        if let Some(c) = commit {
            return Ok(c.to_string());
        }
        let newest = repo
            .log_path_bounded(&Revision::Git("HEAD".to_string()), &app.source.path, 1)
            .map_err(|e| EngineError::Source {
                app: app.name.clone(),
                message: e.to_string(),
            })?;
        let boundary = newest.shallow_boundary;
        newest
            .commits
            .into_iter()
            .next()
            .map(|c| c.id)
            .ok_or_else(|| EngineError::Source {
                app: app.name.clone(),
                message: match boundary {
                    Some(id) => format!(
                        "no commit touching {} is in this shallow clone (its history stops at {}); fetch more history (git fetch --deepen=N) or name the commit to revert",
                        app.source.path,
                        &id[..id.len().min(7)]
                    ),
                    None => format!("no commit touches {}", app.source.path),
                },
            })
    }

    /// What reverting `commit` (default: the newest touching the app path)
    /// would change, as a unified diff per file; writes nothing.
    pub fn revert_preview(
        &self,
        name: &str,
        commit: Option<&str>,
    ) -> Result<(String, String), EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let source_err = |e: &dyn std::fmt::Display| EngineError::Source {
            app: app.name.clone(),
            message: e.to_string(),
        };
        super::desired::mapped(app)?;
        let repo = Repo::open(&app.source.repo).map_err(|e| source_err(&e))?;
        let target = self.revert_target(app, &repo, commit)?;
        let preview = repo
            .revert_preview(&target, &app.source.path)
            .map_err(|e| source_err(&e))?;
        let mut text = String::new();
        for (path, old, new) in &preview.changes {
            let old = old
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let new = new
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            text.push_str(&crate::diff::unified(&old, &new, path));
        }
        Ok((preview.reverted, text))
    }

    /// Commits a revert of `commit` (default: the newest commit touching
    /// the app path) on the checkout's branch, authored from its Git
    /// config; refuses on conflict or a dirty app path, writing nothing.
    pub fn revert(&self, name: &str, commit: Option<&str>) -> Result<RevertOutcome, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let source_err = |e: &dyn std::fmt::Display| EngineError::Source {
            app: app.name.clone(),
            message: e.to_string(),
        };
        super::desired::mapped(app)?;
        let repo = Repo::open(&app.source.repo).map_err(|e| source_err(&e))?;
        let target = self.revert_target(app, &repo, commit)?;
        let author = repo.signature_from_config().map_err(|e| source_err(&e))?;
        repo.revert(&target, &app.source.path, &author)
            .map_err(|e| source_err(&e))
    }

    /// Rolls an app back to the revision of its sync record `id` and
    /// pauses it ("rollback to <rev>"), as Argo CD does, so automation does
    /// not undo the rollback; `resume` returns to tracking the branch.
    pub async fn rollback(
        &self,
        name: &str,
        id: u64,
        by: &str,
    ) -> Result<super::SyncReport, EngineError> {
        let app = self.managed_app(name)?;
        let app = app.as_ref();
        let client = self.client_for(app).await?;
        self.require(&app.name, "rollback", &client, &state_checks())
            .await?;
        let history = self.history(name).await?;
        let record =
            history
                .syncs
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| EngineError::Sync {
                    app: app.name.clone(),
                    message: format!("no sync record with id {id} (see `tether history {name}`)"),
                })?;
        let revision = record.revision.clone();
        let short = revision.get(..7).unwrap_or(&revision).to_string();
        // Pause first: an automated sync must not race the rollback.
        self.pause(name, &format!("rollback to {short}"), by)
            .await?;
        let options = super::SyncOptions {
            revision: Some(Revision::Git(revision)),
            by: Some(format!("rollback ({by})")),
            ..Default::default()
        };
        self.sync(name, &options).await
    }

    /// Pauses automation of an app for everyone: the state ConfigMap in
    /// the app's cluster records who, when and why.
    pub async fn pause(&self, name: &str, reason: &str, by: &str) -> Result<(), EngineError> {
        self.set_paused(name, Some((reason, by))).await
    }

    /// Resumes a paused app.
    pub async fn resume(&self, name: &str) -> Result<(), EngineError> {
        self.set_paused(name, None).await
    }

    async fn set_paused(&self, name: &str, pause: Option<(&str, &str)>) -> Result<(), EngineError> {
        let app = self.managed_app(name)?;
        let app = app.as_ref();
        let client = self.client_for(app).await?;
        let action = if pause.is_some() { "pause" } else { "resume" };
        self.require(&app.name, action, &client, &state_checks())
            .await?;
        let stamp = now();
        self.save_state(&app.name, &client, |state| match pause {
            Some((reason, by)) => {
                state.paused = true;
                state.paused_by = by.to_string();
                state.paused_at = stamp.clone();
                state.reason = reason.to_string();
            }
            None => {
                state.paused = false;
                state.paused_by.clear();
                state.paused_at.clear();
                state.reason.clear();
            }
        })
        .await
        .map(|_| ())
        .map_err(|e| EngineError::Sync {
            app: app.name.clone(),
            message: format!("cannot {action}: {e}"),
        })
    }
}

/// Gives every node the events whose object is `Kind/name` of the node.
fn attach_events(nodes: &mut [ResourceNode], events: &[EventRecord]) {
    for node in nodes {
        let object = format!("{}/{}", node.kind, node.name);
        node.events = events
            .iter()
            .filter(|e| e.object == object)
            .cloned()
            .collect();
        attach_events(&mut node.children, events);
    }
}

/// Keys of every node of a tree.
fn flatten(nodes: &[ResourceNode]) -> Vec<ResourceKey> {
    let mut out = Vec::new();
    for node in nodes {
        let ns = (!node.namespace.is_empty()).then_some(node.namespace.as_str());
        out.push(ResourceKey::new(&node.group, &node.kind, ns, &node.name));
        out.extend(flatten(&node.children));
    }
    out
}
