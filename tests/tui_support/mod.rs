//! Fixtures for the TUI view tests: a snapshot of seven apps and the
//! engine's answers (tree, diff, history, events, YAML, plan) for web-prod.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod gitops;
pub mod pipeline;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tether::diff::{FieldChange, unified};
use tether::engine::{
    AppDiff, ClusterState, EngineEvent, ResourceDiff, ResourceResult, Snapshot, SyncReport,
};
use tether::model::{
    AppHistory, AppStatus, CommitRecord, EventRecord, HealthStatus, HistoryEntry, ResourceKey,
    ResourceNode, SyncStatus,
};
use tether::tui::{App, Effect, TuiOptions};

pub const REVISION: &str = "4f2c9e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e";

fn app_status(name: &str, cluster: &str, sync: SyncStatus, health: HealthStatus) -> AppStatus {
    AppStatus {
        name: name.to_string(),
        project: name.split('-').next().unwrap().to_string(),
        cluster: cluster.to_string(),
        namespace: name.split('-').next().unwrap().to_string(),
        revision: REVISION.to_string(),
        sync,
        health,
        reference: name.to_string(),
        ..AppStatus::default()
    }
}

/// Seven apps on two clusters, api-prod paused.
pub fn fixture() -> Snapshot {
    use HealthStatus::{Degraded, Healthy, Progressing, Suspended};
    use SyncStatus::{OutOfSync, Synced};
    let mut apps = vec![
        app_status("web-prod", "prod", OutOfSync, Progressing),
        app_status("web-staging", "staging", Synced, Healthy),
        app_status("api-staging", "staging", Synced, Progressing),
        app_status("api-prod", "prod", Synced, Healthy),
        app_status("worker-staging", "staging", OutOfSync, Degraded),
        app_status(
            "batch-prod",
            "prod",
            SyncStatus::Unknown,
            HealthStatus::Unknown,
        ),
        app_status("cron-staging", "staging", Synced, Suspended),
    ];
    apps[0].message = "2 resources differ".to_string();
    apps[3].paused = true;
    apps[3].message = "incident 42: frozen".to_string();
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

pub fn new_app() -> App {
    let opts = TuiOptions {
        title: "fixture".to_string(),
        ..TuiOptions::default()
    };
    let mut app = App::from_options(Arc::new(fixture()), &opts, None);
    app.resize(120, 40);
    assert_eq!(app.status(), None);
    app
}

fn node(kind: &str, name: &str, sync: Option<SyncStatus>, health: HealthStatus) -> ResourceNode {
    ResourceNode {
        group: if kind == "Deployment" || kind == "ReplicaSet" {
            "apps".to_string()
        } else {
            String::new()
        },
        version: "v1".to_string(),
        kind: kind.to_string(),
        namespace: "web".to_string(),
        name: name.to_string(),
        sync,
        health,
        message: String::new(),
        info: String::new(),
        actions: Vec::new(),
        events: Vec::new(),
        children: Vec::new(),
    }
}

pub fn tree_event(app: &str) -> EngineEvent {
    use HealthStatus::{Degraded, Healthy, Progressing};
    use SyncStatus::{OutOfSync, Synced};
    let mut bad_pod = node("Pod", "web-6d4f-x2k", None, Degraded);
    bad_pod.message = "CrashLoopBackOff: back-off 5m0s restarting failed container".to_string();
    let mut rs = node("ReplicaSet", "web-6d4f", None, Progressing);
    rs.message = "1 of 2 pods ready".to_string();
    rs.children = vec![node("Pod", "web-6d4f-a1b", None, Healthy), bad_pod];
    let mut deploy = node("Deployment", "web", Some(OutOfSync), Progressing);
    deploy.message = "Waiting for rollout: 1 of 2 updated replicas are available".to_string();
    deploy.children = vec![rs];
    let mut ingress = node("Ingress", "web", Some(Synced), Progressing);
    ingress.message = "waiting for a load balancer address".to_string();
    EngineEvent::Tree {
        app: app.to_string(),
        tree: Arc::new(vec![
            node("ConfigMap", "web-config", Some(OutOfSync), Healthy),
            deploy,
            node("Service", "web", Some(Synced), Healthy),
            ingress,
        ]),
    }
}

const DEPLOY_LIVE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: web
  name: web
  namespace: web
spec:
  replicas: 5
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: ghcr.io/acme/web:1.4.0
        name: web
        ports:
        - containerPort: 8080
";

pub fn deploy_desired() -> String {
    DEPLOY_LIVE
        .replace("replicas: 5", "replicas: 2")
        .replace("web:1.4.0", "web:1.5.0")
        .replace(
            "        - containerPort: 8080\n",
            "        - containerPort: 8080\n        resources:\n          limits:\n            memory: 256Mi\n",
        )
}

fn resource(kind: &str, name: &str, change: &str, live: &str, desired: &str) -> ResourceDiff {
    let key = ResourceKey::new("", kind, Some("web"), name);
    ResourceDiff {
        group: String::new(),
        kind: kind.to_string(),
        namespace: "web".to_string(),
        name: name.to_string(),
        change: change.to_string(),
        diff: if change == "none" {
            String::new()
        } else {
            unified(live, desired, &key.to_string())
        },
        fields: Vec::new(),
        note: String::new(),
    }
}

pub fn diff_event(app: &str) -> EngineEvent {
    let mut deploy = resource(
        "Deployment",
        "web",
        "update",
        DEPLOY_LIVE,
        &deploy_desired(),
    );
    deploy.group = "apps".to_string();
    deploy.fields = vec![
        FieldChange {
            path: "/spec/replicas".to_string(),
            managers: vec!["kubectl-edit (Update)".to_string()],
        },
        FieldChange {
            path: "/spec/template/spec/containers/0/image".to_string(),
            managers: vec!["tether (Apply)".to_string()],
        },
        FieldChange {
            path: "/spec/template/spec/containers/0/resources".to_string(),
            managers: Vec::new(),
        },
    ];
    let cm_live = "apiVersion: v1\ndata:\n  LOG_LEVEL: info\n  WORKERS: \"4\"\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: web\n";
    let cm_desired = cm_live.replace("info", "debug");
    let secret = "apiVersion: v1\ndata:\n  tls.crt: '*** (sha256:1f2e…)'\nkind: Secret\nmetadata:\n  name: web-tls\n  namespace: web\n";
    EngineEvent::Diff {
        app: app.to_string(),
        diff: Arc::new(AppDiff {
            app: app.to_string(),
            revision: REVISION.to_string(),
            resources: vec![
                resource("ConfigMap", "web-config", "update", cm_live, &cm_desired),
                resource("Service", "web", "none", "", ""),
                deploy,
                resource("Secret", "web-tls", "create", "", secret),
            ],
            note: String::new(),
        }),
    }
}

pub fn history_event(app: &str) -> EngineEvent {
    let commit = |id: &str, time: &str, summary: &str| CommitRecord {
        id: id.to_string(),
        author: "Ada <ada@example.com>".to_string(),
        time: time.to_string(),
        summary: summary.to_string(),
    };
    let sync = |id: u64, revision: &str, started: &str, result: &str, message: &str| HistoryEntry {
        id,
        revision: revision.to_string(),
        started: started.to_string(),
        finished: started.to_string(),
        result: result.to_string(),
        by: "ops@laptop".to_string(),
        message: message.to_string(),
    };
    EngineEvent::History {
        app: app.to_string(),
        history: Arc::new(AppHistory {
            shallow: None,
            app: app.to_string(),
            commits: vec![
                commit(
                    "9a8b7c6d5e4f",
                    "2026-11-21T10:00:00Z",
                    "web: 1.5.0, 2 replicas",
                ),
                commit(REVISION, "2026-11-20T09:00:00Z", "web: 1.4.0"),
                commit("0badc0ffee00", "2026-11-19T08:00:00Z", "web: first version"),
            ],
            syncs: vec![
                sync(2, REVISION, "2026-11-20T09:05:00Z", "Succeeded", ""),
                sync(
                    1,
                    "0badc0ffee00",
                    "2026-11-19T08:30:00+01:00",
                    "Failed",
                    "quota exceeded",
                ),
            ],
        }),
    }
}

pub fn events_event(app: &str) -> EngineEvent {
    let event = |kind: &str, reason: &str, object: &str, count, message: &str| EventRecord {
        kind: kind.to_string(),
        reason: reason.to_string(),
        message: message.to_string(),
        object: object.to_string(),
        count,
        last_seen: "2026-11-21T10:02:00Z".to_string(),
    };
    EngineEvent::Events {
        app: app.to_string(),
        resource: None,
        events: Arc::new(vec![
            event(
                "Warning",
                "BackOff",
                "Pod/web-6d4f-x2k",
                14,
                "Back-off restarting failed container web",
            ),
            event(
                "Normal",
                "Pulled",
                "Pod/web-6d4f-x2k",
                15,
                "Container image \"ghcr.io/acme/web:1.4.0\" already present",
            ),
            event(
                "Normal",
                "ScalingReplicaSet",
                "Deployment/web",
                1,
                "Scaled up replica set web-6d4f to 2",
            ),
        ]),
    }
}

pub fn yaml_event(app: &str, resource: ResourceKey) -> EngineEvent {
    EngineEvent::Yaml {
        app: app.to_string(),
        resource,
        text: DEPLOY_LIVE.to_string(),
    }
}

pub fn plan_event(app: &str) -> EngineEvent {
    let result = |kind: &str, name: &str, wave, action: &str, takeovers: &[&str]| ResourceResult {
        group: String::new(),
        kind: kind.to_string(),
        namespace: "web".to_string(),
        name: name.to_string(),
        wave,
        action: action.to_string(),
        takeovers: takeovers.iter().map(|t| t.to_string()).collect(),
    };
    EngineEvent::Plan {
        app: app.to_string(),
        plan: Arc::new(SyncReport {
            app: app.to_string(),
            revision: REVISION.to_string(),
            dry_run: true,
            resources: vec![
                result("Namespace", "web", None, "unchanged", &[]),
                result("ConfigMap", "web-config", Some(0), "configured", &[]),
                result("Secret", "web-tls", Some(0), "created", &[]),
                result("Service", "web", Some(0), "unchanged", &[]),
                result(
                    "Deployment",
                    "web",
                    Some(1),
                    "configured",
                    &["/spec/replicas from kubectl-edit (Update)"],
                ),
                result("Ingress", "web-old", Some(1), "deleted", &[]),
            ],
            record_error: None,
            violations: Vec::new(),
        }),
    }
}

/// The screen as text, one line per row, trailing blanks trimmed.
pub fn screen(app: &App, width: u16, height: u16) -> String {
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
            skip = skip
                .max(ratatui::text::Span::raw(cell.symbol()).width())
                .saturating_sub(1);
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

/// Feeds keys: characters, `<enter>` style named keys, `<c-x>` for ctrl.
pub fn keys(app: &mut App, script: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        let (event, used) = if c == '<' {
            let end = rest.find('>').unwrap();
            let name = &rest[1..end];
            let event = match name {
                "enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                "esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                "tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                "space" => KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE),
                "down" => KeyEvent::new(KeyCode::Down, KeyModifiers::NONE),
                "backspace" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                ctrl if ctrl.starts_with("c-") => {
                    let ch = ctrl.chars().nth(2).unwrap();
                    KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL)
                }
                other => panic!("unknown key <{other}>"),
            };
            (event, end + 1)
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

/// Renders at both sizes and snapshots each as `<name>_<w>x<h>`.
#[macro_export]
macro_rules! snap_both {
    ($app:expr, $name:literal) => {
        insta::assert_snapshot!(concat!($name, "_120x40"), screen(&$app, 120, 40));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen(&$app, 80, 24));
    };
}
