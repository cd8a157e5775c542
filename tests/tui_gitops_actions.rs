//! Actions on live Argo CD and Flux apps in the UI (DESIGN.md §5, §6):
//! the same keys as for tether's apps, each confirmed with the patches the
//! engine would send, in words — sync then the operation view, pause with
//! its reason and the ApplicationSet warning, terminate, rollback from the
//! history (Flux: revert instead), a 403 in the status line. Scripted keys
//! assert the commands sent, snapshots the screens.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use serde_json::json;
use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent, LiveAction};
use tether::live::patches;
use tether::tui::state::View;
use tether::tui::{Effect, Mode};
use tui_support::gitops::*;
use tui_support::*;

#[test]
fn live_sync_confirms_the_patch_in_words_then_shows_the_operation() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    assert_eq!(
        keys(&mut app, "s"),
        [Effect::Send(EngineCommand::LivePlan {
            app: EU.into(),
            action: sync_action(false),
        })]
    );
    assert!(screen(&app, 80, 24).contains("asking the engine what it would send"));
    // A plan for another action (a stale one) is not shown.
    app.apply_event(sync_plan(true));
    assert!(screen(&app, 80, 24).contains("asking the engine"));
    app.apply_event(sync_plan(false));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("patch Application/argocd/guestbook-eu:"),
        "{text}"
    );
    assert!(text.contains("remove status.operationState"), "{text}");
    assert!(
        text.contains("only if unchanged since resourceVersion \"4711\""),
        "{text}"
    );
    snap_both!(app, "gitops_sync_dialog");
    let effects = keys(&mut app, "y");
    assert_eq!(
        effects,
        [
            Effect::Send(EngineCommand::Live {
                app: EU.into(),
                action: sync_action(false),
            }),
            Effect::Send(EngineCommand::Operation { app: EU.into() }),
        ]
    );
    assert!(matches!(app.views().last(), Some(View::Operation(_))));
    assert!(screen(&app, 80, 24).contains("loading operation"));
    app.apply_event(EngineEvent::SyncProgress {
        app: EU.into(),
        resource: "Application/argocd/guestbook-eu".into(),
        action: "patched".into(),
    });
    app.apply_event(running_operation());
    let text = screen(&app, 120, 40);
    assert!(
        !text.contains("Syncing prod/argocd"),
        "the view shows it: {text}"
    );
    snap_both!(app, "gitops_operation_running");
    // Each snapshot reads the operation again while it is shown.
    app.apply_snapshot(Arc::new(gitops_snapshot()));
    assert_eq!(
        app.take_commands(),
        [EngineCommand::Operation { app: EU.into() }]
    );
    // The sync's end closes the progress; Esc leaves the view.
    app.apply_event(EngineEvent::CommandDone {
        app: EU.into(),
        ok: true,
        message: "synced prod/argocd/guestbook-eu at 4f2c9e1: successfully synced".into(),
    });
    assert_eq!(app.progress(), None);
    keys(&mut app, "<esc>");
    assert!(app.views().is_empty());
    // `o` opens it again.
    assert_eq!(
        keys(&mut app, "o"),
        [Effect::Send(EngineCommand::Operation { app: EU.into() })]
    );
}

#[test]
fn a_forbidden_patch_shows_in_the_status_line() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    keys(&mut app, "S");
    app.apply_event(sync_plan(true));
    assert!(screen(&app, 120, 40).contains("objects no longer in Git will be deleted"));
    keys(&mut app, "y<esc>");
    let message = "cannot sync Application/argocd/guestbook-eu: forbidden: applications.argoproj.io \"guestbook-eu\" is forbidden: User \"ada\" cannot patch resource \"applications\"";
    app.apply_event(EngineEvent::CommandDone {
        app: EU.into(),
        ok: false,
        message: message.into(),
    });
    assert_eq!(app.progress(), None);
    assert_eq!(app.status().unwrap().text, format!("{EU}: {message}"));
    assert!(screen(&app, 120, 40).contains("forbidden"));
    // A refused plan sends nothing.
    keys(&mut app, "s");
    app.apply_event(EngineEvent::CommandDone {
        app: EU.into(),
        ok: false,
        message: "cannot sync: an operation is already Running; wait for it or terminate it (`tether terminate`)".into(),
    });
    assert!(screen(&app, 120, 40).contains("cannot: cannot sync: an operation is already Running"));
    assert!(keys(&mut app, "y").is_empty());
    assert!(app.status().unwrap().text.contains("nothing sent"));
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn pause_asks_a_reason_showing_the_appset_warning() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    let pause = LiveAction::Pause {
        reason: String::new(),
    };
    assert_eq!(
        keys(&mut app, "p"),
        [Effect::Send(EngineCommand::LivePlan {
            app: EU.into(),
            action: pause.clone(),
        })]
    );
    let value =
        patches::argo_pause(&application(true), "ada@laptop", "2026-12-01T10:00:00Z", "").unwrap();
    app.apply_event(live_plan_event(pause, vec![patch(value)], &[WARNING]));
    keys(&mut app, "incident 7");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("ApplicationSet guestbook owns this app"),
        "{text}"
    );
    assert!(
        text.contains("tether.dev/pause-reason = \"incident 7\""),
        "the reason as typed: {text}"
    );
    assert!(text.contains("remove spec.syncPolicy.automated"), "{text}");
    snap_both!(app, "gitops_pause_reason");
    assert_eq!(
        keys(&mut app, "<enter>"),
        [Effect::Send(EngineCommand::Live {
            app: EU.into(),
            action: LiveAction::Pause {
                reason: "incident 7".into()
            },
        })]
    );
    // A paused live app resumes after a confirmation with its plan.
    select(&mut app, "prod/argocd/platform");
    assert_eq!(
        keys(&mut app, "p"),
        [Effect::Send(EngineCommand::LivePlan {
            app: "prod/argocd/platform".into(),
            action: LiveAction::Resume,
        })]
    );
    assert!(matches!(
        app.mode(),
        Mode::ConfirmLive {
            action: LiveAction::Resume,
            ..
        }
    ));
}

#[test]
fn terminate_asks_first_and_only_argo_cd_has_operations() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    assert_eq!(
        keys(&mut app, "T"),
        [Effect::Send(EngineCommand::LivePlan {
            app: EU.into(),
            action: LiveAction::Terminate,
        })]
    );
    let mut running = application(false);
    running["status"]["operationState"] = json!({"phase": "Running"});
    let value = patches::argo_terminate(&running).unwrap();
    app.apply_event(live_plan_event(
        LiveAction::Terminate,
        vec![patch(value)],
        &[],
    ));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Terminate the running operation of"),
        "{text}"
    );
    assert!(
        text.contains("set status.operationState.phase = \"Terminating\""),
        "{text}"
    );
    snap_both!(app, "gitops_terminate");
    assert_eq!(
        keys(&mut app, "y"),
        [Effect::Send(EngineCommand::Live {
            app: EU.into(),
            action: LiveAction::Terminate,
        })]
    );
    assert_eq!(app.progress().unwrap().doing, "Terminating");
    app.apply_event(EngineEvent::CommandDone {
        app: EU.into(),
        ok: true,
        message: "terminated prod/argocd/guestbook-eu: Operation terminated".into(),
    });
    assert_eq!(app.progress(), None);
    select(&mut app, "staging/flux-system/infra");
    assert!(keys(&mut app, "T").is_empty());
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("Flux runs no operations")
    );
    select(&mut app, "web-prod");
    assert!(keys(&mut app, "To").is_empty());
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("only a live Argo CD app")
    );
}

#[test]
fn rollback_from_the_history_shows_both_patches() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    keys(&mut app, "h");
    app.apply_event(history_of(EU));
    // Newest first: sync #4, the commit, sync #3.
    let rollback = LiveAction::Rollback {
        id: 3,
        prune: false,
    };
    assert_eq!(
        keys(&mut app, "jjx"),
        [Effect::Send(EngineCommand::LivePlan {
            app: EU.into(),
            action: rollback.clone(),
        })]
    );
    let now = "2026-12-01T10:00:00Z";
    let pause = patches::argo_pause(
        &application(true),
        "ada@laptop",
        now,
        "rollback to history 3",
    )
    .unwrap();
    let sync = patches::argo_rollback(&application(false), 3, "tether:ada", false).unwrap();
    app.apply_event(live_plan_event(
        rollback.clone(),
        vec![patch(pause), patch(sync)],
        &[],
    ));
    let text = screen(&app, 120, 40);
    assert_eq!(
        text.matches("patch Application/argocd/guestbook-eu:")
            .count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("Roll prod/argocd/guestbook-eu back to sync #3?"),
        "{text}"
    );
    snap_both!(app, "gitops_rollback");
    // Too tall for 80x24: the plan scrolls under the question.
    app.resize(80, 24);
    let text = screen(&app, 80, 24);
    assert!(!text.contains("remove status.operationState"), "{text}");
    keys(&mut app, "<c-f>");
    let text = screen(&app, 80, 24);
    assert!(text.contains("remove status.operationState"), "{text}");
    assert!(
        text.contains("Roll prod/argocd/guestbook-eu back to sync #3?"),
        "{text}"
    );
    assert_eq!(
        keys(&mut app, "y"),
        [
            Effect::Send(EngineCommand::Live {
                app: EU.into(),
                action: rollback,
            }),
            Effect::Send(EngineCommand::Operation { app: EU.into() }),
        ]
    );
    assert_eq!(app.progress().unwrap().doing, "Rolling back");
    // x on a commit still reverts it.
    keys(&mut app, "<esc>");
    assert!(matches!(
        keys(&mut app, "kx").as_slice(),
        [Effect::Send(EngineCommand::RevertPreview { .. })]
    ));
}

#[test]
fn flux_has_no_rollback_and_offers_to_revert_the_commit() {
    let mut app = gitops_app(false);
    let infra = "staging/flux-system/infra";
    select(&mut app, infra);
    keys(&mut app, "h");
    app.apply_event(history_of(infra));
    assert_eq!(
        keys(&mut app, "x"),
        [Effect::Send(EngineCommand::RevertPreview {
            app: infra.into(),
            commit: Some("9a8b7c6d5e4f3a2b".into()),
        })]
    );
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Flux has no rollback: this reverts the commit"),
        "{text}"
    );
    // Flux prunes as its object says; S asks for a reconcile like s.
    keys(&mut app, "n<esc>S");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Flux prunes as the object's spec.prune says"),
        "{text}"
    );
    assert!(!text.contains("will be deleted"), "{text}");
    keys(&mut app, "nh");
    app.apply_event(history_of(infra));
    // A record whose revision is no listed commit: only the advice.
    assert!(keys(&mut app, "jjx").is_empty());
    assert!(
        app.status()
            .unwrap()
            .text
            .starts_with("Flux has no rollback")
    );
}
