//! Engine results that arrive while the user works: events answer the
//! resource they name (newest request wins), and a sync's progress shows
//! resource by resource until the sync itself ends.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use tether::engine::{EngineCommand, EngineEvent};
use tether::model::ResourceKey;
use tether::tui::Effect;
use tether::tui::state::{Loadable, View};
use tui_support::*;

fn events_of(resource: Option<ResourceKey>) -> EngineEvent {
    let EngineEvent::Events { app, events, .. } = events_event("web-prod") else {
        panic!("fixture is not events")
    };
    EngineEvent::Events {
        app,
        resource,
        events,
    }
}

fn shown_events(app: &tether::tui::App) -> Loadable<usize> {
    match app.views().last() {
        Some(View::Events(e)) => match &e.events {
            Loadable::Ready(events) => Loadable::Ready(events.len()),
            Loadable::Loading => Loadable::Loading,
            Loadable::Failed(m) => Loadable::Failed(m.clone()),
        },
        other => panic!("not the events view: {other:?}"),
    }
}

#[test]
fn events_of_a_resource_ignore_events_of_the_whole_app() {
    let mut app = new_app();
    keys(&mut app, "/web-prod<enter>t");
    app.apply_event(tree_event("web-prod"));
    // Deployment/web is the second row of the tree.
    let effects = keys(&mut app, "je");
    let deploy = ResourceKey::new("apps", "Deployment", Some("web"), "web");
    assert_eq!(
        effects,
        vec![Effect::Send(EngineCommand::Events {
            app: "web-prod".into(),
            resource: Some(deploy.clone()),
        })]
    );
    // An answer for the whole app (an older request) is stale.
    app.apply_event(events_of(None));
    assert_eq!(shown_events(&app), Loadable::Loading);
    // So is one for another resource.
    let other = ResourceKey::new("", "Service", Some("web"), "web");
    app.apply_event(events_of(Some(other)));
    assert_eq!(shown_events(&app), Loadable::Loading);
    app.apply_event(events_of(Some(deploy)));
    assert_eq!(shown_events(&app), Loadable::Ready(3));
    assert!(!app.is_loading());
}

#[test]
fn events_of_the_whole_app_ignore_events_of_a_resource() {
    let mut app = new_app();
    keys(&mut app, "/web-prod<enter>e");
    let deploy = ResourceKey::new("apps", "Deployment", Some("web"), "web");
    app.apply_event(events_of(Some(deploy)));
    assert_eq!(shown_events(&app), Loadable::Loading);
    app.apply_event(events_of(None));
    assert_eq!(shown_events(&app), Loadable::Ready(3));
}

fn progress(app: &str, resource: &str, action: &str) -> EngineEvent {
    EngineEvent::SyncProgress {
        app: app.into(),
        resource: resource.into(),
        action: action.into(),
    }
}

fn done(ok: bool, message: &str) -> EngineEvent {
    EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok,
        message: message.into(),
    }
}

#[test]
fn sync_progress_shows_each_resource_as_it_is_applied() {
    let mut app = new_app();
    keys(&mut app, "/web-prod<enter>s");
    app.apply_event(plan_event("web-prod"));
    keys(&mut app, "y");
    assert!(screen(&app, 120, 40).contains("waiting for the engine…"));
    let applied = [
        ("Namespace/web", "unchanged"),
        ("ConfigMap/web-config", "configured"),
        ("Secret/web-tls", "created"),
        ("Service/web", "unchanged"),
        ("Deployment/web", "configured"),
        ("Ingress/web-old", "deleted"),
    ];
    for (n, (resource, action)) in applied.iter().enumerate() {
        app.apply_event(progress("web-prod", resource, action));
        let text = screen(&app, 120, 40);
        assert!(text.contains(&format!("{} applied", n + 1)), "{text}");
        assert!(text.contains(&format!("{resource} {action}")), "{text}");
    }
    // The panel keeps the newest lines in view.
    let text = screen(&app, 120, 40);
    assert!(!text.contains("Namespace/web unchanged"), "{text}");
    // Another app's progress does not mix in.
    app.apply_event(progress("api-prod", "Service/api", "created"));
    assert_eq!(app.progress().unwrap().lines.len(), 6);
    // Other commands of the app finishing do not end the sync: a pause,
    // a failed diff requested meanwhile.
    keys(&mut app, "d");
    app.apply_event(done(false, "cannot render: bad kustomization"));
    app.apply_event(done(true, "paused web-prod"));
    assert!(app.progress().is_some());
    let View::Diff(diff) = app.views().last().unwrap() else {
        panic!("not a diff")
    };
    assert_eq!(
        diff.diff,
        Loadable::Failed("cannot render: bad kustomization".into())
    );
    // The sync's own failure ends it.
    app.apply_event(done(false, "apply failed: forbidden"));
    assert_eq!(app.progress(), None);
    assert!(screen(&app, 120, 40).contains("web-prod: apply failed: forbidden"));
}

#[test]
fn a_tether_sync_shows_its_waves_and_waits_in_the_panel() {
    use tether::engine::{PendingHealth, ResourceResult, SyncStep};
    let step = |step: SyncStep| EngineEvent::SyncStep {
        app: "web-prod".into(),
        elapsed_ms: 10,
        step,
    };
    let mut app = new_app();
    keys(&mut app, "/web-prod<enter>s");
    app.apply_event(plan_event("web-prod"));
    keys(&mut app, "y");
    app.apply_event(step(SyncStep::Wave {
        wave: Some(0),
        resources: 1,
    }));
    app.apply_event(step(SyncStep::Applied(ResourceResult {
        group: "apps".into(),
        kind: "Deployment".into(),
        namespace: "web".into(),
        name: "web".into(),
        wave: Some(0),
        action: "configured".into(),
        takeovers: Vec::new(),
    })));
    app.apply_event(step(SyncStep::Waiting {
        wave: Some(0),
        before: None,
        waiting_for: 1,
        pending: vec![PendingHealth {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: "web".into(),
            name: "web".into(),
            health: "Progressing".into(),
            message: "1 of 2 replicas ready".into(),
        }],
    }));
    let text = screen(&app, 120, 40);
    assert!(text.contains("1 applied"), "{text}");
    assert!(text.contains("wave 0: 1 resource"), "{text}");
    assert!(text.contains("Deployment/web configured"), "{text}");
    assert!(
        text.contains("wave 0: waiting for 1 resource to be healthy: Deployment/web (Progressing: 1 of 2 replicas ready)"),
        "{text}"
    );
}
