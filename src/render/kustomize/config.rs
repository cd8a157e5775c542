//! `configurations`: extra field specs for the built-in transformers (name
//! references, labels, annotations, images, namespaces, vars), typically
//! teaching kustomize about custom resources. Configurations of bases and
//! components carry up to the kustomizations that include them.

use super::spec::FieldSpec;
use super::{KustomizeError, accumulate::Builder, load};
use serde::Deserialize;

/// A `nameReference` entry: fields (of any or some kinds) naming `kind`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NameRefSpec {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub field_specs: Vec<FieldSpec>,
}

/// Extra field specs, merged from configuration files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TransformerConfig {
    #[serde(default)]
    pub name_reference: Vec<NameRefSpec>,
    #[serde(default)]
    pub common_labels: Vec<FieldSpec>,
    #[serde(default)]
    pub template_labels: Vec<FieldSpec>,
    #[serde(default)]
    pub common_annotations: Vec<FieldSpec>,
    #[serde(default)]
    pub images: Vec<FieldSpec>,
    #[serde(default)]
    pub namespace: Vec<FieldSpec>,
    #[serde(default)]
    pub var_reference: Vec<FieldSpec>,
    #[serde(default)]
    pub replicas: Vec<FieldSpec>,
}

impl TransformerConfig {
    /// Adds `other`'s field specs (skipping ones already present).
    pub fn merge(&mut self, other: &TransformerConfig) {
        fn add<T: Clone + PartialEq>(into: &mut Vec<T>, from: &[T]) {
            for item in from {
                if !into.contains(item) {
                    into.push(item.clone());
                }
            }
        }
        add(&mut self.name_reference, &other.name_reference);
        add(&mut self.common_labels, &other.common_labels);
        add(&mut self.template_labels, &other.template_labels);
        add(&mut self.common_annotations, &other.common_annotations);
        add(&mut self.images, &other.images);
        add(&mut self.namespace, &other.namespace);
        add(&mut self.var_reference, &other.var_reference);
        add(&mut self.replicas, &other.replicas);
    }
}

/// The configuration files named by a kustomization, merged.
pub(crate) fn load(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    entries: &[String],
) -> Result<TransformerConfig, KustomizeError> {
    let mut out = TransformerConfig::default();
    for entry in entries {
        let path = b.resolve(dir, file, "configurations", entry)?;
        for doc in load::yaml_docs(b.tree(), &path)? {
            let config: TransformerConfig =
                serde_json::from_value(doc).map_err(|e| KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("configurations entry {entry:?}: {e}"),
                })?;
            out.merge(&config);
        }
    }
    Ok(out)
}
