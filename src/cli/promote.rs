//! `tether promote PIPELINE STAGE [--dry-run] [--force]`: one commit in
//! the stage's checkout bringing the previous stage's versions; prints
//! the commit id. Exit 2 on refusal (dirty folder, nothing to promote, a
//! failed gate named with its state), with nothing written; `--dry-run`
//! prints the file and manifest diffs and the gates, and exits 2 too when
//! a gate would refuse the promotion.

use super::output::{CliError, CliResult, print_out, write_structured};
use super::stage_args::PromoteArgs;
use crate::engine::{Engine, PromoteOptions};

pub async fn run(engine: &Engine, args: &PromoteArgs) -> CliResult {
    let options = PromoteOptions {
        dry_run: args.dry_run,
        force: args.force,
    };
    let promotion = engine
        .promote(&args.pipeline, &args.stage, options)
        .await
        .map_err(CliError::new)?;
    // A dry-run shows what a promotion would do, and exits as it would:
    // 2 when a gate refuses it.
    let refused = || match promotion.refusal() {
        Some(e) => Err(CliError::new(e)),
        None => Ok(0),
    };
    if write_structured(args.output.format, &promotion)? {
        return refused();
    }
    if let Some(commit) = &promotion.commit {
        print_out(&format!("{commit}\n"));
        return Ok(0);
    }
    print_out(&promotion.file_diff());
    print_out(&promotion.manifest_diff());
    for gate in &promotion.gates {
        let state = if gate.ok { "ok" } else { "FAILS" };
        print_out(&format!("# gate {} {state}: {}\n", gate.name, gate.message));
    }
    print_out(&format!(
        "# would commit on {} in {}: {}\n",
        promotion.branch,
        promotion.repo.display(),
        promotion.message
    ));
    refused()
}
