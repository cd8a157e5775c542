//! Kubernetes clients per kubeconfig context: discovery-based mapping of
//! manifests to API resources, server-side apply (and dry-run), get, list,
//! delete. Everything goes through the real kube client over HTTP.

mod cache;
mod client;
mod error;
mod kubeconfig;
mod lease;
mod state;

pub use cache::{KindCache, LiveCache};
pub use client::{ApplyOutcome, ClusterClient, FIELD_MANAGER, ResolvedKind, gvk_of};
pub use error::ClusterError;
pub use kubeconfig::{ClusterSet, KubeOptions};
pub use lease::{
    LEASE_SECONDS, LeaseHolder, acquire as acquire_lease, lease_name, release as release_lease,
};
pub use state::{
    AppStateRecord, HISTORY_LIMIT, InventoryEntry, STATE_NAMESPACE, read_state, state_name,
    write_state,
};
