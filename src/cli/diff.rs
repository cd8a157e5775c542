//! `tether diff APP [--revision REV] [--local]`: exit 0 in sync, 1 differs.

use super::args::DiffArgs;
use super::output::{CliError, CliResult, kind_label, print_out, write_structured};
use crate::engine::Engine;
use crate::model::Revision;

pub async fn run(engine: &Engine, args: &DiffArgs) -> CliResult {
    let revision = match (&args.revision, args.local) {
        (Some(_), true) => return Err(CliError::new("--revision and --local cannot be combined")),
        (Some(r), false) => Some(Revision::parse(r)),
        (None, true) => Some(Revision::WorkTree),
        (None, false) => None,
    };
    let diff = engine
        .diff(&args.app, revision.as_ref())
        .await
        .map_err(CliError::new)?;
    let code = i32::from(diff.differs());
    if write_structured(args.output.format, &diff)? {
        return Ok(code);
    }
    for resource in diff.resources.iter().filter(|r| r.change != "none") {
        let kind = kind_label(&resource.kind, &resource.group);
        let ns = if resource.namespace.is_empty() {
            String::new()
        } else {
            format!("{}/", resource.namespace)
        };
        print_out(&format!(
            "===== {kind} {ns}{} ({}) =====\n",
            resource.name, resource.change
        ));
        for field in resource.fields.iter().filter(|f| !f.managers.is_empty()) {
            let owners = field.managers.join(", ");
            print_out(&format!("# {} is owned live by {owners}\n", field.path));
        }
        print_out(&resource.diff);
    }
    if !diff.differs() {
        print_out(&format!("{} is in sync\n", diff.app));
    }
    Ok(code)
}
