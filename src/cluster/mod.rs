//! Kubernetes clients per kubeconfig context: discovery-based mapping of
//! manifests to API resources, server-side apply (and dry-run), get, list,
//! delete. Everything goes through the real kube client over HTTP.

mod access;
mod cache;
mod client;
mod error;
mod kind_cache;
mod kubeconfig;
mod lease;
mod request;
mod state;
mod throttle;
mod timing;
pub mod transport;
mod writes;

pub use access::AccessCheck;
pub use cache::{KindCache, LiveCache, WatchScope};
pub use client::{ApplyOutcome, CachedObjects, ClusterClient, FIELD_MANAGER, ResolvedKind, gvk_of};
pub use error::{ClusterError, Denial};
pub use kubeconfig::{ClusterSet, KubeOptions};
pub use lease::{
    LEASE_SECONDS, LeaseHolder, acquire as acquire_lease, lease_name, release as release_lease,
};
pub use state::{
    AppStateRecord, HISTORY_LIMIT, InventoryEntry, STATE_NAMESPACE, read_state, state_name,
    update_state,
};
pub use timing::Timing;
pub(crate) use timing::doubled;
