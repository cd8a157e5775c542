//! `tether sync APP [--prune] [--dry-run] [--revision REV]`. Policy
//! warnings go to stderr; a dry-run an admission policy denies exits 2.

use super::args::SyncArgs;
use super::output::{CliError, CliResult, kind_label, print_out, table, write_structured};
use crate::engine::{Engine, SyncOptions};
use crate::model::Revision;

pub async fn run(engine: &Engine, args: &SyncArgs) -> CliResult {
    if !args.dry_run && !args.paused_ok {
        let app = engine.app(&args.app).map_err(CliError::new)?;
        let status = engine.status(app).await;
        if status.paused {
            return Err(CliError::new(format!(
                "{} is {}; pass --paused-ok to sync it anyway",
                args.app, status.message
            )));
        }
    }
    let options = SyncOptions {
        prune: args.prune,
        dry_run: args.dry_run,
        revision: args.revision.as_deref().map(Revision::parse),
        by: None,
        progress: None,
    };
    let report = engine
        .sync(&args.app, &options)
        .await
        .map_err(CliError::new)?;
    for violation in &report.violations {
        eprintln!("tether: {violation}");
    }
    // A dry-run that a policy denies predicts a refused sync.
    let code = if report.violations.iter().any(|v| v.denies()) {
        2
    } else {
        0
    };
    if write_structured(args.output.format, &report)? {
        return Ok(code);
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
    Ok(code)
}
