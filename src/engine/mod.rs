//! The reconciler: render the desired state, compare it with the cluster,
//! apply it in order; publishes [`Snapshot`]s. It knows nothing of the TUI;
//! clients talk to it through [`Engine`] calls or an [`EngineHandle`].

mod actions;
mod api;
mod argo_automation;
mod argo_project;
mod automation;
mod checkouts;
mod compare;
mod depends;
mod desired;
mod diff;
mod error;
mod events;
mod flux_apply;
mod flux_gate;
mod handle;
mod health_wait;
mod hooks;
mod imported;
mod leases;
mod live;
mod live_actions;
mod live_views;
mod live_wait;
pub mod memory;
mod metrics;
mod order;
mod permissions;
mod policies;
mod policy_status;
mod promote;
mod prune;
mod record;
mod resource_actions;
mod runner;
mod snapshot;
mod sources;
mod stage_compare;
mod sync;
mod sync_progress;
mod tracking;
mod tree;
mod windows;

pub use crate::live::patches::PAUSE_REASON;
pub use crate::live::{OperationResource, OperationView};
pub use api::{ClusterState, EngineCommand, EngineEvent, EngineHandle, Snapshot};
pub use automation::{HEAL_LIMIT, HEAL_WINDOW};
pub use checkouts::CheckoutRepos;
pub use compare::{EXTRA_MESSAGE, compare_resource, summarize};
pub use desired::{
    Desired, TRACKING_LABEL, follow_kustomizations, is_namespaced_offline, prepare, read_sources,
    read_sources_with, render_app, render_options, secret_strings,
};
pub use diff::{AppDiff, ResourceDiff};
pub use error::EngineError;
pub use live::LiveState;
pub use live_actions::{LIVE_WAIT, LiveAction, LivePlan, PlannedPatch};
pub use metrics::Metrics;
pub use order::{Step, WAVE_ANNOTATIONS, kind_rank, plan_steps, sort_for_apply, wave_of};
pub use permissions::WRITE_ACTIONS;
pub use policies::{CheckReport, check_against_cluster, requester};
pub use promote::{
    FileChange, GateState, ImageRef, Moved, PipelineView, PromoteOptions, Promotion, StageView,
};
pub use prune::{Extra, PRUNE_ANNOTATION, find_extras};
pub use resource_actions::{ResourceActionPlan, parse_target};
pub use runner::{Engine, EngineOptions, SyncOptions, pause_message, whoami};
pub use stage_compare::{StageDiff, StageResourceDiff};
pub use sync::{ResourceResult, SyncReport};
pub use sync_progress::{PendingHealth, SyncStep, WAIT_REPORT_EVERY, WAITING_NAMED, step_label};
pub use windows::{Freeze, WindowCheck, WindowRow, describe as describe_window};
