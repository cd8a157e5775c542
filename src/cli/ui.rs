//! `tether` / `tether ui`: the engine loop with the TUI as its client.

use super::args::UiArgs;
use super::output::{CliError, CliResult};
use crate::engine::Engine;
use crate::tui::{TuiOptions, run as run_tui};
use std::sync::Arc;
use std::time::Duration;

/// How often the UI's engine re-reads Git sources; live state arrives
/// through watches as it changes.
const REFRESH: Duration = Duration::from_secs(5);

pub async fn run(engine: Arc<Engine>, args: UiArgs, title: &str) -> CliResult {
    let handle = engine.clone().spawn(REFRESH);
    let options = TuiOptions {
        theme: args.theme,
        keymap: args.keymap,
        read_only: args.read_only,
        title: title.to_string(),
    };
    let result = run_tui(handle, options).await;
    // Whoever quits hands automation on: Leases are released at once.
    engine.shutdown(Duration::from_secs(5)).await;
    result.map_err(|e| CliError::new(format!("the terminal UI failed: {e}")))?;
    Ok(0)
}
