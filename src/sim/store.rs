//! Generic object storage with a global resourceVersion, a bounded change
//! history for resuming watches, and a change feed for watches and the
//! simulated controllers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::meta;

/// How many changes are kept for resuming watches.
const HISTORY: usize = 10_000;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeType {
    Added,
    Modified,
    Deleted,
}

impl ChangeType {
    /// The watch event type.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One stored change.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub kind: ChangeType,
    /// Store key of the resource type (`apps/deployments`).
    pub resource: String,
    pub rv: u64,
    /// The object after the change (the last state for deletions).
    pub object: Value,
}

type ObjKey = (String, String);

/// All objects, keyed by resource type then (namespace, name).
#[derive(Debug)]
pub(crate) struct Store {
    objects: HashMap<String, BTreeMap<ObjKey, Value>>,
    rv: u64,
    history: VecDeque<Arc<Change>>,
    /// First resourceVersion each resource type was served at.
    first_rv: HashMap<String, u64>,
    tx: broadcast::Sender<Arc<Change>>,
}

impl Store {
    /// An empty store starting at resourceVersion `start`.
    pub fn new(start: u64) -> Self {
        let (tx, _) = broadcast::channel(8192);
        Store {
            objects: HashMap::new(),
            rv: start,
            history: VecDeque::new(),
            first_rv: HashMap::new(),
            tx,
        }
    }

    /// The newest resourceVersion.
    pub fn current_rv(&self) -> u64 {
        self.rv
    }

    /// Subscribes to all later changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// Records that a resource type starts being served now.
    pub fn mark_served(&mut self, resource: &str) {
        let rv = self.rv;
        self.first_rv.entry(resource.to_string()).or_insert(rv);
    }

    /// The oldest resourceVersion a watch of `resource` can resume from.
    pub fn oldest_rv(&self, resource: &str) -> u64 {
        let hist = self
            .history
            .front()
            .map(|c| c.rv.saturating_sub(1))
            .unwrap_or(self.rv);
        hist.max(self.first_rv.get(resource).copied().unwrap_or(0))
    }

    /// One object.
    pub fn get(&self, resource: &str, ns: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(resource)?
            .get(&(ns.to_string(), name.to_string()))
    }

    /// Objects of a type, in one namespace or all (`None`), in the API
    /// server's order: by `namespace/name`.
    pub fn list(&self, resource: &str, ns: Option<&str>) -> Vec<&Value> {
        let Some(map) = self.objects.get(resource) else {
            return Vec::new();
        };
        match ns {
            // Keys sort by namespace first: one namespace is one range.
            Some(want) => map
                .range((want.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == want)
                .map(|(_, v)| v)
                .collect(),
            // etcd's order, `namespace/name` as bytes: a namespace that
            // another one extends ("web", "web-dev") sorts after it, as
            // '-' and '.' sort before '/'. Names keep their order within
            // a namespace, so only the namespaces move.
            None => {
                let mut groups: Vec<(&str, Vec<&Value>)> = Vec::new();
                for ((n, _), v) in map {
                    match groups.last_mut() {
                        Some((g, objects)) if *g == n.as_str() => objects.push(v),
                        _ => groups.push((n, vec![v])),
                    }
                }
                groups.sort_by(|(a, _), (b, _)| {
                    let slash = std::iter::once(b'/');
                    a.bytes().chain(slash.clone()).cmp(b.bytes().chain(slash))
                });
                groups
                    .into_iter()
                    .flat_map(|(_, objects)| objects)
                    .collect()
            }
        }
    }

    /// Every object of every type with its resource key.
    pub fn all(&self) -> Vec<(String, &Value)> {
        self.objects
            .iter()
            .flat_map(|(r, m)| m.values().map(move |v| (r.clone(), v)))
            .collect()
    }

    /// Stores a new object with the next resourceVersion and returns it.
    pub fn insert(&mut self, resource: &str, mut obj: Value) -> Value {
        let rv = self.bump();
        meta::set_rv(&mut obj, rv);
        let key = key_of(&obj);
        self.objects
            .entry(resource.to_string())
            .or_default()
            .insert(key, obj.clone());
        self.record(ChangeType::Added, resource, rv, obj.clone());
        obj
    }

    /// Replaces an object with the next resourceVersion and returns it.
    pub fn replace(&mut self, resource: &str, mut obj: Value) -> Value {
        let rv = self.bump();
        meta::set_rv(&mut obj, rv);
        let key = key_of(&obj);
        self.objects
            .entry(resource.to_string())
            .or_default()
            .insert(key, obj.clone());
        self.record(ChangeType::Modified, resource, rv, obj.clone());
        obj
    }

    /// Removes an object; the DELETED event carries a new resourceVersion.
    pub fn remove(&mut self, resource: &str, ns: &str, name: &str) -> Option<Value> {
        let removed = self
            .objects
            .get_mut(resource)?
            .remove(&(ns.to_string(), name.to_string()))?;
        let rv = self.bump();
        let mut last = removed.clone();
        meta::set_rv(&mut last, rv);
        self.record(ChangeType::Deleted, resource, rv, last);
        Some(removed)
    }

    /// Changes after `rv` for `resource`, or Err(oldest) when `rv` is too old.
    pub fn changes_since(&self, resource: &str, rv: u64) -> Result<Vec<Arc<Change>>, u64> {
        let oldest = self.oldest_rv(resource);
        if rv < oldest {
            return Err(oldest);
        }
        Ok(self
            .history
            .iter()
            .filter(|c| c.rv > rv && c.resource == resource)
            .cloned()
            .collect())
    }

    fn bump(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    fn record(&mut self, kind: ChangeType, resource: &str, rv: u64, object: Value) {
        let change = Arc::new(Change {
            kind,
            resource: resource.to_string(),
            rv,
            object,
        });
        if self.history.len() >= HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(change.clone());
        let _ = self.tx.send(change);
    }
}

fn key_of(obj: &Value) -> ObjKey {
    (
        meta::namespace(obj).to_string(),
        meta::name(obj).to_string(),
    )
}

/// A bookmark object for `kind` at `rv`.
pub(crate) fn bookmark(kind: &str, api_version: &str, rv: u64) -> Value {
    json!({"kind": kind, "apiVersion": api_version, "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null}})
}
