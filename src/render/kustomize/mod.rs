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

use crate::model::{FileTree, RenderLimits};
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
    build_with(tree, dir, &RenderLimits::default())
}

/// [`build`] with a load restrictor and limits other than the defaults.
pub fn build_with(
    tree: &FileTree,
    dir: &str,
    limits: &RenderLimits,
) -> Result<Vec<Value>, KustomizeError> {
    let mut builder = accumulate::Builder::new(tree, *limits);
    let (k, level) = builder.build_dir(dir, None)?;
    let (mut resources, config) = (level.resources, level.config);
    let file = paths::kustomization_file(tree, dir).unwrap_or_default();
    hash::add_suffixes(&mut resources);
    nameref::fix(&file, &config, &mut resources)?;
    vars::resolve(&file, &builder.vars, &config.var_reference, &mut resources)?;
    build_metadata::apply(&file, &k.build_metadata, &mut resources)?;
    resources.retain(|r| !is_local_config(r));
    resources.iter_mut().for_each(drop_empty_annotations);
    if let Some(problem) = resources
        .iter()
        .find_map(|r| crate::render::documents::bad_name(&r.obj))
    {
        return Err(KustomizeError::transform(
            &file,
            format!("{problem} (the name the build produced)"),
        ));
    }
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

/// kustomize prints no `metadata.annotations` when they are empty or null
/// (it rewrites them through its annotations API).
fn drop_empty_annotations(r: &mut resource::Resource) {
    if let Some(meta) = r.obj.get_mut("metadata").and_then(Value::as_object_mut)
        && meta
            .get("annotations")
            .is_some_and(|a| a.is_null() || a.as_object().is_some_and(|m| m.is_empty()))
    {
        meta.remove("annotations");
    }
}

/// `v` with the keys of every mapping in go-yaml's order, as kustomize
/// prints.
fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| go_key_order(&a.0, &b.0));
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

/// go-yaml v3's order of string map keys: letters by code point, runs of
/// digits by their value (`node2` before `node10`), and between a letter
/// and anything else, the letter first after a digit and last otherwise.
fn go_key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if go_key_less(a, b) {
        Ordering::Less
    } else if go_key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn go_key_less(a: &str, b: &str) -> bool {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut digits = false;
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            digits = ar[i].is_numeric();
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            // A zero after other digits is part of a number, not padding.
            if ar[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_numeric())
                .any(|c| *c != '0')
            {
                an = 1;
                bn = 1;
            }
        }
        let value = |run: &[char], n: &mut i64| {
            let mut len = 0;
            for c in run.iter().take_while(|c| c.is_numeric()) {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(u32::from(*c)) - i64::from(u32::from('0')));
                len += 1;
            }
            len
        };
        let ai = value(&ar[i..], &mut an);
        let bi = value(&br[i..], &mut bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::go_key_order;

    #[test]
    fn keys_sort_as_go_yaml_sorts_them() {
        // The order `kubectl kustomize` prints these ConfigMap keys in.
        let want = [
            "_z", "1", "9", "10", "A", "a", "a-b", "a.b", "a_x", "a0", "a00", "a1", "a01", "b",
            "f9", "f10", "node1", "node2", "node10", "x1", "x01", "x001", "x10", "x010", "z", "é",
        ];
        let mut keys = want.to_vec();
        keys.reverse();
        keys.sort_by(|a, b| go_key_order(a, b));
        assert_eq!(keys, want);
    }
}
