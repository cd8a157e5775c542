//! `:pipeline NAME` (`:pl`): the stages of a pipeline from the engine's
//! answer, the selected stage's gates with why (DESIGN.md §7).
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent, GateState, PipelineView, StageView};
use tether::tui::Effect;
use tui_support::*;

fn stage(app: &str, image: &str, gates: Vec<GateState>, pending: Option<usize>) -> StageView {
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

fn gate(name: &str, ok: bool, message: &str) -> GateState {
    GateState {
        name: name.into(),
        ok,
        message: message.into(),
    }
}

#[test]
fn pipeline_view_shows_stages_and_the_selected_stage_gates() {
    let mut app = new_app();
    let effects = keys(&mut app, ":pl web<enter>");
    assert_eq!(
        effects,
        vec![Effect::Send(EngineCommand::Pipeline { name: "web".into() })]
    );
    assert!(
        screen(&app, 120, 40).contains("loading pipeline…"),
        "{}",
        screen(&app, 120, 40)
    );
    let view = PipelineView {
        name: "web".into(),
        stages: vec![
            stage("web-staging", "ghcr.io/acme/web:1.2.0", Vec::new(), None),
            stage(
                "web-prod",
                "ghcr.io/acme/web:1.1.0",
                vec![
                    gate(
                        "healthy",
                        true,
                        "web-staging is Synced and Healthy at 0123456",
                    ),
                    gate(
                        "syncWindow",
                        false,
                        "sync window syncWindows[0] deny \"0 18 * * 5\" for 62h blocks it",
                    ),
                ],
                Some(1),
            ),
        ],
    };
    app.apply_event(EngineEvent::Pipeline {
        name: "web".into(),
        view: Arc::new(view),
    });
    let text = screen(&app, 120, 40);
    assert!(text.contains("Pipeline web [2]"), "{text}");
    assert!(text.contains("web-prod"), "{text}");
    assert!(text.contains("closed: syncWindow"), "{text}");
    assert!(text.contains("ghcr.io/acme/web:1.1.0"), "{text}");
    // The second stage's gates, with why.
    keys(&mut app, "j");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("FAIL syncWindow sync window syncWindows[0] deny"),
        "{text}"
    );
    assert!(
        text.contains("ok   healthy web-staging is Synced and Healthy"),
        "{text}"
    );
    // An unknown pipeline shows the engine's error.
    let mut app = new_app();
    keys(&mut app, ":pipeline api<enter>");
    app.apply_event(EngineEvent::CommandDone {
        app: "api".into(),
        ok: false,
        message: "pipeline api: no such pipeline; tether.yaml has web".into(),
    });
    let text = screen(&app, 120, 40);
    assert!(text.contains("no such pipeline"), "{text}");
}
