//! `:pipeline NAME` (`:pl`): the stages of a pipeline from the engine's
//! answer, the selected stage's gates with why (DESIGN.md §7); `c`
//! compares a stage with the next side by side; the keys can be rebound;
//! the header shows an active freeze.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent, PipelineView, StageDiff, StageResourceDiff};
use tether::tui::{App, Effect, TuiOptions};
use tui_support::pipeline::*;
use tui_support::*;

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

fn stage_diff(a: &str, b: &str) -> StageDiff {
    let diff = format!(
        "--- {a}/Deployment/web\n+++ {b}/Deployment/web\n@@ -1,4 +1,4 @@\n spec:\n   template:\n-    image: ghcr.io/acme/web:1.1.0\n+    image: ghcr.io/acme/web:1.2.0\n   replicas: 1\n"
    );
    StageDiff {
        apps: [a.into(), b.into()],
        revisions: ["1111111aaaa".into(), "2222222bbbb".into()],
        resources: vec![
            StageResourceDiff {
                group: "apps".into(),
                kind: "Deployment".into(),
                namespace: String::new(),
                name: "web".into(),
                change: "update".into(),
                diff,
            },
            StageResourceDiff {
                group: String::new(),
                kind: "ConfigMap".into(),
                namespace: String::new(),
                name: "web-config".into(),
                change: "none".into(),
                diff: String::new(),
            },
        ],
    }
}

#[test]
fn c_compares_the_selected_stage_with_the_next_side_by_side() {
    let mut app = pipeline_app(new_app());
    let text = screen(&app, 120, 40);
    assert!(text.contains("<c> compare"), "hint shown: {text}");
    assert!(text.contains("<P> promote"), "hint shown: {text}");
    // Diffed from the next stage to the selected one: the selected stage
    // is the left (desired) column.
    assert_eq!(
        keys(&mut app, "c"),
        vec![Effect::Send(EngineCommand::Compare {
            a: "web-staging".into(),
            b: "web-dev".into(),
        })]
    );
    assert!(screen(&app, 120, 40).contains("Compare web-dev | web-staging"));
    // A comparison of other stages is stale.
    app.apply_event(EngineEvent::Compare {
        a: "web-prod".into(),
        b: "web-dev".into(),
        diff: Arc::new(stage_diff("web-prod", "web-dev")),
    });
    assert!(app.is_loading());
    app.apply_event(EngineEvent::Compare {
        a: "web-staging".into(),
        b: "web-dev".into(),
        diff: Arc::new(stage_diff("web-staging", "web-dev")),
    });
    assert!(!app.is_loading());
    let text = screen(&app, 140, 40);
    assert!(text.contains("web-dev @ 2222222"), "{text}");
    assert!(text.contains("web-staging @ 1111111"), "{text}");
    assert!(
        text.contains("Deployment/web · update · web-dev | web-staging"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.contains("image: ghcr.io/acme/web:1.2.0"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.find("1.2.0") < row.find("image: ghcr.io/acme/web:1.1.0"),
        "the selected stage on the left: {row}"
    );
    // `r` asks again for the same comparison; Esc goes back to the stages.
    assert_eq!(
        keys(&mut app, "r"),
        vec![Effect::Send(EngineCommand::Compare {
            a: "web-staging".into(),
            b: "web-dev".into(),
        })]
    );
    app.apply_event(EngineEvent::CommandDone {
        app: "web-dev".into(),
        ok: false,
        message: "app web-dev: render failed: bad kustomization".into(),
    });
    assert!(screen(&app, 120, 40).contains("bad kustomization"));
    keys(&mut app, "<esc>");
    assert!(screen(&app, 120, 40).contains("Pipeline web [3]"));
    // The last stage has nothing after it.
    assert!(keys(&mut app, "Gc").is_empty());
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("web-prod is the last stage"),
        "{:?}",
        app.status()
    );
}

#[test]
fn promote_and_compare_keys_can_be_rebound() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("keymaps")).unwrap();
    std::fs::write(
        dir.path().join("keymaps/mine.yaml"),
        "pipeline:\n  \"P\": none\n  \"c\": none\n  \"ctrl-p\": promote\n  \"=\": compare_stages\n",
    )
    .unwrap();
    let (keymap, problems) = tether::tui::Keymap::load(Some("mine"), Some(dir.path()));
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = App::new(
        Arc::new(fixture()),
        keymap,
        tether::tui::Theme::bundled_default().0,
        false,
        "fixture",
    );
    app.resize(120, 40);
    let mut app = pipeline_app(app);
    assert!(keys(&mut app, "c").is_empty());
    assert_eq!(keys(&mut app, "=").len(), 1);
    keys(&mut app, "<esc>j");
    assert!(keys(&mut app, "P").is_empty());
    assert_eq!(
        keys(&mut app, "<c-p>"),
        vec![Effect::Send(EngineCommand::PromotePreview {
            pipeline: "web".into(),
            stage: "web-staging".into(),
        })]
    );
}

/// A deny window open now for an app on screen shows in the header,
/// named with when it closes; one holding only apps out of the table's
/// scope does not.
#[test]
fn the_header_shows_an_active_freeze_of_an_app_on_screen() {
    let freeze = |name: &str, until: &str, apps: &[&str]| tether::engine::Freeze {
        source: format!("syncWindows[{name}]"),
        name: name.into(),
        until: until.into(),
        apps: apps.iter().map(|a| a.to_string()).collect(),
    };
    let mut snapshot = fixture();
    snapshot.freezes = vec![
        freeze("nightly-batch", "Tue 04:00 UTC", &["batch-prod"]),
        freeze("prod-weekend", "Mon 06:00 CET", &["web-prod", "api-prod"]),
    ];
    let mut app = App::from_options(Arc::new(snapshot), &TuiOptions::default(), None);
    app.resize(120, 40);
    let text = screen(&app, 120, 40);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("FREEZE nightly-batch until Tue 04:00 UTC (+1 more)"),
        "{text}"
    );
    keys(&mut app, ":ctx staging<enter>");
    let text = screen(&app, 120, 40);
    assert!(!text.contains("FREEZE"), "no staging app is frozen: {text}");
    keys(&mut app, ":all<enter>/web<enter>");
    assert!(
        screen(&app, 120, 40).contains("FREEZE"),
        "the filter does not change the scope"
    );
    // Without freezes, no marker.
    assert!(!screen(&new_app(), 120, 40).contains("FREEZE"));
}
