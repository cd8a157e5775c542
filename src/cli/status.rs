//! `tether apps` / `tether status [APP…]`.

use super::args::{OutputFormat, StatusArgs};
use super::output::{CliError, CliResult, print_out, table, write_structured};
use crate::engine::Engine;
use crate::model::AppStatus;

pub async fn run(engine: &Engine, args: &StatusArgs) -> CliResult {
    let statuses = if args.apps.is_empty() {
        engine.status_all().await
    } else {
        let mut out = Vec::new();
        for name in &args.apps {
            let app = engine.app(name).map_err(CliError::new)?;
            out.push(engine.status(app).await);
        }
        out
    };
    if write_structured(args.output.format, &statuses)? {
        return Ok(0);
    }
    debug_assert_eq!(args.output.format, OutputFormat::Table);
    print_out(&apps_table(&statuses));
    if !args.apps.is_empty() {
        for status in &statuses {
            print_out(&format!("\n{}:\n", status.name));
            print_out(&resources_table(status));
        }
    }
    Ok(0)
}

/// The apps table: one row per app.
pub fn apps_table(statuses: &[AppStatus]) -> String {
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.project.clone(),
                s.cluster.clone(),
                s.namespace.clone(),
                short(&s.revision),
                s.sync.to_string(),
                s.health.to_string(),
                s.message.clone(),
            ]
        })
        .collect();
    table(
        &[
            "NAME",
            "PROJECT",
            "CLUSTER",
            "NAMESPACE",
            "REVISION",
            "SYNC",
            "HEALTH",
            "MESSAGE",
        ],
        &rows,
    )
}

fn resources_table(status: &AppStatus) -> String {
    let rows: Vec<Vec<String>> = status
        .resources
        .iter()
        .map(|r| {
            let kind = if r.group.is_empty() {
                r.kind.clone()
            } else {
                format!("{}.{}", r.kind, r.group)
            };
            vec![
                kind,
                r.namespace.clone(),
                r.name.clone(),
                r.sync.to_string(),
                r.health.to_string(),
                r.message.clone(),
            ]
        })
        .collect();
    table(
        &["KIND", "NAMESPACE", "NAME", "SYNC", "HEALTH", "MESSAGE"],
        &rows,
    )
}

fn short(revision: &str) -> String {
    if revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()) {
        revision[..7].to_string()
    } else {
        revision.to_string()
    }
}
