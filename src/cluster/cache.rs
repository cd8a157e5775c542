//! The live cache: one watch-backed reflector store per resource kind and
//! cluster (kube-runtime watcher + reflector), started on first use. It
//! survives watch expiry (410 → relist) and disconnects (backoff), knows
//! whether it is complete, and tells subscribers when anything changed.

use super::ClusterError;
use crate::model::GroupVersionKind;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, ObjectRef, Store, store::Writer};
use kube::runtime::watcher::{self, Event};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How long a reader waits for a kind's first complete list.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Default, Clone)]
struct KindState {
    /// The first list has arrived.
    listed: bool,
    /// The last watch error, cleared by the next event.
    error: Option<String>,
}

/// The reflector of one kind.
pub struct KindCache {
    store: Store<DynamicObject>,
    resource: ApiResource,
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

impl KindCache {
    /// A complete cache holding `objects`, fed without a watch: for
    /// benchmarks and tests of the code that reads caches.
    pub fn from_objects(resource: ApiResource, objects: Vec<DynamicObject>) -> Self {
        let mut writer = Writer::new(resource.clone());
        for object in objects {
            writer.apply_watcher_event(&Event::Apply(object));
        }
        Self {
            store: writer.as_reader(),
            resource,
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

    /// The object `namespace/name`, as JSON with apiVersion and kind.
    pub fn get(&self, namespace: Option<&str>, name: &str) -> Option<serde_json::Value> {
        let mut key = ObjectRef::new_with(name, self.resource.clone());
        if let Some(ns) = namespace {
            key = key.within(ns);
        }
        self.store.get(&key).map(|o| to_value(&o, &self.resource))
    }

    /// Every object (in `namespace` when given) passing `filter`.
    pub fn list(
        &self,
        namespace: Option<&str>,
        filter: impl Fn(&DynamicObject) -> bool,
    ) -> Vec<serde_json::Value> {
        self.store
            .state()
            .iter()
            .filter(|o| namespace.is_none() || o.metadata.namespace.as_deref() == namespace)
            .filter(|o| filter(o))
            .map(|o| to_value(o, &self.resource))
            .collect()
    }

    /// Number of cached objects.
    pub fn len(&self) -> usize {
        self.store.state().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn to_value(object: &DynamicObject, resource: &ApiResource) -> serde_json::Value {
    let mut value = serde_json::to_value(object).unwrap_or(serde_json::Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("apiVersion".into(), resource.api_version.clone().into());
        map.insert("kind".into(), resource.kind.clone().into());
    }
    value
}

/// The reflectors of one cluster.
pub struct LiveCache {
    cluster: String,
    client: kube::Client,
    kinds: Mutex<HashMap<GroupVersionKind, Arc<KindCache>>>,
    changes: watch::Sender<u64>,
}

impl LiveCache {
    /// A cache that bumps `changes` on every change it sees (several
    /// clusters may share one sender).
    pub fn new(cluster: &str, client: kube::Client, changes: watch::Sender<u64>) -> Self {
        Self {
            cluster: cluster.to_string(),
            client,
            kinds: Mutex::new(HashMap::new()),
            changes,
        }
    }

    /// A receiver that changes whenever any cached object changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The reflector of `gvk`, started on first use.
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

    /// The reflector of `gvk` once it holds a complete list.
    pub async fn ready(
        &self,
        gvk: &GroupVersionKind,
        resource: &ApiResource,
    ) -> Result<Arc<KindCache>, ClusterError> {
        let cache = self.kind(gvk, resource);
        let mut changes = self.subscribe();
        let deadline = tokio::time::Instant::now() + READY_TIMEOUT;
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
                return Err(self.incomplete(gvk, "no complete list yet"));
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
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        loop {
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
        ClusterError::Incomplete {
            cluster: self.cluster.clone(),
            kind: gvk.kind.clone(),
            message: why.to_string(),
        }
    }

    fn start(&self, resource: ApiResource) -> KindCache {
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &resource);
        let writer = Writer::new(resource.clone());
        let store = writer.as_reader();
        let state = Arc::new(Mutex::new(KindState::default()));
        let stream = reflector::reflector(
            writer,
            watcher::watcher(api, watcher::Config::default()).default_backoff(),
        );
        let (task_state, changes) = (state.clone(), self.changes.clone());
        let task = tokio::spawn(async move {
            futures::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                if let Ok(mut s) = task_state.lock() {
                    match &event {
                        Ok(Event::InitDone) => {
                            s.listed = true;
                            s.error = None;
                        }
                        Ok(Event::Apply(_)) | Ok(Event::Delete(_)) => s.error = None,
                        Ok(_) => {}
                        Err(e) => s.error = Some(e.to_string()),
                    }
                }
                changes.send_modify(|n| *n += 1);
            }
        });
        KindCache {
            store,
            resource,
            state,
            task: Some(task.abort_handle()),
        }
    }
}
