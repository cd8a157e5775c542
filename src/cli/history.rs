//! `tether history APP`, `tether pause APP [--reason T]`, `tether resume APP`.

use super::args::{AppArg, HistoryArgs, PauseArgs, RevertArgs, RollbackArgs};
use super::output::{CliError, CliResult, print_out, table, write_structured};
use crate::engine::{Engine, whoami};

pub async fn history(engine: &Engine, args: &HistoryArgs) -> CliResult {
    let history = engine.history(&args.app).await.map_err(CliError::new)?;
    if write_structured(args.output.format, &history)? {
        return Ok(0);
    }
    let commits: Vec<Vec<String>> = history
        .commits
        .iter()
        .map(|c| {
            vec![
                c.id[..c.id.len().min(7)].to_string(),
                c.time.clone(),
                c.author.clone(),
                c.summary.clone(),
            ]
        })
        .collect();
    print_out(&format!("Commits touching {}:\n", history.app));
    print_out(&table(&["COMMIT", "TIME", "AUTHOR", "SUMMARY"], &commits));
    if let Some(boundary) = &history.shallow {
        print_out(&format!(
            "(the checkout is a shallow clone: history stops at {}, whose parents are not in it; `git fetch --unshallow` shows more)\n",
            &boundary[..boundary.len().min(7)]
        ));
    }
    let syncs: Vec<Vec<String>> = history
        .syncs
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.revision[..s.revision.len().min(7)].to_string(),
                s.started.clone(),
                s.result.clone(),
                s.by.clone(),
                s.message.clone(),
            ]
        })
        .collect();
    print_out("\nSyncs:\n");
    print_out(&table(
        &["ID", "REVISION", "STARTED", "RESULT", "BY", "MESSAGE"],
        &syncs,
    ));
    Ok(0)
}

pub async fn pause(engine: &Engine, args: &PauseArgs) -> CliResult {
    let reason = args.reason.clone().unwrap_or_default();
    engine
        .pause(&args.app, &reason, &whoami())
        .await
        .map_err(CliError::new)?;
    print_out(&format!(
        "paused {}: automated sync and self-heal stop for everyone until `tether resume {}`\n",
        args.app, args.app
    ));
    Ok(0)
}

pub async fn resume(engine: &Engine, args: &AppArg) -> CliResult {
    engine.resume(&args.app).await.map_err(CliError::new)?;
    print_out(&format!("resumed {}\n", args.app));
    Ok(0)
}

pub async fn rollback(engine: &Engine, args: &RollbackArgs) -> CliResult {
    let id: u64 = args
        .id
        .parse()
        .map_err(|_| CliError::new(format!("history id must be a number, not {:?}", args.id)))?;
    let report = engine
        .rollback(&args.app, id, &whoami())
        .await
        .map_err(CliError::new)?;
    print_out(&format!(
        "rolled {} back to {} ({}); the app is paused: `tether resume {}` returns to tracking its branch\n",
        report.app,
        &report.revision[..report.revision.len().min(7)],
        report.summary(),
        report.app
    ));
    Ok(0)
}

pub async fn revert(engine: &Engine, args: &RevertArgs) -> CliResult {
    let outcome = engine
        .revert(&args.app, args.commit.as_deref())
        .map_err(CliError::new)?;
    print_out(&format!("{}\n", outcome.id));
    Ok(0)
}
