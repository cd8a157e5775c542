//! Engine events into the app: results of on-demand requests fill their
//! views (stale ones are dropped), sync progress fills the progress panel,
//! everything else shows in the status line.

use super::app::{App, SyncProgress};
use super::highlight;
use super::state::{Loadable, RequestKind, View};
use crate::engine::{EngineEvent, SyncStep};

impl App {
    /// Applies one engine event.
    pub fn apply_event(&mut self, event: EngineEvent) {
        let page = self.page();
        let theme = self.theme.syntax_theme().to_string();
        match event {
            EngineEvent::CommandDone { app, ok, message } => self.command_done(&app, ok, message),
            EngineEvent::Warning { message } => self.warn(message),
            EngineEvent::RevertPreview { app, commit, diff } => {
                self.revert_preview(&app, commit, &diff);
            }
            EngineEvent::SyncProgress {
                app,
                resource,
                action,
            } => {
                let progress = self
                    .progress
                    .get_or_insert_with(|| SyncProgress::sync(&app));
                if progress.app == app {
                    progress.lines.push(format!("{resource} {action}"));
                    progress.applied += 1;
                }
            }
            EngineEvent::SyncStep { app, step, .. } => {
                let progress = self
                    .progress
                    .get_or_insert_with(|| SyncProgress::sync(&app));
                if progress.app == app {
                    if matches!(step, SyncStep::Applied(_) | SyncStep::Pruned(_)) {
                        progress.applied += 1;
                    }
                    progress.lines.push(step.to_string());
                }
            }
            EngineEvent::LivePlan { app, action, plan } => {
                self.live_plan_arrived(&app, &action, plan)
            }
            EngineEvent::Operation { app, operation } => {
                if self.requests.accept(RequestKind::Operation, &app, None)
                    && let Some(View::Operation(o)) = self
                        .views
                        .iter_mut()
                        .rev()
                        .find(|v| matches!(v, View::Operation(o) if o.app == app))
                {
                    o.set_operation(operation, page);
                }
            }
            EngineEvent::Plan { app, plan } => {
                if self.requests.accept(RequestKind::Plan, &app, None) {
                    self.plan = Some(Loadable::Ready(plan));
                    self.status = None;
                }
            }
            EngineEvent::Diff { app, diff } => {
                if let Some(View::Diff(d)) = self.result_view(RequestKind::Diff, &app, None) {
                    d.set_diff(diff, page, &theme);
                }
            }
            EngineEvent::Tree { app, tree } => {
                if let Some(View::Tree(t)) = self.result_view(RequestKind::Tree, &app, None) {
                    t.set_nodes(tree, page);
                }
            }
            EngineEvent::Pipeline { name, view } => {
                if let Some(View::Pipeline(p)) =
                    self.result_view(RequestKind::Pipeline, &name, None)
                {
                    p.view = Loadable::Ready(view);
                    let len = p.len();
                    p.cursor.move_by(0, len, page);
                }
            }
            EngineEvent::Compare { a, b, diff } => {
                // Only the comparison asked for: same stages, same order.
                let asked = self.views.iter().any(|v| {
                    matches!(v, View::Diff(d) if d.app == b
                        && d.compare.as_ref().is_some_and(|c| c.app == a))
                });
                if asked
                    && let Some(View::Diff(d)) = self.result_view(RequestKind::Compare, &b, None)
                {
                    d.set_comparison(&diff, page, &theme);
                }
            }
            EngineEvent::PromotePreview {
                pipeline,
                stage,
                promotion,
            } => self.promote_preview(&pipeline, &stage, promotion),
            EngineEvent::History { app, history } => {
                if let Some(View::History(h)) = self.result_view(RequestKind::History, &app, None) {
                    h.set_history(history, page);
                }
            }
            EngineEvent::Events {
                app,
                resource,
                events,
            } => {
                // The result names its resource (None: the whole app), so
                // it must match the newest request exactly.
                if !self
                    .requests
                    .accept_exact(RequestKind::Events, &app, resource.as_ref())
                {
                    tracing::debug!(app, "stale events dropped");
                    return;
                }
                let view = self.views.iter_mut().rev().find(|v| match v {
                    View::Events(e) => e.app == app && e.resource == resource,
                    _ => false,
                });
                if let Some(View::Events(e)) = view {
                    e.events = Loadable::Ready(events);
                }
            }
            EngineEvent::Yaml {
                app,
                resource,
                text,
            } => {
                let view = self.result_view(RequestKind::Yaml, &app, Some(&resource));
                if let Some(View::Yaml(y)) = view {
                    y.lines = highlight::yaml(text.lines(), &theme);
                    y.text = Loadable::Ready(text);
                }
            }
        }
    }

    /// The waiting view a result of `kind` belongs to, when the result
    /// answers the newest request of its kind; None drops it as stale.
    fn result_view(
        &mut self,
        kind: RequestKind,
        app: &str,
        resource: Option<&crate::model::ResourceKey>,
    ) -> Option<&mut View> {
        if !self.requests.accept(kind, app, resource) {
            tracing::debug!(?kind, app, "stale result dropped");
            return None;
        }
        self.views
            .iter_mut()
            .rev()
            .find(|v| v.request_kind() == Some(kind) && v.app() == Some(app) && v.is_loading())
    }

    /// A finished command: a failed request fails its views (and the plan,
    /// and the revert preview), a finished sync closes the progress panel.
    fn command_done(&mut self, app: &str, ok: bool, message: String) {
        let text = format!("{app}: {message}");
        let mut failed_requests = false;
        if !ok {
            for kind in self.requests.fail(app) {
                failed_requests = true;
                match kind {
                    RequestKind::Plan => self.plan = Some(Loadable::Failed(message.clone())),
                    RequestKind::LivePlan => {
                        self.live_plan = Some(Loadable::Failed(message.clone()));
                    }
                    RequestKind::RevertPreview => self.revert_refused(app, &message),
                    RequestKind::PromotePreview => self.promote_refused(app, &message),
                    _ => {}
                }
                for view in self.views.iter_mut().rev() {
                    if view.request_kind() == Some(kind) && view.app() == Some(app) {
                        fail(view, &message);
                        break;
                    }
                }
            }
        }
        // A sync ends in "synced …" or in a failure; a failure that answers
        // an on-demand request of the same app (a diff, say) is not the
        // sync's, and a pause or revert of the app does not end it either.
        let sync_ended = match &self.progress {
            Some(p) if ok => message.starts_with(p.done),
            _ => !failed_requests,
        };
        if sync_ended && self.progress.as_ref().is_some_and(|p| p.app == app) {
            self.progress = None;
        }
        self.revert_done(app, ok, &message, failed_requests);
        self.promote_done(app, ok, &message, failed_requests);
        if ok {
            self.info(text);
        } else {
            self.error(text);
        }
    }
}

fn fail(view: &mut View, message: &str) {
    let message = message.to_string();
    match view {
        View::Tree(t) => t.nodes = Loadable::Failed(message),
        View::Diff(d) => d.diff = Loadable::Failed(message),
        View::History(h) => h.history = Loadable::Failed(message),
        View::Events(e) => e.events = Loadable::Failed(message),
        View::Yaml(y) => y.text = Loadable::Failed(message),
        View::Pipeline(p) => p.view = Loadable::Failed(message),
        View::Operation(o) => o.operation = Loadable::Failed(message),
        View::Contexts(_) | View::AppSets(_) | View::AppSetApps(_) => {}
    }
}
