//! The engine: the configured apps, their clusters, and the loop that keeps
//! a [`Snapshot`] of their states current for clients.

use super::compare;
use super::desired::render_app;
use super::diff::{AppDiff, diff_app};
use super::sync::{SyncMode, SyncReport, sync_app};
use super::{ClusterState, EngineCommand, EngineError, EngineEvent, EngineHandle, Snapshot};
use crate::cluster::{ClusterSet, KubeOptions};
use crate::model::{AppSpec, AppStatus, Revision};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};

/// Options of one sync request.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    pub prune: bool,
    pub dry_run: bool,
    /// Sync this revision instead of the app's own.
    pub revision: Option<Revision>,
    /// Who asks, for the history (default: `user@host`).
    pub by: Option<String>,
}

/// `user@host` of this process, for history records.
pub fn whoami() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".to_string());
    format!("{user}@{host}")
}

/// The reconcile engine for a set of apps.
pub struct Engine {
    apps: Vec<AppSpec>,
    clusters: ClusterSet,
}

impl Engine {
    pub fn new(apps: Vec<AppSpec>, kube: KubeOptions) -> Self {
        Self {
            apps,
            clusters: ClusterSet::new(kube),
        }
    }

    pub fn apps(&self) -> &[AppSpec] {
        &self.apps
    }

    /// The app named `name`.
    pub fn app(&self, name: &str) -> Result<&AppSpec, EngineError> {
        self.apps
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| EngineError::UnknownApp(name.to_string()))
    }

    /// The cluster (context) name an app deploys to.
    pub fn cluster_name(&self, app: &AppSpec) -> String {
        app.destination
            .context
            .clone()
            .or_else(|| self.clusters.default_context())
            .unwrap_or_else(|| "(no context)".to_string())
    }

    /// The status of one app. Failures become Unknown with the cause.
    pub async fn status(&self, app: &AppSpec) -> AppStatus {
        let cluster = self.cluster_name(app);
        let desired = match render_app(app, None) {
            Ok(d) => d,
            Err(e) => return compare::unknown(app, &cluster, String::new(), e.to_string()),
        };
        let client = match self
            .clusters
            .client(app.destination.context.as_deref())
            .await
        {
            Ok(c) => c,
            Err(e) => return compare::unknown(app, &cluster, desired.revision, e.to_string()),
        };
        if let Err(e) = client.ping().await {
            return compare::unknown(app, &cluster, desired.revision, e.to_string());
        }
        compare::app_status(app, &cluster, &client, desired).await
    }

    /// The status of every app, concurrently.
    pub async fn status_all(&self) -> Vec<AppStatus> {
        futures::future::join_all(self.apps.iter().map(|a| self.status(a))).await
    }

    /// Applies an app's desired state.
    pub async fn sync(&self, name: &str, options: &SyncOptions) -> Result<SyncReport, EngineError> {
        let app = self.app(name)?;
        let desired = render_app(app, options.revision.as_ref())?;
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        let mode = SyncMode {
            dry_run: options.dry_run,
            prune: options.prune,
            by: options.by.clone().unwrap_or_else(whoami),
            ..Default::default()
        };
        sync_app(app, &client, desired, &mode).await
    }

    /// Desired (at `revision`, default the app's own) vs live, per resource.
    pub async fn diff(
        &self,
        name: &str,
        revision: Option<&Revision>,
    ) -> Result<AppDiff, EngineError> {
        let app = self.app(name)?;
        let desired = render_app(app, revision)?;
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        client
            .ping()
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        Ok(diff_app(app, &client, desired).await)
    }

    /// Connection state of every cluster the apps use.
    pub async fn cluster_states(&self) -> Vec<ClusterState> {
        let names: BTreeSet<String> = self.apps.iter().map(|a| self.cluster_name(a)).collect();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let state = match self.clusters.client(Some(&name)).await {
                Ok(client) => match client.ping().await {
                    Ok(_) => ClusterState {
                        name,
                        server: client.server().to_string(),
                        connected: true,
                        message: String::new(),
                    },
                    Err(e) => ClusterState {
                        name,
                        server: client.server().to_string(),
                        connected: false,
                        message: e.to_string(),
                    },
                },
                Err(e) => ClusterState {
                    name,
                    server: String::new(),
                    connected: false,
                    message: e.to_string(),
                },
            };
            out.push(state);
        }
        out
    }

    async fn snapshot(&self, generation: u64) -> Snapshot {
        let (apps, clusters) = tokio::join!(self.status_all(), self.cluster_states());
        let repos: BTreeSet<String> = self
            .apps
            .iter()
            .map(|a| a.source.repo.display().to_string())
            .collect();
        Snapshot {
            apps,
            clusters,
            repos: repos.into_iter().collect(),
            generation,
        }
    }

    /// Runs the engine loop on the current tokio runtime: refreshes every
    /// `refresh` and after each command, publishing snapshots.
    pub fn spawn(self: Arc<Self>, refresh: Duration) -> EngineHandle {
        let (snap_tx, snapshots) = watch::channel(Arc::new(Snapshot::default()));
        let (commands, mut command_rx) = mpsc::channel(64);
        let (events, _) = broadcast::channel(256);
        let handle = EngineHandle {
            snapshots,
            commands,
            events: events.clone(),
        };
        let (done_tx, mut done_rx) = mpsc::channel::<()>(16);
        tokio::spawn(async move {
            let mut generation = 0;
            let mut tick = tokio::time::interval(refresh);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    Some(()) = done_rx.recv() => {}
                    command = command_rx.recv() => match command {
                        None => break,
                        Some(EngineCommand::Refresh) => {}
                        Some(EngineCommand::Sync { app, prune }) => {
                            let engine = self.clone();
                            let events = events.clone();
                            let done = done_tx.clone();
                            tokio::spawn(async move {
                                let options = SyncOptions { prune, ..Default::default() };
                                let event = match engine.sync(&app, &options).await {
                                    Ok(report) => EngineEvent::CommandDone {
                                        app,
                                        ok: true,
                                        message: format!("synced {}: {}", report.app, report.summary()),
                                    },
                                    Err(e) => EngineEvent::CommandDone { app, ok: false, message: e.to_string() },
                                };
                                let _ = events.send(event);
                                let _ = done.send(()).await;
                            });
                        }
                    },
                }
                generation += 1;
                let snapshot = self.snapshot(generation).await;
                if snap_tx.send(Arc::new(snapshot)).is_err() {
                    break;
                }
            }
        });
        handle
    }
}
