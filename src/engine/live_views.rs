//! What the views of a live Argo CD / Flux app read: its Argo CD
//! operation (from the watch cache), its history (the object's
//! `status.history`, with the Git log of its path when its source maps
//! to a checkout), and the ApplicationSets of the watched contexts.

use super::live_actions::fail;
use super::{Engine, EngineError};
use crate::live::{OperationView, appset_status, operation_view};
use crate::model::{AppEngine, AppHistory, AppSetStatus, AppSpec, AppStatus, Revision};
use serde_json::Value;
use std::collections::HashMap;

impl Engine {
    /// The Argo CD operation of the live app `name` (running, or the last
    /// one), as the watch cache last saw it.
    pub fn live_operation(&self, name: &str) -> Result<OperationView, EngineError> {
        let app = self.app(name)?;
        let live = self.live_of(&app)?;
        if live.kind.engine != AppEngine::Argocd {
            return Err(fail(
                &app,
                "Flux runs no operations; its history and events show its reconciliations",
            ));
        }
        let state = self.live_state();
        let cached = state.view.apps.iter().find(|l| {
            l.context == live.context
                && l.kind == live.kind
                && l.namespace() == live.origin.namespace
                && l.name() == live.origin.name
        });
        Ok(match cached {
            Some(l) => operation_view(&l.object),
            None => operation_view(&live.origin.object),
        })
    }

    /// The history of a live app: Argo CD's `status.history` or Flux's,
    /// newest first, read fresh from the cluster, and the commits touching
    /// its path when its source maps to a checkout.
    pub(super) async fn live_history(&self, app: &AppSpec) -> Result<AppHistory, EngineError> {
        let live = self.live_of(app)?;
        let client = self.live_client(&live).await?;
        let object = self.fetch(&live, &client).await?;
        let syncs = match live.kind.engine {
            AppEngine::Flux => crate::flux::history::history_entries(&object),
            _ => crate::live::argo_history_entries(&object),
        };
        Ok(AppHistory {
            app: app.name.clone(),
            commits: self.live_commits(app, &object),
            syncs,
            shallow: None,
        })
    }

    /// Commits touching a live app's path: at the revision it runs, else
    /// at its target revision, else at the checkout's HEAD (the commit it
    /// runs may not be fetched locally). None when its source maps to no
    /// checkout: the controller's records are the whole history then.
    fn live_commits(&self, app: &AppSpec, object: &Value) -> Vec<crate::model::CommitRecord> {
        if super::desired::mapped(app).is_err() {
            return Vec::new();
        }
        let target = object
            .pointer("/spec/source/targetRevision")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty());
        let tries = [
            Some(app.source.revision.clone()),
            target.map(|t| Revision::Git(t.to_string())),
            Some(Revision::Git("HEAD".to_string())),
        ];
        for revision in tries.into_iter().flatten() {
            match self.commits_at(app, &revision) {
                Ok((commits, _)) => return commits,
                Err(e) => tracing::debug!(app = %app.name, error = %e, "no log at this revision"),
            }
        }
        Vec::new()
    }

    /// The ApplicationSets found in Git and those of the watched contexts
    /// as rows, each with the number of `apps` whose parent it is, by
    /// cluster, namespace, name (Git ones first: their cluster is empty).
    pub(super) fn appset_rows(&self, apps: &[AppStatus]) -> Vec<AppSetStatus> {
        let state = self.live_state();
        if state.view.appsets.is_empty() && self.imported_appsets.is_empty() {
            return Vec::new();
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for parent in apps.iter().filter_map(|a| a.parent.as_deref()) {
            *counts.entry(parent).or_default() += 1;
        }
        let mut rows: Vec<AppSetStatus> = state
            .view
            .appsets
            .iter()
            .map(appset_status)
            .chain(self.imported_appsets.iter().map(AppSetStatus::from))
            .map(|mut row| {
                row.apps = counts.get(row.reference.as_str()).copied().unwrap_or(0);
                row
            })
            .collect();
        rows.sort_by(|a, b| {
            (&a.cluster, &a.namespace, &a.name).cmp(&(&b.cluster, &b.namespace, &b.name))
        });
        rows
    }
}
