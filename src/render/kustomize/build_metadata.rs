//! `buildMetadata`: origin annotations and the managed-by label kustomize
//! adds when asked.

use super::KustomizeError;
use super::resource::Resource;
use serde_json::{Map, Value};

/// The kustomize version kubectl 1.37 embeds, as its managed-by label says.
const MANAGED_BY: &str = "kustomize-v5.8.1";

/// Applies the top kustomization's `buildMetadata` options.
pub(crate) fn apply(
    file: &str,
    options: &[String],
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    for option in options {
        match option.as_str() {
            "originAnnotations" => {
                for res in resources.iter_mut().filter(|r| !r.origin.is_empty()) {
                    let origin = Value::String(res.origin.clone());
                    if let Some(map) = meta_map(res, "annotations") {
                        map.insert("config.kubernetes.io/origin".into(), origin);
                    }
                }
            }
            "managedByLabel" => {
                for res in resources.iter_mut() {
                    let label = Value::String(MANAGED_BY.into());
                    if let Some(map) = meta_map(res, "labels") {
                        map.insert("app.kubernetes.io/managed-by".into(), label);
                    }
                }
            }
            other => {
                return Err(KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("buildMetadata option {other:?} is not supported by tether"),
                });
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
