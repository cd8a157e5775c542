//! The engine's public surface for its clients (CLI, TUI, controller):
//! commands in, snapshots and events out.

use super::{AppDiff, LiveAction, LivePlan, OperationView, SyncReport, SyncStep};
use crate::model::{AppHistory, AppSetStatus, AppStatus, EventRecord, ResourceKey, ResourceNode};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, watch};

/// Connection state of one cluster (kubeconfig context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterState {
    pub name: String,
    /// API server URL.
    pub server: String,
    pub connected: bool,
    /// Why it is not connected, empty when connected.
    pub message: String,
}

/// Everything a client shows, as one immutable value. A new snapshot replaces
/// the previous one whole; clients never see a half-updated state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub apps: Vec<AppStatus>,
    /// Argo CD ApplicationSets (live ones of the watched contexts), by
    /// cluster, namespace and name.
    pub appsets: Vec<AppSetStatus>,
    pub clusters: Vec<ClusterState>,
    /// Repository checkouts in use (paths as configured).
    pub repos: Vec<String>,
    /// Deny sync windows open now, with the apps they block.
    pub freezes: Vec<super::Freeze>,
    /// Monotonic counter, bumped on every publication.
    pub generation: u64,
}

/// What a client asks the engine to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineCommand {
    /// Re-read sources and live state of every app now.
    Refresh,
    /// Apply the app's desired state.
    Sync { app: String, prune: bool },
    /// Compute what a sync would do (a dry-run) → [`EngineEvent::Plan`].
    Plan { app: String, prune: bool },
    /// Desired vs live → [`EngineEvent::Diff`]. `revision` None = the app's own.
    Diff {
        app: String,
        revision: Option<String>,
    },
    /// Resources and live descendants → [`EngineEvent::Tree`].
    Tree { app: String },
    /// Commits and sync records → [`EngineEvent::History`].
    History { app: String },
    /// Events of the app's objects, or of one → [`EngineEvent::Events`].
    Events {
        app: String,
        resource: Option<ResourceKey>,
    },
    /// The live object as YAML, Secrets masked → [`EngineEvent::Yaml`].
    Yaml { app: String, resource: ResourceKey },
    /// Stop automated sync and self-heal for everyone (state ConfigMap).
    Pause { app: String, reason: String },
    /// Undo a pause.
    Resume { app: String },
    /// What a revert of `commit` (None = newest touching the app path)
    /// would change → [`EngineEvent::RevertPreview`]; writes nothing.
    RevertPreview { app: String, commit: Option<String> },
    /// Commit that revert in the app's checkout.
    Revert { app: String, commit: Option<String> },
    /// A resource action (`promote`, `restart`…) on an object the app
    /// deploys (DESIGN.md §7).
    ResourceAction {
        app: String,
        resource: ResourceKey,
        action: String,
    },
    /// What `action` on a live Argo CD / Flux app would send (its patches
    /// in words, with warnings) → [`EngineEvent::LivePlan`]; sends nothing.
    LivePlan { app: String, action: LiveAction },
    /// Runs `action` on a live app: sends its patches, then follows the
    /// controller (progress as [`EngineEvent::SyncProgress`]) until it
    /// answers; ends with a `CommandDone`.
    Live { app: String, action: LiveAction },
    /// The Argo CD operation of a live app as last read from the watch
    /// cache → [`EngineEvent::Operation`].
    Operation { app: String },
    /// The stages of a pipeline → [`EngineEvent::Pipeline`].
    Pipeline { name: String },
    /// `tether compare A B` with the default normalisation → [`EngineEvent::Compare`]
    /// (a failure is reported for `b`).
    Compare { a: String, b: String },
    /// What `tether promote PIPELINE STAGE --dry-run` would commit →
    /// [`EngineEvent::PromotePreview`] (a refusal is reported for `stage`);
    /// writes nothing.
    PromotePreview { pipeline: String, stage: String },
    /// `tether promote PIPELINE STAGE`: one commit, gates enforced; ends
    /// with a `CommandDone` for `stage` (`committed <short>: <message>`).
    Promote { pipeline: String, stage: String },
}

/// Something that happened, for status lines and views. Results of
/// on-demand commands carry their payload; clients keep the newest per
/// kind and app and drop stale ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// A command finished; `ok` false carries the error in `message`.
    CommandDone {
        app: String,
        ok: bool,
        message: String,
    },
    /// A non-fatal problem, e.g. a cluster that cannot be reached.
    Warning {
        message: String,
    },
    /// Progress of a live action (Argo CD / Flux): one step, in words.
    SyncProgress {
        app: String,
        resource: String,
        action: String,
    },
    /// Progress of a running sync of a tether app: one step, `elapsed_ms`
    /// after the sync started.
    SyncStep {
        app: String,
        elapsed_ms: u64,
        step: SyncStep,
    },
    Plan {
        app: String,
        plan: Arc<SyncReport>,
    },
    Diff {
        app: String,
        diff: Arc<AppDiff>,
    },
    Tree {
        app: String,
        tree: Arc<Vec<ResourceNode>>,
    },
    History {
        app: String,
        history: Arc<AppHistory>,
    },
    Events {
        app: String,
        /// The resource asked about; None for the whole app.
        resource: Option<ResourceKey>,
        events: Arc<Vec<EventRecord>>,
    },
    Yaml {
        app: String,
        resource: ResourceKey,
        text: String,
    },
    /// The unified diff a revert of `commit` would commit.
    RevertPreview {
        app: String,
        commit: String,
        diff: String,
    },
    /// The patches a live action would send.
    LivePlan {
        app: String,
        action: LiveAction,
        plan: Arc<LivePlan>,
    },
    /// The Argo CD operation of a live app (running or last).
    Operation {
        app: String,
        operation: Arc<OperationView>,
    },
    /// A pipeline's stages (`name` is the pipeline's).
    Pipeline {
        name: String,
        view: Arc<super::PipelineView>,
    },
    /// Two apps' desired states diffed from `a` to `b`.
    Compare {
        a: String,
        b: String,
        diff: Arc<super::StageDiff>,
    },
    /// A promotion planned, not made (its gates evaluated).
    PromotePreview {
        pipeline: String,
        stage: String,
        promotion: Arc<super::Promotion>,
    },
}

/// A client's connection to a running engine.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub commands: mpsc::Sender<EngineCommand>,
    pub events: broadcast::Sender<EngineEvent>,
}

impl EngineHandle {
    /// The latest snapshot (cheap: an Arc clone).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshots.borrow().clone()
    }

    /// Queues a command; false when the engine has stopped.
    pub fn send(&self, command: EngineCommand) -> bool {
        self.commands.try_send(command).is_ok()
    }

    /// A handle detached from any engine, publishing the given snapshot once:
    /// for tests and for rendering fixed states.
    pub fn fixed(snapshot: Snapshot) -> (Self, mpsc::Receiver<EngineCommand>) {
        let (snap_tx, snapshots) = watch::channel(Arc::new(snapshot));
        // Keep the sender alive inside the channel's lifetime by leaking it
        // into the receiver: a closed watch still yields the last value.
        drop(snap_tx);
        let (commands, rx) = mpsc::channel(64);
        let (events, _) = broadcast::channel(64);
        (
            Self {
                snapshots,
                commands,
                events,
            },
            rx,
        )
    }
}
