//! Entering and leaving the full-screen terminal, also on panic.

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};
use std::panic::PanicHookInfo;
use std::sync::Arc;

type PanicHook = Arc<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// The full-screen terminal. Dropping it restores the terminal and the
/// panic hook that was active before.
pub struct FullScreen {
    /// The ratatui terminal to draw on.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    previous_hook: PanicHook,
}

impl FullScreen {
    /// Raw mode and the alternate screen, with a panic hook that restores
    /// the terminal before the previous hook prints the panic.
    pub fn enter() -> std::io::Result<FullScreen> {
        let previous_hook: PanicHook = Arc::from(std::panic::take_hook());
        let chained = Arc::clone(&previous_hook);
        std::panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        let setup = || -> std::io::Result<Terminal<CrosstermBackend<Stdout>>> {
            enable_raw_mode()?;
            execute!(stdout(), EnterAlternateScreen)?;
            Terminal::new(CrosstermBackend::new(stdout()))
        };
        match setup() {
            Ok(terminal) => Ok(FullScreen {
                terminal,
                previous_hook,
            }),
            Err(error) => {
                restore();
                reinstall(&previous_hook);
                Err(error)
            }
        }
    }
}

impl Drop for FullScreen {
    fn drop(&mut self) {
        restore();
        reinstall(&self.previous_hook);
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
