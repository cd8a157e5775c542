//! Argo CD semantics as pure functions over plain data: ApplicationSet
//! generation, repository URL matching, resource tracking, AppProject
//! rules, sync windows, and the render plan of an Application. No cluster
//! or Git I/O: callers pass objects and file trees in.
//!
//! Every field handled here, and how, is listed in docs/ARGOCD.md.

pub mod app;
pub mod appset;
mod cron;
mod duration;
mod error;
mod fasttemplate;
pub mod glob;
pub mod gotemplate;
mod project;
mod repo_url;
mod status;
mod tracking;
mod windows;

pub use appset::RepoSource;
pub use duration::parse_go_duration;
pub use error::ArgoError;
pub use fasttemplate::fasttemplate;
pub use gotemplate::{sanitize_name, slugify_name};
pub use project::{
    AppProject, AppProjectSpec, Destination, GroupKindPattern, ProjectDenial, ProjectDestination,
};
pub use repo_url::{is_ssh_url, normalize_git_url, same_repo, same_url};
pub use status::{
    ArgoAppStatus, IGNORE_HEALTHCHECK_ANNOTATION, ManagedResource, app_health, app_status,
    is_automated,
};
pub use tracking::{
    DEFAULT_INSTANCE_LABEL_KEY, INSTALLATION_ID_ANNOTATION, LABEL_MAX_LENGTH,
    LEGACY_INSTANCE_LABEL_KEY, TRACKING_ID_ANNOTATION, TrackingId, TrackingMethod,
    TrackingSettings, instance_name, is_crd, set_tracking, tracked_app, truncate_label,
};
pub use windows::{SyncVerdict, SyncWindow, SyncWindowSpec, SyncWindows, WindowKind, WindowTarget};
