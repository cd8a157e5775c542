//! Native Kustomize (5.x) over an in-memory [`FileTree`]: resources, bases
//! and overlays at any depth, components, generators, patches and the
//! built-in transformers, with kustomize's output order.

mod accumulate;
mod alias;
mod build_metadata;
mod config;
mod crds;
mod defaults;
mod error;
mod fieldspec;
mod generators;
mod hash;
mod helm_charts;
mod images;
mod json6902;
mod labels;
mod labelsel;
mod load;
mod meta;
mod nameref;
mod namespace;
mod openapi;
mod openapi_k8s;
mod order;
mod patches;
mod paths;
mod plugin_config;
mod plugins;
mod replacements;
mod replacements_path;
mod resid;
mod resmap;
mod resource;
mod selector;
mod smp;
mod spec;
mod vars;

pub use error::KustomizeError;
/// The top-level fields a kustomization file may hold (canonical spelling).
pub(crate) use spec::FIELDS as KUSTOMIZATION_FIELDS;

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
    let _schema = openapi::start_build();
    let mut builder = accumulate::Builder::new(tree, *limits);
    let (file, top) = builder.load(dir, None)?;
    builder.origin_mode = !top.build_metadata.is_empty();
    builder.set_schema(dir, &file, &top, true)?;
    let (k, level) = builder.build_dir(dir, None)?;
    let err = |e: String| KustomizeError::transform(&file, e);
    let mut resources = level.resources;
    hash::add_suffixes(&mut resources);
    nameref::fix(&level.config.name_reference, &mut resources).map_err(err)?;
    vars::resolve(&level.vars, &level.config.var_reference, &mut resources).map_err(err)?;
    resources.retain(|r| !r.is_empty() && !is_local_config(r));
    // Annotations are rewritten as text before the output (kustomize's
    // RemoveBuildAnnotations), so only other fields must decode.
    for r in &resources {
        r.check_meta_maps(&["annotations"]).map_err(err)?;
        let mut obj = r.obj.clone();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("annotations");
        }
        resource::check_decodable(&obj).map_err(err)?;
    }
    check_final(&resources).map_err(err)?;
    order::sort(&mut resources, k.sort_options.as_ref());
    build_metadata::apply(&file, &k.build_metadata, &mut resources)?;
    resources.iter_mut().for_each(annotations_as_text);
    for r in &mut resources {
        let id = r.cur_id().describe();
        printed_text(&mut r.obj, "")
            .map_err(|e| KustomizeError::transform(&file, format!("object {id}: {e}")))?;
    }
    Ok(resources.into_iter().map(|r| sort_keys(r.obj)).collect())
}

/// kustomize prints its objects through JSON and go-yaml v2, which refuses
/// a raw DEL, C1 control (but NEL) or U+FFFE/U+FFFF in a string (JSON
/// leaves them unescaped), and reads a raw NEL in a double-quoted string
/// as a line break, folded as YAML folds (one break is a space).
fn printed_text(v: &mut Value, at: &str) -> Result<(), String> {
    let refused = |s: &str| {
        s.chars().find(
            |c| matches!(*c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}'),
        )
    };
    let check = |s: &str, at: &str| match refused(s) {
        Some(c) => Err(format!(
            "{at} holds U+{:04X}, which kustomize cannot print (yaml: control characters are not allowed)",
            u32::from(c)
        )),
        None => Ok(()),
    };
    match v {
        Value::String(s) => {
            check(s, at)?;
            if s.contains('\u{85}') {
                *s = fold_nel(s);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                printed_text(item, &format!("{at}[{i}]"))?;
            }
        }
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\u{85}')) {
                let entries = std::mem::take(map);
                for (k, item) in entries {
                    map.insert(fold_nel(&k), item);
                }
            }
            for (k, item) in map.iter_mut() {
                let at = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                check(k, &at)?;
                printed_text(item, &at)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A string with raw NELs as go-yaml reads it in double quotes: spaces
/// around a run of breaks dropped, one break a space, more breaks that
/// many line feeds less one.
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            chars.next();
            continue;
        }
        let mut spaces = 0;
        let mut breaks = 0;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' if breaks == 0 => spaces += 1,
                ' ' => {}
                '\u{85}' => breaks += 1,
                _ => break,
            }
            chars.next();
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    out
}

/// kustomize re-reads the objects it is about to print: each needs a
/// kind and a name, and no two may share an id.
fn check_final(resources: &[resource::Resource]) -> Result<(), String> {
    for r in resources {
        if r.kind().is_empty() {
            return Err(format!("missing kind in object {}", r.cur_id().describe()));
        }
        if r.name().is_empty() && !r.kind().ends_with("List") {
            return Err(format!(
                "missing metadata.name in object {}",
                r.cur_id().describe()
            ));
        }
    }
    resmap::check_unique(resources.iter())
}

/// Objects annotated `config.kubernetes.io/local-config` (with any value
/// but `false`) are inputs to the build (e.g. replacement sources), not
/// part of its output.
fn is_local_config(r: &resource::Resource) -> bool {
    r.annotation_texts()
        .iter()
        .any(|(k, v)| k == "config.kubernetes.io/local-config" && v != "false")
}

/// kustomize rewrites every object's annotations at the end of a build:
/// values become their text (null written as nothing becomes ""), and
/// empty or null annotations disappear.
fn annotations_as_text(r: &mut resource::Resource) {
    let pairs = r.annotation_texts();
    if r.obj.get("metadata").is_some() {
        r.set_meta_map("annotations", pairs);
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
