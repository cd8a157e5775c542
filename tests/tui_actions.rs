//! Resource actions in the tree view: a Rollout node shows its progress,
//! `a` opens the menu of the actions that apply to it, the choice is
//! confirmed and only then sent to the engine; nodes without actions and
//! read-only mode refuse.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent};
use tether::model::{HealthStatus, ResourceKey, ResourceNode, SyncStatus};
use tether::tui::{App, Effect, Mode, TuiOptions};
use tui_support::*;

fn rollout_tree() -> EngineEvent {
    let rollout = ResourceNode {
        group: "argoproj.io".to_string(),
        version: "v1alpha1".to_string(),
        kind: "Rollout".to_string(),
        namespace: "web".to_string(),
        name: "checkout".to_string(),
        sync: Some(SyncStatus::Synced),
        health: HealthStatus::Suspended,
        message: "CanaryPauseStep".to_string(),
        info: "Paused: CanaryPauseStep · step 1/4 · weight 25 (actual 25)".to_string(),
        actions: vec![
            "promote".to_string(),
            "promote-full".to_string(),
            "abort".to_string(),
        ],
        events: Vec::new(),
        children: Vec::new(),
    };
    let service = ResourceNode {
        group: String::new(),
        version: "v1".to_string(),
        kind: "Service".to_string(),
        name: "checkout".to_string(),
        info: String::new(),
        actions: Vec::new(),
        health: HealthStatus::Healthy,
        ..rollout.clone()
    };
    EngineEvent::Tree {
        app: "web-prod".to_string(),
        tree: Arc::new(vec![rollout, service]),
    }
}

fn tree_of_web_prod(read_only: bool) -> App {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        read_only,
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(fixture()), &opts, None);
    app.resize(120, 40);
    keys(&mut app, "/web-prod<enter>t");
    app.apply_event(rollout_tree());
    app
}

#[test]
fn a_opens_the_rollouts_actions_and_sends_the_confirmed_one() {
    let mut app = tree_of_web_prod(false);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Paused: CanaryPauseStep · step 1/4 · weight 25 (actual 25)"),
        "{text}"
    );
    assert!(keys(&mut app, "a").is_empty());
    let resource = ResourceKey::new("argoproj.io", "Rollout", Some("web"), "checkout");
    assert_eq!(
        app.mode(),
        &Mode::ActionMenu {
            app: "web-prod".into(),
            resource: resource.clone(),
            actions: vec!["promote".into(), "promote-full".into(), "abort".into()],
            selected: 0,
        }
    );
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Rollout/web/checkout (y chooses, n cancels):"),
        "{text}"
    );
    assert!(text.contains("> promote "), "{text}");
    // j moves down; choosing asks first and sends nothing.
    assert!(keys(&mut app, "j<enter>").is_empty());
    assert_eq!(
        app.mode(),
        &Mode::ConfirmAction {
            app: "web-prod".into(),
            resource: resource.clone(),
            action: "promote-full".into(),
        }
    );
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("promote-full Rollout/web/checkout? y/n"),
        "{text}"
    );
    assert_eq!(
        keys(&mut app, "y"),
        [Effect::Send(EngineCommand::ResourceAction {
            app: "web-prod".into(),
            resource,
            action: "promote-full".into(),
        })]
    );
    assert_eq!(app.mode(), &Mode::Normal);

    // Cancelled at the confirmation: nothing sent.
    assert!(keys(&mut app, "a<enter>n").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(
        app.status().unwrap().text,
        "promote Rollout/checkout cancelled"
    );
}

#[test]
fn nodes_without_actions_and_read_only_mode_refuse() {
    let mut app = tree_of_web_prod(false);
    assert!(keys(&mut app, "ja").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("Service/checkout has no actions"),
        "{:?}",
        app.status()
    );

    let mut app = tree_of_web_prod(true);
    assert!(keys(&mut app, "a").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
}
