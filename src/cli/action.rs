//! `tether action APP KIND/NAME ACTION`: a resource action (DESIGN.md §7)
//! on an object the app deploys. The patches are printed first; they are
//! sent after a yes on the terminal, or at once with `--yes`.

use super::args::ActionArgs;
use super::output::{CliError, CliResult, print_out};
use crate::engine::Engine;
use std::io::{BufRead, IsTerminal, Write};

/// Runs `tether action`.
pub async fn run(engine: &Engine, args: &ActionArgs) -> CliResult {
    let plan = engine
        .resource_action_plan(&args.app, &args.target, &args.action)
        .await
        .map_err(CliError::new)?;
    if args.dry_run {
        print_out(&plan.describe());
        return Ok(0);
    }
    eprint!("{}", plan.describe());
    if !args.yes && !confirmed(&format!("{} {}?", args.action, plan.target()))? {
        return Err(CliError::new(format!(
            "{} {} not sent (confirm on a terminal, or pass --yes)",
            args.action,
            plan.target()
        )));
    }
    // Sent from a fresh read, so a change since the plan is checked again.
    let done = engine
        .resource_action(&args.app, &plan.key, &args.action)
        .await
        .map_err(CliError::new)?;
    print_out(&format!("{done}\n"));
    Ok(0)
}

/// Asks `question` on the terminal; false when stdin is not a terminal.
fn confirmed(question: &str) -> Result<bool, CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
