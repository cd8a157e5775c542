//! Argo CD and Flux apps in the UI: the ENGINE column appears once such
//! apps are listed, and keys send commands by the app's ref, so two apps
//! of one name stay apart.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::EngineCommand;
use tether::model::{AppEngine, AppOriginKind, AppStatus};
use tether::tui::{App, Effect, TuiOptions};
use tui_support::*;

fn imported(name: &str, engine: AppEngine, kind: &str, namespace: &str) -> AppStatus {
    AppStatus {
        name: name.to_string(),
        project: "default".to_string(),
        cluster: "staging".to_string(),
        namespace: "web".to_string(),
        engine,
        kind: Some(kind.to_string()),
        reference: format!("{kind}/{namespace}/{name}"),
        origin: AppOriginKind::Git,
        ..AppStatus::default()
    }
}

fn app_with_imports() -> App {
    let mut snapshot = fixture();
    snapshot
        .apps
        .push(imported("web", AppEngine::Argocd, "Application", "argocd"));
    snapshot.apps.push(imported(
        "web",
        AppEngine::Flux,
        "Kustomization",
        "flux-system",
    ));
    let mut app = App::from_options(Arc::new(snapshot), &TuiOptions::default(), None);
    app.resize(120, 40);
    app
}

#[test]
fn engine_column_shows_only_with_imported_apps() {
    let plain = new_app();
    assert!(!screen(&plain, 120, 40).contains("ENGINE"));
    let app = app_with_imports();
    let text = screen(&app, 120, 40);
    assert!(text.contains("NAME") && text.contains("ENGINE"), "{text}");
    assert!(
        text.contains("argocd") && text.contains("flux") && text.contains("tether"),
        "{text}"
    );
}

#[test]
fn keys_address_imported_apps_by_ref() {
    let mut app = app_with_imports();
    keys(&mut app, "/web<enter>");
    // Filtered to the rows whose name holds "web"; pick the Flux one.
    let visible = app.visible_apps();
    let position = visible
        .iter()
        .position(|k| *k == "Kustomization/flux-system/web")
        .unwrap_or_else(|| panic!("{visible:?}"));
    keys(&mut app, "g");
    for _ in 0..position {
        keys(&mut app, "j");
    }
    let effects = keys(&mut app, "d");
    assert_eq!(
        effects,
        vec![Effect::Send(EngineCommand::Diff {
            app: "Kustomization/flux-system/web".into(),
            revision: None,
        })]
    );
    // A bare name that two apps share is refused with both refs.
    keys(&mut app, "<esc><esc>");
    keys(&mut app, ":tree web<enter>");
    let text = screen(&app, 120, 40);
    assert!(text.contains("'web' names several apps"), "{text}");
}
