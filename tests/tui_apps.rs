//! The apps view: rendering a fixed snapshot, and scripted keys through
//! `App::handle_key` (no terminal).
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tether::engine::{ClusterState, EngineCommand, EngineEvent, Snapshot};
use tether::model::{AppStatus, HealthStatus, SyncStatus};
use tether::tui::{Action, App, Effect, KeyContext, Mode, StatusLevel, TuiOptions};

fn app_status(
    name: &str,
    cluster: &str,
    sync: SyncStatus,
    health: HealthStatus,
    message: &str,
) -> AppStatus {
    AppStatus {
        name: name.to_string(),
        project: name.split('-').next().unwrap().to_string(),
        cluster: cluster.to_string(),
        namespace: name.split('-').next().unwrap().to_string(),
        revision: "4f2c9e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e".to_string(),
        sync,
        health,
        paused: false,
        message: message.to_string(),
        resources: Vec::new(),
        ..AppStatus::default()
    }
}

/// Seven apps on two clusters (prod unreachable), every state represented.
fn fixture() -> Snapshot {
    use HealthStatus::{Degraded, Healthy, Progressing, Suspended};
    use SyncStatus::{OutOfSync, Synced};
    let mut apps = vec![
        app_status("web-prod", "prod", OutOfSync, Healthy, "1 resource differs"),
        app_status("web-staging", "staging", Synced, Healthy, ""),
        app_status(
            "api-staging",
            "staging",
            Synced,
            Progressing,
            "Deployment api: 1/3 ready",
        ),
        app_status("api-prod", "prod", Synced, Healthy, ""),
        app_status(
            "worker-staging",
            "staging",
            OutOfSync,
            Degraded,
            "CrashLoopBackOff",
        ),
        app_status(
            "batch-prod",
            "prod",
            SyncStatus::Unknown,
            HealthStatus::Unknown,
            "cluster prod unreachable",
        ),
        app_status(
            "cron-staging",
            "staging",
            Synced,
            Suspended,
            "CronJob suspended",
        ),
    ];
    apps[3].paused = true;
    apps[3].message = "rollback to 1a2b3c4".to_string();
    apps[1].revision = "WORKTREE".to_string();
    Snapshot {
        apps,
        clusters: vec![
            ClusterState {
                name: "staging".to_string(),
                server: "https://127.0.0.1:6443".to_string(),
                connected: true,
                message: String::new(),
            },
            ClusterState {
                name: "prod".to_string(),
                server: "https://10.0.0.1:6443".to_string(),
                connected: false,
                message: "connection refused".to_string(),
            },
        ],
        repos: vec!["./gitops".to_string()],
        generation: 7,
        ..Snapshot::default()
    }
}

fn new_app(read_only: bool) -> App {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        read_only,
        ..TuiOptions::default()
    };
    let app = App::from_options(Arc::new(fixture()), &opts, None);
    assert_eq!(app.status(), None, "bundled keymap and theme load cleanly");
    app
}

/// The screen as text, one line per row, trailing blanks trimmed.
fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut lines = Vec::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            skip = skip.max(unicode_width(cell.symbol())).saturating_sub(1);
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

fn unicode_width(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width()
}

/// Feeds keys written as in keymap files, `<enter>` style for named keys.
fn keys(app: &mut App, script: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        let (event, used) = if c == '<' {
            let end = rest.find('>').unwrap();
            let code = match &rest[1..end] {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "down" => KeyCode::Down,
                "up" => KeyCode::Up,
                "backspace" => KeyCode::Backspace,
                other => panic!("unknown key <{other}>"),
            };
            (KeyEvent::new(code, KeyModifiers::NONE), end + 1)
        } else {
            let modifiers = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            (KeyEvent::new(KeyCode::Char(c), modifiers), c.len_utf8())
        };
        effects.extend(app.handle_key(event));
        rest = &rest[used..];
    }
    effects
}

#[test]
fn renders_apps_view_at_120x40() {
    let app = new_app(false);
    insta::assert_snapshot!("apps_120x40", screen(&app, 120, 40));
}

#[test]
fn renders_apps_view_at_80x24() {
    let app = new_app(false);
    insta::assert_snapshot!("apps_80x24", screen(&app, 80, 24));
}

#[test]
fn header_counts_states_with_glyph_and_word() {
    let text = screen(&new_app(false), 120, 40);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("tether · fixture"), "{}", lines[0]);
    assert!(lines[1].contains("● staging"), "{}", lines[1]);
    assert!(
        lines[1].contains("○ prod (disconnected: connection refused)"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("./gitops"));
    assert!(
        lines[3].starts_with("Sync:     ✔ Synced 4  ✖ OutOfSync 2  ? Unknown 1"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with(
            "Health:   ♥ Healthy 3  ◐ Progressing 1  ✖ Degraded 1  ⏸ Suspended 1  ? Unknown 1"
        ),
        "{}",
        lines[4]
    );
}

#[test]
fn table_is_sorted_by_cluster_then_name() {
    let app = new_app(false);
    assert_eq!(
        app.visible_apps(),
        [
            "api-prod",
            "batch-prod",
            "web-prod",
            "api-staging",
            "cron-staging",
            "web-staging",
            "worker-staging"
        ]
    );
    let text = screen(&app, 120, 40);
    assert!(text.contains("4f2c9e1"), "revision shortened to 7");
    assert!(!text.contains("4f2c9e1d"));
    assert!(text.contains("✖ OutOfSync"));
    assert!(text.contains("⏸ paused rollback to 1a2b3c4"));
}

#[test]
fn filter_narrows_as_you_type_and_enter_keeps_it() {
    let mut app = new_app(false);
    keys(&mut app, "/web");
    assert_eq!(app.mode(), &Mode::Filter);
    assert_eq!(app.visible_apps(), ["web-prod", "web-staging"]);
    keys(&mut app, "<enter>");
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(app.filter(), "web");
    keys(&mut app, "j");
    assert_eq!(app.selected_app(), Some("web-staging"));
    insta::assert_snapshot!("apps_filtered_80x24", screen(&app, 80, 24));
}

#[test]
fn filter_matches_any_column_case_insensitively_and_esc_clears() {
    let mut app = new_app(false);
    keys(&mut app, "/CRASHLOOP");
    assert_eq!(app.visible_apps(), ["worker-staging"]);
    keys(
        &mut app,
        "<backspace><backspace><backspace><backspace><backspace><backspace><backspace><backspace><backspace><backspace>",
    );
    assert_eq!(app.visible_apps().len(), 7);
    keys(&mut app, "PROD<esc>");
    assert_eq!(app.filter(), "");
    assert_eq!(app.visible_apps().len(), 7);
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn moves_with_j_k_arrows_and_g_g() {
    let mut app = new_app(false);
    assert_eq!(app.selected_app(), Some("api-prod"));
    keys(&mut app, "jj");
    assert_eq!(app.selected_app(), Some("web-prod"));
    keys(&mut app, "k<down><down>");
    assert_eq!(app.selected_app(), Some("api-staging"));
    keys(&mut app, "G");
    assert_eq!(app.selected_app(), Some("worker-staging"));
    keys(&mut app, "j");
    assert_eq!(
        app.selected_app(),
        Some("worker-staging"),
        "stops at the end"
    );
    keys(&mut app, "g<up>");
    assert_eq!(app.selected_app(), Some("api-prod"));
}

#[test]
fn selection_follows_the_app_across_snapshots() {
    let mut app = new_app(false);
    keys(&mut app, "jj");
    assert_eq!(app.selected_app(), Some("web-prod"));
    let mut next = fixture();
    next.apps.push(app_status(
        "aaa-prod",
        "prod",
        SyncStatus::Synced,
        HealthStatus::Healthy,
        "",
    ));
    next.generation += 1;
    app.apply_snapshot(Arc::new(next));
    assert_eq!(app.selected_app(), Some("web-prod"));
}

fn plan_for(app: &str) -> EngineEvent {
    use tether::engine::{ResourceResult, SyncReport};
    let result = |kind: &str, name: &str, wave, action: &str| ResourceResult {
        group: String::new(),
        kind: kind.to_string(),
        namespace: "web".to_string(),
        name: name.to_string(),
        wave,
        action: action.to_string(),
        takeovers: Vec::new(),
    };
    EngineEvent::Plan {
        app: app.to_string(),
        plan: Arc::new(SyncReport {
            app: app.to_string(),
            revision: "4f2c9e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e".to_string(),
            dry_run: true,
            resources: vec![
                result("Namespace", "web", None, "unchanged"),
                result("ConfigMap", "web-config", Some(0), "configured"),
                result("Deployment", "web", Some(1), "created"),
            ],
            record_error: None,
            violations: Vec::new(),
        }),
    }
}

#[test]
fn sync_asks_first_then_sends() {
    let mut app = new_app(false);
    keys(&mut app, "jj");
    assert_eq!(
        keys(&mut app, "s"),
        [Effect::Send(EngineCommand::Plan {
            app: "web-prod".to_string(),
            prune: false
        })]
    );
    assert_eq!(
        app.mode(),
        &Mode::ConfirmSync {
            app: "web-prod".to_string(),
            prune: false
        }
    );
    assert!(keys(&mut app, "y").is_empty(), "no sync before the plan");
    app.apply_event(plan_for("web-prod"));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Sync web-prod? y/n"), "{text}");
    assert!(text.contains("1 create · 1 update · 0 delete"), "{text}");
    insta::assert_snapshot!("confirm_sync_80x24", text);
    let effects = keys(&mut app, "y");
    assert_eq!(
        effects,
        [Effect::Send(EngineCommand::Sync {
            app: "web-prod".to_string(),
            prune: false
        })]
    );
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn sync_with_prune_and_cancel() {
    let mut app = new_app(false);
    keys(&mut app, "S");
    assert!(screen(&app, 120, 40).contains("Sync api-prod with prune? y/n"));
    assert!(keys(&mut app, "x").is_empty(), "other keys are ignored");
    assert!(keys(&mut app, "n").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    keys(&mut app, "S");
    app.apply_event(plan_for("api-prod"));
    assert_eq!(
        keys(&mut app, "<enter>"),
        [Effect::Send(EngineCommand::Sync {
            app: "api-prod".to_string(),
            prune: true
        })]
    );
}

#[test]
fn read_only_hides_and_refuses_dangerous_actions() {
    let mut app = new_app(true);
    assert!(keys(&mut app, "sS").is_empty());
    assert_eq!(app.mode(), &Mode::Normal);
    let text = screen(&app, 120, 40);
    assert!(text.contains("[read-only]"));
    assert!(!text.contains("<s> sync"));
    keys(&mut app, "?");
    assert!(!screen(&app, 120, 40).contains(Action::Sync.description()));
}

#[test]
fn refresh_and_quit() {
    let mut app = new_app(false);
    assert_eq!(keys(&mut app, "r"), [Effect::Send(EngineCommand::Refresh)]);
    assert_eq!(keys(&mut app, "q"), [Effect::Quit]);
    assert_eq!(keys(&mut app, ":q<enter>"), [Effect::Quit]);
    assert!(keys(&mut app, ":nope<enter>").is_empty());
    assert_eq!(app.status().unwrap().text, "unknown command ':nope'");
}

#[test]
fn help_lists_every_binding_and_esc_closes() {
    let mut app = new_app(false);
    keys(&mut app, "?");
    assert_eq!(app.mode(), &Mode::Help(0));
    let first = screen(&app, 120, 40);
    insta::assert_snapshot!("help_120x40", first);
    // The help is longer than one screen: read it to the end.
    let mut text = first.clone();
    for _ in 0..200 {
        keys(&mut app, "j");
        text.push_str(&screen(&app, 120, 40));
    }
    for context in KeyContext::ALL {
        for (keys, action) in app.keymap().help_entries(context) {
            let entry = format!("{keys}  ");
            assert!(text.contains(&entry), "help lacks {keys}:\n{text}");
            assert!(text.contains(action.description()), "help lacks {action:?}");
        }
    }
    for (typed, what) in tether::tui::app_input::COMMANDS {
        assert!(
            text.contains(typed) && text.contains(what),
            "help lacks {typed}"
        );
    }
    keys(&mut app, "<esc>");
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn engine_events_show_in_the_status_line() {
    let mut app = new_app(false);
    app.apply_event(EngineEvent::CommandDone {
        app: "web-prod".to_string(),
        ok: false,
        message: "apply failed: forbidden".to_string(),
    });
    let status = app.status().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(
        screen(&app, 80, 24)
            .lines()
            .last()
            .unwrap()
            .contains("web-prod: apply failed: forbidden")
    );
    app.apply_event(EngineEvent::Warning {
        message: "cluster prod unreachable".to_string(),
    });
    assert_eq!(app.status().unwrap().level, StatusLevel::Warning);
}

#[test]
fn view_keys_ask_the_engine() {
    let mut app = new_app(false);
    assert_eq!(
        keys(&mut app, "d"),
        [Effect::Send(EngineCommand::Diff {
            app: "api-prod".to_string(),
            revision: None
        })]
    );
}

#[test]
fn theme_command_asks_the_loop_to_load_a_theme() {
    let mut app = new_app(false);
    assert_eq!(
        keys(&mut app, ":theme light<enter>"),
        [Effect::LoadTheme("light".to_string())]
    );
    let (light, problems) = tether::tui::Theme::load(Some("light"), None);
    app.set_theme(light.clone(), &problems);
    assert_eq!(app.theme(), &light);
}

#[test]
fn paging_keeps_the_selection_visible() {
    let mut app = new_app(false);
    app.resize(80, 12); // 12 - header 5 - status 1 - borders 2 - column header 1 = 3 rows
    keys(&mut app, "G");
    let text = screen(&app, 80, 12);
    assert!(text.contains("▶ worker-staging"), "{text}");
    keys(&mut app, "k");
    let text = screen(&app, 80, 12);
    assert!(text.contains("▶ web-staging"));
    assert!(
        text.contains("  worker-staging"),
        "the view did not jump:\n{text}"
    );
}

#[test]
fn states_are_styled_by_the_theme_and_ascii_glyphs_work() {
    let app = new_app(false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let row = (0..40)
        .find(|&y| {
            (0..120)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("│  web-prod")
        })
        .unwrap();
    let line: String = (0..120).map(|x| buffer[(x, row)].symbol()).collect();
    let column = u16::try_from(line.chars().position(|c| c == '✖').unwrap()).unwrap();
    let expected = app.theme().style("out_of_sync");
    assert_eq!(buffer[(column, row)].fg, expected.fg.unwrap());
    assert!(
        buffer[(column, row)]
            .modifier
            .contains(ratatui::style::Modifier::BOLD)
    );

    let (ascii, problems) = tether::tui::Theme::load(Some("ascii"), None);
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = new_app(false);
    app.set_theme(ascii, &[]);
    insta::assert_snapshot!("apps_ascii_80x24", screen(&app, 80, 24));
}

#[test]
fn vim_keymap_sequences() {
    let opts = TuiOptions {
        keymap: Some("vim".to_string()),
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(fixture()), &opts, None);
    assert_eq!(app.status(), None);
    keys(&mut app, "G");
    assert_eq!(app.selected_app(), Some("worker-staging"));
    keys(&mut app, "g");
    assert_eq!(
        app.selected_app(),
        Some("worker-staging"),
        "g waits for more"
    );
    assert!(screen(&app, 80, 24).lines().last().unwrap().contains("g …"));
    keys(&mut app, "g");
    assert_eq!(app.selected_app(), Some("api-prod"));
    // an unbound sequence drops the prefix and tries the key alone
    keys(&mut app, "gj");
    assert_eq!(app.selected_app(), Some("batch-prod"));
    assert!(app.pending_keys().is_empty());
}

#[test]
fn empty_tables_say_why() {
    let mut app = new_app(false);
    keys(&mut app, "/zzz<enter>");
    assert!(screen(&app, 80, 24).contains("no app matches 'zzz'"));
    assert_eq!(app.selected_app(), None);
    assert!(keys(&mut app, "s").is_empty(), "nothing to sync");
    assert_eq!(app.mode(), &Mode::Normal);
    let empty = App::from_options(Arc::new(Snapshot::default()), &TuiOptions::default(), None);
    assert!(screen(&empty, 80, 24).contains("no apps"));
}

#[test]
fn sync_dialog_counts_resources_not_in_sync() {
    use tether::model::ResourceStatus;
    let mut snapshot = fixture();
    let resource = |name: &str, sync| ResourceStatus {
        group: "apps".to_string(),
        version: "v1".to_string(),
        kind: "Deployment".to_string(),
        namespace: "web".to_string(),
        name: name.to_string(),
        sync,
        health: HealthStatus::Healthy,
        message: String::new(),
        info: String::new(),
    };
    snapshot.apps[0].resources = vec![
        resource("web", SyncStatus::OutOfSync),
        resource("api", SyncStatus::Synced),
        resource("db", SyncStatus::Synced),
    ];
    let mut app = App::from_options(Arc::new(snapshot), &TuiOptions::default(), None);
    keys(&mut app, "/web-prod<enter>s");
    let text = screen(&app, 80, 24);
    assert!(text.contains("1 of 3 resources not in sync"), "{text}");
}

#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut app = new_app(false);
    app.resize(80, 24);
    keys(&mut app, "?");
    let first = screen(&app, 80, 24);
    assert!(first.contains("Everywhere"));
    keys(&mut app, "jj");
    assert_eq!(app.mode(), &Mode::Help(2));
    let scrolled = screen(&app, 80, 24);
    assert!(!scrolled.contains("Everywhere"));
    keys(&mut app, "G");
    assert!(
        screen(&app, 80, 24).contains(":help"),
        "the end is reachable"
    );
    keys(&mut app, "g");
    assert_eq!(app.mode(), &Mode::Help(0));
}

#[test]
fn the_sync_plan_shows_admission_policy_findings() {
    let mut app = new_app(false);
    keys(&mut app, "jj");
    keys(&mut app, "s");
    let EngineEvent::Plan { app: name, plan } = plan_for("web-prod") else {
        unreachable!()
    };
    let mut plan = (*plan).clone();
    let violation = |policy: &str, action: &str, message: &str| tether::policy::Violation {
        policy: policy.to_string(),
        binding: format!("{policy}-binding"),
        object: "Deployment.apps/web/web".to_string(),
        message: message.to_string(),
        action: action.to_string(),
    };
    plan.violations = vec![
        violation("max-replicas", "Deny", "at most 1 replica"),
        violation("limits", "Warn", "containers without limits: web"),
    ];
    app.apply_event(EngineEvent::Plan {
        app: name,
        plan: Arc::new(plan),
    });
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("admission policies deny 1 object(s): the sync will be refused"),
        "{text}"
    );
    assert!(
        text.contains("policy max-replicas denies Deployment.apps/web/web: at most 1 replica"),
        "{text}"
    );
    assert!(
        text.contains(
            "policy limits warns on Deployment.apps/web/web: containers without limits: web"
        ),
        "{text}"
    );
}
