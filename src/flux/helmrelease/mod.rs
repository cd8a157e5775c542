//! Flux HelmReleases (helm-controller v1.6): the release name and
//! namespaces, the composed values (and which of them are secret), and
//! the objects the release applies.
//!
//! ```
//! use tether::flux::{RefObjects, helmrelease::{HelmRelease, plan}};
//! let hr = HelmRelease::from_object(&serde_json::json!({
//!     "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
//!     "metadata": {"name": "web", "namespace": "apps"},
//!     "spec": {"targetNamespace": "prod",
//!              "chart": {"spec": {"chart": "./charts/web",
//!                        "sourceRef": {"kind": "GitRepository", "name": "repo"}}},
//!              "values": {"replicas": 2}}})).unwrap();
//! let plan = plan(&hr, &RefObjects::new()).unwrap();
//! assert_eq!(plan.release_name, "prod-web");
//! assert_eq!(plan.namespace, "prod");
//! assert_eq!(plan.storage_namespace, "apps");
//! assert_eq!(hr.chart_path_in_source().as_deref(), Some("charts/web"));
//! ```

mod govalue;
mod render;
mod spec;
mod strvals;
pub mod values;

pub use render::render_with_binary;
pub use spec::{ChartSource, HelmRelease, KustomizePostRenderer};
pub use values::{ComposedValues, ValuesReference};

use super::FluxError;
use super::object::describe;
use super::refs::RefObjects;
use crate::model::FileTree;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The API group whose owner labels HelmReleases stamp.
pub const GROUP: &str = "helm.toolkit.fluxcd.io";

/// What rendering a HelmRelease needs beyond the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmReleasePlan {
    /// The Helm release name (already shortened to 53 characters).
    pub release_name: String,
    /// The release namespace: objects without a namespace go there.
    pub namespace: String,
    /// Where Helm keeps the release's history Secrets.
    pub storage_namespace: String,
    /// The composed values.
    pub values: Value,
    /// Paths of values that came from Secrets (`secretValues` syntax).
    pub secret_values: Vec<String>,
}

impl HelmRelease {
    /// `spec.releaseName`, else `[<targetNamespace>-]<name>`, shortened
    /// as helm-controller shortens it.
    pub fn release_name(&self) -> String {
        let name = match (&self.release_name, &self.target_namespace) {
            (Some(r), _) => r.clone(),
            (None, Some(t)) => format!("{t}-{}", self.meta.name),
            (None, None) => self.meta.name.clone(),
        };
        shorten_name(&name)
    }

    /// `spec.targetNamespace`, else the HelmRelease's namespace.
    pub fn release_namespace(&self) -> &str {
        self.target_namespace
            .as_deref()
            .unwrap_or(&self.meta.namespace)
    }

    /// `spec.storageNamespace`, else the HelmRelease's namespace.
    pub fn storage_namespace(&self) -> &str {
        self.storage_namespace
            .as_deref()
            .unwrap_or(&self.meta.namespace)
    }

    /// The HelmChart helm-controller creates for `spec.chart`
    /// (`<namespace>-<name>`, in the source's namespace), as
    /// `(namespace, name)`; None with `spec.chartRef`.
    pub fn helm_chart(&self) -> Option<(String, String)> {
        match &self.chart {
            ChartSource::Template { source_ref, .. } => Some((
                source_ref.namespace.clone(),
                format!("{}-{}", self.meta.namespace, self.meta.name),
            )),
            ChartSource::Reference(_) => None,
        }
    }

    /// The chart's folder inside the source artifact, for a chart in a
    /// GitRepository or Bucket; None when the chart is fetched from a
    /// Helm or OCI repository (the caller supplies a vendored copy).
    pub fn chart_path_in_source(&self) -> Option<String> {
        match &self.chart {
            ChartSource::Template {
                chart, source_ref, ..
            } if source_ref.kind != "HelmRepository" => Some(super::source::clean(chart)),
            _ => None,
        }
    }
}

/// helm-controller's release name rule: a name over 53 bytes becomes its
/// first 40 bytes, `-`, and the first 12 hex digits of its SHA-256.
pub fn shorten_name(name: &str) -> String {
    if name.len() <= 53 {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}",
        String::from_utf8_lossy(&name.as_bytes()[..40]),
        &hex[..12]
    )
}

/// The names, namespaces and composed values of `hr`, reading `valuesFrom`
/// ConfigMaps and Secrets from `refs`.
pub fn plan(hr: &HelmRelease, refs: &RefObjects) -> Result<HelmReleasePlan, FluxError> {
    let composed = values::compose(
        &hr.meta.namespace,
        hr.values.as_ref(),
        &hr.values_from,
        refs,
    )
    .map_err(|message| FluxError::Reference {
        object: describe(&hr.meta),
        message,
    })?;
    Ok(HelmReleasePlan {
        release_name: hr.release_name(),
        namespace: hr.release_namespace().to_string(),
        storage_namespace: hr.storage_namespace().to_string(),
        values: composed.values,
        secret_values: composed.secret_paths,
    })
}

/// The objects `hr` applies, from the chart in folder `chart_dir` of
/// `tree` (see [`HelmRelease::chart_path_in_source`]), rendered with the
/// helm binary on PATH (or `$TETHER_HELM`).
pub fn render(
    hr: &HelmRelease,
    plan: &HelmReleasePlan,
    tree: &FileTree,
    chart_dir: &str,
) -> Result<Vec<Value>, FluxError> {
    let helm = crate::render::helm::helm_binary().map_err(|source| FluxError::Render {
        object: describe(&hr.meta),
        source,
    })?;
    render_with_binary(&helm, hr, plan, tree, chart_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_release_names_are_shortened_as_helm_controller_does() {
        // helm-controller internal/release/name_test.go.
        assert_eq!(shorten_name("release-name"), "release-name");
        assert_eq!(
            shorten_name("release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "release-name-with-very-long-name-which-i-788ca0d0d7b0"
        );
        assert_eq!(
            shorten_name(
                "another-release-name-with-very-long-name-which-is-longer-than-53-characters"
            ),
            "another-release-name-with-very-long-name-7e72150d5a36"
        );
        assert_eq!(shorten_name(""), "");
        let exactly = "a".repeat(53);
        assert_eq!(shorten_name(&exactly), exactly);
    }
}
