//! Native Kustomize (5.x) over an in-memory [`FileTree`]: resources, bases
//! and overlays at any depth, components, generators, patches and the
//! built-in transformers, with kustomize's output order.

mod accumulate;
mod build_metadata;
mod config;
mod error;
mod fieldpath;
mod generators;
mod hash;
mod helm_charts;
mod images;
mod json6902;
mod labels;
mod load;
mod meta;
mod nameref;
mod nameref_table;
mod order;
mod patches;
mod paths;
mod plugins;
mod replacements;
mod resource;
mod selector;
mod smp;
mod spec;
mod vars;

pub use error::KustomizeError;

use crate::model::FileTree;
use serde_json::Value;

/// The objects `kustomize build` produces for folder `dir` of `tree`, in
/// kustomize's output order. Nothing is produced when any step fails.
///
/// ```
/// use tether::model::FileTree;
/// let mut tree = FileTree::new();
/// tree.insert("base/kustomization.yaml", "resources: [cm.yaml]\n");
/// tree.insert("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n");
/// tree.insert("prod/kustomization.yaml", "resources: [../base]\nnamePrefix: prod-\n");
/// let objects = tether::render::kustomize::build(&tree, "prod").unwrap();
/// assert_eq!(objects[0]["metadata"]["name"], "prod-app");
/// ```
pub fn build(tree: &FileTree, dir: &str) -> Result<Vec<Value>, KustomizeError> {
    let mut builder = accumulate::Builder::new(tree);
    let (k, level) = builder.build_dir(dir, None)?;
    let (mut resources, config) = (level.resources, level.config);
    let file = paths::kustomization_file(tree, dir).unwrap_or_default();
    hash::add_suffixes(&mut resources);
    nameref::fix(&file, &config, &mut resources)?;
    vars::resolve(&file, &builder.vars, &config.var_reference, &mut resources)?;
    build_metadata::apply(&file, &k.build_metadata, &mut resources)?;
    resources.retain(|r| !is_local_config(r));
    order::sort(&mut resources, k.sort_options.as_ref());
    Ok(resources.into_iter().map(|r| sort_keys(r.obj)).collect())
}

/// Objects annotated `config.kubernetes.io/local-config: "true"` are inputs
/// to the build (e.g. replacement sources), not part of its output.
fn is_local_config(r: &resource::Resource) -> bool {
    let annotation = r
        .obj
        .pointer("/metadata/annotations/config.kubernetes.io~1local-config");
    annotation.and_then(Value::as_str) == Some("true")
}

/// `v` with the keys of every mapping in byte order, as kustomize prints.
fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}
