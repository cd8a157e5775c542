//! Admission policy findings in the TUI: the apps table's POLICY column
//! (denials in the error style, warnings in the warning style, ASCII in
//! the `ascii` theme) and the violations listed below the app's tree.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tether::engine::Snapshot;
use tether::model::{PolicyFindings, Violation};
use tether::tui::{App, TuiOptions};
use tui_support::*;

fn violation(policy: &str, object: &str, message: &str, action: &str) -> Violation {
    Violation {
        policy: policy.to_string(),
        binding: format!("{policy}-binding"),
        object: object.to_string(),
        message: message.to_string(),
        action: action.to_string(),
    }
}

/// The fixture with web-prod denied twice and warned once, api-staging
/// warned once, and the other apps passing.
fn snapshot() -> Snapshot {
    let mut snapshot = fixture();
    let findings = |violations: Vec<Violation>| Some(PolicyFindings::new(Arc::new(violations)));
    for app in &mut snapshot.apps {
        app.policy = findings(Vec::new());
    }
    snapshot.apps[0].policy = findings(vec![
        violation(
            "no-latest-tag",
            "Deployment.apps/web/web",
            "container web uses the latest tag",
            "Deny",
        ),
        violation(
            "require-app-name-label",
            "Service/web/web",
            "Service web has no app.kubernetes.io/name label",
            "Deny",
        ),
        violation(
            "require-container-limits",
            "Deployment.apps/web/web",
            "containers without cpu and memory limits: web",
            "Warn",
        ),
    ]);
    snapshot.apps[2].policy = findings(vec![violation(
        "require-container-limits",
        "Deployment.apps/api/api",
        "containers without cpu and memory limits: api",
        "Warn",
    )]);
    snapshot
}

fn app_with(theme: Option<&str>) -> App {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        theme: theme.map(str::to_string),
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(snapshot()), &opts, None);
    app.resize(120, 40);
    assert_eq!(app.status(), None);
    app
}

/// The screen's cells: (row text, x of each char) for finding styles.
fn find(buffer: &ratatui::buffer::Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buffer.area.height {
        let cells: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let line: String = cells.concat();
        if let Some(at) = line.find(needle) {
            let x = line[..at].chars().count();
            return (u16::try_from(x).unwrap(), y);
        }
    }
    panic!("{needle:?} not on screen")
}

#[test]
fn the_apps_table_marks_denials_and_warnings() {
    let app = app_with(None);
    let text = screen(&app, 120, 40);
    let header = text.lines().find(|l| l.contains("NAME")).unwrap();
    assert!(
        header.contains("HEALTH") && header.contains("POLICY"),
        "{text}"
    );
    let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(row("web-prod").contains("✗2 !1"), "{text}");
    assert!(row("api-staging").contains("!1"), "{text}");
    assert!(!row("api-prod").contains('✗') && !row("api-prod").contains("!1"));

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let error = app.theme().style("status_line.error");
    let warning = app.theme().style("status_line.warning");
    let (x, y) = find(buffer, "✗2");
    assert_eq!(buffer[(x, y)].fg, error.fg.unwrap());
    let (x, y) = find(buffer, "!1");
    assert_eq!(buffer[(x, y)].fg, warning.fg.unwrap());
    assert_ne!(error.fg, warning.fg);

    // A narrow terminal drops other columns first.
    let narrow = screen(&app, 80, 24);
    let row = narrow.lines().find(|l| l.contains("web-prod")).unwrap();
    assert!(row.contains("✗2 !1"), "{narrow}");
}

#[test]
fn no_column_while_every_app_passes() {
    let mut snapshot = snapshot();
    for app in &mut snapshot.apps {
        app.policy = Some(PolicyFindings::default());
    }
    let app = App::from_options(Arc::new(snapshot), &TuiOptions::default(), None);
    assert!(!screen(&app, 120, 40).contains("POLICY"));
}

#[test]
fn the_ascii_theme_marks_without_other_glyphs() {
    let app = app_with(Some("ascii"));
    let text = screen(&app, 120, 40);
    let row = text.lines().find(|l| l.contains("web-prod")).unwrap();
    assert!(row.contains("x2 !1"), "{text}");
    // Borders aside, the table is plain ASCII.
    let inside: String = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .flat_map(|l| l.chars())
        .filter(|c| !('\u{2500}'..='\u{257f}').contains(c))
        .collect();
    assert!(inside.is_ascii(), "{text}");
}

#[test]
fn the_tree_lists_each_violation() {
    let mut app = app_with(None);
    keys(&mut app, "/web-prod<enter>t");
    app.apply_event(tree_event("web-prod"));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Policies: 2 denied, 1 warned (tether check web-prod)"),
        "{text}"
    );
    // The panel's text, wrapped lines joined again.
    let panel: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Policies:"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .map(|l| l.trim_matches('│').trim())
        .collect();
    let panel = panel.join(" ");
    for line in [
        "✗ Deny no-latest-tag (no-latest-tag-binding) Deployment.apps/web/web: container web uses the latest tag",
        "✗ Deny require-app-name-label (require-app-name-label-binding) Service/web/web: Service web has no app.kubernetes.io/name label",
        "! Warn require-container-limits (require-container-limits-binding) Deployment.apps/web/web: containers without cpu and memory limits: web",
    ] {
        assert!(panel.contains(line), "{line}\n{text}");
    }
    assert!(
        text.contains("Deployment/web"),
        "the tree is still shown:\n{text}"
    );

    // An app that passes has no panel.
    keys(&mut app, ":tree web-staging<enter>");
    app.apply_event(tree_event("web-staging"));
    assert!(!screen(&app, 120, 40).contains("Policies:"));
}

/// The fixture of [`snapshot`] plus batch-prod whose policies cannot be
/// checked and worker-staging denied once and warned four times.
fn ranked_snapshot() -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.apps[5].policy = Some(PolicyFindings::failed(
        "policies/broken.yaml: function \"ip\" is not supported".into(),
    ));
    let mut worker = vec![violation(
        "no-latest-tag",
        "Deployment.apps/worker/worker",
        "container worker uses the latest tag",
        "Deny",
    )];
    worker.extend((0..4).map(|_| {
        violation(
            "require-container-limits",
            "Deployment.apps/worker/worker",
            "containers without cpu and memory limits: worker",
            "Warn",
        )
    }));
    snapshot.apps[4].policy = Some(PolicyFindings::new(Arc::new(worker)));
    snapshot
}

fn ranked_app(theme: Option<&str>) -> App {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        theme: theme.map(str::to_string),
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(ranked_snapshot()), &opts, None);
    app.resize(120, 40);
    app
}

/// POLICY sorts worst first: the check that cannot run, then by denials,
/// then by warnings, passing apps last (by name); `ctrl-r` reverses it.
#[test]
fn the_policy_column_sorts_worst_first() {
    let mut app = ranked_app(None);
    // CLUSTER → NAME → PROJECT → SYNC → HEALTH → REVISION → POLICY.
    keys(&mut app, "<c-s><c-s><c-s><c-s><c-s><c-s>");
    let text = screen(&app, 120, 40);
    assert!(text.contains("POLICY▲"), "{text}");
    assert_eq!(
        app.visible_apps(),
        [
            "batch-prod",
            "web-prod",
            "worker-staging",
            "api-staging",
            "api-prod",
            "cron-staging",
            "web-staging",
        ]
    );
    let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(row("batch-prod").contains("✗err"), "{text}");
    assert!(row("worker-staging").contains("✗1 !4"), "{text}");

    keys(&mut app, "<c-r>");
    assert!(screen(&app, 120, 40).contains("POLICY▼"));
    assert_eq!(
        app.visible_apps(),
        [
            "web-staging",
            "cron-staging",
            "api-prod",
            "api-staging",
            "worker-staging",
            "web-prod",
            "batch-prod",
        ]
    );
    // The cycle goes on to CLUSTER (reversed still).
    keys(&mut app, "<c-s>");
    assert!(screen(&app, 120, 40).contains("CLUSTER▼"));
    assert_eq!(app.visible_apps()[..2], ["worker-staging", "web-staging"]);
}

/// `:policy` (and `:violations`) lists only apps with a denial, a warning
/// or a check that cannot run, says so in the header and the table's
/// title, combines with `:ctx`, follows new snapshots and is cleared by
/// `:all`; Tab completes it and `?` lists it.
#[test]
fn the_policy_filter_lists_apps_with_findings() {
    let mut app = ranked_app(None);
    keys(&mut app, ":policy<enter>");
    assert_eq!(
        app.visible_apps(),
        ["batch-prod", "web-prod", "api-staging", "worker-staging"]
    );
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("showing policy findings (:all for every app)"),
        "{text}"
    );
    assert!(text.contains("Apps (policy findings) [4/7]"), "{text}");
    assert_eq!(
        app.status().unwrap().text,
        "listing policy findings (:all lists every app)"
    );

    keys(&mut app, ":ctx staging<enter>");
    assert_eq!(app.visible_apps(), ["api-staging", "worker-staging"]);
    assert!(screen(&app, 120, 40).contains("Apps (ctx staging · policy findings) [2/7]"));

    // Fixed in Git: the next snapshot drops the app from the list.
    let mut fixed = ranked_snapshot();
    fixed.apps[2].policy = Some(PolicyFindings::default());
    app.apply_snapshot(Arc::new(fixed));
    assert_eq!(app.visible_apps(), ["worker-staging"]);

    keys(&mut app, ":all<enter>");
    assert_eq!(app.visible_apps().len(), 7);
    assert!(!screen(&app, 120, 40).contains("policy findings"));

    keys(&mut app, ":vio<tab>");
    assert_eq!(app.mode(), &tether::tui::Mode::Command("violations".into()));
    keys(&mut app, "<enter>");
    assert_eq!(
        app.visible_apps(),
        ["batch-prod", "web-prod", "worker-staging"]
    );

    // Every app passes: the list is empty and says how to leave it.
    let mut clean = ranked_snapshot();
    for a in &mut clean.apps {
        a.policy = Some(PolicyFindings::default());
    }
    app.apply_snapshot(Arc::new(clean));
    assert!(screen(&app, 120, 40).contains("no apps (policy findings); :all lists every app"));

    keys(&mut app, ":all<enter>?");
    let help = screen(&app, 120, 160);
    assert!(help.contains(":policy  :violations"), "{help}");
}

/// `/` matches the POLICY cell as shown (the theme's glyphs) besides
/// every other column, and the fuzzy name match still works.
#[test]
fn the_slash_filter_matches_the_policy_marks() {
    let mut app = ranked_app(None);
    keys(&mut app, "/✗2<enter>");
    assert_eq!(app.visible_apps(), ["web-prod"]);
    keys(&mut app, "<esc>/!<enter>");
    assert_eq!(
        app.visible_apps(),
        ["web-prod", "api-staging", "worker-staging"]
    );
    keys(&mut app, "<esc>/✗err<enter>");
    assert_eq!(app.visible_apps(), ["batch-prod"]);
    keys(&mut app, "<esc>/wsg<enter>");
    assert_eq!(app.visible_apps(), ["web-staging", "worker-staging"]);

    // In the ascii theme denials are `x`: `x2` matches what it shows.
    keys(&mut app, "<esc>/x2<enter>");
    assert!(app.visible_apps().is_empty());
    let mut ascii = ranked_app(Some("ascii"));
    keys(&mut ascii, "/x2<enter>");
    assert_eq!(ascii.visible_apps(), ["web-prod"]);
}
