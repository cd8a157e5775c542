//! Time per keystroke of the TUI: `App::handle_key` plus a full render
//! into a 120x40 `TestBackend`, with 5,000 apps and 50,000 resources.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use tether::engine::{ClusterState, Snapshot};
use tether::model::{AppStatus, HealthStatus, ResourceStatus, SyncStatus};
use tether::tui::{App, TuiOptions};

const APPS: usize = 5_000;
const RESOURCES_PER_APP: usize = 10;

fn snapshot() -> Snapshot {
    let healths = [
        HealthStatus::Healthy,
        HealthStatus::Progressing,
        HealthStatus::Degraded,
        HealthStatus::Suspended,
    ];
    let apps = (0..APPS)
        .map(|i| {
            let sync = if i % 7 == 0 {
                SyncStatus::OutOfSync
            } else {
                SyncStatus::Synced
            };
            let resources = (0..RESOURCES_PER_APP)
                .map(|r| ResourceStatus {
                    group: "apps".to_string(),
                    version: "v1".to_string(),
                    kind: "Deployment".to_string(),
                    namespace: format!("team-{}", i % 50),
                    name: format!("svc-{i}-{r}"),
                    sync,
                    health: healths[r % healths.len()],
                    message: String::new(),
                    info: String::new(),
                })
                .collect();
            AppStatus {
                name: format!("app-{i:05}-{}", ["web", "api", "worker"][i % 3]),
                project: format!("project-{}", i % 20),
                cluster: format!("cluster-{}", i % 5),
                namespace: format!("team-{}", i % 50),
                revision: format!("{:040x}", i * 7919),
                sync,
                health: healths[i % healths.len()],
                paused: i % 97 == 0,
                message: if i % 7 == 0 {
                    "3 resources differ".to_string()
                } else {
                    String::new()
                },
                resources,
                ..AppStatus::default()
            }
        })
        .collect();
    Snapshot {
        apps,
        clusters: (0..5)
            .map(|c| ClusterState {
                name: format!("cluster-{c}"),
                server: format!("https://10.0.0.{c}:6443"),
                connected: true,
                message: String::new(),
            })
            .collect(),
        repos: vec!["./gitops".to_string()],
        generation: 1,
        ..Snapshot::default()
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn frame(c: &mut Criterion) {
    let snapshot = Arc::new(snapshot());
    let mut app = App::from_options(snapshot, &TuiOptions::default(), None);
    app.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    let mut down = true;
    c.bench_function("keystroke j/k + render (5k apps)", |b| {
        b.iter(|| {
            // j to the end would stop moving; alternate j and k.
            let code = if down { 'j' } else { 'k' };
            down = !down;
            black_box(app.handle_key(key(KeyCode::Char(code))));
            terminal.draw(|f| app.render(f)).unwrap();
        });
    });

    app.handle_key(key(KeyCode::Char('/')));
    let mut typed = false;
    c.bench_function("keystroke filter char + render (5k apps)", |b| {
        b.iter(|| {
            // Type "7" then delete it: each keystroke re-filters all apps.
            let event = if typed {
                key(KeyCode::Backspace)
            } else {
                key(KeyCode::Char('7'))
            };
            typed = !typed;
            black_box(app.handle_key(event));
            terminal.draw(|f| app.render(f)).unwrap();
        });
    });
    app.handle_key(key(KeyCode::Esc));

    c.bench_function("render only (5k apps)", |b| {
        b.iter(|| {
            terminal.draw(|f| app.render(f)).unwrap();
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = frame
}
criterion_main!(benches);
