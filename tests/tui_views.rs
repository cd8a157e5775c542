//! The views above the apps table, built from fixture engine events:
//! snapshots of every view at 120x40 and 80x24, and scripted keys through
//! `App::handle_key` asserting the commands sent to the engine.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use tether::engine::{EngineCommand, EngineEvent};
use tether::model::ResourceKey;
use tether::tui::state::{Loadable, View};
use tether::tui::{Effect, Mode};
use tui_support::*;

fn send(command: EngineCommand) -> Vec<Effect> {
    vec![Effect::Send(command)]
}

fn web_prod() -> tether::tui::App {
    let mut app = new_app();
    keys(&mut app, "/web-prod<enter>");
    assert_eq!(app.selected_app(), Some("web-prod"));
    app
}

#[test]
fn tree_view_indents_children_and_shows_why_nodes_are_not_healthy() {
    let mut app = web_prod();
    let effects = keys(&mut app, "t");
    assert_eq!(
        effects,
        send(EngineCommand::Tree {
            app: "web-prod".into()
        })
    );
    let loading = screen(&app, 80, 24);
    assert!(loading.contains("loading tree… ⠋"), "{loading}");
    assert!(app.on_tick(), "the spinner turns while loading");
    assert!(screen(&app, 80, 24).contains("loading tree… ⠙"));
    app.apply_event(tree_event("web-prod"));
    let text = screen(&app, 120, 40);
    assert!(text.contains("   └─ Pod/web-6d4f-x2k"), "{text}");
    assert!(text.contains("CrashLoopBackOff: back-off"), "{text}");
    snap_both!(app, "tree");
    // Enter collapses the Deployment; space expands it again.
    keys(&mut app, "j<enter>");
    assert!(!screen(&app, 120, 40).contains("ReplicaSet/web-6d4f"));
    assert!(screen(&app, 120, 40).contains("▸ Deployment/web"));
    keys(&mut app, "<space>jj");
    assert!(
        screen(&app, 120, 40).contains("▶ │  ├─ Pod/web-6d4f-a1b")
            || screen(&app, 120, 40).contains("Pod/web-6d4f-a1b")
    );
    // e: events of the selected node.
    keys(&mut app, "j");
    let effects = keys(&mut app, "e");
    assert_eq!(
        effects,
        send(EngineCommand::Events {
            app: "web-prod".into(),
            resource: Some(ResourceKey::new("", "Pod", Some("web"), "web-6d4f-x2k")),
        })
    );
}

#[test]
fn results_for_another_app_or_an_older_request_are_dropped() {
    let mut app = web_prod();
    keys(&mut app, "t");
    keys(&mut app, ":tree api-prod<enter>");
    app.apply_event(tree_event("web-prod"));
    let View::Tree(tree) = app.views().last().unwrap() else {
        panic!("not a tree")
    };
    assert_eq!(tree.app, "api-prod");
    assert_eq!(tree.nodes, Loadable::Loading, "the web-prod tree is stale");
    app.apply_event(tree_event("api-prod"));
    let View::Tree(tree) = app.views().last().unwrap() else {
        panic!("not a tree")
    };
    assert_eq!(tree.rows.len(), 7);
    // a second answer to the same request is dropped too
    app.apply_event(EngineEvent::Tree {
        app: "api-prod".into(),
        tree: std::sync::Arc::new(Vec::new()),
    });
    assert!(screen(&app, 80, 24).contains("ConfigMap/web-config"));
}

#[test]
fn a_failed_request_shows_in_its_view() {
    let mut app = web_prod();
    keys(&mut app, "h");
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: false,
        message: "cannot read the repository".into(),
    });
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("cannot load history: cannot read the repository"),
        "{text}"
    );
}

#[test]
fn diff_view_side_by_side_with_owners_hunks_and_unified_toggle() {
    let mut app = web_prod();
    assert_eq!(
        keys(&mut app, "d"),
        send(EngineCommand::Diff {
            app: "web-prod".into(),
            revision: None
        })
    );
    assert!(screen(&app, 80, 24).contains("loading diff…"));
    app.apply_event(diff_event("web-prod"));
    // changed first: ConfigMap, Deployment, Secret, then Service
    keys(&mut app, "j");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("/spec/replicas owned live by kubectl-edit (Update)"),
        "{text}"
    );
    assert!(text.contains("desired @ 4f2c9e1"), "{text}");
    snap_both!(app, "diff_side_by_side");
    let View::Diff(diff) = app.views().last().unwrap() else {
        panic!("not a diff")
    };
    assert_eq!(diff.scroll, 0);
    let hunks = diff.prepared.as_ref().unwrap().side.hunks.clone();
    keys(&mut app, "n");
    let View::Diff(diff) = app.views().last().unwrap() else {
        panic!("not a diff")
    };
    assert_eq!(
        hunks.len(),
        2,
        "two hunks: replicas, then image and resources"
    );
    assert_eq!(diff.scroll, hunks[1], "n jumps to the next hunk");
    assert!(screen(&app, 120, 40).contains("@@ -16,7 +16,10 @@"));
    assert!(
        !screen(&app, 120, 40).contains("replicas: 2"),
        "scrolled past"
    );
    keys(&mut app, "n");
    assert_eq!(app.status().unwrap().text, "no more hunks");
    keys(&mut app, "N");
    let View::Diff(diff) = app.views().last().unwrap() else {
        panic!("not a diff")
    };
    assert_eq!(diff.scroll, 0, "N goes back to the first hunk");
    keys(&mut app, "u");
    let text = screen(&app, 120, 40);
    assert!(text.contains("--- live/Deployment/web/web"), "{text}");
    snap_both!(app, "diff_unified");
    keys(&mut app, "u");
    // c hides the unchanged Service
    assert!(screen(&app, 120, 40).contains("Service/web"));
    keys(&mut app, "c");
    let text = screen(&app, 120, 40);
    assert!(!text.contains("none   Service/web"), "{text}");
    assert!(text.contains("(1 hidden)"), "{text}");
}

#[test]
fn diff_marks_changed_lines_with_the_theme_and_highlights_yaml() {
    let mut app = web_prod();
    keys(&mut app, "d");
    app.apply_event(diff_event("web-prod"));
    keys(&mut app, "j");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let find = |needle: &str| {
        (0..40u16).find_map(|y| {
            let line: String = (0..120u16).map(|x| buffer[(x, y)].symbol()).collect();
            line.find(needle)
                .map(|at| (line[..at].chars().count() as u16, y))
        })
    };
    let (x, y) = find("replicas: 2").unwrap();
    let added_bg = app.theme().style("diff.added.bg").bg.unwrap();
    assert_eq!(buffer[(x, y)].bg, added_bg, "the desired side is marked");
    assert!(
        matches!(buffer[(x, y)].fg, ratatui::style::Color::Rgb(..)),
        "syntect colours the YAML"
    );
    let (x, y) = find("replicas: 5").unwrap();
    assert_eq!(
        buffer[(x, y)].bg,
        app.theme().style("diff.removed.bg").bg.unwrap()
    );
}

#[test]
fn history_merges_commits_and_syncs_and_marks_the_synced_revision() {
    let mut app = web_prod();
    assert_eq!(
        keys(&mut app, "h"),
        send(EngineCommand::History {
            app: "web-prod".into()
        })
    );
    app.apply_event(history_event("web-prod"));
    let text = screen(&app, 120, 40);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("2026-11-")).collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(rows[0].contains("9a8b7c6"), "newest first: {}", rows[0]);
    let marked = |row: &str, what: &str| row.contains("● 2026-11-20T09:0") && row.contains(what);
    assert!(marked(rows[1], "sync #2"), "{}", rows[1]);
    assert!(marked(rows[2], "commit"), "{}", rows[2]);
    assert!(!rows[0].contains('●') && !rows[3].contains('●'));
    snap_both!(app, "history");
}

#[test]
fn events_of_the_app() {
    let mut app = web_prod();
    assert_eq!(
        keys(&mut app, "e"),
        send(EngineCommand::Events {
            app: "web-prod".into(),
            resource: None
        })
    );
    app.apply_event(events_event("web-prod"));
    assert!(screen(&app, 120, 40).contains("Back-off restarting failed container web"));
    snap_both!(app, "events");
}

#[test]
fn yaml_of_a_tree_node_scrolls_and_is_highlighted() {
    let mut app = web_prod();
    keys(&mut app, "t");
    app.apply_event(tree_event("web-prod"));
    let key = ResourceKey::new("apps", "Deployment", Some("web"), "web");
    assert_eq!(
        keys(&mut app, "jy"),
        send(EngineCommand::Yaml {
            app: "web-prod".into(),
            resource: key.clone()
        })
    );
    app.apply_event(yaml_event(
        "web-prod",
        ResourceKey::new("", "Service", Some("web"), "web"),
    ));
    assert!(
        app.views().last().unwrap().is_loading(),
        "another resource: stale"
    );
    app.apply_event(yaml_event("web-prod", key));
    snap_both!(app, "yaml");
    // The theme's syntax theme colours the YAML; switching themes recolours it.
    let colour_of_first = |app: &tether::tui::App| {
        let View::Yaml(yaml) = app.views().last().unwrap() else {
            panic!("not yaml")
        };
        yaml.lines[0][0].style.fg
    };
    let dark = colour_of_first(&app);
    let (light, problems) = tether::tui::Theme::load(Some("light"), None);
    assert!(problems.is_empty(), "{problems:?}");
    app.set_theme(light, &problems);
    assert_ne!(colour_of_first(&app), dark);
    keys(&mut app, "jjj");
    let text = screen(&app, 80, 24);
    assert!(text.contains("[4/22]"), "{text}");
    assert!(!text.contains("apiVersion: apps/v1"));
    let View::Yaml(yaml) = app.views().last().unwrap() else {
        panic!("not yaml")
    };
    assert!(yaml.lines[0].iter().any(|s| s.style.fg.is_some()));
    // Esc goes back through the stack: YAML → tree → apps.
    keys(&mut app, "<esc>");
    assert!(matches!(app.views().last(), Some(View::Tree(_))));
    keys(&mut app, "<esc>");
    assert!(app.views().is_empty());
    assert_eq!(app.filter(), "web-prod", "the apps view kept its filter");
}

#[test]
fn contexts_view_lists_clusters() {
    let mut app = new_app();
    assert!(keys(&mut app, ":ctx<enter>").is_empty());
    let text = screen(&app, 120, 40);
    assert!(text.contains("○ disconnected"), "{text}");
    assert!(text.contains("https://10.0.0.1:6443"));
    assert!(text.contains("connection refused"));
    snap_both!(app, "contexts");
}

#[test]
fn sync_plan_dialog_then_progress_then_done() {
    let mut app = web_prod();
    assert_eq!(
        keys(&mut app, "s"),
        send(EngineCommand::Plan {
            app: "web-prod".into(),
            prune: false
        })
    );
    assert!(screen(&app, 80, 24).contains("planning…"));
    app.apply_event(plan_event("web-prod"));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("1 create · 2 update · 1 delete · 2 unchanged"),
        "{text}"
    );
    assert!(text.contains("takes /spec/replicas from kubectl-edit (Update) on Deployment/web"));
    snap_both!(app, "plan_dialog");
    assert_eq!(
        keys(&mut app, "y"),
        send(EngineCommand::Sync {
            app: "web-prod".into(),
            prune: false
        })
    );
    for (resource, action) in [
        ("ConfigMap/web-config", "configured"),
        ("Secret/web-tls", "created"),
    ] {
        app.apply_event(EngineEvent::SyncProgress {
            app: "web-prod".into(),
            resource: resource.into(),
            action: action.into(),
        });
    }
    assert!(app.is_loading());
    snap_both!(app, "sync_progress");
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: true,
        message: "synced web-prod: 1 created, 1 configured, 0 unchanged".into(),
    });
    assert_eq!(app.progress(), None);
    assert!(screen(&app, 80, 24).contains("web-prod: synced web-prod"));
}

#[test]
fn pause_asks_a_reason_and_resume_asks_first() {
    let mut app = web_prod();
    assert!(keys(&mut app, "p").is_empty());
    keys(&mut app, "deploy freezx<backspace>e");
    assert_eq!(
        app.mode(),
        &Mode::PauseReason {
            app: "web-prod".into(),
            input: "deploy freeze".into()
        }
    );
    snap_both!(app, "pause_input");
    assert_eq!(
        keys(&mut app, "<enter>"),
        send(EngineCommand::Pause {
            app: "web-prod".into(),
            reason: "deploy freeze".into()
        })
    );
    // api-prod is paused: p offers to resume.
    keys(&mut app, "<esc>/api-prod<enter>p");
    assert_eq!(
        app.mode(),
        &Mode::ConfirmResume {
            app: "api-prod".into()
        }
    );
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Resume automated sync of api-prod? y/n"),
        "{text}"
    );
    assert!(text.contains("⏸ paused: incident 42: frozen"), "{text}");
    assert_eq!(
        keys(&mut app, "y"),
        send(EngineCommand::Resume {
            app: "api-prod".into()
        })
    );
}

#[test]
fn scripted_filter_tree_diff_sync_progress_done() {
    let mut app = new_app();
    let mut sent = Vec::new();
    sent.extend(keys(&mut app, "/web-p<enter>t"));
    app.apply_event(tree_event("web-prod"));
    sent.extend(keys(&mut app, "d"));
    app.apply_event(diff_event("web-prod"));
    sent.extend(keys(&mut app, "jS"));
    app.apply_event(plan_event("web-prod"));
    assert!(screen(&app, 80, 24).contains("objects no longer in Git will be deleted"));
    sent.extend(keys(&mut app, "y"));
    app.apply_event(EngineEvent::SyncProgress {
        app: "web-prod".into(),
        resource: "Deployment/web".into(),
        action: "configured".into(),
    });
    assert!(screen(&app, 80, 24).contains("Deployment/web configured"));
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".into(),
        ok: true,
        message: "synced".into(),
    });
    assert_eq!(app.progress(), None);
    let app_name = || "web-prod".to_string();
    assert_eq!(
        sent,
        [
            Effect::Send(EngineCommand::Tree { app: app_name() }),
            Effect::Send(EngineCommand::Diff {
                app: app_name(),
                revision: None
            }),
            Effect::Send(EngineCommand::Plan {
                app: app_name(),
                prune: true
            }),
            Effect::Send(EngineCommand::Sync {
                app: app_name(),
                prune: true
            }),
        ]
    );
    assert!(
        matches!(app.views().last(), Some(View::Diff(_))),
        "the diff stays open"
    );
}

#[test]
fn command_mode_completes_with_tab_and_switches_keymaps() {
    let mut app = new_app();
    keys(&mut app, ":di<tab>");
    assert_eq!(app.mode(), &Mode::Command("diff ".into()));
    keys(&mut app, "we<tab>");
    assert_eq!(app.mode(), &Mode::Command("diff web-".into()));
    let text = screen(&app, 80, 24);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains("web-prod  web-staging"),
        "{text}"
    );
    keys(&mut app, "s<tab>");
    assert_eq!(app.mode(), &Mode::Command("diff web-staging".into()));
    assert_eq!(
        keys(&mut app, "<enter>"),
        send(EngineCommand::Diff {
            app: "web-staging".into(),
            revision: None
        })
    );
    assert_eq!(
        keys(&mut app, ":keymap vim<enter>"),
        [Effect::LoadKeymap("vim".into())]
    );
    let (vim, problems) = tether::tui::Keymap::load(Some("vim"), None);
    app.set_keymap(vim, &problems);
    // vim: h goes back from a view
    keys(&mut app, "h");
    assert!(app.views().is_empty());
    assert!(keys(&mut app, ":history nope<enter>").is_empty());
    assert_eq!(app.status().unwrap().text, "unknown app 'nope'");
}

#[test]
fn apps_sort_by_column_and_group() {
    let mut app = new_app();
    keys(&mut app, "<c-s>");
    assert_eq!(app.visible_apps()[0], "api-prod", "by name");
    keys(&mut app, "<c-r>");
    assert_eq!(app.visible_apps()[0], "worker-staging", "reversed");
    assert!(screen(&app, 120, 40).contains("NAME▼"));
    keys(&mut app, "<c-r><c-s><c-s><c-s>");
    assert_eq!(
        app.visible_apps()[..2],
        ["api-prod", "web-staging"],
        "by health: Healthy first"
    );
    keys(&mut app, "<c-s><c-s><c-s><c-g>");
    let text = screen(&app, 120, 40);
    assert!(text.contains("api (2)"), "{text}");
    snap_both!(app, "apps_grouped");
    keys(&mut app, "<c-g>");
    assert!(screen(&app, 120, 40).contains("prod (3)"));
}
