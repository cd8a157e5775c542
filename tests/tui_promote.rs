//! `P` in the pipeline view (DESIGN.md §7): the promotion's preview (file
//! diff, manifest diff, failed gates), committed only on confirmation;
//! refusals commit nothing; hidden in read-only mode. Over a real engine
//! on the sim: Esc writes nothing, confirming makes exactly one commit.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "tui_support/promote_flow.rs"]
mod promote_flow;
mod tui_support;

use std::sync::Arc;
use tether::engine::{
    EngineCommand, EngineEvent, FileChange, GateState, PipelineView, Promotion, StageResourceDiff,
};
use tether::tui::{App, Effect, Mode, StatusLevel, TuiOptions};
use tui_support::pipeline::*;
use tui_support::*;

fn promotion(gates: Vec<GateState>) -> Promotion {
    Promotion {
        pipeline: "web".into(),
        from: "web-dev".into(),
        to: "web-staging".into(),
        repo: "./gitops".into(),
        branch: "main".into(),
        changes: vec![FileChange {
            path: "apps/web/staging/kustomization.yaml".into(),
            before: Some("images:\n  - name: ghcr.io/acme/web\n    newTag: \"1.1.0\"   # promoted\n".into()),
            after: "images:\n  - name: ghcr.io/acme/web\n    newTag: \"1.2.0\"   # promoted\n".into(),
        }],
        moved: Vec::new(),
        gates,
        manifests: vec![StageResourceDiff {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: "web-staging".into(),
            name: "staging-web".into(),
            change: "update".into(),
            diff: "--- a/Deployment/staging-web\n+++ b/Deployment/staging-web\n@@ -1 +1 @@\n-        image: ghcr.io/acme/web:1.1.0\n+        image: ghcr.io/acme/web:1.2.0\n".into(),
        }],
        message: "promote web: web-dev → web-staging (ghcr.io/acme/web 1.1.0 → 1.2.0)".into(),
        commit: None,
    }
}

fn preview(gates: Vec<GateState>) -> EngineEvent {
    EngineEvent::PromotePreview {
        pipeline: "web".into(),
        stage: "web-staging".into(),
        promotion: Arc::new(promotion(gates)),
    }
}

#[test]
fn p_previews_the_promotion_and_y_commits_it() {
    let mut app = pipeline_app(new_app());
    assert_eq!(
        keys(&mut app, "jP"),
        vec![Effect::Send(EngineCommand::PromotePreview {
            pipeline: "web".into(),
            stage: "web-staging".into(),
        })]
    );
    assert_eq!(app.mode(), &Mode::ConfirmPromote);
    assert!(screen(&app, 120, 40).contains("previewing…"));
    assert!(
        keys(&mut app, "y").is_empty(),
        "no commit before the preview"
    );
    app.apply_event(preview(vec![gate(
        "healthy",
        true,
        "web-dev is Synced and Healthy",
    )]));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Commit this promotion into web-staging on main? y/n"),
        "{text}"
    );
    assert!(
        text.contains("promote web: web-dev → web-staging (ghcr.io/acme/web 1.1.0 → 1.2.0)"),
        "{text}"
    );
    // The file diff, then the manifest diff.
    assert!(
        text.contains("--- a/apps/web/staging/kustomization.yaml"),
        "{text}"
    );
    assert!(
        text.contains("-     newTag: \"1.1.0\"   # promoted"),
        "{text}"
    );
    assert!(
        text.contains("+     newTag: \"1.2.0\"   # promoted"),
        "{text}"
    );
    assert!(text.contains("+++ b/Deployment/staging-web"), "{text}");
    assert!(
        text.contains("+         image: ghcr.io/acme/web:1.2.0"),
        "{text}"
    );
    assert_eq!(
        keys(&mut app, "<enter>"),
        vec![Effect::Send(EngineCommand::Promote {
            pipeline: "web".into(),
            stage: "web-staging".into(),
        })]
    );
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.promotion().is_none());
    app.apply_event(EngineEvent::CommandDone {
        app: "web-staging".into(),
        ok: true,
        message: "committed 1234567: promote web: web-dev → web-staging".into(),
    });
    // The pipeline loads again to show what the stage now runs.
    assert_eq!(
        app.take_commands(),
        [EngineCommand::Pipeline { name: "web".into() }]
    );
    assert!(screen(&app, 120, 40).contains("web-staging: committed 1234567"));
    // A manual stage is then synced through the normal sync dialog: `s`
    // acts on the selected stage, not on the pipeline.
    app.apply_event(EngineEvent::Pipeline {
        name: "web".into(),
        view: Arc::new(PipelineView {
            name: "web".into(),
            stages: vec![
                stage("web-dev", "ghcr.io/acme/web:1.2.0", Vec::new(), None),
                stage("web-staging", "ghcr.io/acme/web:1.2.0", Vec::new(), Some(0)),
            ],
        }),
    });
    assert_eq!(
        keys(&mut app, "s"),
        vec![Effect::Send(EngineCommand::Plan {
            app: "web-staging".into(),
            prune: false,
        })]
    );
    assert_eq!(
        app.mode(),
        &Mode::ConfirmSync {
            app: "web-staging".into(),
            prune: false
        }
    );
}

#[test]
fn a_failed_gate_or_a_refusal_commits_nothing() {
    let mut app = pipeline_app(new_app());
    keys(&mut app, "jP");
    app.apply_event(preview(vec![
        gate(
            "healthy",
            false,
            "web-dev is Synced and Degraded at 0123456",
        ),
        gate("syncWindow", true, "no sync window blocks web-staging"),
    ]));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Promotion into web-staging refused by gate healthy"),
        "{text}"
    );
    assert!(
        text.contains("FAIL healthy web-dev is Synced and Degraded at 0123456"),
        "{text}"
    );
    assert!(
        text.contains("--- a/apps/web/staging/kustomization.yaml"),
        "{text}"
    );
    assert!(
        keys(&mut app, "y").is_empty(),
        "a failed gate is not committed"
    );
    let status = app.status().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(
        status.text.contains(
            "web-staging: promotion refused by gate healthy: web-dev is Synced and Degraded"
        ),
        "{status:?}"
    );
    assert!(keys(&mut app, "<esc>").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.status().unwrap().text.contains("nothing was written"));

    // The engine refuses outright: a dirty stage folder.
    keys(&mut app, "P");
    app.apply_event(EngineEvent::CommandDone {
        app: "web-staging".into(),
        ok: false,
        message: "app web-staging: promotion refused: apps/web/staging has uncommitted changes"
            .into(),
    });
    let text = screen(&app, 120, 40);
    assert!(text.contains("refused by the engine"), "{text}");
    assert!(text.contains("has uncommitted changes"), "{text}");
    assert_eq!(app.status().unwrap().level, StatusLevel::Error);
    assert!(keys(&mut app, "y").is_empty());
    keys(&mut app, "n");
    assert_eq!(app.mode(), &Mode::Normal);
    // A late preview after cancelling is dropped.
    app.apply_event(preview(Vec::new()));
    assert!(app.promotion().is_none());
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn read_only_hides_promote_and_keeps_compare() {
    let opts = TuiOptions {
        title: "fixture".into(),
        read_only: true,
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(fixture()), &opts, None);
    app.resize(120, 40);
    let mut app = pipeline_app(app);
    let text = screen(&app, 120, 40);
    assert!(!text.contains("<P> promote"), "{text}");
    assert!(keys(&mut app, "P").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.promotion().is_none());
    // Comparing writes nothing, so it stays.
    assert_eq!(keys(&mut app, "c").len(), 1);
}

/// The TUI over a real engine on the sim: see the scenario.
#[tokio::test(flavor = "multi_thread")]
async fn promote_from_the_pipeline_view_commits_once_on_confirmation() {
    let stages = common::stages::Stages::sim("").await;
    promote_flow::promote_from_the_pipeline_view(&stages).await;
}
