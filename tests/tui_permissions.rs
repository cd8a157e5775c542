//! The UI as a read-only user, on an engine running against the sim: the
//! action keys say which permission is missing in the status line instead
//! of opening a dialog that would fail, and the diff view says it compared
//! without a server-side dry-run.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod tui_support;

use common::automation::wait_snapshot;
use common::{CONFIGMAP, Env, file};
use std::sync::Arc;
use std::time::Duration;
use tether::engine::{EngineCommand, SyncOptions, WRITE_ACTIONS};
use tether::tui::{App, Effect, Mode, StatusLevel, TuiOptions};
use tui_support::{keys, screen};

#[tokio::test(flavor = "multi_thread")]
async fn action_keys_explain_the_missing_permission_in_the_status_line() {
    let env = Env::new().await;
    env.quick_engine()
        .sync("web", &SyncOptions::default())
        .await
        .unwrap();
    env.commit(
        &[file(
            "apps/web/configmap.yaml",
            &CONFIGMAP.replace("info", "warn"),
        )],
        "Quieter logs",
    );
    env.faults().read_only_user("alice");
    let engine = Arc::new(env.engine_as("alice"));
    let handle = engine.clone().spawn(Duration::from_millis(200));
    wait_snapshot(&handle, "denials", |a| {
        a.denied.len() == WRITE_ACTIONS.len()
    })
    .await;

    let mut app = App::from_options(handle.snapshot(), &TuiOptions::default(), None);
    app.resize(160, 30);
    let patch = "user \"alice\" may not patch configmaps in namespace web (forbidden)";
    let state = "user \"alice\" may not create configmaps in namespace tether-system (forbidden)";
    for (key, expected) in [
        ("s", format!("web: cannot sync: {patch}")),
        ("S", format!("web: cannot prune: {patch}")),
        ("p", format!("web: cannot pause: {state}")),
    ] {
        let effects = keys(&mut app, key);
        assert_eq!(effects, Vec::<Effect>::new(), "{key} sent a command");
        assert_eq!(app.mode(), &Mode::Normal, "{key} opened a dialog");
        let status = app.status().unwrap();
        assert_eq!(status.level, StatusLevel::Error);
        assert_eq!(status.text, expected);
        assert!(screen(&app, 160, 30).contains(&expected), "{key}");
    }

    // The diff view: the comparison without a dry-run, and why.
    let effects = keys(&mut app, "d");
    let [Effect::Send(command @ EngineCommand::Diff { .. })] = effects.as_slice() else {
        panic!("d did not ask for the diff: {effects:?}");
    };
    for event in engine.execute(command.clone(), None).await {
        app.apply_event(event);
    }
    let shown = screen(&app, 160, 30);
    assert!(
        shown.contains("without a server-side dry-run: user \"alice\" may not patch"),
        "{shown}"
    );
    assert!(shown.contains("LOG_LEVEL: warn"), "{shown}");
}
