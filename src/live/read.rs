//! Reading the live GitOps objects of every context in scope from the
//! watch caches (started on first read, then kept current by watches).

use super::{APP_KINDS, APPLICATION_SET, LiveApp, LiveKind, SOURCE_KINDS};
use crate::cluster::{ClusterError, ClusterSet, WatchScope};
use serde_json::Value;
use std::sync::Arc;

/// What the contexts in scope hold.
#[derive(Debug, Clone, Default)]
pub struct LiveView {
    /// Applications, Kustomizations and HelmReleases.
    pub apps: Vec<LiveApp>,
    /// ApplicationSets.
    pub appsets: Vec<LiveApp>,
    /// Flux sources (GitRepository, OCIRepository, HelmRepository, HelmChart).
    pub sources: Vec<LiveApp>,
    /// Contexts that could not be read at all, with why.
    pub down: Vec<(String, String)>,
    /// Per-cluster notes: a kind the user may not list, a failing watch.
    pub notes: Vec<String>,
}

impl LiveView {
    /// The Flux source `kind/namespace/name` of `context`.
    pub fn source(&self, context: &str, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.sources
            .iter()
            .find(|s| {
                s.context == context
                    && s.kind.kind == kind
                    && s.namespace() == namespace
                    && s.name() == name
            })
            .map(|s| s.object.as_ref())
    }
}

/// Reads every context of `contexts` concurrently. A cluster that is down
/// or forbids a kind is a note; the others are read in full. Kinds a
/// cluster does not serve (no Argo CD, no Flux there) are skipped quietly.
pub async fn read_contexts(clusters: &ClusterSet, contexts: &[String]) -> LiveView {
    let reads = contexts.iter().map(|c| read_context(clusters, c));
    let mut view = LiveView::default();
    for part in futures::future::join_all(reads).await {
        view.apps.extend(part.apps);
        view.appsets.extend(part.appsets);
        view.sources.extend(part.sources);
        view.down.extend(part.down);
        view.notes.extend(part.notes);
    }
    view
}

async fn read_context(clusters: &ClusterSet, context: &str) -> LiveView {
    let mut view = LiveView::default();
    let client = match clusters.client(Some(context)).await {
        Ok(c) => c,
        Err(e) => {
            view.down.push((context.to_string(), e.to_string()));
            return view;
        }
    };
    if let Err(e) = client.ping().await {
        view.down.push((context.to_string(), e.to_string()));
        return view;
    }
    let kinds = APP_KINDS
        .iter()
        .chain([&APPLICATION_SET])
        .chain(SOURCE_KINDS.iter());
    for kind in kinds {
        let gvk = kind.gvk();
        let items = match client.cached_list(&gvk, None, None).await {
            Ok(items) => items,
            Err(ClusterError::UnknownKind { .. }) => continue,
            Err(ClusterError::Forbidden { denial, .. }) => {
                view.notes.push(format!(
                    "cluster {context}: may not list {} ({denial}); its {} are not shown",
                    kind.resource(),
                    kind.plural
                ));
                continue;
            }
            Err(e) => {
                view.notes.push(format!("cluster {context}: {e}"));
                continue;
            }
        };
        if !client.cache_complete(&gvk, &WatchScope::All) {
            view.notes.push(format!(
                "cluster {context}: the list of {} is not current (its watch is failing)",
                kind.resource()
            ));
        }
        let target = if APP_KINDS.contains(kind) {
            &mut view.apps
        } else if *kind == APPLICATION_SET {
            &mut view.appsets
        } else {
            &mut view.sources
        };
        target.extend(items.into_iter().map(|object| LiveApp {
            context: context.to_string(),
            kind: *kind,
            object: Arc::clone(&object),
        }));
    }
    view
}

/// The live kind of an object (by apiVersion group and kind).
pub fn kind_of(object: &Value) -> Option<LiveKind> {
    let api_version = object.get("apiVersion").and_then(Value::as_str)?;
    let kind = object.get("kind").and_then(Value::as_str)?;
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    APP_KINDS
        .iter()
        .chain([&APPLICATION_SET])
        .chain(SOURCE_KINDS.iter())
        .find(|k| k.group == group && k.kind == kind)
        .copied()
}
