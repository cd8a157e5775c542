//! The engine loop behind an [`EngineHandle`]: refreshes snapshots on a
//! tick and after commands; runs each command on a task of its own and
//! reports the result as an [`EngineEvent`].

use super::sources::watch_sources;
use super::{Engine, EngineCommand, EngineEvent, EngineHandle, SyncOptions, whoami};
use crate::model::{ResourceKey, Revision};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};

/// How long a burst of live changes may take before one refresh.
const LIVE_DEBOUNCE: Duration = Duration::from_millis(150);

impl Engine {
    /// Runs the engine loop on the current tokio runtime: refreshes when
    /// the live cache of any cluster changes (debounced), after each command
    /// that changes something, and every `refresh` (Git revisions are
    /// re-resolved then).
    pub fn spawn(self: Arc<Self>, refresh: Duration) -> EngineHandle {
        let (snap_tx, snapshots) = watch::channel(Arc::new(self.pending_snapshot()));
        let (commands, mut command_rx) = mpsc::channel(64);
        let (events, _) = broadcast::channel(256);
        let handle = EngineHandle {
            snapshots,
            commands,
            events: events.clone(),
        };
        let (changed_tx, mut changed_rx) = mpsc::channel::<()>(16);
        let mut live = self.clusters.subscribe_changes();
        let (source_watch, mut sources) = watch_sources(self.apps());
        tokio::spawn(async move {
            let _source_watch = source_watch;
            let mut generation = 0;
            let mut tick = tokio::time::interval(refresh);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    Some(()) = changed_rx.recv() => {}
                    Ok(()) = sources.changed() => {
                        // A ref moved: let the writer finish, then re-resolve.
                        tokio::time::sleep(LIVE_DEBOUNCE).await;
                        sources.borrow_and_update();
                    }
                    Ok(()) = live.changed() => {
                        // Let a burst of watch events settle, then refresh once.
                        tokio::time::sleep(LIVE_DEBOUNCE).await;
                        live.borrow_and_update();
                    }
                    command = command_rx.recv() => match command {
                        None => break,
                        Some(EngineCommand::Refresh) => {
                            // Permissions may have changed too: ask again.
                            for client in self.clusters.connected().await {
                                client.forget_access();
                            }
                        }
                        Some(command) => {
                            let (engine, events, changed) = (self.clone(), events.clone(), changed_tx.clone());
                            tokio::spawn(async move {
                                let changes = changes_state(&command);
                                for event in engine.execute(command, Some(&events)).await {
                                    let _ = events.send(event);
                                }
                                if changes {
                                    let _ = changed.send(()).await;
                                }
                            });
                            continue;
                        }
                    },
                }
                generation += 1;
                let snapshot = self.snapshot(generation).await;
                self.automate(&snapshot.apps, &events);
                if snap_tx.send(Arc::new(snapshot)).is_err() {
                    break;
                }
                super::memory::release_free_memory();
            }
        });
        handle
    }

    /// Runs one command; returns the events to publish. A sync reports
    /// each applied resource on `progress` as it happens.
    pub async fn execute(
        &self,
        command: EngineCommand,
        progress: Option<&broadcast::Sender<EngineEvent>>,
    ) -> Vec<EngineEvent> {
        let done = |app: String, result: Result<String, super::EngineError>| match result {
            Ok(message) => EngineEvent::CommandDone {
                app,
                ok: true,
                message,
            },
            Err(e) => EngineEvent::CommandDone {
                app,
                ok: false,
                message: e.to_string(),
            },
        };
        match command {
            EngineCommand::Refresh => Vec::new(),
            EngineCommand::Sync { app, prune } => {
                let options = SyncOptions {
                    prune,
                    progress: progress.cloned(),
                    ..Default::default()
                };
                let result = self.sync(&app, &options).await;
                vec![done(
                    app,
                    result.map(|r| format!("synced {}: {}", r.app, r.summary())),
                )]
            }
            EngineCommand::Plan { app, prune } => {
                let options = SyncOptions {
                    prune,
                    dry_run: true,
                    ..Default::default()
                };
                match self.sync(&app, &options).await {
                    Ok(plan) => vec![EngineEvent::Plan {
                        app,
                        plan: Arc::new(plan),
                    }],
                    Err(e) => vec![done(app, Err(e))],
                }
            }
            EngineCommand::Diff { app, revision } => {
                let revision = revision.as_deref().map(Revision::parse);
                match self.diff(&app, revision.as_ref()).await {
                    Ok(diff) => vec![EngineEvent::Diff {
                        app,
                        diff: Arc::new(diff),
                    }],
                    Err(e) => vec![done(app, Err(e))],
                }
            }
            EngineCommand::Tree { app } => match self.tree(&app).await {
                Ok(tree) => vec![EngineEvent::Tree {
                    app,
                    tree: Arc::new(tree),
                }],
                Err(e) => vec![done(app, Err(e))],
            },
            EngineCommand::Pipeline { name } => match self.pipeline_views(Some(&name)).await {
                Ok(mut views) if !views.is_empty() => vec![EngineEvent::Pipeline {
                    name,
                    view: Arc::new(views.remove(0)),
                }],
                Ok(_) => Vec::new(),
                Err(e) => vec![done(name, Err(e))],
            },
            EngineCommand::Compare { a, b } => {
                let blind = crate::diff::StageBlindness::default();
                match self.compare(&a, &b, None, &blind) {
                    Ok(diff) => vec![EngineEvent::Compare {
                        a,
                        b,
                        diff: Arc::new(diff),
                    }],
                    Err(e) => vec![done(b, Err(e))],
                }
            }
            EngineCommand::PromotePreview { pipeline, stage } => {
                let options = super::PromoteOptions {
                    dry_run: true,
                    force: false,
                };
                match self.promote(&pipeline, &stage, options).await {
                    Ok(promotion) => vec![EngineEvent::PromotePreview {
                        pipeline,
                        stage,
                        promotion: Arc::new(promotion),
                    }],
                    Err(e) => vec![done(stage, Err(e))],
                }
            }
            EngineCommand::Promote { pipeline, stage } => {
                let result = self
                    .promote(&pipeline, &stage, super::PromoteOptions::default())
                    .await;
                let message = result.map(|p| {
                    let id = p.commit.unwrap_or_default();
                    let short = id.get(..7).unwrap_or(&id).to_string();
                    format!("committed {short}: {}", p.message)
                });
                vec![done(stage, message)]
            }
            EngineCommand::History { app } => match self.history(&app).await {
                Ok(history) => vec![EngineEvent::History {
                    app,
                    history: Arc::new(history),
                }],
                Err(e) => vec![done(app, Err(e))],
            },
            EngineCommand::Events { app, resource } => {
                match self.events(&app, resource.as_ref()).await {
                    Ok(events) => vec![EngineEvent::Events {
                        app,
                        resource,
                        events: Arc::new(events),
                    }],
                    Err(e) => vec![done(app, Err(e))],
                }
            }
            EngineCommand::Yaml { app, resource } => {
                let version = self.version_of(&app, &resource).await;
                match self.live_yaml(&app, &resource, &version).await {
                    Ok(text) => vec![EngineEvent::Yaml {
                        app,
                        resource,
                        text,
                    }],
                    Err(e) => vec![done(app, Err(e))],
                }
            }
            EngineCommand::Pause { app, reason } => {
                let result = self.pause(&app, &reason, &whoami()).await;
                vec![done(app.clone(), result.map(|()| format!("paused {app}")))]
            }
            EngineCommand::RevertPreview { app, commit } => {
                match self.revert_preview(&app, commit.as_deref()) {
                    Ok((commit, diff)) => vec![EngineEvent::RevertPreview { app, commit, diff }],
                    Err(e) => vec![done(app, Err(e))],
                }
            }
            EngineCommand::Revert { app, commit } => {
                let result = self.revert(&app, commit.as_deref());
                let message = result.map(|r| {
                    let short = r.id.get(..7).unwrap_or(&r.id).to_string();
                    format!("committed {short}: Revert \"{}\"", r.summary)
                });
                vec![done(app, message)]
            }
            EngineCommand::ResourceAction {
                app,
                resource,
                action,
            } => {
                let result = self.resource_action(&app, &resource, &action).await;
                vec![done(app, result)]
            }
            EngineCommand::Resume { app } => {
                let result = self.resume(&app).await;
                vec![done(app.clone(), result.map(|()| format!("resumed {app}")))]
            }
            EngineCommand::LivePlan { app, action } => match self.live_plan(&app, &action).await {
                Ok(plan) => vec![EngineEvent::LivePlan {
                    app,
                    action,
                    plan: Arc::new(plan),
                }],
                Err(e) => vec![done(app, Err(e))],
            },
            EngineCommand::Live { app, action } => {
                let result = self
                    .live_run(&app, &action, Some(super::LIVE_WAIT), progress)
                    .await;
                vec![done(app, result)]
            }
            EngineCommand::Operation { app } => match self.live_operation(&app) {
                Ok(operation) => vec![EngineEvent::Operation {
                    app,
                    operation: Arc::new(operation),
                }],
                Err(e) => vec![done(app, Err(e))],
            },
        }
    }

    /// The API version a resource of an app is addressed by: the one its
    /// manifest or its tree node uses (`v1` when unknown).
    async fn version_of(&self, app: &str, key: &ResourceKey) -> String {
        let Ok(spec) = self.app(app) else {
            return "v1".to_string();
        };
        let status = self.status(&spec).await;
        status
            .resources
            .iter()
            .find(|r| r.kind == key.kind && r.name == key.name && r.group == key.group)
            .map(|r| r.version.clone())
            .unwrap_or_else(|| default_version(&key.group).to_string())
    }
}

fn default_version(group: &str) -> &'static str {
    match group {
        "" => "v1",
        "apps" | "rbac.authorization.k8s.io" | "networking.k8s.io" | "batch" | "policy" => "v1",
        "autoscaling" => "v2",
        _ => "v1",
    }
}

fn changes_state(command: &EngineCommand) -> bool {
    matches!(
        command,
        EngineCommand::Sync { .. }
            | EngineCommand::Live { .. }
            | EngineCommand::Pause { .. }
            | EngineCommand::Resume { .. }
            | EngineCommand::Revert { .. }
            | EngineCommand::Promote { .. }
    )
}
