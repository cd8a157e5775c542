//! `tether sync APP [--prune] [--dry-run] [--revision REV] [--progress]`.
//! Policy warnings go to stderr; a dry-run an admission policy denies
//! exits 2. Each step shows as it happens (cli/progress.rs).

use super::args::SyncArgs;
use super::live::LiveRun;
use super::output::{CliError, CliResult, kind_label, print_out, table, write_structured};
use super::progress::{ProgressOutput, ProgressPrinter, print_result};
use crate::engine::{Engine, LiveAction, SyncOptions, SyncReport};
use crate::model::{ResourceKey, Revision};

/// `KIND/NAMESPACE/NAME` or `GROUP/KIND/NAMESPACE/NAME` (empty namespace
/// for cluster-scoped objects).
fn parse_resource(text: &str) -> Result<ResourceKey, CliError> {
    let parts: Vec<&str> = text.split('/').collect();
    let (group, kind, namespace, name) = match parts.as_slice() {
        [kind, namespace, name] => ("", *kind, *namespace, *name),
        [group, kind, namespace, name] => (*group, *kind, *namespace, *name),
        _ => {
            return Err(CliError::new(format!(
                "--resource {text:?}: expected KIND/NAMESPACE/NAME or GROUP/KIND/NAMESPACE/NAME"
            )));
        }
    };
    Ok(ResourceKey::new(group, kind, Some(namespace), name))
}

pub async fn run(engine: &Engine, args: &SyncArgs) -> CliResult {
    if engine.is_live(&args.app) {
        let resources = args
            .resources
            .iter()
            .map(|r| parse_resource(r))
            .collect::<Result<Vec<_>, _>>()?;
        let action = LiveAction::Sync {
            prune: args.prune,
            revision: args.revision.clone(),
            resources,
            with_source: args.with_source,
            force: args.force,
        };
        let run = LiveRun {
            dry_run: args.dry_run,
            no_wait: args.live.no_wait,
            timeout: args.live.timeout.map(std::time::Duration::from_secs),
        };
        return super::live::run(engine, &args.app, action, &run).await;
    }
    if !args.dry_run && !args.paused_ok {
        let app = engine.app(&args.app).map_err(CliError::new)?;
        let status = engine.status(&app).await;
        if status.paused {
            return Err(CliError::new(format!(
                "{} is {}; pass --paused-ok to sync it anyway",
                args.app, status.message
            )));
        }
    }
    let output = ProgressOutput::of(args);
    let printer = output.map(ProgressPrinter::start);
    let options = SyncOptions {
        prune: args.prune,
        dry_run: args.dry_run,
        revision: args.revision.as_deref().map(Revision::parse),
        by: None,
        progress: printer.as_ref().map(ProgressPrinter::channel),
        override_window: args.override_window,
    };
    let result = engine.sync(&args.app, &options).await;
    drop(options);
    if let Some(printer) = printer {
        printer.finish().await;
    }
    let json_lines = output == Some(ProgressOutput::Json);
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if json_lines {
                print_result::<SyncReport>(&args.app, Err(&e.to_string()));
            }
            return Err(CliError::new(e));
        }
    };
    for violation in &report.violations {
        eprintln!("tether: {violation}");
    }
    // A dry-run that a policy denies predicts a refused sync.
    let code = if report.violations.iter().any(|v| v.denies()) {
        2
    } else {
        0
    };
    // The objects were applied, but the history lacks this sync: say so
    // and fail, rather than lose the record quietly.
    let unsaved = report
        .record_error
        .as_ref()
        .map(|e| CliError::new(format!("{}: synced, but {e}", report.app)));
    if json_lines {
        print_result(&report.app, Ok(&report));
        return unsaved.map_or(Ok(code), Err);
    }
    if write_structured(args.output.format, &report)? {
        return unsaved.map_or(Ok(code), Err);
    }
    let rows: Vec<Vec<String>> = report
        .resources
        .iter()
        .map(|r| {
            let kind = kind_label(&r.kind, &r.group);
            vec![kind, r.namespace.clone(), r.name.clone(), r.action.clone()]
        })
        .collect();
    print_out(&table(&["KIND", "NAMESPACE", "NAME", "ACTION"], &rows));
    let verb = if report.dry_run {
        "would sync (dry-run)"
    } else {
        "synced"
    };
    print_out(&format!(
        "{verb} {} at {}: {}\n",
        report.app,
        &report.revision[..report.revision.len().min(7)],
        report.summary()
    ));
    if code != 0 {
        eprintln!(
            "tether: a sync of {} would be refused by admission policies",
            report.app
        );
    }
    unsaved.map_or(Ok(code), Err)
}
