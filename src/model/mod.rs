//! Plain data shared by every layer: application specs, resource keys, sync
//! and health states, per-app status and history records. No I/O here.

mod app;
mod appset;
mod import;
mod key;
mod limits;
mod names;
mod pipeline;
mod policy;
mod resource;
mod status;
mod tracking;
mod tree;
mod tree_error;
mod tree_links;
mod values;
mod violation;

pub use app::{
    AppSpec, AutomatedPolicy, DestinationSpec, HelmSpec, IgnoreDifference, KustomizeMode, Revision,
    SourceSpec, SyncPolicy,
};
pub use appset::{AppSetStatus, generator_kinds};
pub use import::{
    AppEngine, AppOrigin, AppOriginKind, ArgoSettings, ClusterMapping, ImportSpec, ImportedAppSet,
    RepoMapping, TrackingMethod,
};
pub use key::{GroupVersionKind, ResourceKey, is_cluster_scoped_builtin};
pub use limits::{
    ByteSize, LoadRestrictor, RenderLimits, RenderSettings, Seconds, parse_seconds, parse_size,
};
pub use names::{NameRule, name_problem, name_rule, namespace_problem};
pub use pipeline::{GateSpec, PipelineSpec, PromoteSpec, StageSpec};
pub use policy::PolicySource;
pub use resource::{AppHistory, CommitRecord, EventRecord, ResourceNode};
pub use status::{AppStatus, HealthStatus, HistoryEntry, ResourceStatus, SyncStatus};
pub use tracking::{TETHER_TRACKING_LABEL, Tracking};
pub use tree::{EntryKind, FileTree, LoadFailure, Loader, TreeError};
pub use values::ValuePath;
pub use violation::{PolicyFindings, Violation};
