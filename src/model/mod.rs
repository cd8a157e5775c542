//! Plain data shared by every layer: application specs, resource keys, sync
//! and health states, per-app status and history records. No I/O here.

mod app;
mod import;
mod key;
mod policy;
mod resource;
mod status;
mod tracking;
mod tree;
mod values;

pub use app::{
    AppSpec, AutomatedPolicy, DestinationSpec, HelmSpec, IgnoreDifference, KustomizeMode,
    RenderSpec, Revision, SourceSpec, SyncPolicy,
};
pub use import::{
    AppEngine, AppOrigin, AppOriginKind, ArgoSettings, ClusterMapping, ImportSpec, ImportedAppSet,
    RepoMapping, TrackingMethod,
};
pub use key::{GroupVersionKind, ResourceKey};
pub use policy::PolicySource;
pub use resource::{AppHistory, CommitRecord, EventRecord, ResourceNode};
pub use status::{AppStatus, HealthStatus, HistoryEntry, ResourceStatus, SyncStatus};
pub use tracking::{TETHER_TRACKING_LABEL, Tracking};
pub use tree::FileTree;
pub use values::ValuePath;
