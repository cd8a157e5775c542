//! `tether compare APP_A APP_B [--revision R] [-o json]`: the two apps'
//! desired states, diffed after taking out what differs between stages
//! by design (DESIGN.md §7). Exit 0 same, 1 differs, 2 error.

use super::output::{CliError, CliResult, kind_label, print_out, write_structured};
use super::stage_args::{CompareArgs, KeepArg};
use crate::diff::StageBlindness;
use crate::engine::Engine;
use crate::model::Revision;

pub fn run(engine: &Engine, args: &CompareArgs) -> CliResult {
    let revision = args.revision.as_deref().map(Revision::parse);
    let blind = StageBlindness {
        namespace: !args.keep.contains(&KeepArg::Namespace),
        names: !args.keep.contains(&KeepArg::Names),
        tracking: !args.keep.contains(&KeepArg::Tracking),
        labels: args.ignore_label.clone(),
        annotations: args.ignore_annotation.clone(),
    };
    let diff = engine
        .compare(&args.app_a, &args.app_b, revision.as_ref(), &blind)
        .map_err(CliError::new)?;
    let code = i32::from(diff.differs());
    if write_structured(args.output.format, &diff)? {
        return Ok(code);
    }
    let [a, b] = &diff.apps;
    for resource in diff.resources.iter().filter(|r| r.change != "none") {
        let kind = kind_label(&resource.kind, &resource.group);
        let what = match resource.change.as_str() {
            "create" => format!("only in {b}"),
            "delete" => format!("only in {a}"),
            _ => "differs".to_string(),
        };
        print_out(&format!("===== {kind} {} ({what}) =====\n", resource.name));
        print_out(&resource.diff);
    }
    let same = diff.resources.iter().filter(|r| r.change == "none").count();
    let differ = diff.resources.len() - same;
    print_out(&format!(
        "{a} and {b}: {differ} of {} resources differ\n",
        diff.resources.len()
    ));
    Ok(code)
}
