//! The `web` pipeline for the pipeline view's tests: stages, gates, and
//! the view shown with three stages.

use super::keys;
use std::sync::Arc;
use tether::engine::{EngineEvent, GateState, PipelineView, StageView};
use tether::tui::App;

pub fn stage(app: &str, image: &str, gates: Vec<GateState>, pending: Option<usize>) -> StageView {
    StageView {
        app: app.into(),
        cluster: "prod".into(),
        revision: "0123456789abcdef0123456789abcdef01234567".into(),
        images: vec![image.into()],
        live_images: vec![image.into()],
        sync: "Synced".into(),
        health: "Healthy".into(),
        healthy_since: None,
        gates,
        pending_changes: pending,
        notes: Vec::new(),
    }
}

pub fn gate(name: &str, ok: bool, message: &str) -> GateState {
    GateState {
        name: name.into(),
        ok,
        message: message.into(),
    }
}

/// The `web` pipeline of three stages shown, web-dev selected; prod's
/// window gate closed.
pub fn pipeline_app(mut app: App) -> App {
    keys(&mut app, ":pl web<enter>");
    let view = PipelineView {
        name: "web".into(),
        stages: vec![
            stage("web-dev", "ghcr.io/acme/web:1.2.0", Vec::new(), None),
            stage("web-staging", "ghcr.io/acme/web:1.1.0", Vec::new(), Some(1)),
            stage(
                "web-prod",
                "ghcr.io/acme/web:1.0.0",
                vec![gate(
                    "syncWindow",
                    false,
                    "sync window prod-weekend blocks it",
                )],
                Some(1),
            ),
        ],
    };
    app.apply_event(EngineEvent::Pipeline {
        name: "web".into(),
        view: Arc::new(view),
    });
    app
}
