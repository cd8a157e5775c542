//! `buildMetadata`: origin annotations and the managed-by label. As in
//! kustomize, when the top kustomization asks for any build metadata,
//! every object carries its origin annotation during the build: the file
//! it came from, or the generator or transformer that made it or last
//! rebuilt its annotations.

use super::KustomizeError;
use super::resource::Resource;
use super::spec::{FieldSpec, StringMap};
use serde_json::{Map, Value};

/// The kustomize version kubectl 1.37 embeds, as its managed-by label says.
const MANAGED_BY: &str = "kustomize-v5.8.1";

/// The origin annotation.
pub(crate) const ORIGIN: &str = "config.kubernetes.io/origin";

/// The origin text of a built-in generator or transformer configured in
/// `file` (relative to the top kustomization).
pub(crate) fn builtin(file: &str, kind: &str) -> String {
    format!("configuredIn: {file}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n")
}

/// Whether `res` has an origin annotation.
pub(crate) fn has_origin(res: &Resource) -> bool {
    res.obj
        .pointer("/metadata/annotations/config.kubernetes.io~1origin")
        .is_some()
}

/// Sets the origin annotation of `res`.
pub(crate) fn set_origin(res: &mut Resource, text: &str) {
    if let Some(map) = meta_map(res, "annotations") {
        map.insert(ORIGIN.into(), Value::String(text.to_string()));
    }
}

/// Sets the origin of the objects that have none (kustomize's
/// `AddOriginAnnotation`, and what it does after each transformer).
pub(crate) fn stamp(resources: &mut [Resource], text: &str) {
    for res in resources
        .iter_mut()
        .filter(|r| !r.is_empty() && !has_origin(r))
    {
        set_origin(res, text);
    }
}

/// The origin of what a plugin configured by `config` makes: where the
/// config came from, and the plugin's type and name.
pub(crate) fn of_plugin(config: &Resource) -> Option<String> {
    let origin = config
        .annotation_texts()
        .into_iter()
        .find(|(k, _)| k == ORIGIN)?
        .1;
    let path = origin
        .lines()
        .find_map(|l| l.strip_prefix("path: "))
        .unwrap_or("")
        .to_string();
    let mut text = String::new();
    if !path.is_empty() {
        text.push_str(&format!("configuredIn: {path}\n"));
    }
    text.push_str(&format!(
        "configuredBy:\n  apiVersion: {}\n  kind: {}\n",
        config.api_version(),
        config.kind()
    ));
    let (name, ns) = (config.name(), config.namespace());
    if !name.is_empty() {
        text.push_str(&format!("  name: {name}\n"));
    }
    if !ns.is_empty() {
        text.push_str(&format!("  namespace: {ns}\n"));
    }
    Some(text)
}

/// Applies the top kustomization's `buildMetadata` options at the end of
/// the build (origin annotations are dropped unless asked for).
pub(crate) fn apply(
    file: &str,
    options: &[String],
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    for option in options {
        match option.as_str() {
            "originAnnotations" => {}
            "managedByLabel" => {
                // kustomize runs its label transformer with this one pair,
                // so labels that are not a mapping fail the build as there.
                let specs = [FieldSpec {
                    path: "metadata/labels".into(),
                    create: true,
                    ..FieldSpec::default()
                }];
                let pairs = StringMap::from([(
                    "app.kubernetes.io/managed-by".to_string(),
                    MANAGED_BY.to_string(),
                )]);
                super::labels::set_all(resources, &specs, &pairs).map_err(|message| {
                    KustomizeError::Transform {
                        kustomization: file.to_string(),
                        message,
                    }
                })?;
            }
            other => {
                return Err(KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("buildMetadata option {other:?} is not supported by tether"),
                });
            }
        }
    }
    if !options.iter().any(|o| o == "originAnnotations") {
        for res in resources.iter_mut() {
            let meta = res
                .obj
                .get_mut("metadata")
                .and_then(|m| m.get_mut("annotations"));
            if let Some(Value::Object(map)) = meta {
                map.shift_remove(ORIGIN);
            }
        }
    }
    Ok(())
}

/// `metadata.<key>` of `res` as a mapping, created when absent.
fn meta_map<'r>(res: &'r mut Resource, key: &str) -> Option<&'r mut Map<String, Value>> {
    let meta = res.metadata_mut()?;
    let entry = meta
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    super::resource::ensure_object(entry)
}
