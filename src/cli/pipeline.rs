//! `tether pipeline [NAME] [-o json]` and `tether windows [-o json]`
//! (DESIGN.md §7).

use super::output::{CliResult, print_out, table, write_structured};
use super::stage_args::{PipelineArgs, WindowsArgs};
use crate::engine::Engine;

pub async fn run(engine: &Engine, args: &PipelineArgs) -> CliResult {
    let views = engine
        .pipeline_views(args.name.as_deref())
        .await
        .map_err(super::output::CliError::new)?;
    if write_structured(args.output.format, &views)? {
        return Ok(0);
    }
    for view in &views {
        print_out(&format!("pipeline {}\n", view.name));
        let rows: Vec<Vec<String>> = view
            .stages
            .iter()
            .map(|s| {
                let gates = if s.gates.is_empty() {
                    "-".to_string()
                } else {
                    s.gates
                        .iter()
                        .map(|g| format!("{}:{}", g.name, if g.ok { "ok" } else { "FAIL" }))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                vec![
                    s.app.clone(),
                    s.cluster.clone(),
                    s.revision.get(..7).unwrap_or(&s.revision).to_string(),
                    s.images.join(", "),
                    format!("{}/{}", s.sync, s.health),
                    s.healthy_since.clone().unwrap_or_else(|| "-".into()),
                    gates,
                    s.pending_changes
                        .map_or_else(|| "-".into(), |n| n.to_string()),
                ]
            })
            .collect();
        print_out(&table(
            &[
                "STAGE",
                "CLUSTER",
                "REVISION",
                "IMAGES",
                "SYNC/HEALTH",
                "HEALTHY SINCE",
                "GATES",
                "PENDING",
            ],
            &rows,
        ));
        for stage in &view.stages {
            for gate in stage.gates.iter().filter(|g| !g.ok) {
                print_out(&format!(
                    "  {} gate {}: {}\n",
                    stage.app, gate.name, gate.message
                ));
            }
            for note in &stage.notes {
                print_out(&format!("  {}: {note}\n", stage.app));
            }
        }
    }
    Ok(0)
}

pub fn windows(engine: &Engine, args: &WindowsArgs) -> CliResult {
    let rows = engine.windows_report(chrono::Utc::now());
    if write_structured(args.output.format, &rows)? {
        return Ok(0);
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|w| {
            vec![
                w.source.clone(),
                w.kind.clone(),
                w.schedule.clone(),
                w.duration.clone(),
                if w.time_zone.is_empty() {
                    "UTC".into()
                } else {
                    w.time_zone.clone()
                },
                if w.manual_sync {
                    "yes".into()
                } else {
                    "no".into()
                },
                if w.active { "yes".into() } else { "no".into() },
                w.blocks.join(", "),
            ]
        })
        .collect();
    print_out(&table(
        &[
            "WINDOW",
            "KIND",
            "SCHEDULE",
            "DURATION",
            "ZONE",
            "MANUAL",
            "ACTIVE",
            "BLOCKS NOW",
        ],
        &lines,
    ));
    Ok(0)
}
