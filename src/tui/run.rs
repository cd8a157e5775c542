//! The event loop: one `tokio::select!` over terminal input, snapshots,
//! engine events and a tick; pending input is drained before drawing once.

use super::app::{App, Effect};
use super::terminal::FullScreen;
use super::theme::Theme;
use crate::engine::{EngineEvent, EngineHandle};
use color_eyre::eyre::WrapErr;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::{FutureExt, StreamExt};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How often the screen refreshes without input (clocks, message expiry).
const TICK: Duration = Duration::from_secs(1);

/// What to do after an input.
enum Flow {
    Continue,
    Quit,
}

/// Runs the loop on a full-screen terminal until the user quits.
pub async fn event_loop(
    screen: &mut FullScreen,
    app: &mut App,
    handle: &EngineHandle,
    config_dir: Option<PathBuf>,
) -> color_eyre::Result<()> {
    let mut input = EventStream::new();
    let mut snapshots = handle.snapshots.clone();
    let mut snapshots_open = true;
    let mut events = handle.events.subscribe();
    let mut events_open = true;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = screen
        .terminal
        .size()
        .wrap_err("cannot read the terminal size")?;
    app.resize(size.width, size.height);
    app.apply_snapshot(snapshots.borrow_and_update().clone());
    let mut dirty = true;
    loop {
        if let Some(recovered) = screen.recover() {
            let message = recovered.wrap_err("cannot re-enter full screen after a panic")?;
            app.apply_event(EngineEvent::Warning {
                message: format!("internal error: a task panicked: {message}"),
            });
            dirty = true;
        }
        if dirty {
            screen
                .terminal
                .draw(|frame| app.render(frame))
                .wrap_err("cannot draw on the terminal")?;
            dirty = false;
        }
        tokio::select! {
            next = input.next() => match next {
                Some(Ok(event)) => {
                    dirty = true;
                    if let Flow::Quit = on_input(app, handle, &event, config_dir.as_deref()) {
                        return Ok(());
                    }
                }
                Some(Err(error)) => {
                    dirty = true;
                    app.apply_event(EngineEvent::Warning { message: format!("terminal input: {error}") });
                }
                None => return Ok(()),
            },
            changed = snapshots.changed(), if snapshots_open => match changed {
                Ok(()) => {
                    app.apply_snapshot(snapshots.borrow_and_update().clone());
                    dirty = true;
                }
                Err(_) => snapshots_open = false,
            },
            event = events.recv(), if events_open => {
                dirty = true;
                on_engine_event(app, event, &mut events_open);
            },
            _ = tick.tick() => {
                app.on_tick();
                dirty = true;
            },
        }
        // Drain whatever else is already waiting, then draw once.
        while let Some(Some(next)) = input.next().now_or_never() {
            dirty = true;
            match next {
                Ok(event) => {
                    if let Flow::Quit = on_input(app, handle, &event, config_dir.as_deref()) {
                        return Ok(());
                    }
                }
                Err(error) => app.apply_event(EngineEvent::Warning {
                    message: format!("terminal input: {error}"),
                }),
            }
        }
        if snapshots_open && snapshots.has_changed().unwrap_or(false) {
            app.apply_snapshot(snapshots.borrow_and_update().clone());
            dirty = true;
        }
        while events_open {
            match events.try_recv() {
                Ok(event) => {
                    app.apply_event(event);
                    dirty = true;
                }
                Err(tokio::sync::broadcast::error::TryRecvError::Empty) => break,
                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(n)) => {
                    on_engine_event(app, Err(RecvError::Lagged(n)), &mut events_open);
                }
                Err(tokio::sync::broadcast::error::TryRecvError::Closed) => events_open = false,
            }
        }
    }
}

fn on_engine_event(app: &mut App, event: Result<EngineEvent, RecvError>, open: &mut bool) {
    match event {
        Ok(event) => app.apply_event(event),
        Err(RecvError::Lagged(n)) => app.apply_event(EngineEvent::Warning {
            message: format!("{n} engine messages were skipped"),
        }),
        Err(RecvError::Closed) => *open = false,
    }
}

fn on_input(
    app: &mut App,
    handle: &EngineHandle,
    event: &Event,
    config_dir: Option<&std::path::Path>,
) -> Flow {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            for effect in app.handle_key(*key) {
                match effect {
                    Effect::Quit => return Flow::Quit,
                    Effect::Send(command) => {
                        if !handle.send(command) {
                            app.apply_event(EngineEvent::Warning {
                                message: "the engine is not running; command not sent".to_string(),
                            });
                        }
                    }
                    Effect::LoadTheme(name) => {
                        let (theme, problems) = Theme::load(Some(&name), config_dir);
                        app.set_theme(theme, &problems);
                    }
                }
            }
        }
        Event::Resize(width, height) => app.resize(*width, *height),
        _ => {}
    }
    Flow::Continue
}
