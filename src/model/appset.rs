//! An Argo CD ApplicationSet as a row of the appsets view.

use super::{AppOriginKind, HealthStatus, ImportedAppSet};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One ApplicationSet: where it lives, what generates its apps, how many
/// of them are listed, and its own state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AppSetStatus {
    pub name: String,
    pub namespace: String,
    /// The context it lives in (live); empty when imported from Git.
    pub cluster: String,
    /// The ref its apps name as their `parent`: `CONTEXT/NAMESPACE/NAME`
    /// (live) or `ApplicationSet/NAMESPACE/NAME` (imported).
    #[serde(rename = "ref")]
    pub reference: String,
    pub origin: AppOriginKind,
    /// Generator kinds in order (`list`, `git`, `clusters`, `matrix`…).
    pub generators: Vec<String>,
    /// Apps listed whose parent it is.
    pub apps: usize,
    /// `status.health.status` (Unknown when the controller sets none).
    pub health: HealthStatus,
    /// The error condition's message, else the newest condition's.
    pub message: String,
}

/// The generator kinds of an ApplicationSet object, in order: each
/// generator's only key but `selector`, `values` and `template`.
pub fn generator_kinds(appset: &Value) -> Vec<String> {
    appset
        .pointer("/spec/generators")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter_map(|g| {
                    g.as_object()?
                        .keys()
                        .find(|k| !matches!(k.as_str(), "selector" | "values" | "template"))
                        .cloned()
                })
                .collect()
        })
        .unwrap_or_default()
}

impl From<&ImportedAppSet> for AppSetStatus {
    /// The row of an ApplicationSet found in Git: Healthy when its
    /// generators ran, Degraded with the error when they failed (`apps` is
    /// counted by the caller).
    fn from(appset: &ImportedAppSet) -> Self {
        Self {
            name: appset.name.clone(),
            namespace: appset.namespace.clone(),
            cluster: String::new(),
            reference: appset.reference.clone(),
            origin: AppOriginKind::Git,
            generators: generator_kinds(&appset.object),
            apps: 0,
            health: if appset.error.is_some() {
                HealthStatus::Degraded
            } else {
                HealthStatus::Healthy
            },
            message: appset.error.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_imported_appset_row_says_its_generators_and_error() {
        let object = json!({"spec": {"generators": [
            {"list": {"elements": []}, "selector": {}},
            {"matrix": {"generators": []}}]}});
        let mut appset = ImportedAppSet {
            reference: "ApplicationSet/argocd/web".into(),
            namespace: "argocd".into(),
            name: "web".into(),
            found_in: "gitops:appsets.yaml".into(),
            apps: vec!["Application/argocd/web-dev".into()],
            error: None,
            applications_sync: "sync".into(),
            preserve_resources_on_deletion: false,
            object,
        };
        let row = AppSetStatus::from(&appset);
        assert_eq!(row.generators, ["list", "matrix"]);
        assert_eq!(
            (row.origin, row.health),
            (AppOriginKind::Git, HealthStatus::Healthy)
        );
        appset.error = Some("generators[0]: boom".into());
        let row = AppSetStatus::from(&appset);
        assert_eq!(row.health, HealthStatus::Degraded);
        assert_eq!(row.message, "generators[0]: boom");
    }
}
