//! Time per keystroke of the TUI: `App::handle_key` plus a full render
//! into a 120x40 `TestBackend`, with 5,000 apps and 50,000 resources
//! (policy findings on every app, so the POLICY column shows) —
//! idle, and under event load: with 1,000 watch events a second the
//! engine publishes a snapshot every 150 ms (its debounce) with about 150
//! apps changed, and a keystroke that lands right after one waits for the
//! TUI to take it in. `under load` measures that worst case (snapshot +
//! key + render) 2,000 times and prints its percentiles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use tether::engine::{ClusterState, Snapshot};
use tether::model::{
    AppStatus, HealthStatus, PolicyFindings, ResourceStatus, SyncStatus, Violation,
};
use tether::tui::{App, TuiOptions};

const APPS: usize = 5_000;
const RESOURCES_PER_APP: usize = 10;
/// Apps changed between two snapshots under 1,000 events a second.
const CHANGED_PER_SNAPSHOT: usize = 150;

fn snapshot() -> Snapshot {
    snapshot_at(0)
}

/// The fleet after `round` bursts of events: each round changes the sync,
/// health and revision of 150 apps (1,000 events a second, debounced
/// every 150 ms).
fn snapshot_at(round: usize) -> Snapshot {
    let healths = [
        HealthStatus::Healthy,
        HealthStatus::Progressing,
        HealthStatus::Degraded,
        HealthStatus::Suspended,
    ];
    let changed = |i: usize| round > 0 && (i + round * 151) % APPS < CHANGED_PER_SNAPSHOT;
    let apps = (0..APPS)
        .map(|i| {
            let turn = usize::from(changed(i)) * round;
            let sync = if (i + turn).is_multiple_of(7) {
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
                    health: healths[(r + turn) % healths.len()],
                    message: String::new(),
                    info: String::new(),
                })
                .collect();
            AppStatus {
                name: format!("app-{i:05}-{}", ["web", "api", "worker"][i % 3]),
                project: format!("project-{}", i % 20),
                cluster: format!("cluster-{}", i % 5),
                namespace: format!("team-{}", i % 50),
                revision: format!("{:040x}", i * 7919 + turn),
                sync,
                health: healths[(i + turn) % healths.len()],
                paused: i % 97 == 0,
                message: if i % 7 == 0 {
                    "3 resources differ".to_string()
                } else {
                    String::new()
                },
                resources,
                policy: Some(findings(i)),
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
        generation: 1 + round as u64,
        ..Snapshot::default()
    }
}

/// Admission policy findings: every app checked, one in 50 denied (the
/// POLICY column shows), one in 30 warned.
fn findings(i: usize) -> PolicyFindings {
    let violation = |action: &str| Violation {
        policy: "pinned-image-tags".to_string(),
        binding: "pinned-image-tags".to_string(),
        object: format!("Deployment.apps/team-{}/svc-{i}-0", i % 50),
        message: "image uses the latest tag".to_string(),
        action: action.to_string(),
    };
    let mut violations = Vec::new();
    if i.is_multiple_of(50) {
        violations.push(violation("Deny"));
    }
    if i.is_multiple_of(30) {
        violations.push(violation("Warn"));
    }
    PolicyFindings::new(Arc::new(violations))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn frame(c: &mut Criterion) {
    let fleet = Arc::new(snapshot());
    let mut app = App::from_options(fleet.clone(), &TuiOptions::default(), None);
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

    // The same fleet without policies: no POLICY column (the cost of the
    // column is the difference to the line above).
    let mut unchecked = (*fleet).clone();
    for status in &mut unchecked.apps {
        status.policy = None;
    }
    let mut app = App::from_options(Arc::new(unchecked), &TuiOptions::default(), None);
    app.resize(120, 40);
    c.bench_function("render only (5k apps, no policies)", |b| {
        b.iter(|| {
            terminal.draw(|f| app.render(f)).unwrap();
        });
    });
}

/// Keystrokes that each land right after a new snapshot: the time to take
/// the snapshot in, handle the key and render, as percentiles (criterion
/// reports means; the target is a p99).
fn under_load(_: &mut Criterion) {
    const ROUNDS: usize = 16;
    const SAMPLES: usize = 2_000;
    let snapshots: Vec<Arc<Snapshot>> = (1..=ROUNDS).map(|r| Arc::new(snapshot_at(r))).collect();
    let mut app = App::from_options(Arc::new(snapshot()), &TuiOptions::default(), None);
    app.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut times = Vec::with_capacity(SAMPLES);
    let mut intake = Vec::with_capacity(SAMPLES);
    let mut chunks = Vec::new();
    for i in 0..SAMPLES {
        // A snapshot of its own, as the engine publishes: the one it
        // replaces is the last reference, and the TUI frees it.
        let next = Arc::new((*snapshots[i % ROUNDS]).clone());
        let code = if i % 2 == 0 { 'j' } else { 'k' };
        let start = std::time::Instant::now();
        app.apply_snapshot(next);
        let taken_in = start.elapsed();
        black_box(app.handle_key(key(KeyCode::Char(code))));
        terminal.draw(|f| app.render(f)).unwrap();
        times.push(start.elapsed());
        intake.push(taken_in);
        // Between snapshots (every 150 ms under this load) the event
        // loop frees the replaced one a chunk at a time; the worst a key
        // can meet is one chunk, timed here.
        while app.has_garbage() {
            let chunk = std::time::Instant::now();
            app.free_some();
            chunks.push(chunk.elapsed());
        }
    }
    let at = |times: &mut Vec<std::time::Duration>, q: f64| {
        times.sort();
        times[((times.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1e3
    };
    println!(
        "keystroke after a snapshot of {CHANGED_PER_SNAPSHOT} changed apps (5k apps, 1,000 events/s): \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({SAMPLES} samples); \
         of which taking the snapshot in: p50 {:.2} ms, p99 {:.2} ms; \
         freeing the replaced one between events: {} chunks, p99 {:.2} ms, max {:.2} ms",
        at(&mut times, 0.5),
        at(&mut times, 0.99),
        at(&mut times, 1.0),
        at(&mut intake, 0.5),
        at(&mut intake, 0.99),
        chunks.len(),
        at(&mut chunks, 0.99),
        at(&mut chunks, 1.0),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = frame, under_load
}
criterion_main!(benches);
