//! What every Flux object carries: its type and identity, checked against
//! the API versions the Flux v2.7 controllers serve.

use super::FluxError;
use serde_json::Value;

/// Type and identity of a Flux object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Required: references (sources, ConfigMaps, Secrets) resolve in it
    /// and owner labels carry it. The import layer fills it in for objects
    /// that take it from where they are applied.
    pub namespace: String,
}

impl ObjectMeta {
    /// Reads and checks the identity of `object`: `kind` must be `kind`
    /// and `apiVersion` `group/v` for one of `versions`.
    pub(crate) fn read(
        object: &Value,
        group: &str,
        versions: &[&str],
        kind: &str,
    ) -> Result<Self, FluxError> {
        let text = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let meta = ObjectMeta {
            api_version: text("/apiVersion"),
            kind: text("/kind"),
            name: text("/metadata/name"),
            namespace: text("/metadata/namespace"),
        };
        let fail = |message: String| FluxError::Spec {
            object: describe(&meta),
            message,
        };
        if meta.kind != kind {
            return Err(fail(format!("expected kind {kind}, found {:?}", meta.kind)));
        }
        let served = versions
            .iter()
            .any(|v| meta.api_version == format!("{group}/{v}"));
        if !served {
            let want: Vec<String> = versions.iter().map(|v| format!("{group}/{v}")).collect();
            return Err(fail(format!(
                "apiVersion {:?} is not served by the Flux v2.7 controllers; use {}",
                meta.api_version,
                want.join(" or ")
            )));
        }
        if meta.name.is_empty() {
            return Err(fail("metadata.name is required".into()));
        }
        if meta.namespace.is_empty() {
            return Err(fail(
                "metadata.namespace is required (the namespace the object is applied to)".into(),
            ));
        }
        Ok(meta)
    }
}

/// `Kind namespace/name`, naming a Flux object in messages.
pub fn describe(meta: &ObjectMeta) -> String {
    let kind = if meta.kind.is_empty() {
        "object"
    } else {
        &meta.kind
    };
    match (meta.namespace.is_empty(), meta.name.is_empty()) {
        (_, true) => format!("{kind} (unnamed)"),
        (true, false) => format!("{kind} {}", meta.name),
        (false, false) => format!("{kind} {}/{}", meta.namespace, meta.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refuses_versions_flux_no_longer_serves() {
        let o = json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1beta2", "kind": "Kustomization",
                       "metadata": {"name": "apps", "namespace": "flux-system"}});
        let e = ObjectMeta::read(&o, "kustomize.toolkit.fluxcd.io", &["v1"], "Kustomization")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("Kustomization flux-system/apps: apiVersion"),
            "{e}"
        );
        assert!(e.contains("use kustomize.toolkit.fluxcd.io/v1"), "{e}");
    }

    #[test]
    fn requires_a_namespace() {
        let o = json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                       "metadata": {"name": "web"}});
        let e = ObjectMeta::read(&o, "helm.toolkit.fluxcd.io", &["v2"], "HelmRelease").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("HelmRelease web: metadata.namespace"),
            "{e}"
        );
    }
}
