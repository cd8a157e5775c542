//! The live cache: one watch-backed store per resource kind and cluster
//! (a kube-runtime watcher), started on first use. Objects are converted to
//! JSON once per change, with managedFields dropped on the way in, so a
//! read is an `Arc` clone. The watcher survives watch expiry (410 →
//! relist) and disconnects (backoff); the cache knows whether it is
//! complete and tells subscribers when anything changed.

use super::timing::WatchBackoff;
use super::{ClusterError, Timing};
use crate::model::GroupVersionKind;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// (namespace, name) of a cached object; namespace empty when cluster-scoped.
type ObjectKey = (String, String);

#[derive(Debug, Default, Clone)]
struct KindState {
    /// The first list has arrived.
    listed: bool,
    /// The last watch error, cleared by the next event.
    error: Option<String>,
}

#[derive(Default)]
struct Objects {
    current: HashMap<ObjectKey, Arc<Value>>,
    /// A relist in progress: replaces `current` when complete.
    relisting: Option<HashMap<ObjectKey, Arc<Value>>>,
}

/// The cache of one kind.
pub struct KindCache {
    objects: Arc<RwLock<Objects>>,
    state: Arc<Mutex<KindState>>,
    task: Option<tokio::task::AbortHandle>,
}

impl Drop for KindCache {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// An object as the cache keeps it: JSON with apiVersion and kind, without
/// managedFields.
fn entry(object: &DynamicObject, resource: &ApiResource) -> (ObjectKey, Arc<Value>) {
    let key = (
        object.metadata.namespace.clone().unwrap_or_default(),
        object.metadata.name.clone().unwrap_or_default(),
    );
    let mut value = serde_json::to_value(object).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("apiVersion".into(), resource.api_version.clone().into());
        map.insert("kind".into(), resource.kind.clone().into());
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
    }
    (key, Arc::new(value))
}

impl Objects {
    fn apply(&mut self, event: &Event<DynamicObject>, resource: &ApiResource) {
        match event {
            Event::Init => self.relisting = Some(HashMap::new()),
            Event::InitApply(object) => {
                let (key, value) = entry(object, resource);
                self.relisting
                    .get_or_insert_with(HashMap::new)
                    .insert(key, value);
            }
            Event::InitDone => {
                if let Some(fresh) = self.relisting.take() {
                    self.current = fresh;
                }
            }
            Event::Apply(object) => {
                let (key, value) = entry(object, resource);
                self.current.insert(key, value);
            }
            Event::Delete(object) => {
                let (key, _) = entry(object, resource);
                self.current.remove(&key);
            }
        }
    }
}

impl KindCache {
    /// A complete cache holding `objects`, fed without a watch: for
    /// benchmarks and tests of the code that reads caches.
    pub fn from_objects(resource: ApiResource, objects: Vec<DynamicObject>) -> Self {
        let mut store = Objects::default();
        for object in &objects {
            store.apply(&Event::Apply(object.clone()), &resource);
        }
        Self {
            objects: Arc::new(RwLock::new(store)),
            state: Arc::new(Mutex::new(KindState {
                listed: true,
                error: None,
            })),
            task: None,
        }
    }

    fn state(&self) -> KindState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// True when the store holds a complete, current list.
    pub fn is_complete(&self) -> bool {
        let state = self.state();
        state.listed && state.error.is_none()
    }

    /// The object `namespace/name` (namespace None when cluster-scoped).
    pub fn get(&self, namespace: Option<&str>, name: &str) -> Option<Arc<Value>> {
        let objects = self.objects.read().ok()?;
        let key = (namespace.unwrap_or_default().to_string(), name.to_string());
        objects.current.get(&key).cloned()
    }

    /// Every object (in `namespace` when given) passing `filter`.
    pub fn list(
        &self,
        namespace: Option<&str>,
        filter: impl Fn(&Value) -> bool,
    ) -> Vec<Arc<Value>> {
        let Ok(objects) = self.objects.read() else {
            return Vec::new();
        };
        objects
            .current
            .iter()
            .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
            .filter(|(_, v)| filter(v))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Number of cached objects.
    pub fn len(&self) -> usize {
        self.objects.read().map(|o| o.current.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The caches of one cluster.
pub struct LiveCache {
    cluster: String,
    client: kube::Client,
    kinds: Mutex<HashMap<GroupVersionKind, Arc<KindCache>>>,
    changes: watch::Sender<u64>,
    timing: Timing,
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
            kinds: Mutex::new(HashMap::new()),
            changes,
            timing,
        }
    }

    /// A receiver that changes whenever any cached object changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The cache of `gvk`, started on first use.
    pub fn kind(&self, gvk: &GroupVersionKind, resource: &ApiResource) -> Arc<KindCache> {
        let mut kinds = match self.kinds.lock() {
            Ok(k) => k,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(found) = kinds.get(gvk) {
            return found.clone();
        }
        let cache = Arc::new(self.start(resource.clone()));
        kinds.insert(gvk.clone(), cache.clone());
        cache
    }

    /// The cache of `gvk` once it holds a complete list (waiting at most
    /// the ready timeout for the first one).
    pub async fn ready(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
    ) -> Result<Arc<KindCache>, ClusterError> {
        let cache = self.kind(gvk, resource);
        let mut changes = self.subscribe();
        let deadline = tokio::time::Instant::now() + self.timing.ready_timeout;
        loop {
            let state = cache.state();
            if state.listed {
                return Ok(cache);
            }
            if let Some(error) = state.error {
                return Err(self.incomplete(gvk, &error));
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                let waited = self.timing.ready_timeout.as_secs_f64().ceil();
                return Err(self.incomplete(gvk, &format!("no complete list within {waited}s")));
            }
        }
    }

    /// True when `gvk` is cached and complete.
    pub fn is_complete(&self, gvk: &GroupVersionKind) -> bool {
        self.kinds
            .lock()
            .ok()
            .and_then(|k| k.get(gvk).map(|c| c.is_complete()))
            .unwrap_or(false)
    }

    /// Waits (bounded) until the cache shows `namespace/name` of `gvk` at
    /// `resource_version` or later — read-your-writes after an apply.
    pub async fn wait_for_version(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
        namespace: Option<&str>,
        name: &str,
        resource_version: &str,
    ) {
        let cache = self.kind(gvk, resource);
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

    fn incomplete(&self, gvk: &GroupVersionKind, why: &str) -> ClusterError {
        if let Some(denial) = why.strip_prefix(DENIED).and_then(super::Denial::parse) {
            return ClusterError::Forbidden {
                cluster: self.cluster.clone(),
                denial: Box::new(denial),
            };
        }
        ClusterError::Incomplete {
            cluster: self.cluster.clone(),
            kind: gvk.kind.clone(),
            message: why.to_string(),
        }
    }

    fn start(&self, resource: ApiResource) -> KindCache {
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &resource);
        let objects = Arc::new(RwLock::new(Objects::default()));
        let state = Arc::new(Mutex::new(KindState::default()));
        let seconds = u32::try_from(self.timing.watch_timeout.as_secs().max(1)).unwrap_or(290);
        let config = watcher::Config::default().timeout(seconds);
        let stream = watcher::watcher(api, config).backoff(WatchBackoff::new(&self.timing));
        let (task_objects, task_state, changes) =
            (objects.clone(), state.clone(), self.changes.clone());
        let task = tokio::spawn(async move {
            futures::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                if let Ok(event) = &event
                    && let Ok(mut store) = task_objects.write()
                {
                    store.apply(event, &resource);
                }
                if let Ok(mut s) = task_state.lock() {
                    match &event {
                        Ok(Event::InitDone) => {
                            s.listed = true;
                            s.error = None;
                        }
                        Ok(Event::Apply(_)) | Ok(Event::Delete(_)) => s.error = None,
                        Ok(_) => {}
                        Err(e) => s.error = Some(describe_watch_error(e)),
                    }
                }
                changes.send_modify(|n| *n += 1);
            }
        });
        KindCache {
            objects,
            state,
            task: Some(task.abort_handle()),
        }
    }
}

/// Marks a watch error that is an RBAC refusal (the rest is its message).
const DENIED: &str = "denied: ";

/// A watcher failure in one sentence (the Status message, not a debug
/// dump); RBAC refusals keep the server's words after [`DENIED`].
fn describe_watch_error(error: &watcher::Error) -> String {
    let (step, status) = match error {
        watcher::Error::InitialListFailed(kube::Error::Api(s)) => ("list", Some(s.as_ref())),
        watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => ("watch", Some(s.as_ref())),
        watcher::Error::WatchError(s) => ("watch", Some(s.as_ref())),
        watcher::Error::InitialListFailed(_) => ("list", None),
        _ => ("watch", None),
    };
    match status {
        Some(s) if s.code == 403 && super::Denial::parse(&s.message).is_some() => {
            format!("{DENIED}{}", s.message)
        }
        Some(s) => format!(
            "{step} failed: {} ({}, HTTP {})",
            s.message, s.reason, s.code
        ),
        None => format!("{step} failed: {}", super::error::root_cause(error)),
    }
}
