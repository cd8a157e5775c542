//! Entering and leaving the full-screen terminal, also on panic.
//!
//! The panic hook restores the terminal and then runs the previous hook, so
//! the message is readable. A panic in another task (the engine runs on the
//! same runtime) does not end the TUI: the loop notices it through
//! [`FullScreen::recover`], re-enters full screen and reports it.

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};
use std::panic::PanicHookInfo;
use std::sync::{Arc, Mutex, PoisonError};

type PanicHook = Arc<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// The full-screen terminal. Dropping it restores the terminal and the
/// panic hook that was active before.
pub struct FullScreen {
    /// The ratatui terminal to draw on.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    previous_hook: PanicHook,
    panicked: Arc<Mutex<Option<String>>>,
}

impl FullScreen {
    /// Raw mode and the alternate screen, with a panic hook that restores
    /// the terminal before the previous hook prints the panic.
    pub fn enter() -> std::io::Result<FullScreen> {
        let previous_hook: PanicHook = Arc::from(std::panic::take_hook());
        let panicked = Arc::new(Mutex::new(None));
        let chained = Arc::clone(&previous_hook);
        let record = Arc::clone(&panicked);
        std::panic::set_hook(Box::new(move |info| {
            restore();
            let message = panic_message(info);
            *record.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
            chained(info);
        }));
        let setup = || -> std::io::Result<Terminal<CrosstermBackend<Stdout>>> {
            enter_raw()?;
            Terminal::new(CrosstermBackend::new(stdout()))
        };
        match setup() {
            Ok(terminal) => Ok(FullScreen {
                terminal,
                previous_hook,
                panicked,
            }),
            Err(error) => {
                restore();
                reinstall(&previous_hook);
                Err(error)
            }
        }
    }

    /// After a panic elsewhere restored the terminal: full screen again,
    /// and the panic message to report. None when nothing panicked.
    pub fn recover(&mut self) -> Option<std::io::Result<String>> {
        let message = self
            .panicked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        // A fresh terminal redraws everything; `Terminal::clear` would ask
        // the terminal for the cursor, racing the input stream.
        let reentered = enter_raw()
            .and_then(|()| execute!(stdout(), Clear(ClearType::All)))
            .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
        Some(reentered.map(|terminal| {
            self.terminal = terminal;
            message
        }))
    }
}

impl Drop for FullScreen {
    fn drop(&mut self) {
        restore();
        reinstall(&self.previous_hook);
    }
}

fn enter_raw() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen)
}

fn panic_message(info: &PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    match info.location() {
        Some(location) => format!("{payload} at {}:{}", location.file(), location.line()),
        None => payload,
    }
}

fn reinstall(hook: &PanicHook) {
    let hook = Arc::clone(hook);
    std::panic::set_hook(Box::new(move |info| hook(info)));
}

/// Leaves raw mode and the alternate screen and shows the cursor; errors
/// are ignored, there is nothing better to do while leaving.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}
