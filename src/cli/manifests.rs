//! `tether manifests APP [--revision REV]`: the desired state exactly as a
//! sync would apply it — namespaces set, tracking marks added — for every
//! app, tether's or imported (an Argo CD app's hooks last). Secret values are masked as everywhere.

use super::args::{ManifestsArgs, OutputFormat};
use super::output::{CliError, CliResult, print_out, write_structured};
use crate::diff::mask_secret;
use crate::engine::Engine;
use crate::model::Revision;
use crate::render::to_yaml_stream;
use serde_json::Value;

pub async fn run(engine: &Engine, args: &ManifestsArgs) -> CliResult {
    let revision = args.revision.as_deref().map(Revision::parse);
    let desired = engine
        .manifests(&args.app, revision.as_ref())
        .await
        .map_err(CliError::new)?;
    // Argo CD hooks follow the objects: a sync runs them too.
    let mut objects = desired.objects;
    objects.extend(desired.hooks);
    for object in &mut objects {
        let salt = salt_of(object);
        mask_secret(object, &salt);
        desired.secrets.mask_values(&mut [object], &salt);
    }
    if args.output.format != OutputFormat::Table {
        write_structured(args.output.format, &objects)?;
        return Ok(0);
    }
    print_out(&to_yaml_stream(&objects));
    Ok(0)
}

/// `namespace/name`, the salt masking uses everywhere else.
fn salt_of(object: &Value) -> String {
    let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    format!("{}/{}", text("/metadata/namespace"), text("/metadata/name"))
}
