//! `tether check APP [--revision REV] [-o json]`: the app's desired state
//! against the admission policies of tether.yaml `policies:`, offline
//! (DESIGN.md §7). Exit 0 when no policy denies, 1 when one does (warnings
//! and audits are printed but pass), 2 on error.

use super::args::{CheckArgs, OutputFormat};
use super::output::{CliError, CliResult, print_out, table, write_structured};
use crate::engine::Engine;
use crate::model::Revision;

pub fn run(engine: &Engine, args: &CheckArgs) -> CliResult {
    let revision = args.revision.as_deref().map(Revision::parse);
    let report = engine
        .check(&args.app, revision.as_ref())
        .map_err(CliError::new)?;
    for warning in &report.warnings {
        eprintln!("tether: warning: {warning}");
    }
    let denied = report.violations.iter().filter(|v| v.denies()).count();
    let code = if denied > 0 { 1 } else { 0 };
    if args.output.format != OutputFormat::Table {
        write_structured(args.output.format, &report.violations)?;
        return Ok(code);
    }
    let short = report.revision.get(..7).unwrap_or(&report.revision);
    let policies = match report.policies.len() {
        1 => "1 policy".to_string(),
        n => format!("{n} policies"),
    };
    if report.violations.is_empty() {
        print_out(&format!("{} at {short}: passes {policies}\n", report.app));
        return Ok(code);
    }
    let rows: Vec<Vec<String>> = report
        .violations
        .iter()
        .map(|v| {
            vec![
                v.action.clone(),
                v.policy.clone(),
                v.binding.clone(),
                v.object.clone(),
                v.message.clone(),
            ]
        })
        .collect();
    print_out(&table(
        &["ACTION", "POLICY", "BINDING", "OBJECT", "MESSAGE"],
        &rows,
    ));
    let others = report.violations.len() - denied;
    print_out(&format!(
        "{} at {short}: {denied} denied, {others} warned or audited, by {policies}\n",
        report.app
    ));
    Ok(code)
}
