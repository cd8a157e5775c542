//! `tether diff APP [--revision REV] [--local]`: exit 0 in sync, 1 differs,
//! 2 when some resource could not be compared (its note says why). A user
//! who may not run server-side dry-runs gets the comparison of the fields
//! Git sets with live, and a note saying so.

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
    let code = if diff.incomplete() {
        2
    } else {
        i32::from(diff.differs())
    };
    if write_structured(args.output.format, &diff)? {
        return Ok(code);
    }
    if !diff.note.is_empty() {
        print_out(&format!(
            "# {}
",
            diff.note
        ));
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
        if !resource.note.is_empty() && !resource.note.starts_with("compared the fields") {
            print_out(&format!(
                "# {}
",
                resource.note
            ));
        }
        for field in resource.fields.iter().filter(|f| !f.managers.is_empty()) {
            let owners = field.managers.join(", ");
            print_out(&format!("# {} is owned live by {owners}\n", field.path));
        }
        print_out(&resource.diff);
    }
    if !diff.differs() {
        print_out(&format!("{} is in sync\n", diff.app));
    }
    if diff.incomplete() {
        return Err(CliError::new(format!(
            "{}: some resources could not be compared (see above)",
            diff.app
        )));
    }
    Ok(code)
}
