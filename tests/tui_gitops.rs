//! Live Argo CD and Flux apps in the UI (DESIGN.md §5, §6), looking:
//! filters by engine and context, ApplicationSets and the apps one
//! generated, an app of apps' child opened from the tree, `r` asking the
//! controller too, and read-only hiding every action. Scripted keys assert
//! the commands sent, snapshots the screens.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use std::sync::Arc;
use tether::engine::{EngineCommand, EngineEvent, LiveAction};
use tether::tui::state::View;
use tether::tui::{Effect, Mode};
use tui_support::gitops::*;
use tui_support::*;

#[test]
fn filters_by_engine_and_context_and_the_header_says_so() {
    let mut app = gitops_app(false);
    assert_eq!(app.visible_apps().len(), 13);
    keys(&mut app, ":argocd<enter>");
    assert!(
        app.visible_apps()
            .iter()
            .all(|k| k.starts_with("prod/argocd/"))
    );
    assert_eq!(app.visible_apps().len(), 4);
    keys(&mut app, ":ctx staging<enter>");
    assert!(app.visible_apps().is_empty(), "no Argo CD app in staging");
    keys(&mut app, ":flux<enter>");
    assert_eq!(
        app.visible_apps(),
        ["staging/flux-system/infra", "staging/flux-system/podinfo"]
    );
    snap_both!(app, "gitops_filter_flux_staging");
    keys(&mut app, ":tether<enter>");
    assert_eq!(app.visible_apps().len(), 4, "tether's staging apps");
    keys(&mut app, ":ctx nowhere<enter>");
    assert!(screen(&app, 120, 40).contains("unknown context 'nowhere' (known: prod, staging)"));
    keys(&mut app, ":all<enter>");
    assert_eq!(app.visible_apps().len(), 13);
    assert!(!screen(&app, 120, 40).contains("showing"));
    // `:ctx` alone is the contexts view; enter there lists one's apps.
    keys(&mut app, ":ctx<enter>");
    assert!(matches!(app.views().last(), Some(View::Contexts(_))));
    keys(&mut app, "j<enter>");
    assert!(app.views().is_empty());
    assert_eq!(app.scope().context.as_deref(), Some("prod"));
    assert_eq!(app.visible_apps().len(), 7);
}

#[test]
fn appsets_view_drills_into_the_apps_it_generated() {
    let mut app = gitops_app(false);
    keys(&mut app, ":appsets<enter>");
    snap_both!(app, "gitops_appsets");
    keys(&mut app, "<enter>");
    let Some(View::AppSetApps(state)) = app.views().last() else {
        panic!(
            "not the apps of the ApplicationSet: {:?}",
            app.views().last()
        )
    };
    assert_eq!(state.appset, APPSET);
    snap_both!(app, "gitops_appset_apps");
    // Keys act on the selected generated app.
    assert_eq!(
        keys(&mut app, "j<enter>"),
        [Effect::Send(EngineCommand::Tree {
            app: "prod/argocd/guestbook-us".into()
        })]
    );
    keys(&mut app, "<esc>");
    assert!(matches!(app.views().last(), Some(View::AppSetApps(_))));
    let effects = keys(&mut app, "k");
    assert!(effects.is_empty());
    assert!(matches!(
        keys(&mut app, "s").as_slice(),
        [Effect::Send(EngineCommand::LivePlan { app, .. })] if app == EU
    ));
    keys(&mut app, "n<esc>");
    assert!(matches!(app.views().last(), Some(View::AppSets(_))));
    keys(&mut app, "<esc>");
    assert!(app.views().is_empty());
}

#[test]
fn enter_on_a_child_application_opens_its_tree() {
    let mut app = gitops_app(false);
    let platform = "prod/argocd/platform";
    select(&mut app, platform);
    keys(&mut app, "t");
    app.apply_event(EngineEvent::Tree {
        app: platform.into(),
        tree: Arc::new(vec![
            application_node("argo-workflows"),
            application_node("not-listed"),
        ]),
    });
    assert_eq!(
        keys(&mut app, "<enter>"),
        [Effect::Send(EngineCommand::Tree {
            app: "prod/argocd/argo-workflows".into()
        })]
    );
    keys(&mut app, "<esc>");
    let Some(View::Tree(tree)) = app.views().last() else {
        panic!("not back at the parent's tree")
    };
    assert_eq!(tree.app, platform);
    assert!(keys(&mut app, "j<enter>").is_empty());
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("not-listed is not listed")
    );
}

#[test]
fn refresh_of_a_live_app_also_asks_its_controller() {
    let mut app = gitops_app(false);
    select(&mut app, EU);
    assert_eq!(
        keys(&mut app, "r"),
        [
            Effect::Send(EngineCommand::Refresh),
            Effect::Send(EngineCommand::Live {
                app: EU.into(),
                action: LiveAction::Refresh {
                    hard: false,
                    with_source: false
                },
            }),
        ]
    );
    // In a view of the app too.
    keys(&mut app, "t");
    assert_eq!(
        keys(&mut app, "r"),
        [
            Effect::Send(EngineCommand::Tree { app: EU.into() }),
            Effect::Send(EngineCommand::Live {
                app: EU.into(),
                action: LiveAction::Refresh {
                    hard: false,
                    with_source: false
                },
            }),
        ]
    );
    keys(&mut app, "<esc>");
    // A suspended Flux object would refuse it.
    select(&mut app, "staging/flux-system/podinfo");
    assert_eq!(keys(&mut app, "r"), [Effect::Send(EngineCommand::Refresh)]);
}

#[test]
fn read_only_hides_every_live_action() {
    let mut app = gitops_app(true);
    select(&mut app, EU);
    assert!(keys(&mut app, "sSpT").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(keys(&mut app, "r"), [Effect::Send(EngineCommand::Refresh)]);
    snap_both!(app, "gitops_read_only");
    keys(&mut app, "h");
    app.apply_event(history_of(EU));
    assert!(keys(&mut app, "jjx").is_empty());
    // Looking is allowed.
    keys(&mut app, "<esc>");
    assert_eq!(
        keys(&mut app, "o"),
        [Effect::Send(EngineCommand::Operation { app: EU.into() })]
    );
    keys(&mut app, "<esc>?");
    let help = screen(&app, 120, 40);
    assert!(!help.contains("terminate the Argo CD operation"), "{help}");
    assert!(!help.contains("pause / resume automation"), "{help}");
}
