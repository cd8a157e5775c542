//! `tether apps` / `tether status [APP…]`.

use super::args::StatusArgs;
use super::output::{CliError, CliResult, kind_label, print_out, table, write_structured};
use crate::engine::Engine;
use crate::model::{AppEngine, AppStatus, ResourceNode};
use serde::Serialize;

/// An app's status with its resource tree (`status APP`).
#[derive(Serialize)]
struct StatusWithTree {
    #[serde(flatten)]
    status: AppStatus,
    tree: Vec<ResourceNode>,
}

pub async fn run(engine: &Engine, args: &StatusArgs) -> CliResult {
    if args.apps.is_empty() {
        let mut statuses = engine.status_all().await;
        engine.fill_denials(&mut statuses).await;
        if !write_structured(args.output.format, &statuses)? {
            print_out(&apps_table(&statuses));
        }
        return Ok(0);
    }
    let mut detailed = Vec::new();
    for name in &args.apps {
        let app = engine.app(name).map_err(CliError::new)?;
        let mut status = engine.status(&app).await;
        engine.fill_denials(std::slice::from_mut(&mut status)).await;
        // An unreachable cluster has no tree; the status says why.
        let tree = engine.tree(name).await.unwrap_or_default();
        detailed.push(StatusWithTree { status, tree });
    }
    if write_structured(args.output.format, &detailed)? {
        return Ok(0);
    }
    let statuses: Vec<AppStatus> = detailed.iter().map(|d| d.status.clone()).collect();
    print_out(&apps_table(&statuses));
    for item in &detailed {
        print_out(&format!("\n{}:\n", item.status.name));
        print_out(&tree_table(&item.tree));
    }
    Ok(0)
}

/// The apps table: one row per app. With Argo CD or Flux apps among them,
/// an ENGINE column follows the name; with an app whose desired state
/// violates an admission policy, a POLICY column precedes the message.
pub fn apps_table(statuses: &[AppStatus]) -> String {
    let engines = statuses.iter().any(|s| s.engine != AppEngine::Tether);
    let policy = statuses
        .iter()
        .any(|s| s.policy.as_ref().is_some_and(|p| !p.passes()));
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|s| {
            let mut row = vec![s.name.clone()];
            if engines {
                row.push(s.engine.to_string());
            }
            row.extend([
                s.project.clone(),
                s.cluster.clone(),
                s.namespace.clone(),
                short(&s.revision),
                s.sync.to_string(),
                s.health.to_string(),
            ]);
            if policy {
                row.push(policy_summary(s));
            }
            row.push(s.message.clone());
            row
        })
        .collect();
    let mut header = vec!["NAME"];
    if engines {
        header.push("ENGINE");
    }
    header.extend([
        "PROJECT",
        "CLUSTER",
        "NAMESPACE",
        "REVISION",
        "SYNC",
        "HEALTH",
    ]);
    if policy {
        header.push("POLICY");
    }
    header.push("MESSAGE");
    table(&header, &rows)
}

/// `2 denied, 1 warned`, `check failed`, or empty when the app passes.
fn policy_summary(status: &AppStatus) -> String {
    let Some(findings) = &status.policy else {
        return String::new();
    };
    let mut parts = Vec::new();
    if findings.error.is_some() {
        parts.push("check failed".to_string());
    }
    if findings.denied > 0 {
        parts.push(format!("{} denied", findings.denied));
    }
    if findings.warned > 0 {
        parts.push(format!("{} warned", findings.warned));
    }
    parts.join(", ")
}

/// The resource tree, children indented under their owners.
fn tree_table(tree: &[ResourceNode]) -> String {
    fn rows(nodes: &[ResourceNode], depth: usize, out: &mut Vec<Vec<String>>) {
        for n in nodes {
            let indent = match depth {
                0 => String::new(),
                d => format!("{}└─ ", "   ".repeat(d - 1)),
            };
            out.push(vec![
                format!("{indent}{}", kind_label(&n.kind, &n.group)),
                n.namespace.clone(),
                n.name.clone(),
                n.sync.map(|s| s.to_string()).unwrap_or_default(),
                n.health.to_string(),
                // A Rollout's or Canary's progress says more than its message.
                if n.info.is_empty() {
                    n.message.clone()
                } else {
                    n.info.clone()
                },
            ]);
            rows(&n.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    rows(tree, 0, &mut out);
    table(
        &["KIND", "NAMESPACE", "NAME", "SYNC", "HEALTH", "MESSAGE"],
        &out,
    )
}

fn short(revision: &str) -> String {
    if revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()) {
        revision[..7].to_string()
    } else {
        revision.to_string()
    }
}
