//! The shared state of one simulated API server.

use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio_util::sync::CancellationToken;

use super::faults::FaultHandle;
use super::registry::Registry;
use super::server::SimOptions;
use super::store::Store;

/// Everything a request handler or controller needs.
#[derive(Debug)]
pub(crate) struct SimState {
    pub opts: SimOptions,
    /// The workers of [`super::RequestCost`] (None: no limit).
    pub workers: Option<Arc<tokio::sync::Semaphore>>,
    pub store: Mutex<Store>,
    pub registry: RwLock<Registry>,
    pub faults: FaultHandle,
    /// Cancelled (and replaced) by `drop_watches`.
    pub watch_cancel: Arc<Mutex<CancellationToken>>,
    /// Cancelled on shutdown.
    pub shutdown: CancellationToken,
}

impl SimState {
    /// Locks the store (a poisoned lock is still usable: writes are atomic).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the registry.
    pub fn registry(&self) -> RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the registry.
    pub fn registry_mut(&self) -> RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The token that ends the currently open watches.
    pub fn watch_token(&self) -> CancellationToken {
        self.watch_cancel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Ends every open watch stream.
    pub fn drop_watches(&self) {
        let mut tok = self.watch_cancel.lock().unwrap_or_else(|e| e.into_inner());
        tok.cancel();
        *tok = CancellationToken::new();
    }
}
