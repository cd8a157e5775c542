//! The live cache of one cluster: one watch-backed store
//! ([`KindCache`]) per resource kind and [`WatchScope`], started on first
//! use. What is watched follows what the apps read, not the size of the
//! cluster:
//!
//! - an object of a namespaced kind is read from the watch of its kind in
//!   its namespace, so the namespaces the apps deploy to are watched and
//!   no other (a namespaced LIST/WATCH needs only namespace RBAC);
//! - the objects an app tracks, wherever they are, come from one watch
//!   per kind selected by the tracking label (`labelSelector=KEY`), which
//!   keeps their metadata only;
//! - cluster-scoped kinds, the GitOps objects of Argo CD and Flux, and
//!   tracking without a label (Argo CD's annotation) use a watch of the
//!   whole kind.
//!
//! A new namespace gets its watch the first time an app reads from it,
//! and a watch nothing has read for [`Timing::watch_idle`] (10 minutes by
//! default: the objects moved to another namespace, a live view was
//! closed) is stopped and its objects dropped; the next read starts it
//! again with a fresh list. Every store knows whether it is complete,
//! and a caller that must not act on partial knowledge (prune) asks the
//! store it read from: a stopped one is not complete.

use super::kind_cache::{DENIED, Keep};
use super::timing::WatchBackoff;
use super::{ClusterError, Timing};
use crate::model::GroupVersionKind;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::watcher;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub use super::kind_cache::KindCache;

/// What one watch of a kind covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WatchScope {
    /// Every object of the kind, whole.
    All,
    /// The objects of one namespace, whole.
    Namespace(String),
    /// The objects of every namespace that carry the label key, as
    /// metadata only.
    Labelled(String),
}

impl WatchScope {
    /// `ConfigMap in namespace web` for messages.
    fn describe(&self, kind: &str) -> String {
        match self {
            WatchScope::All => kind.to_string(),
            WatchScope::Namespace(ns) => format!("{kind} in namespace {ns}"),
            WatchScope::Labelled(key) => format!("{kind} labelled {key}"),
        }
    }
}

/// The caches of one cluster.
pub struct LiveCache {
    cluster: String,
    client: kube::Client,
    kinds: Mutex<Kinds>,
    changes: watch::Sender<u64>,
    timing: Timing,
}

/// The watched kinds and scopes, each with when it was last read.
struct Kinds {
    caches: HashMap<(GroupVersionKind, WatchScope), Watched>,
    /// When idle watches were last looked for.
    swept: Instant,
}

struct Watched {
    cache: Arc<KindCache>,
    read: Instant,
}

impl Kinds {
    /// Stops the watches nothing has read for `idle` (and that no one
    /// holds right now), looking at most every `idle / 4`.
    fn sweep(&mut self, now: Instant, idle: Duration) {
        if now.saturating_duration_since(self.swept) < idle / 4 {
            return;
        }
        self.swept = now;
        self.caches.retain(|_, w| {
            now.saturating_duration_since(w.read) < idle || Arc::strong_count(&w.cache) > 1
        });
    }
}

impl LiveCache {
    /// A cache that bumps `changes` on every change it sees (several
    /// clusters may share one sender); watches and waits follow `timing`.
    pub fn new(
        cluster: &str,
        client: kube::Client,
        changes: watch::Sender<u64>,
        timing: Timing,
    ) -> Self {
        Self {
            cluster: cluster.to_string(),
            client,
            kinds: Mutex::new(Kinds {
                caches: HashMap::new(),
                swept: Instant::now(),
            }),
            changes,
            timing,
        }
    }

    /// A receiver that changes whenever any cached object changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The cache of `gvk` in `scope`, started on first use; stops the
    /// watches that have been idle too long.
    pub fn kind(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
        scope: &WatchScope,
    ) -> Arc<KindCache> {
        let mut kinds = match self.kinds.lock() {
            Ok(k) => k,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        kinds.sweep(now, self.timing.watch_idle);
        let key = (gvk.clone(), scope.clone());
        if let Some(found) = kinds.caches.get_mut(&key) {
            found.read = now;
            return found.cache.clone();
        }
        let cache = Arc::new(self.start(resource.clone(), scope));
        kinds.caches.insert(
            key,
            Watched {
                cache: cache.clone(),
                read: now,
            },
        );
        cache
    }

    /// The scopes watched now, by kind (for tests and diagnostics).
    pub fn scopes(&self) -> Vec<(GroupVersionKind, WatchScope)> {
        let mut scopes: Vec<_> = self
            .kinds
            .lock()
            .map(|k| k.caches.keys().cloned().collect())
            .unwrap_or_default();
        scopes.sort();
        scopes
    }

    /// The cache of `gvk` in `scope` once it holds a complete list
    /// (waiting at most the ready timeout for the first one).
    pub async fn ready(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
        scope: &WatchScope,
    ) -> Result<Arc<KindCache>, ClusterError> {
        let cache = self.kind(gvk, resource, scope);
        let mut changes = self.subscribe();
        let deadline = tokio::time::Instant::now() + self.timing.ready_timeout;
        loop {
            let state = cache.state();
            if state.listed {
                return Ok(cache);
            }
            if let Some(error) = state.error {
                return Err(self.incomplete(&scope.describe(&gvk.kind), &error));
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                let waited = self.timing.ready_timeout.as_secs_f64().ceil();
                return Err(self.incomplete(
                    &scope.describe(&gvk.kind),
                    &format!("no complete list within {waited}s"),
                ));
            }
        }
    }

    /// True when `gvk` is cached in `scope` and complete.
    pub fn is_complete(&self, gvk: &GroupVersionKind, scope: &WatchScope) -> bool {
        self.kinds
            .lock()
            .ok()
            .and_then(|k| {
                k.caches
                    .get(&(gvk.clone(), scope.clone()))
                    .map(|w| w.cache.is_complete())
            })
            .unwrap_or(false)
    }

    /// Waits (bounded) until the cache of `scope` shows `namespace/name`
    /// of `gvk` at `resource_version` or later — read-your-writes after
    /// an apply.
    pub async fn wait_for_version(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
        scope: &WatchScope,
        namespace: Option<&str>,
        name: &str,
        resource_version: &str,
    ) {
        let cache = self.kind(gvk, resource, scope);
        let mut changes = self.subscribe();
        let wanted: u64 = resource_version.parse().unwrap_or(0);
        let wait = Duration::from_secs(3).min(self.timing.ready_timeout);
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // A failing watch will not show it soon: do not wait for it.
            if cache.state().error.is_some() {
                return;
            }
            let seen = cache.get(namespace, name).and_then(|o| {
                o.pointer("/metadata/resourceVersion")?
                    .as_str()?
                    .parse::<u64>()
                    .ok()
            });
            if seen.is_some_and(|rv| rv >= wanted) {
                return;
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                return;
            }
        }
    }

    fn incomplete(&self, what: &str, why: &str) -> ClusterError {
        if let Some(denial) = why.strip_prefix(DENIED).and_then(super::Denial::parse) {
            return ClusterError::Forbidden {
                cluster: self.cluster.clone(),
                denial: Box::new(denial),
            };
        }
        ClusterError::Incomplete {
            cluster: self.cluster.clone(),
            kind: what.to_string(),
            message: why.to_string(),
        }
    }

    fn start(&self, resource: ApiResource, scope: &WatchScope) -> KindCache {
        let seconds = u32::try_from(self.timing.watch_timeout.as_secs().max(1)).unwrap_or(290);
        let config = watcher::Config::default().timeout(seconds);
        let client = self.client.clone();
        let (api, config, keep) = match scope {
            WatchScope::All => (
                Api::all_with(client, &resource),
                config,
                (Keep::Object, None),
            ),
            WatchScope::Namespace(ns) => (
                Api::namespaced_with(client, ns, &resource),
                config,
                (Keep::Object, None),
            ),
            WatchScope::Labelled(key) => (
                Api::<DynamicObject>::all_with(client, &resource),
                config.labels(key),
                (Keep::Metadata, Some(key.clone())),
            ),
        };
        KindCache::watch(
            api,
            config,
            WatchBackoff::new(&self.timing),
            resource,
            keep,
            self.changes.clone(),
        )
    }
}
