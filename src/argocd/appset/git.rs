//! The git generator: directories (Go `path.Match` include/exclude) and
//! files (`git ls-files` pathspecs, or doublestar globs with Argo CD's
//! new-globbing setting), read from the repository tree the caller
//! supplies.

use super::GenerateContext;
use super::generators::{append_values, floats};
use super::params::{Params, go_string};
use super::render::Mode;
use crate::argocd::glob::path_match;
use crate::argocd::gotemplate::{GoValue, sanitize_name};
use crate::model::FileTree;
use regex::Regex;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

pub fn generate(
    ctx: &GenerateContext<'_>,
    body: &Value,
    mode: &Mode,
) -> Result<Vec<Params>, String> {
    let repo = body.get("repoURL").and_then(Value::as_str).unwrap_or("");
    let revision = body.get("revision").and_then(Value::as_str).unwrap_or("");
    let prefix = body
        .get("pathParamPrefix")
        .and_then(Value::as_str)
        .unwrap_or("");
    let items = |key: &str| -> Result<Vec<(String, bool)>, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|i| {
                    let path = i
                        .get("path")
                        .and_then(Value::as_str)
                        .ok_or(format!("{key} entries need a path"))?;
                    Ok((
                        path.to_string(),
                        i.get("exclude").and_then(Value::as_bool).unwrap_or(false),
                    ))
                })
                .collect(),
            Some(_) => Err(format!("{key} must be a list")),
        }
    };
    let directories = items("directories")?;
    let files = items("files")?;
    if directories.is_empty() && files.is_empty() {
        return Err("ApplicationSet is empty".into());
    }
    let repo_err =
        |e: String| format!("error generating params from git: {repo} at {revision:?}: {e}");
    if !directories.is_empty() {
        let all = ctx.repos.directories(repo, revision).map_err(repo_err)?;
        return filter_directories(&directories, &all)
            .iter()
            .map(|d| {
                let mut params = path_params(d, None, prefix, mode);
                append_values(body.get("values"), &mut params, mode)?;
                Ok(params)
            })
            .collect();
    }
    let doublestar = ctx.settings.new_git_file_globbing;
    let mut chosen: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (pattern, exclude) in &files {
        if !exclude {
            chosen.extend(
                ctx.repos
                    .files(repo, revision, pattern, doublestar)
                    .map_err(repo_err)?,
            );
        }
    }
    for (pattern, exclude) in &files {
        if *exclude {
            for f in ctx
                .repos
                .files(repo, revision, pattern, doublestar)
                .map_err(repo_err)?
                .keys()
            {
                chosen.remove(f);
            }
        }
    }
    let mut out = Vec::new();
    for (file, content) in chosen {
        let objects = parse_file(&content)
            .map_err(|e| format!("unable to process file '{file}' from repository '{repo}': unable to parse file: {e}"))?;
        for object in objects {
            let mut params = path_params(&go_dir(&file), Some(&file), prefix, mode);
            if mode.go_template {
                for (k, v) in floats(Value::Object(object))
                    .as_object()
                    .into_iter()
                    .flatten()
                {
                    params.entry(k.clone()).or_insert_with(|| v.clone());
                }
            } else {
                let mut flat = Map::new();
                for (k, v) in object {
                    flatten_leaf(&mut flat, &k, &v);
                }
                for (k, v) in flat {
                    params.entry(k).or_insert(v);
                }
            }
            append_values(body.get("values"), &mut params, mode)?;
            out.push(params);
        }
    }
    Ok(out)
}

/// jeremywohl/flatten for one key of a file (values as `%v` strings).
fn flatten_leaf(out: &mut Map<String, Value>, key: &str, v: &Value) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| flatten_leaf(out, &format!("{key}.{k}"), v)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten_leaf(out, &format!("{key}.{i}"), v)),
        leaf => {
            out.insert(
                key.to_string(),
                Value::String(go_string(&floats(leaf.clone()))),
            );
        }
    }
}

/// A YAML/JSON file as Argo CD reads it: one mapping (empty file: one
/// empty set) or a list of mappings.
fn parse_file(content: &[u8]) -> Result<Vec<Map<String, Value>>, String> {
    let text = String::from_utf8_lossy(content);
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| e.to_string())?;
    let json = serde_json::to_value(yaml).map_err(|e| e.to_string())?;
    match json {
        Value::Null => Ok(vec![Map::new()]),
        Value::Object(m) => Ok(vec![m]),
        Value::Array(items) => items
            .into_iter()
            .map(|i| match i {
                Value::Object(m) => Ok(m),
                Value::Null => Ok(Map::new()),
                other => Err(format!(
                    "cannot unmarshal {} into a mapping",
                    crate::argocd::gotemplate::sprint(&GoValue::from_json(&other))
                )),
            })
            .collect(),
        other => Err(format!(
            "error unmarshaling JSON: json: cannot unmarshal {} into Go value of type []map[string]interface {{}}",
            if other.is_string() {
                "string"
            } else {
                "number"
            }
        )),
    }
}

/// The path parameters of a directory (and of a file in it).
fn path_params(dir: &str, file: Option<&str>, prefix: &str, mode: &Mode) -> Params {
    let base = go_base(dir);
    let segments: Vec<&str> = dir.split('/').collect();
    let mut params = Params::new();
    if mode.go_template {
        let mut p = Map::new();
        p.insert("path".into(), Value::String(dir.to_string()));
        p.insert("basename".into(), Value::String(base.clone()));
        p.insert(
            "basenameNormalized".into(),
            Value::String(sanitize_name(&base)),
        );
        p.insert(
            "segments".into(),
            Value::Array(
                segments
                    .iter()
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            ),
        );
        if let Some(file) = file {
            let name = go_base(file);
            p.insert("filename".into(), Value::String(name.clone()));
            p.insert(
                "filenameNormalized".into(),
                Value::String(sanitize_name(&name)),
            );
        }
        if prefix.is_empty() {
            params.insert("path".into(), Value::Object(p));
        } else {
            let mut wrapper = Map::new();
            wrapper.insert("path".into(), Value::Object(p));
            params.insert(prefix.to_string(), Value::Object(wrapper));
        }
        return params;
    }
    let name = if prefix.is_empty() {
        "path".to_string()
    } else {
        format!("{prefix}.path")
    };
    params.insert(name.clone(), Value::String(dir.to_string()));
    params.insert(format!("{name}.basename"), Value::String(base.clone()));
    params.insert(
        format!("{name}.basenameNormalized"),
        Value::String(sanitize_name(&base)),
    );
    if let Some(file) = file {
        let fname = go_base(file);
        params.insert(format!("{name}.filename"), Value::String(fname.clone()));
        params.insert(
            format!("{name}.filenameNormalized"),
            Value::String(sanitize_name(&fname)),
        );
    }
    for (i, s) in segments.iter().enumerate() {
        if !s.is_empty() {
            params.insert(format!("{name}[{i}]"), Value::String(s.to_string()));
        }
    }
    params
}

/// Go's `path.Base`.
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    match p.trim_end_matches('/') {
        "" => "/".into(),
        trimmed => trimmed.rsplit('/').next().unwrap_or(trimmed).to_string(),
    }
}

fn go_dir(file: &str) -> String {
    match file.rsplit_once('/') {
        Some((d, _)) if !d.is_empty() => d.to_string(),
        _ => ".".to_string(),
    }
}

/// Every directory of the tree except the root and hidden ones, in the
/// order a depth-first walk with sorted entries visits them.
pub fn all_directories(tree: &FileTree) -> Vec<String> {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for path in tree.paths() {
        let parts: Vec<&str> = path.split('/').collect();
        for i in 1..parts.len() {
            if parts[..i].iter().any(|p| p.starts_with('.')) {
                break;
            }
            dirs.insert(parts[..i].join("/"));
        }
    }
    let mut dirs: Vec<String> = dirs.into_iter().collect();
    dirs.sort_by(|a, b| walk_order(a, b));
    dirs
}

fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// `filterApps`: kept when some include pattern matches and no exclude does.
fn filter_directories(patterns: &[(String, bool)], dirs: &[String]) -> Vec<String> {
    dirs.iter()
        .filter(|d| {
            let (mut include, mut exclude) = (false, false);
            for (pattern, is_exclude) in patterns {
                if path_match(pattern, d).unwrap_or(false) {
                    if *is_exclude {
                        exclude = true;
                    } else {
                        include = true;
                    }
                }
            }
            include && !exclude
        })
        .cloned()
        .collect()
}

/// Files of the tree that `pattern` selects, with their contents.
pub fn matching_files(
    tree: &FileTree,
    pattern: &str,
    doublestar: bool,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let re = if doublestar {
        doublestar_regex(pattern)
    } else {
        pathspec_regex(pattern)
    }
    .ok_or_else(|| format!("invalid file pattern {pattern:?}"))?;
    tree.paths()
        .filter(|p| re.is_match(p))
        .filter(|p| tree.kind(p) != Some(crate::model::EntryKind::Submodule))
        .map(|p| {
            Ok((
                p.to_string(),
                tree.read(p).map_err(|e| e.to_string())?.to_vec(),
            ))
        })
        .collect()
}

/// A `git ls-files -- <pathspec>` pathspec: without wildcards a file or a
/// folder prefix; with them, fnmatch where `*` also matches `/`.
fn pathspec_regex(pattern: &str) -> Option<Regex> {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    if !pattern.contains(['*', '?', '[', '\\']) {
        let lit = regex::escape(pattern.trim_end_matches('/'));
        return Regex::new(&format!("^{lit}(/.*)?$")).ok();
    }
    let mut out = String::from("(?s)^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => {
                let end = chars[i + 1..].iter().position(|&c| c == ']')? + i + 1;
                let mut class: String = chars[i + 1..end].iter().collect();
                if let Some(rest) = class.strip_prefix('!') {
                    class = format!("^{rest}");
                }
                out.push_str(&format!("[{}]", class.replace('\\', "\\\\")));
                i = end;
            }
            '\\' => {
                i += 1;
                out.push_str(&regex::escape(&chars.get(i)?.to_string()));
            }
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out.push('$');
    Regex::new(&out).ok()
}

/// A doublestar glob: `*` within a segment, `**` across segments.
fn doublestar_regex(pattern: &str) -> Option<Regex> {
    let escaped = pattern
        .replace("**/", "\u{1}")
        .replace("/**", "\u{2}")
        .replace("**", "\u{3}");
    let mut translated = String::from("(?s)^");
    for part in escaped.split_inclusive(['\u{1}', '\u{2}', '\u{3}']) {
        let (body, marker) = match part.chars().last() {
            Some(c @ ('\u{1}' | '\u{2}' | '\u{3}')) => {
                (&part[..part.len() - c.len_utf8()], Some(c))
            }
            _ => (part, None),
        };
        let glob = crate::argocd::glob::compile_glob(body, "/")?;
        let src = glob.as_str();
        translated.push_str(src.trim_start_matches("(?s)^").trim_end_matches('$'));
        translated.push_str(match marker {
            Some('\u{1}') => "(?:.*/)?",
            Some('\u{2}') => "(?:/.*)?",
            Some(_) => ".*",
            None => "",
        });
    }
    translated.push('$');
    Regex::new(&translated).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_in_walk_order_without_hidden_ones() {
        let mut t = FileTree::new();
        for f in [
            "a-c/x",
            "a/b/y",
            "a/z",
            ".git/config",
            "x/.hidden/f",
            "top.yaml",
        ] {
            t.insert(f, "");
        }
        assert_eq!(all_directories(&t), vec!["a", "a/b", "a-c", "x"]);
    }

    #[test]
    fn pathspecs_and_doublestar() {
        let git = |p: &str, f: &str| pathspec_regex(p).unwrap().is_match(f);
        assert!(git(
            "cluster-config/*/config.json",
            "cluster-config/a/b/config.json"
        ));
        assert!(git("**/config.json", "a/config.json"));
        assert!(!git("**/config.json", "config.json"));
        assert!(
            git("apps", "apps/x.yaml")
                && git("apps/x.yaml", "apps/x.yaml")
                && !git("apps", "apps2/x")
        );
        let ds = |p: &str, f: &str| doublestar_regex(p).unwrap().is_match(f);
        assert!(ds(
            "cluster-config/**/config.json",
            "cluster-config/config.json"
        ));
        assert!(ds(
            "cluster-config/**/config.json",
            "cluster-config/a/b/config.json"
        ));
        assert!(!ds(
            "cluster-config/*/config.json",
            "cluster-config/a/b/config.json"
        ));
        assert!(ds("a/*.{yaml,json}", "a/x.json"));
    }
}
