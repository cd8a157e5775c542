//! Reverting a commit from the history view: `x` asks for a preview, the
//! dialog shows the diff (scrollable) or the engine's refusal, and only a
//! shown preview can be confirmed.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent};
use tether::tui::state::Loadable;
use tether::tui::{App, Effect, Mode, TuiOptions};
use tui_support::*;

const NEWEST: &str = "9a8b7c6d5e4f";

fn send(command: EngineCommand) -> Vec<Effect> {
    vec![Effect::Send(command)]
}

/// web-prod's history shown, the newest commit selected.
fn history(mut app: App) -> App {
    keys(&mut app, "/web-prod<enter>h");
    app.apply_event(history_event("web-prod"));
    app
}

fn preview_diff() -> String {
    let mut diff = String::from(
        "diff --git a/apps/web/deploy.yaml b/apps/web/deploy.yaml\n\
         index 1111111..2222222 100644\n\
         --- a/apps/web/deploy.yaml\n\
         +++ b/apps/web/deploy.yaml\n\
         @@ -6,9 +6,9 @@ metadata:\n   namespace: web\n spec:\n-  replicas: 2\n+  replicas: 5\n",
    );
    for i in 0..40 {
        diff.push_str(&format!("   # line {i}\n"));
    }
    diff.push_str(
        "-        image: ghcr.io/acme/web:1.5.0\n+        image: ghcr.io/acme/web:1.4.0\n",
    );
    diff
}

fn preview(commit: &str) -> EngineEvent {
    EngineEvent::RevertPreview {
        app: "web-prod".into(),
        commit: commit.into(),
        diff: preview_diff(),
    }
}

#[test]
fn x_previews_then_y_commits_the_revert() {
    let mut app = history(new_app());
    assert_eq!(
        keys(&mut app, "x"),
        send(EngineCommand::RevertPreview {
            app: "web-prod".into(),
            commit: Some(NEWEST.into()),
        })
    );
    assert_eq!(app.mode(), &Mode::ConfirmRevert);
    let text = screen(&app, 120, 40);
    assert!(text.contains("previewing…"), "{text}");
    assert!(
        keys(&mut app, "y").is_empty(),
        "no revert before the preview"
    );
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("waiting for the revert preview")
    );
    // a preview of another commit is stale
    app.apply_event(preview("0badc0ffee00"));
    assert_eq!(app.revert().unwrap().preview, Loadable::Loading);
    app.apply_event(preview(NEWEST));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Commit a revert of this in web-prod? y/n"),
        "{text}"
    );
    assert!(text.contains("web: 1.5.0, 2 replicas"), "{text}");
    assert!(text.contains("diff --git a/apps/web/deploy.yaml"), "{text}");
    assert!(text.contains("+   replicas: 5"), "{text}");
    assert!(!text.contains("web:1.4.0"), "below the fold: {text}");
    snap_both!(app, "revert_preview");
    keys(&mut app, "<c-f><c-f><c-f>");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("+         image: ghcr.io/acme/web:1.4.0"),
        "{text}"
    );
    keys(&mut app, "kj");
    assert_eq!(
        keys(&mut app, "y"),
        send(EngineCommand::Revert {
            app: "web-prod".into(),
            commit: Some(NEWEST.into()),
        })
    );
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.revert().is_none());
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: true,
        message: "committed 1234567: Revert \"web: 1.5.0, 2 replicas\"".into(),
    });
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("web-prod: committed 1234567: Revert"),
        "{text}"
    );
    // The history shown loads again, to show the revert commit.
    assert_eq!(
        app.take_commands(),
        [EngineCommand::History {
            app: "web-prod".into()
        }]
    );
    assert!(app.take_commands().is_empty());
    assert!(text.contains("loading history…"), "{text}");
}

#[test]
fn a_failed_revert_does_not_reload_and_says_why() {
    let mut app = history(new_app());
    keys(&mut app, "x");
    app.apply_event(preview(NEWEST));
    keys(&mut app, "y");
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: false,
        message: "cannot revert: the checkout has a detached HEAD".into(),
    });
    assert!(app.take_commands().is_empty());
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("web-prod: cannot revert: the checkout has a detached HEAD"),
        "{text}"
    );
    assert!(
        text.contains("web: 1.5.0, 2 replicas"),
        "history still shown: {text}"
    );
}

#[test]
fn a_refusal_shows_in_the_dialog_and_nothing_is_sent() {
    let mut app = history(new_app());
    keys(&mut app, "jjx");
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: false,
        message: "cannot revert: apps/web/deploy.yaml has uncommitted changes; commit or \
                  stash them first, then try again from the history view"
            .into(),
    });
    let text = screen(&app, 80, 24);
    assert!(text.contains("refused by the engine"), "{text}");
    assert!(text.contains("uncommitted changes"), "{text}");
    assert!(
        text.contains("the history view"),
        "the reason wraps: {text}"
    );
    snap_both!(app, "revert_refused");
    assert!(keys(&mut app, "y").is_empty());
    assert_eq!(app.mode(), &Mode::ConfirmRevert);
    assert!(keys(&mut app, "<esc>").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.revert().is_none());
}

#[test]
fn n_cancels_and_a_late_preview_is_dropped() {
    let mut app = history(new_app());
    keys(&mut app, "x");
    keys(&mut app, "n");
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("revert of 9a8b7c6 cancelled")
    );
    app.apply_event(preview(NEWEST));
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.revert().is_none());
    assert!(!app.is_loading());
}

#[test]
fn sync_records_are_not_reverted() {
    let mut app = history(new_app());
    // newest first: commit, sync #2, commit, commit, sync #1
    assert!(keys(&mut app, "jx").is_empty());
    assert!(app.status().unwrap().text.contains("select a commit"));
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn read_only_has_no_revert() {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        read_only: true,
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(fixture()), &opts, None);
    app.resize(120, 40);
    let mut app = history(app);
    assert!(keys(&mut app, "x").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(app.revert().is_none());
}
