//! The event loop end to end on a TestBackend: scripted terminal events in,
//! engine commands out, snapshots and engine events redrawn, quit ends it.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tether::engine::{EngineCommand, EngineEvent, EngineHandle, Snapshot};
use tether::model::{AppStatus, SyncStatus};
use tether::tui::{App, Screen, TuiOptions, event_loop};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_stream::wrappers::UnboundedReceiverStream;

/// A TestBackend terminal the test can read while the loop draws on it.
#[derive(Clone)]
struct SharedScreen {
    terminal: Arc<Mutex<Terminal<TestBackend>>>,
    draws: Arc<Mutex<usize>>,
}

impl SharedScreen {
    fn new() -> Self {
        let terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        Self {
            terminal: Arc::new(Mutex::new(terminal)),
            draws: Arc::new(Mutex::new(0)),
        }
    }

    fn text(&self) -> String {
        let terminal = self.terminal.lock().unwrap();
        let buffer = terminal.backend().buffer();
        buffer.content().iter().map(|c| c.symbol()).collect()
    }
}

impl Screen for SharedScreen {
    fn draw(&mut self, app: &App) -> std::io::Result<()> {
        *self.draws.lock().unwrap() += 1;
        let mut terminal = self.terminal.lock().unwrap();
        terminal.draw(|frame| app.render(frame)).unwrap();
        Ok(())
    }

    fn size(&self) -> std::io::Result<(u16, u16)> {
        Ok((100, 20))
    }
}

fn snapshot(names: &[&str]) -> Snapshot {
    Snapshot {
        apps: names
            .iter()
            .map(|name| AppStatus {
                name: name.to_string(),
                cluster: "dev".to_string(),
                sync: SyncStatus::OutOfSync,
                ..AppStatus::default()
            })
            .collect(),
        ..Snapshot::default()
    }
}

fn key(c: char) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn keys_commands_snapshots_events_and_quit() {
    let (snapshots_tx, snapshots) = watch::channel(Arc::new(snapshot(&["alpha", "beta"])));
    let (commands, mut commands_rx) = mpsc::channel(8);
    let (events, _) = broadcast::channel(8);
    let handle = EngineHandle {
        snapshots,
        commands,
        events: events.clone(),
    };
    let (input_tx, input_rx) = mpsc::unbounded_channel();
    let screen = SharedScreen::new();
    let opts = TuiOptions {
        title: "loop".to_string(),
        ..TuiOptions::default()
    };
    let mut app = App::from_options(handle.snapshot(), &opts, None);
    let mut loop_screen = screen.clone();
    let task = tokio::spawn(async move {
        let input = UnboundedReceiverStream::new(input_rx);
        event_loop(&mut loop_screen, input, &mut app, &handle, None).await
    });

    eventually("first draw", || screen.text().contains("alpha")).await;

    // j s, sent at once: drained together, one Plan for beta.
    for c in ['j', 's'] {
        input_tx.send(key(c)).unwrap();
    }
    let command = tokio::time::timeout(Duration::from_secs(2), commands_rx.recv())
        .await
        .unwrap();
    assert_eq!(
        command,
        Some(EngineCommand::Plan {
            app: "beta".to_string(),
            prune: false
        })
    );
    events
        .send(EngineEvent::Plan {
            app: "beta".to_string(),
            plan: Arc::new(tether::engine::SyncReport {
                app: "beta".to_string(),
                revision: "abc".to_string(),
                dry_run: true,
                resources: Vec::new(),
                record_error: None,
                violations: Vec::new(),
            }),
        })
        .unwrap();
    eventually("plan", || screen.text().contains("plan @ abc")).await;
    input_tx.send(key('y')).unwrap();
    let command = tokio::time::timeout(Duration::from_secs(2), commands_rx.recv())
        .await
        .unwrap();
    assert_eq!(
        command,
        Some(EngineCommand::Sync {
            app: "beta".to_string(),
            prune: false
        })
    );
    events
        .send(EngineEvent::SyncProgress {
            app: "beta".to_string(),
            resource: "ConfigMap/x".to_string(),
            action: "configured".to_string(),
        })
        .unwrap();
    eventually("progress", || {
        screen.text().contains("ConfigMap/x configured")
    })
    .await;

    // A new snapshot is drawn, the selection stays on beta.
    snapshots_tx
        .send(Arc::new(snapshot(&["aaa", "alpha", "beta"])))
        .unwrap();
    eventually("new snapshot", || screen.text().contains("aaa")).await;

    // Engine events reach the status line.
    events
        .send(EngineEvent::CommandDone {
            app: "beta".to_string(),
            ok: true,
            message: "synced 3 objects".to_string(),
        })
        .unwrap();
    eventually("status line", || {
        screen.text().contains("beta: synced 3 objects")
    })
    .await;
    assert!(
        !screen.text().contains("Syncing beta"),
        "done closes the panel"
    );

    input_tx.send(key('q')).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap();
    assert!(result.unwrap().is_ok());
}

#[tokio::test]
async fn a_stopped_engine_is_reported_not_fatal() {
    let (handle, commands_rx) = EngineHandle::fixed(snapshot(&["alpha"]));
    drop(commands_rx);
    let (input_tx, input_rx) = mpsc::unbounded_channel();
    let screen = SharedScreen::new();
    let mut app = App::from_options(handle.snapshot(), &TuiOptions::default(), None);
    let mut loop_screen = screen.clone();
    let task = tokio::spawn(async move {
        let input = UnboundedReceiverStream::new(input_rx);
        event_loop(&mut loop_screen, input, &mut app, &handle, None).await
    });
    input_tx.send(key('r')).unwrap();
    eventually("warning", || {
        screen.text().contains("the engine is not running")
    })
    .await;
    drop(input_tx);
    let result = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap();
    assert!(
        result.unwrap().is_ok(),
        "input closed ends the loop cleanly"
    );
}
