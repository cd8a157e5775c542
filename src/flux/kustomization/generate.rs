//! The kustomization file kustomize-controller builds a folder with
//! (fluxcd/pkg `kustomize/kustomize_generator.go`): the folder's own
//! kustomization, or one generated from its manifests, with the
//! Kustomization's spec overlaid.

use super::spec::{Image, Kustomization};
use crate::model::FileTree;
use crate::render::kustomize::KUSTOMIZATION_FIELDS;
use crate::render::scalars::Dialect;
use crate::render::{KUSTOMIZATION_FILES, convert};
use serde_json::{Map, Value, json};

/// A kustomization file to build with: where it goes and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct KustomizationFile {
    /// Path in the tree (the existing file's, or `<dir>/kustomization.yaml`).
    pub path: String,
    /// Its content (top-level fields).
    pub content: Map<String, Value>,
    /// Whether Flux generated it (the folder had none).
    pub generated: bool,
}

/// The folder's kustomization as Flux reads it — through kustomize's
/// typed struct, so unknown top-level fields are dropped and field names
/// match without case — or one generated from the folder's manifests.
pub fn find_or_generate(tree: &FileTree, dir: &str) -> Result<KustomizationFile, String> {
    for name in KUSTOMIZATION_FILES {
        let path = join(dir, name);
        let Some(bytes) = tree.get(&path) else {
            continue;
        };
        let text = std::str::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text"))?;
        let value = convert::load(text, Dialect::Yaml11).map_err(|e| match e {
            convert::LoadError::Syntax { line, message }
            | convert::LoadError::Limit { line, message } => {
                format!("{path}:{line}: invalid YAML: {message}")
            }
            convert::LoadError::Invalid(message) => format!("{path}: {message}"),
        })?;
        let content = match value {
            Value::Object(map) => known_fields(map),
            Value::Null => Map::new(),
            _ => return Err(format!("{path}: a kustomization must be a mapping")),
        };
        return Ok(KustomizationFile {
            path,
            content,
            generated: false,
        });
    }
    let mut resources = Vec::new();
    walk(tree, dir, dir, &mut resources);
    let mut content = Map::new();
    content.insert(
        "apiVersion".into(),
        json!("kustomize.config.k8s.io/v1beta1"),
    );
    content.insert("kind".into(), json!("Kustomization"));
    if resources.is_empty() {
        // kustomize refuses an empty kustomization; Flux sets a namespace.
        content.insert("namespace".into(), json!("_placeholder"));
    } else {
        content.insert("resources".into(), json!(resources));
    }
    Ok(KustomizationFile {
        path: join(dir, "kustomization.yaml"),
        content,
        generated: true,
    })
}

/// The fields kustomize knows, under their canonical names; null and
/// empty ones dropped (Go omits them when it writes the file back).
fn known_fields(map: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in map {
        let Some(canon) = KUSTOMIZATION_FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(&key))
        else {
            continue;
        };
        let empty = match &value {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if !empty {
            out.entry(canon.to_string()).or_insert(value);
        }
    }
    out
}

/// Adds the manifests under `dir` as resources, as Flux's generator walks
/// a folder: entries in name order, every `.yaml`/`.yml` file (hidden ones
/// too), and a sub-folder holding a kustomization as a folder, not
/// descended.
fn walk(tree: &FileTree, root: &str, dir: &str, out: &mut Vec<String>) {
    let mut entries: Vec<(String, bool)> = Vec::new();
    for path in tree.under(dir) {
        let rel = if dir.is_empty() {
            path
        } else {
            &path[dir.len() + 1..]
        };
        let entry = match rel.split_once('/') {
            Some((first, _)) => (first.to_string(), true),
            None => (rel.to_string(), false),
        };
        // Files under one folder are adjacent in path order.
        if entries.last() != Some(&entry) {
            entries.push(entry);
        }
    }
    entries.sort();
    for (name, is_dir) in entries {
        let path = join(dir, &name);
        if is_dir {
            let has_kustomization = KUSTOMIZATION_FILES
                .iter()
                .any(|k| tree.contains(&join(&path, k)));
            if has_kustomization {
                out.push(relative(root, &path));
            } else {
                walk(tree, root, &path, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(relative(root, &path));
        }
    }
}

/// `./` and `path` relative to the kustomization folder `root`.
fn relative(root: &str, path: &str) -> String {
    let rel = if root.is_empty() {
        path
    } else {
        &path[root.len() + 1..]
    };
    format!("./{rel}")
}

/// Overlays the Kustomization's spec onto the kustomization, as the
/// generator does: `targetNamespace`, `namePrefix`, `nameSuffix` replace;
/// `patches` and `components` append; `images` merge by name;
/// `buildMetadata` replaces. `dir` is the kustomization's folder.
pub fn overlay(
    file: &mut KustomizationFile,
    ks: &Kustomization,
    tree: &FileTree,
    dir: &str,
) -> Result<(), String> {
    let k = &mut file.content;
    let no_resources = k
        .get("resources")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if !file.generated && no_resources {
        // Flux's guard against kustomize's "empty kustomization" error.
        k.insert("buildMetadata".into(), json!(["originAnnotations"]));
    }
    set_or_clear(k, "namespace", ks.target_namespace.as_deref());
    set_or_clear(k, "namePrefix", ks.name_prefix.as_deref());
    set_or_clear(k, "nameSuffix", ks.name_suffix.as_deref());
    for p in &ks.patches {
        let mut entry = Map::new();
        entry.insert("patch".into(), json!(p.patch));
        if let Some(target) = p.target.as_ref().and_then(selector) {
            entry.insert("target".into(), target);
        }
        push(k, "patches", Value::Object(entry));
    }
    for c in &ks.components {
        if !is_local_relative(c) {
            return Err(format!("component path '{c}' must be local and relative"));
        }
        let exists = crate::flux::source::clean_within(dir, c).is_some_and(|p| tree.has(&p));
        if !exists && ks.ignore_missing_components {
            continue;
        }
        push(k, "components", json!(c));
    }
    for image in &ks.images {
        merge_image(k, image);
    }
    if !ks.build_metadata.is_empty() {
        k.insert("buildMetadata".into(), json!(ks.build_metadata));
    }
    Ok(())
}

fn set_or_clear(k: &mut Map<String, Value>, field: &str, value: Option<&str>) {
    match value {
        None => {}
        Some("") => {
            k.remove(field);
        }
        Some(v) => {
            k.insert(field.into(), json!(v));
        }
    }
}

fn push(k: &mut Map<String, Value>, field: &str, value: Value) {
    let list = k.entry(field.to_string()).or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    if let Some(items) = list.as_array_mut() {
        items.push(value);
    }
}

/// A patch target with the selector fields kustomize reads.
pub(crate) fn selector(target: &Value) -> Option<Value> {
    let mut out = Map::new();
    for field in [
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "labelSelector",
        "annotationSelector",
    ] {
        if let Some(v) = target
            .get(field)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        {
            out.insert(field.into(), json!(v));
        }
    }
    Some(Value::Object(out))
}

/// Merges one Flux image override into `images`: an entry of the same
/// name gets `newName` when set, and `newTag` and `digest` together when
/// either is set; otherwise the override is appended.
fn merge_image(k: &mut Map<String, Value>, image: &Image) {
    let existing = k
        .get_mut("images")
        .and_then(Value::as_array_mut)
        .and_then(|list| {
            list.iter_mut()
                .find(|e| e.get("name").and_then(Value::as_str) == Some(image.name.as_str()))
        });
    if let Some(Value::Object(entry)) = existing {
        if !image.new_name.is_empty() {
            entry.insert("newName".into(), json!(image.new_name));
        }
        if !image.new_tag.is_empty() || !image.digest.is_empty() {
            for (field, value) in [("newTag", &image.new_tag), ("digest", &image.digest)] {
                if value.is_empty() {
                    entry.remove(field);
                } else {
                    entry.insert(field.into(), json!(value));
                }
            }
        }
        return;
    }
    push(k, "images", image_entry(image));
}

/// An `images` entry of a kustomization for `image`.
pub(crate) fn image_entry(image: &Image) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(image.name));
    for (field, value) in [
        ("newName", &image.new_name),
        ("newTag", &image.new_tag),
        ("digest", &image.digest),
    ] {
        if !value.is_empty() {
            entry.insert(field.into(), json!(value));
        }
    }
    Value::Object(entry)
}

/// kustomize's test for a local, relative path (no URL, no absolute path).
fn is_local_relative(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let remote = [
        "git::",
        "gh:",
        "ssh://",
        "https://",
        "http://",
        "git@",
        "github.com:",
        "github.com/",
    ]
    .iter()
    .any(|p| p.len() < path.len() && lower.starts_with(p));
    let absolute = path.starts_with('/')
        || lower
            .strip_prefix("file://")
            .is_some_and(|p| p.starts_with('/'));
    !remote && !absolute
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests;
