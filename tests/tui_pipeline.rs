//! `:pipeline NAME` (`:pl`): the stages of a pipeline from the engine's
//! answer, the selected stage's gates with why (DESIGN.md §7); `c`
//! compares a stage with the next, `P` previews a promotion into it and
//! commits only on confirmation.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod tui_support;

use std::sync::Arc;
use tether::engine::{
    EngineCommand, EngineEvent, FileChange, GateState, PipelineView, Promotion, StageDiff,
    StageResourceDiff, StageView,
};
use tether::tui::{App, Effect, Mode, StatusLevel, TuiOptions};
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

/// The `web` pipeline of three stages shown, web-dev selected; prod's
/// window gate closed.
fn pipeline_app(mut app: tether::tui::App) -> tether::tui::App {
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

/// Sends the commands of `effects` (and those the app asks for after
/// each event) to the real engine, feeding its events back.
async fn drive(app: &mut App, engine: &tether::engine::Engine, effects: Vec<Effect>) {
    let mut queue: std::collections::VecDeque<EngineCommand> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Send(command) => Some(command),
            _ => None,
        })
        .collect();
    while let Some(command) = queue.pop_front() {
        for event in engine.execute(command, None).await {
            app.apply_event(event);
        }
        queue.extend(app.take_commands());
    }
}

fn commit_count(stages: &common::stages::Stages) -> usize {
    let repo = gix::open(&stages.repo_path).unwrap();
    let head = repo.head_id().unwrap();
    head.ancestors().all().unwrap().count()
}

/// The TUI over a real engine on the sim: `c` shows the staging/prod
/// difference, Esc on a promotion preview writes nothing, confirming
/// makes exactly one commit on top of the previous HEAD.
#[tokio::test(flavor = "multi_thread")]
async fn promote_from_the_pipeline_view_commits_once_on_confirmation() {
    let sim = tether::sim::SimServer::start(tether::sim::SimOptions {
        pod_ready_delay: std::time::Duration::from_millis(50),
        name: "test".to_string(),
        ..Default::default()
    })
    .await
    .unwrap();
    let stages = common::stages::Stages::new("test", "");
    tether::sim::write_kubeconfig(&stages.kubeconfig, &[("test", sim.url().as_str())], "test")
        .unwrap();
    let kube = tether::cluster::KubeOptions {
        kubeconfig: Some(stages.kubeconfig.clone()),
        context: None,
    };
    let engine = tether::cli::load_engine(Some(&stages.config), kube, &Default::default()).unwrap();
    engine
        .sync("web-dev", &tether::engine::SyncOptions::default())
        .await
        .unwrap();
    let mut app = App::from_options(
        Arc::new(tether::engine::Snapshot::default()),
        &TuiOptions::default(),
        None,
    );
    app.resize(120, 40);
    // Until web-dev reports Healthy, so the gate into staging opens.
    for _ in 0..100 {
        let effects = keys(&mut app, "<esc>:pl web<enter>");
        drive(&mut app, &engine, effects).await;
        if screen(&app, 160, 40).contains("Synced/Healthy") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(screen(&app, 160, 40).contains("Synced/Healthy"));

    // Staging (1.1.0) against prod (1.0.0), made comparable.
    let effects = keys(&mut app, "jc");
    drive(&mut app, &engine, effects).await;
    let text = screen(&app, 160, 40);
    assert!(text.contains("update · web-staging | web-prod"), "{text}");
    assert!(text.contains("update Deployment/web"), "{text}");
    assert!(
        text.contains("19 +         image: ghcr.io/acme/web:1.1.0"),
        "{text}"
    );
    assert!(
        text.contains("19 -         image: ghcr.io/acme/web:1.0.0"),
        "{text}"
    );
    keys(&mut app, "<esc>");

    let head = stages.head();
    let commits = commit_count(&stages);
    let effects = keys(&mut app, "P");
    drive(&mut app, &engine, effects).await;
    let text = screen(&app, 160, 40);
    assert!(
        text.contains("Commit this promotion into web-staging on main? y/n"),
        "{text}"
    );
    assert!(
        text.contains("+     newTag: \"1.2.0\"   # promoted"),
        "{text}"
    );
    assert!(keys(&mut app, "<esc>").is_empty());
    assert_eq!(stages.head(), head, "Esc wrote nothing");
    assert_eq!(commit_count(&stages), commits);
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        common::stages::overlay("staging", "1.1.0")
    );

    let effects = keys(&mut app, "P");
    drive(&mut app, &engine, effects).await;
    let effects = keys(&mut app, "y");
    assert_eq!(effects.len(), 1);
    drive(&mut app, &engine, effects).await;
    let new_head = stages.head();
    assert_ne!(new_head, head);
    assert_eq!(commit_count(&stages), commits + 1, "exactly one commit");
    let repo = gix::open(&stages.repo_path).unwrap();
    let commit = repo
        .find_commit(gix::ObjectId::from_hex(new_head.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(
        commit
            .parent_ids()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        vec![head]
    );
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        common::stages::overlay("staging", "1.2.0")
    );
    let text = screen(&app, 160, 40);
    assert!(
        text.contains(&format!("web-staging: committed {}", &new_head[..7])),
        "{text}"
    );
    // The pipeline was loaded again: staging now runs 1.2.0.
    assert!(
        text.lines()
            .any(|l| l.contains("▶ web-staging") && l.contains("ghcr.io/acme/web:1.2.0")),
        "{text}"
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
