//! The event loop: one `tokio::select!` over terminal input, snapshots,
//! engine events and a tick; whatever else is pending is drained before
//! drawing once. Generic over the screen and the input stream so tests can
//! drive it with a `TestBackend` and scripted events.

use super::app::{App, Effect};
use super::keymap::Keymap;
use super::terminal::FullScreen;
use super::theme::Theme;
use crate::engine::{EngineCommand, EngineEvent, EngineHandle};
use color_eyre::eyre::WrapErr;
use crossterm::event::{Event, KeyEventKind};
use futures::{FutureExt, Stream, StreamExt};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::mpsc::error::TrySendError;

/// How often timers advance (spinner, message expiry); the screen is
/// redrawn on a tick only when something changed.
const TICK: Duration = Duration::from_millis(125);

/// Where the loop draws: the real terminal, or a test backend.
pub trait Screen {
    /// Draws the whole app.
    fn draw(&mut self, app: &App) -> std::io::Result<()>;
    /// Width and height in cells.
    fn size(&self) -> std::io::Result<(u16, u16)>;
    /// After a panic elsewhere left full screen: re-enter it and return the
    /// panic message. None when nothing panicked.
    fn recover(&mut self) -> Option<std::io::Result<String>> {
        None
    }
}

impl Screen for FullScreen {
    fn draw(&mut self, app: &App) -> std::io::Result<()> {
        self.terminal.draw(|frame| app.render(frame)).map(|_| ())
    }

    fn size(&self) -> std::io::Result<(u16, u16)> {
        self.terminal.size().map(|s| (s.width, s.height))
    }

    fn recover(&mut self) -> Option<std::io::Result<String>> {
        FullScreen::recover(self)
    }
}

/// Runs `app` on `screen` with events from `input` until the user quits or
/// the input ends. Only drawing failures end it with an error.
pub async fn event_loop<S, I>(
    screen: &mut S,
    mut input: I,
    app: &mut App,
    handle: &EngineHandle,
    config_dir: Option<PathBuf>,
) -> color_eyre::Result<()>
where
    S: Screen,
    I: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let config_dir = config_dir.as_deref();
    let mut snapshots = handle.snapshots.clone();
    let mut snapshots_open = true;
    let mut events = handle.events.subscribe();
    let mut events_open = true;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (width, height) = screen.size().wrap_err("cannot read the terminal size")?;
    app.resize(width, height);
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
        for command in app.take_commands() {
            send(app, handle, command);
        }
        if dirty {
            screen.draw(app).wrap_err("cannot draw on the terminal")?;
            dirty = false;
        }
        tokio::select! {
            next = input.next() => match next {
                Some(event) => {
                    dirty = true;
                    if on_input(app, handle, event, config_dir) == Flow::Quit {
                        return Ok(());
                    }
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
                match event {
                    Ok(event) => app.apply_event(event),
                    Err(RecvError::Lagged(n)) => lagged(app, n),
                    Err(RecvError::Closed) => events_open = false,
                }
            },
            _ = tick.tick() => {
                dirty |= app.on_tick();
            },
            // Nothing else is ready: free some of the last snapshot.
            () = std::future::ready(()), if app.has_garbage() => {
                app.free_some();
            },
        }
        // Drain whatever else is already waiting, then draw once.
        while let Some(Some(event)) = input.next().now_or_never() {
            dirty = true;
            if on_input(app, handle, event, config_dir) == Flow::Quit {
                return Ok(());
            }
        }
        if snapshots_open && snapshots.has_changed().unwrap_or(false) {
            app.apply_snapshot(snapshots.borrow_and_update().clone());
            dirty = true;
        }
        while events_open {
            match events.try_recv() {
                Ok(event) => app.apply_event(event),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Lagged(n)) => lagged(app, n),
                Err(TryRecvError::Closed) => events_open = false,
            }
            dirty = true;
        }
    }
}

/// What to do after an input.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

fn send(app: &mut App, handle: &EngineHandle, command: EngineCommand) {
    let problem = match handle.commands.try_send(command) {
        Ok(()) => return,
        Err(TrySendError::Full(_)) => "the engine is busy; command not sent, try again",
        Err(TrySendError::Closed(_)) => "the engine is not running; command not sent",
    };
    app.apply_event(EngineEvent::Warning {
        message: problem.to_string(),
    });
}

fn lagged(app: &mut App, skipped: u64) {
    app.apply_event(EngineEvent::Warning {
        message: format!("{skipped} engine messages were skipped"),
    });
}

fn on_input(
    app: &mut App,
    handle: &EngineHandle,
    event: std::io::Result<Event>,
    config_dir: Option<&Path>,
) -> Flow {
    match event {
        Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => {
            for effect in app.handle_key(key) {
                match effect {
                    Effect::Quit => return Flow::Quit,
                    Effect::Send(command) => send(app, handle, command),
                    Effect::LoadTheme(name) => {
                        let (theme, problems) = Theme::load(Some(&name), config_dir);
                        app.set_theme(theme, &problems);
                    }
                    Effect::LoadKeymap(name) => {
                        let (keymap, problems) = Keymap::load(Some(&name), config_dir);
                        app.set_keymap(keymap, &problems);
                    }
                }
            }
        }
        Ok(Event::Resize(width, height)) => app.resize(width, height),
        Ok(_) => {}
        Err(error) => app.apply_event(EngineEvent::Warning {
            message: format!("terminal input: {error}"),
        }),
    }
    Flow::Continue
}
