//! Plain data shared by every layer: application specs, resource keys, sync
//! and health states, per-app status and history records. No I/O here.

mod app;
mod key;
mod limits;
mod names;
mod resource;
mod status;
mod tree;
mod tree_error;
mod tree_links;
mod values;

pub use app::{
    AppSpec, AutomatedPolicy, DestinationSpec, HelmSpec, IgnoreDifference, Revision, SourceSpec,
    SyncPolicy,
};
pub use key::{GroupVersionKind, ResourceKey};
pub use limits::{
    ByteSize, LoadRestrictor, RenderLimits, RenderSettings, Seconds, parse_seconds, parse_size,
};
pub use names::{NameRule, name_problem, name_rule, namespace_problem};
pub use resource::{AppHistory, CommitRecord, EventRecord, ResourceNode};
pub use status::{AppStatus, HealthStatus, HistoryEntry, ResourceStatus, SyncStatus};
pub use tree::{EntryKind, FileTree, LoadFailure, Loader, TreeError};
pub use values::ValuePath;
