//! A `helm.toolkit.fluxcd.io/v2` HelmRelease as data.

use super::values::ValuesReference;
use crate::flux::FluxError;
use crate::flux::kustomization::{Image, ObjectRef, Patch, object_ref, read_images, read_patches};
use crate::flux::metadata::CommonMetadata;
use crate::flux::object::{ObjectMeta, describe};
use serde_json::{Map, Value};

/// Where the chart comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource {
    /// `spec.chart`: a chart in a source, built by source-controller into a
    /// HelmChart named `<namespace>-<name>`.
    Template {
        /// The chart name (HelmRepository) or its path in the source
        /// (GitRepository, Bucket).
        chart: String,
        /// Semver range (HelmRepository sources only).
        version: Option<String>,
        source_ref: ObjectRef,
        /// `valuesFiles`: replace the chart's default values (relative to
        /// the source root for GitRepository/Bucket, to the chart for a
        /// HelmRepository).
        values_files: Vec<String>,
        ignore_missing_values_files: bool,
    },
    /// `spec.chartRef`: an OCIRepository, HelmChart or ExternalArtifact
    /// holding a packaged chart.
    Reference(ObjectRef),
}

/// `postRenderers[].kustomize`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KustomizePostRenderer {
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
}

/// A Flux HelmRelease: what renders (chart, names, values, post
/// renderers, common metadata) and what the engine may honour.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmRelease {
    pub meta: ObjectMeta,
    pub chart: ChartSource,
    pub release_name: Option<String>,
    pub target_namespace: Option<String>,
    pub storage_namespace: Option<String>,
    /// `spec.values` (a mapping).
    pub values: Option<Map<String, Value>>,
    pub values_from: Vec<ValuesReference>,
    pub common_metadata: CommonMetadata,
    pub post_renderers: Vec<KustomizePostRenderer>,
    pub suspend: bool,
    pub depends_on: Vec<ObjectRef>,
    /// `spec.driftDetection.mode` (`enabled`, `warn`, `disabled`).
    pub drift_detection: Option<String>,
    /// `spec.driftDetection.ignore` rules, as written.
    pub drift_ignore: Vec<Value>,
    /// `spec.kubeConfig` is set: the release goes to another cluster.
    pub remote_cluster: bool,
    pub service_account_name: Option<String>,
}

impl HelmRelease {
    /// Reads a HelmRelease object; the error names the object and field.
    pub fn from_object(object: &Value) -> Result<Self, FluxError> {
        let meta = ObjectMeta::read(object, "helm.toolkit.fluxcd.io", &["v2"], "HelmRelease")?;
        let name = describe(&meta);
        read_spec(object.get("spec").unwrap_or(&Value::Null), meta).map_err(|message| {
            FluxError::Spec {
                object: name,
                message,
            }
        })
    }
}

fn read_spec(spec: &Value, meta: ObjectMeta) -> Result<HelmRelease, String> {
    let text = |pointer: &str| -> Result<Option<String>, String> {
        match spec.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!(
                "spec{} must be a string",
                pointer.replace('/', ".")
            )),
        }
    };
    let list = |pointer: &str| {
        spec.pointer(pointer)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let chart = read_chart(spec, &meta.namespace)?;
    let values = match spec.get("values") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(_) => return Err("spec.values must be a mapping".into()),
    };
    let mut values_from = Vec::new();
    for (i, r) in list("/valuesFrom").iter().enumerate() {
        let f = |name: &str| {
            r.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        if f("name").is_empty() {
            return Err(format!("spec.valuesFrom[{i}].name is required"));
        }
        values_from.push(ValuesReference {
            kind: f("kind"),
            name: f("name"),
            values_key: if f("valuesKey").is_empty() {
                "values.yaml".into()
            } else {
                f("valuesKey")
            },
            target_path: f("targetPath"),
            optional: r.get("optional").and_then(Value::as_bool).unwrap_or(false),
            literal: r.get("literal").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    let mut post_renderers = Vec::new();
    for (i, p) in list("/postRenderers").iter().enumerate() {
        let Some(k) = p.get("kustomize").filter(|k| !k.is_null()) else {
            continue;
        };
        let field = format!("spec.postRenderers[{i}].kustomize");
        let items = |name: &str| {
            k.get(name)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        post_renderers.push(KustomizePostRenderer {
            patches: read_patches(&items("patches"), &format!("{field}.patches"))?,
            images: read_images(&items("images"), &format!("{field}.images"))?,
        });
    }
    let depends_on = list("/dependsOn")
        .iter()
        .map(|d| object_ref(d, &meta.namespace, "spec.dependsOn"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HelmRelease {
        chart,
        release_name: text("/releaseName")?,
        target_namespace: text("/targetNamespace")?,
        storage_namespace: text("/storageNamespace")?,
        values,
        values_from,
        common_metadata: CommonMetadata::read(spec.get("commonMetadata"), "spec.commonMetadata")?,
        post_renderers,
        suspend: spec
            .get("suspend")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        depends_on,
        drift_detection: text("/driftDetection/mode")?,
        drift_ignore: list("/driftDetection/ignore"),
        remote_cluster: spec.get("kubeConfig").is_some_and(|v| !v.is_null()),
        service_account_name: text("/serviceAccountName")?,
        meta,
    })
}

fn read_chart(spec: &Value, namespace: &str) -> Result<ChartSource, String> {
    let chart = spec.get("chart").filter(|c| !c.is_null());
    let chart_ref = spec.get("chartRef").filter(|c| !c.is_null());
    match (chart, chart_ref) {
        (Some(_), Some(_)) => Err("spec.chart and spec.chartRef are mutually exclusive".into()),
        (None, None) => Err("one of spec.chart or spec.chartRef is required".into()),
        (None, Some(r)) => {
            let r = object_ref(r, namespace, "spec.chartRef")?;
            if !matches!(
                r.kind.as_str(),
                "OCIRepository" | "HelmChart" | "ExternalArtifact"
            ) {
                return Err(format!(
                    "spec.chartRef.kind must be OCIRepository, HelmChart or ExternalArtifact, not {:?}",
                    r.kind
                ));
            }
            Ok(ChartSource::Reference(r))
        }
        (Some(c), None) => {
            let s = c.get("spec").ok_or("spec.chart.spec is required")?;
            let f = |name: &str| s.get(name).and_then(Value::as_str).unwrap_or_default();
            if f("chart").is_empty() {
                return Err("spec.chart.spec.chart is required".into());
            }
            let source = s
                .get("sourceRef")
                .ok_or("spec.chart.spec.sourceRef is required")?;
            let source_ref = object_ref(source, namespace, "spec.chart.spec.sourceRef")?;
            if !matches!(
                source_ref.kind.as_str(),
                "HelmRepository" | "GitRepository" | "Bucket"
            ) {
                return Err(format!(
                    "spec.chart.spec.sourceRef.kind must be HelmRepository, GitRepository or Bucket, not {:?}",
                    source_ref.kind
                ));
            }
            let values_files = s
                .get("valuesFiles")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            Ok(ChartSource::Template {
                chart: f("chart").to_string(),
                version: Some(f("version"))
                    .filter(|v| !v.is_empty())
                    .map(str::to_string),
                source_ref,
                values_files,
                ignore_missing_values_files: s
                    .get("ignoreMissingValuesFiles")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        }
    }
}
