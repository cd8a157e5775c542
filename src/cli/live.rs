//! Live Argo CD and Flux apps on the command line: `sync`, `refresh`,
//! `terminate`, `pause`, `resume` and `rollback` of an app that runs in a
//! cluster send patches (DESIGN.md §6). Each prints the patch in words
//! first, then follows the controller, printing its progress to stderr.

use super::output::{CliError, CliResult, print_out};
use crate::engine::{Engine, EngineEvent, LIVE_WAIT, LiveAction};
use std::time::Duration;

/// How a live action runs.
pub struct LiveRun {
    /// Print the plan only.
    pub dry_run: bool,
    /// Return once the patches are sent.
    pub no_wait: bool,
    /// How long to wait for the controller (default [`LIVE_WAIT`]).
    pub timeout: Option<Duration>,
}

/// Runs `action` on the live app `name`.
pub async fn run(engine: &Engine, name: &str, action: LiveAction, how: &LiveRun) -> CliResult {
    let plan = engine
        .live_plan(name, &action)
        .await
        .map_err(CliError::new)?;
    if how.dry_run {
        print_out(&plan.describe());
        return Ok(0);
    }
    eprint!("{}", plan.describe());
    let (tx, mut rx) = tokio::sync::broadcast::channel(256);
    let printer = tokio::spawn(async move {
        while let Ok(event) = rx.recv().await {
            if let EngineEvent::SyncProgress {
                resource, action, ..
            } = event
            {
                eprintln!("  {resource}: {action}");
            }
        }
    });
    let wait = (!how.no_wait).then(|| how.timeout.unwrap_or(LIVE_WAIT));
    let result = engine.live_run(name, &action, wait, Some(&tx)).await;
    drop(tx);
    let _ = printer.await;
    let message = result.map_err(CliError::new)?;
    print_out(&format!("{message}\n"));
    Ok(0)
}
