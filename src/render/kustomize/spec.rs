//! The `kustomization.yaml` file as data (kustomize 5.x field names).

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The top-level fields of a kustomization, as spelled canonically (Go's
/// decoder kustomize uses matches field names case-insensitively).
pub(crate) const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "resources",
    "bases",
    "components",
    "crds",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "images",
    "imageTags",
    "replicas",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "replacements",
    "vars",
    "sortOptions",
    "buildMetadata",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "helmCharts",
    "helmGlobals",
    "helmChartInflationGenerator",
];

/// Labels, annotations and the like: string keys to string values (a
/// number or boolean is an error, as in kustomize).
pub(crate) type StringMap = BTreeMap<String, String>;

/// One kustomization (or `kind: Component`) file. Unknown fields are errors,
/// as in kustomize.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub(crate) struct Kustomization {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    #[serde(alias = "metaData")]
    pub metadata: Option<Value>,
    pub openapi: Option<Value>,
    pub resources: Vec<String>,
    pub bases: Vec<String>,
    pub components: Vec<String>,
    pub crds: Vec<String>,
    pub namespace: Option<String>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    pub common_labels: StringMap,
    pub labels: Vec<LabelSpec>,
    pub common_annotations: StringMap,
    pub images: Vec<ImageSpec>,
    pub image_tags: Vec<ImageSpec>,
    pub replicas: Vec<ReplicaSpec>,
    pub patches: Vec<PatchSpec>,
    pub patches_strategic_merge: Vec<String>,
    pub patches_json6902: Vec<PatchSpec>,
    pub config_map_generator: Vec<GeneratorSpec>,
    pub secret_generator: Vec<GeneratorSpec>,
    pub generator_options: Option<GeneratorOptions>,
    pub replacements: Vec<Value>,
    pub vars: Vec<VarSpec>,
    pub sort_options: Option<SortOptions>,
    pub build_metadata: Vec<String>,
    pub configurations: Vec<String>,
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    pub validators: Vec<String>,
    pub helm_charts: Vec<Value>,
    pub helm_globals: Option<Value>,
    pub helm_chart_inflation_generator: Vec<Value>,
}

/// An entry of `labels:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LabelSpec {
    #[serde(default)]
    pub pairs: StringMap,
    #[serde(default)]
    pub include_selectors: bool,
    #[serde(default)]
    pub include_templates: bool,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// A field a transformer writes: `path` (slash separated) in objects of a
/// kind, created when absent if `create`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldSpec {
    pub path: String,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub create: bool,
}

/// An entry of `images:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ImageSpec {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
    pub digest: Option<String>,
    pub tag_suffix: Option<String>,
}

/// An entry of `replicas:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplicaSpec {
    pub name: String,
    pub count: i64,
}

/// An entry of `patches:` or `patchesJson6902:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PatchSpec {
    pub path: Option<String>,
    pub patch: Option<String>,
    pub target: Option<Selector>,
    pub options: Option<Map<String, Value>>,
}

/// Which objects a patch or replacement applies to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Selector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// An entry of `configMapGenerator:` or `secretGenerator:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct GeneratorSpec {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub behavior: Option<String>,
    #[serde(default)]
    pub literals: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub envs: Vec<String>,
    pub env: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub options: Option<GeneratorOptions>,
}

/// `generatorOptions:` (and per-generator `options:`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct GeneratorOptions {
    #[serde(default)]
    pub labels: StringMap,
    #[serde(default)]
    pub annotations: StringMap,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

/// An entry of the legacy `vars:` (Go's decoder matches field names
/// case-insensitively, so the lower-case spellings are accepted too).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct VarSpec {
    pub name: String,
    #[serde(alias = "objref")]
    pub obj_ref: VarTarget,
    #[serde(alias = "fieldref")]
    pub field_ref: Option<VarField>,
}

/// The object a var reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VarTarget {
    #[serde(alias = "apiversion")]
    pub api_version: Option<String>,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

/// The field a var reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VarField {
    #[serde(alias = "fieldpath")]
    pub field_path: String,
}

/// `sortOptions:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SortOptions {
    pub order: Option<String>,
    pub legacy_sort_options: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LegacySortOptions {
    #[serde(default)]
    pub order_first: Vec<String>,
    #[serde(default)]
    pub order_last: Vec<String>,
}
