//! A plain directory source as Argo CD's repo-server reads it
//! (`findManifests`): the folder (recursively with `recurse`), files
//! filtered by extension and by the include/exclude globs, each parsed as
//! YAML or JSON; a YAML file that does not parse and does not look like a
//! manifest is skipped, as Argo CD skips it.

use super::DirectorySource;
use crate::argocd::glob::glob_match;
use crate::model::FileTree;
use serde_json::Value;

/// Files that contain this are not rendered.
pub const SKIP_FILE_MARKER: &str = "+argocd:skip-file-rendering";

const EXTENSIONS: &[&str] = &[".yaml", ".yml", ".json", ".jsonnet"];

/// The objects of folder `dir` of `tree`.
pub fn render(tree: &FileTree, dir: &str, opts: &DirectorySource) -> Result<Vec<Value>, String> {
    if !tree.has(dir) && !dir.is_empty() {
        return Err(format!("app path {dir:?} does not exist"));
    }
    let mut out = Vec::new();
    // The order of a walk with sorted entries: a folder's files come
    // where its name sorts, not after every longer name.
    let mut files = tree.files_under(dir).map_err(|e| e.to_string())?;
    files.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
    for (path, content) in files {
        let rel = if dir.is_empty() {
            path
        } else {
            &path[dir.len() + 1..]
        };
        if !opts.recurse && rel.contains('/') {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if !opts.disable_extension_filter && !EXTENSIONS.iter().any(|e| name.ends_with(e)) {
            continue;
        }
        if !opts.exclude.is_empty() && glob_match(&opts.exclude, rel, "") {
            continue;
        }
        if !opts.include.is_empty() && !glob_match(&opts.include, rel, "") {
            continue;
        }
        let text = String::from_utf8_lossy(content);
        if text.contains(SKIP_FILE_MARKER) {
            continue;
        }
        if name.ends_with(".jsonnet") {
            return Err(format!(
                "{path}: Jsonnet files are not supported; exclude them (directory.exclude) or render them to YAML"
            ));
        }
        if name.ends_with(".json") {
            out.extend(json_file(path, &text)?);
            continue;
        }
        match crate::render::render(tree, path) {
            Ok(objects) => out.extend(objects),
            Err(e) => {
                let looks_like_manifest = text.contains("apiVersion:")
                    && text.contains("kind:")
                    && text.contains("metadata:");
                if looks_like_manifest {
                    return Err(format!("Failed to unmarshal {name:?}: {e}"));
                }
            }
        }
    }
    Ok(out)
}

/// A JSON file holds exactly one object (a `List` is flattened later).
fn json_file(path: &str, text: &str) -> Result<Vec<Value>, String> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let first = match stream.next() {
        None => return Ok(Vec::new()),
        Some(v) => v.map_err(|e| format!("Failed to unmarshal {path:?}: {e}"))?,
    };
    if stream.next().is_some() {
        return Err(format!(
            "Found multiple objects in {path:?}. Only single objects are allowed in JSON files."
        ));
    }
    if !first.is_object() {
        return Err(format!("Failed to unmarshal {path:?}: not an object"));
    }
    Ok(vec![first])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(name: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
    }

    #[test]
    fn recursion_filters_and_lenient_yaml() {
        let mut t = FileTree::new();
        t.insert("app/a.yaml", cm("a"));
        t.insert("app/sub/b.yml", cm("b"));
        t.insert("app/c.txt", cm("c"));
        t.insert("app/values.yaml", "just: [unclosed");
        t.insert(
            "app/skip.yaml",
            format!("# {SKIP_FILE_MARKER}\n{}", cm("skip")),
        );
        t.insert(
            "app/d.json",
            r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}}"#,
        );
        let names = |o: &DirectorySource| -> Vec<String> {
            render(&t, "app", o)
                .unwrap()
                .iter()
                .map(|v| v["metadata"]["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&DirectorySource::default()), ["a", "d"]);
        assert_eq!(
            names(&DirectorySource {
                recurse: true,
                ..Default::default()
            }),
            ["a", "d", "b"]
        );
        assert_eq!(
            names(&DirectorySource {
                recurse: true,
                include: "{*.yml,*.json}".into(),
                ..Default::default()
            }),
            ["d", "b"]
        );
        assert_eq!(
            names(&DirectorySource {
                recurse: true,
                exclude: "sub/*".into(),
                ..Default::default()
            }),
            ["a", "d"]
        );
        assert_eq!(
            names(&DirectorySource {
                disable_extension_filter: true,
                include: "*.txt".into(),
                ..Default::default()
            }),
            ["c"]
        );
        t.insert(
            "app/bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n",
        );
        assert!(
            render(&t, "app", &DirectorySource::default())
                .unwrap_err()
                .contains("bad.yaml")
        );
    }
}
