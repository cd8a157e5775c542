//! The write helpers controllers use: reads and read-modify-writes under
//! the store lock, with manager `kube-controller-manager`.

use std::sync::Arc;

use serde_json::Value;

use super::super::delete::{self, DeleteOpts, Deletion};
use super::super::meta;
use super::super::registry::ResourceType;
use super::super::state::SimState;
use super::super::write::{self, WriteOpts};
use super::MANAGER;

/// A controller's view of the server.
#[derive(Debug, Clone)]
pub(crate) struct Ctl {
    pub state: Arc<SimState>,
}

impl Ctl {
    /// Wraps the shared state.
    pub fn new(state: Arc<SimState>) -> Self {
        Ctl { state }
    }

    /// The served type of `group`/`kind`.
    pub fn rt(&self, group: &str, kind: &str) -> Option<Arc<ResourceType>> {
        self.state.registry().by_kind(group, kind)
    }

    /// The served type with store key `key`.
    pub fn rt_by_key(&self, key: &str) -> Option<Arc<ResourceType>> {
        self.state.registry().by_key(key)
    }

    /// One object.
    pub fn get(&self, rt: &ResourceType, ns: &str, name: &str) -> Option<Value> {
        self.state.store().get(&rt.key(), ns, name).cloned()
    }

    /// Objects of a type in `ns` (all namespaces for None).
    pub fn list(&self, rt: &ResourceType, ns: Option<&str>) -> Vec<Value> {
        self.state
            .store()
            .list(&rt.key(), ns)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Objects of a type in `ns` whose controller owner has `uid`.
    pub fn owned(&self, rt: &ResourceType, ns: &str, uid: &str) -> Vec<Value> {
        self.list(rt, Some(ns))
            .into_iter()
            .filter(|o| meta::owner_uids(o).iter().any(|u| u == uid))
            .collect()
    }

    /// Creates an object as the controller manager.
    pub fn create(&self, rt: &ResourceType, ns: &str, obj: Value) -> Option<Value> {
        let mut store = self.state.store();
        write::create(&mut store, rt, ns, obj, &WriteOpts::by(MANAGER)).ok()
    }

    /// Read-modify-write of the main resource; `f` returns false to skip.
    pub fn modify(
        &self,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value) -> bool,
    ) -> Option<Value> {
        self.modify_with(rt, ns, name, &WriteOpts::by(MANAGER), f)
    }

    /// Read-modify-write of the status subresource.
    pub fn modify_status(
        &self,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value) -> bool,
    ) -> Option<Value> {
        self.modify_with(rt, ns, name, &WriteOpts::status(MANAGER), f)
    }

    /// Read-modify-write with explicit options.
    pub fn modify_with(
        &self,
        rt: &ResourceType,
        ns: &str,
        name: &str,
        o: &WriteOpts,
        f: impl FnOnce(&mut Value) -> bool,
    ) -> Option<Value> {
        let mut store = self.state.store();
        let old = store.get(&rt.key(), ns, name)?.clone();
        let mut new = old.clone();
        if !f(&mut new) || new == old {
            return Some(old);
        }
        write::update(&mut store, rt, &old, new, o).ok()
    }

    /// Deletes an object with a propagation policy (None = default).
    pub fn delete(&self, rt: &ResourceType, obj: &Value, policy: Option<&str>) -> Option<Deletion> {
        let mut store = self.state.store();
        let current = store
            .get(&rt.key(), meta::namespace(obj), meta::name(obj))?
            .clone();
        let opts = DeleteOpts {
            policy: policy.map(str::to_string),
            ..DeleteOpts::default()
        };
        Some(delete::delete_object(&mut store, rt, &current, &opts))
    }

    /// Removes an object now, whatever its finalizers or grace period.
    pub fn remove_now(&self, rt: &ResourceType, ns: &str, name: &str) {
        self.state.store().remove(&rt.key(), ns, name);
    }

    /// Runs `f` after `delay` unless the server shuts down.
    pub fn after(&self, delay: std::time::Duration, f: impl FnOnce(&Ctl) + Send + 'static) {
        let ctl = self.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = ctl.state.shutdown.cancelled() => {}
                _ = tokio::time::sleep(delay) => f(&ctl),
            }
        });
    }
}
