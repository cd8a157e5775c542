//! The store of one watch: the objects of one kind in one
//! [`WatchScope`](super::WatchScope), fed by a kube-runtime watcher.
//! Objects are converted to JSON once per change, with managedFields
//! dropped on the way in (and all but apiVersion, kind and the identity,
//! labels and annotations of the metadata in a metadata-only store). Each
//! object is kept as its compact JSON text, a fraction of the memory of a
//! parsed value; a read parses it. The watcher survives watch expiry
//! (410 → relist) and disconnects (backoff); the store knows whether it
//! is complete and bumps the cluster's change counter on every event.

use super::timing::WatchBackoff;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::watch;

/// (namespace, name) of a cached object; namespace empty when cluster-scoped.
type ObjectKey = (String, String);

#[derive(Debug, Default, Clone)]
pub(super) struct KindState {
    /// The first list has arrived.
    pub listed: bool,
    /// The last watch error, cleared by the next event.
    pub error: Option<String>,
}

#[derive(Default)]
struct Objects {
    current: Store,
    /// A relist in progress: replaces `current` when complete.
    relisting: Option<Store>,
    /// The label whose values index the store: the key a tracking watch
    /// selects by, so the objects of one app are found without reading
    /// every tracked object of the cluster.
    index_key: Option<String>,
}

/// The objects of a store, and their keys by the index label's value.
#[derive(Default)]
struct Store {
    objects: HashMap<ObjectKey, Stored>,
    by_label: HashMap<String, HashSet<ObjectKey>>,
}

impl Store {
    fn insert(&mut self, key: ObjectKey, value: &Value, index_key: Option<&str>) {
        self.remove(&key, index_key);
        if let Some(label) = index_key.and_then(|k| label_of(value, k)) {
            self.by_label
                .entry(label.to_string())
                .or_default()
                .insert(key.clone());
        }
        self.objects.insert(key, Stored::new(value));
    }

    fn remove(&mut self, key: &ObjectKey, index_key: Option<&str>) {
        let Some(old) = self.objects.remove(key) else {
            return;
        };
        let old = old.value();
        if let Some(label) = index_key.and_then(|k| label_of(old.as_deref()?, k))
            && let Some(keys) = self.by_label.get_mut(label)
        {
            keys.remove(key);
            if keys.is_empty() {
                self.by_label.remove(label);
            }
        }
    }
}

/// The value of label `key` of an object.
pub(super) fn label_of<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.pointer("/metadata/labels")?.get(key)?.as_str()
}

/// One object as a store holds it: its compact JSON text. A parsed value
/// of a small object costs several times its text (a map, a `String` and
/// a bucket per field), and a cluster's objects are held far longer than
/// they are read; a read parses the text again.
struct Stored(Box<str>);

impl Stored {
    fn new(value: &Value) -> Self {
        Stored(value.to_string().into_boxed_str())
    }

    /// The object; None only if the text no longer parses, which JSON
    /// written by serde_json always does.
    fn value(&self) -> Option<Arc<Value>> {
        serde_json::from_str(&self.0).ok().map(Arc::new)
    }
}

/// What a store keeps of each object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// The whole object (without managedFields).
    Object,
    /// apiVersion, kind and the identity, labels and annotations of the
    /// metadata (without kubectl's last-applied copy of the object).
    Metadata,
}

/// kubectl's copy of the object it applied: as large as the object, and
/// not metadata anyone reads from a metadata-only store.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The cache of one kind in one scope.
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

fn key_of(object: &DynamicObject) -> ObjectKey {
    (
        object.metadata.namespace.clone().unwrap_or_default(),
        object.metadata.name.clone().unwrap_or_default(),
    )
}

/// An object as the cache keeps it: JSON with apiVersion and kind, without
/// managedFields (and only its metadata with [`Keep::Metadata`]).
fn entry(object: &DynamicObject, resource: &ApiResource, keep: Keep) -> (ObjectKey, Value) {
    let key = key_of(object);
    let mut value = match keep {
        Keep::Object => serde_json::to_value(object).unwrap_or(Value::Null),
        Keep::Metadata => {
            let meta = &object.metadata;
            let mut annotations = meta.annotations.clone().unwrap_or_default();
            annotations.remove(LAST_APPLIED);
            serde_json::json!({"metadata": {
                "name": meta.name,
                "namespace": meta.namespace,
                "labels": meta.labels,
                "annotations": annotations,
            }})
        }
    };
    if let Some(map) = value.as_object_mut() {
        map.insert("apiVersion".into(), resource.api_version.clone().into());
        map.insert("kind".into(), resource.kind.clone().into());
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
    }
    (key, value)
}

impl Objects {
    fn apply(&mut self, event: &Event<DynamicObject>, resource: &ApiResource, keep: Keep) {
        let index_key = self.index_key.as_deref();
        match event {
            Event::Init => self.relisting = Some(Store::default()),
            Event::InitApply(object) => {
                let (key, value) = entry(object, resource, keep);
                self.relisting
                    .get_or_insert_with(Store::default)
                    .insert(key, &value, index_key);
            }
            Event::InitDone => {
                if let Some(fresh) = self.relisting.take() {
                    self.current = fresh;
                }
            }
            Event::Apply(object) => {
                let (key, value) = entry(object, resource, keep);
                self.current.insert(key, &value, index_key);
            }
            Event::Delete(object) => self.current.remove(&key_of(object), index_key),
        }
    }
}

impl KindCache {
    /// A complete cache holding `objects`, fed without a watch: for
    /// benchmarks and tests of the code that reads caches.
    pub fn from_objects(resource: ApiResource, objects: Vec<DynamicObject>) -> Self {
        let mut store = Objects::default();
        for object in &objects {
            store.apply(&Event::Apply(object.clone()), &resource, Keep::Object);
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

    /// A cache fed by a watch of `api` (with `config`), keeping `keep` of
    /// each object, indexed by the values of label `index_key` when given,
    /// and bumping `changes` on every event.
    pub(super) fn watch(
        api: Api<DynamicObject>,
        config: watcher::Config,
        backoff: WatchBackoff,
        resource: ApiResource,
        (keep, index_key): (Keep, Option<String>),
        changes: watch::Sender<u64>,
    ) -> Self {
        let objects = Arc::new(RwLock::new(Objects {
            index_key,
            ..Objects::default()
        }));
        let state = Arc::new(Mutex::new(KindState::default()));
        let stream = watcher::watcher(api, config).backoff(backoff);
        let (task_objects, task_state) = (objects.clone(), state.clone());
        let task = tokio::spawn(async move {
            futures::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                if let Ok(event) = &event
                    && let Ok(mut store) = task_objects.write()
                {
                    store.apply(event, &resource, keep);
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
        Self {
            objects,
            state,
            task: Some(task.abort_handle()),
        }
    }

    pub(super) fn state(&self) -> KindState {
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
        objects.current.objects.get(&key)?.value()
    }

    /// The objects whose index label (the label key the watch selects by)
    /// is `value`; None when the store has no index.
    pub fn labelled(&self, value: &str) -> Option<Vec<Arc<Value>>> {
        let objects = self.objects.read().ok()?;
        objects.index_key.as_ref()?;
        let store = &objects.current;
        let keys = store.by_label.get(value);
        Some(
            keys.into_iter()
                .flatten()
                .filter_map(|key| store.objects.get(key)?.value())
                .collect(),
        )
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
            .objects
            .iter()
            .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
            .filter_map(|(_, stored)| stored.value())
            .filter(|v| filter(v))
            .collect()
    }

    /// Number of cached objects.
    pub fn len(&self) -> usize {
        self.objects
            .read()
            .map(|o| o.current.objects.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Marks a watch error that is an RBAC refusal (the rest is its message).
pub(super) const DENIED: &str = "denied: ";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metadata_store_keeps_identity_labels_and_annotations_only() {
        let resource = ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&());
        let object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "ns", "labels": {"app": "web"},
                "annotations": {"note": "x", LAST_APPLIED: "{}"},
                "uid": "1234", "resourceVersion": "7",
                "managedFields": [{"manager": "tether"}]},
            "data": {"big": "value"}
        }))
        .unwrap_or_else(|e| unreachable!("{e}"));
        let (key, kept) = entry(&object, &resource, Keep::Metadata);
        assert_eq!(key, ("ns".to_string(), "a".to_string()));
        assert_eq!(kept["kind"], "ConfigMap");
        assert_eq!(kept["metadata"]["labels"]["app"], "web");
        assert_eq!(kept["metadata"]["annotations"]["note"], "x");
        assert!(kept["metadata"]["annotations"].get(LAST_APPLIED).is_none());
        assert!(kept["metadata"].get("uid").is_none());
        assert!(kept.get("data").is_none());
        assert!(kept["metadata"].get("managedFields").is_none());
        let (_, whole) = entry(&object, &resource, Keep::Object);
        assert_eq!(whole["data"]["big"], "value");
    }

    fn labelled_map(name: &str, app: Option<&str>) -> DynamicObject {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "ns",
                "labels": app.map(|a| serde_json::json!({"tether.dev/app": a}))},
        }))
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn names(objects: &[Arc<Value>]) -> Vec<String> {
        let mut names: Vec<String> = objects
            .iter()
            .filter_map(|o| o.pointer("/metadata/name")?.as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_tracking_store_finds_an_apps_objects_by_its_label_through_changes_and_relists() {
        let resource = ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&());
        let mut objects = Objects {
            index_key: Some("tether.dev/app".to_string()),
            ..Objects::default()
        };
        for event in [
            Event::Apply(labelled_map("a", Some("web"))),
            Event::Apply(labelled_map("b", Some("web"))),
            Event::Apply(labelled_map("c", Some("db"))),
            // Relabelled: leaves web for db.
            Event::Apply(labelled_map("b", Some("db"))),
            Event::Delete(labelled_map("c", Some("db"))),
        ] {
            objects.apply(&event, &resource, Keep::Metadata);
        }
        let cache = KindCache {
            objects: Arc::new(RwLock::new(objects)),
            state: Arc::new(Mutex::new(KindState::default())),
            task: None,
        };
        assert_eq!(names(&cache.labelled("web").unwrap_or_default()), ["a"]);
        assert_eq!(names(&cache.labelled("db").unwrap_or_default()), ["b"]);
        assert_eq!(cache.labelled("gone"), Some(Vec::new()));
        // A relist replaces the index with the fresh list's.
        if let Ok(mut store) = cache.objects.write() {
            for event in [
                Event::Init,
                Event::InitApply(labelled_map("d", Some("web"))),
                Event::InitDone,
            ] {
                store.apply(&event, &resource, Keep::Metadata);
            }
        }
        assert_eq!(names(&cache.labelled("web").unwrap_or_default()), ["d"]);
        assert_eq!(cache.labelled("db"), Some(Vec::new()));
        // A store without an index says so.
        let plain = KindCache::from_objects(resource, vec![labelled_map("e", Some("web"))]);
        assert_eq!(plain.labelled("web"), None);
        assert_eq!(
            names(&plain.list(Some("ns"), |_| true)),
            ["e"],
            "a whole-object store reads its text back"
        );
    }
}
