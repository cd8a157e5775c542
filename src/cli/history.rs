//! `tether history APP`, `tether pause APP [--reason T]`, `tether resume APP`.

use super::args::{
    AppArg, HistoryArgs, LiveArgs, LiveFlags, PauseArgs, RefreshArgs, RevertArgs, RollbackArgs,
};
use super::live::{self, LiveRun};
use super::output::{CliError, CliResult, print_out, table, write_structured};
use crate::engine::{Engine, LiveAction, whoami};
use std::time::Duration;

fn live_run(flags: &LiveFlags, dry_run: bool) -> LiveRun {
    LiveRun {
        dry_run,
        no_wait: flags.no_wait,
        timeout: flags.timeout.map(Duration::from_secs),
    }
}

/// `tether refresh APP [--hard] [--with-source]` (live apps only).
pub async fn refresh(engine: &Engine, args: &RefreshArgs) -> CliResult {
    require_live(engine, &args.app, "refresh")?;
    let action = LiveAction::Refresh {
        hard: args.hard,
        with_source: args.with_source,
    };
    live::run(
        engine,
        &args.app,
        action,
        &live_run(&args.live, args.dry_run),
    )
    .await
}

/// `tether terminate APP` (live Argo CD apps only).
pub async fn terminate(engine: &Engine, args: &LiveArgs) -> CliResult {
    require_live(engine, &args.app, "terminate")?;
    let run = live_run(&args.live, args.dry_run);
    live::run(engine, &args.app, LiveAction::Terminate, &run).await
}

/// Refresh and terminate speak to a controller: the app must run live.
fn require_live(engine: &Engine, name: &str, verb: &str) -> Result<(), CliError> {
    let app = engine.app(name).map_err(CliError::new)?;
    if engine.is_live(name) {
        return Ok(());
    }
    Err(CliError::new(format!(
        "{}: `{verb}` asks a running Argo CD or Flux controller, and this app is not live in any watched context (tether's own apps refresh on their own; watch contexts with `clusters:` or --all-contexts)",
        app.reference()
    )))
}

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
    if engine.is_live(&args.app) {
        let action = LiveAction::Pause { reason };
        return live::run(engine, &args.app, action, &live_run(&args.live, false)).await;
    }
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
    if engine.is_live(&args.app) {
        let run = live_run(&args.live, false);
        return live::run(engine, &args.app, LiveAction::Resume, &run).await;
    }
    engine.resume(&args.app).await.map_err(CliError::new)?;
    print_out(&format!("resumed {}\n", args.app));
    Ok(0)
}

pub async fn rollback(engine: &Engine, args: &RollbackArgs) -> CliResult {
    let id: u64 = args
        .id
        .parse()
        .map_err(|_| CliError::new(format!("history id must be a number, not {:?}", args.id)))?;
    if engine.is_live(&args.app) {
        let action = LiveAction::Rollback {
            id: i64::try_from(id).unwrap_or(i64::MAX),
            prune: args.prune,
        };
        return live::run(engine, &args.app, action, &live_run(&args.live, false)).await;
    }
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
