//! A Helm source as Argo CD's repo-server renders it (`helmTemplate`):
//! release name, namespace, value files (local, `$ref/…` of another
//! source, globs), values/valuesObject, parameters, file parameters and
//! flags, turned into [`HelmOptions`] for tether's `helm template`.

use super::env::envsubst;
use super::{HelmSource, RefSource};
use crate::argocd::appset::RepoSource;
use crate::model::FileTree;
use crate::render::HelmOptions;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Inputs of one Helm source.
pub struct HelmInput<'a> {
    pub tree: &'a Arc<FileTree>,
    /// The chart folder in `tree`.
    pub dir: &'a str,
    pub helm: &'a HelmSource,
    /// The Application's name (the default release name).
    pub app_name: &'a str,
    pub dest_namespace: &'a str,
    pub env: &'a BTreeMap<String, String>,
    pub refs: &'a [RefSource],
    pub repos: &'a dyn RepoSource,
    pub kube_version: Option<&'a str>,
    pub api_versions: &'a [String],
}

/// `k8s.io/apimachinery` `ParseGeneric(v).String()`: the leading
/// `major.minor[.patch]` of a version such as `v1.30.2+k3s1`.
pub fn kube_version(v: &str) -> Result<String, String> {
    let t = v.trim().trim_start_matches('v');
    let core: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts: Vec<&str> = core.trim_end_matches('.').split('.').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return Err(format!("could not parse kubernetes version {v}"));
    }
    Ok(parts.join("."))
}

/// Argo CD's `cleanSetParameters`: commas escaped unless already escaped
/// or the value is a `{…}` list.
fn clean_set(value: &str) -> String {
    if value.starts_with('{') && value.ends_with('}') {
        return value.to_string();
    }
    let mut out = String::new();
    let mut prev = '\0';
    for c in value.chars() {
        if c == ',' && prev != '\\' {
            out.push_str("\\,");
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// The tree path `path` names from folder `dir` (absolute paths from the
/// repository root); Err when it leaves the repository.
fn resolve(dir: &str, path: &str) -> Result<String, String> {
    let joined = if let Some(abs) = path.strip_prefix('/') {
        abs.to_string()
    } else if dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "value file {path} resolved to outside repository root"
                    ));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

fn doublestar(tree: &FileTree, pattern: &str) -> Result<Vec<String>, String> {
    let mut ds = pattern.to_string();
    ds = ds
        .replace("**/", "\u{1}")
        .replace("/**", "\u{2}")
        .replace("**", "\u{3}");
    let mut re = String::from("(?s)^");
    for part in ds.split_inclusive(['\u{1}', '\u{2}', '\u{3}']) {
        let (body, marker) = match part.chars().last() {
            Some(c @ ('\u{1}' | '\u{2}' | '\u{3}')) => {
                (&part[..part.len() - c.len_utf8()], Some(c))
            }
            _ => (part, None),
        };
        let glob = crate::argocd::glob::compile_glob(body, "/")
            .ok_or_else(|| format!("bad glob {pattern:?}"))?;
        re.push_str(
            glob.as_str()
                .trim_start_matches("(?s)^")
                .trim_end_matches('$'),
        );
        re.push_str(match marker {
            Some('\u{1}') => "(?:.*/)?",
            Some('\u{2}') => "(?:/.*)?",
            Some(_) => ".*",
            None => "",
        });
    }
    re.push('$');
    let re = regex::Regex::new(&re).map_err(|e| e.to_string())?;
    Ok(tree
        .paths()
        .filter(|p| re.is_match(p))
        .map(str::to_string)
        .collect())
}

/// One value file: its tree, the path in it, and a label for messages.
struct Located {
    tree: Arc<FileTree>,
    /// `""` for the source's own repository, else the `$ref` name.
    origin: String,
    path: String,
    label: String,
}

impl Located {
    fn key(&self, path: &str) -> String {
        format!("{}/{path}", self.origin)
    }
}

fn locate(input: &HelmInput<'_>, raw: &str) -> Result<Located, String> {
    if raw.starts_with('$') {
        let name = raw.split('/').next().unwrap_or(raw);
        if let Some(r) = input.refs.iter().find(|r| format!("${}", r.name) == name) {
            let rest = &raw[name.len()..];
            let tree = input.repos.tree(&r.repo_url, &r.target_revision)?;
            let path = resolve("", &envsubst(rest, input.env))?;
            return Ok(Located {
                tree,
                origin: name.to_string(),
                label: raw.to_string(),
                path,
            });
        }
    }
    let value = envsubst(raw, input.env);
    if let Some((scheme, _)) = value.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Err(format!(
            "value file {raw}: remote value files ({scheme}://) are not supported; tether reads files from the repository only"
        ));
    }
    let path = resolve(input.dir, &value)?;
    Ok(Located {
        tree: input.tree.clone(),
        origin: String::new(),
        label: raw.to_string(),
        path,
    })
}

/// The options `helm template` runs with for this source.
pub fn options(input: &HelmInput<'_>) -> Result<HelmOptions, String> {
    let helm = input.helm;
    let mut value_contents: Vec<(String, Vec<u8>)> = Vec::new();
    let mut explicit: BTreeSet<String> = BTreeSet::new();
    let mut located = Vec::new();
    for raw in &helm.value_files {
        let l = locate(input, raw)?;
        if !is_glob(&l.path) {
            explicit.insert(l.key(&l.path));
        }
        located.push(l);
    }
    let mut seen = BTreeSet::new();
    for l in located {
        if is_glob(&l.path) {
            let matches = doublestar(&l.tree, &l.path)?;
            if matches.is_empty() {
                if helm.ignore_missing_value_files {
                    continue;
                }
                return Err(format!("values file glob {} matched no files", l.label));
            }
            for m in matches {
                let key = l.key(&m);
                if !explicit.contains(&key) && seen.insert(key) {
                    value_contents.push((m.clone(), l.tree.get(&m).unwrap_or_default().to_vec()));
                }
            }
            continue;
        }
        match l.tree.get(&l.path) {
            Some(content) => {
                if seen.insert(l.key(&l.path)) {
                    value_contents.push((l.label.clone(), content.to_vec()));
                }
            }
            None if helm.ignore_missing_value_files => {}
            None => return Err(format!("value file {} not found ({})", l.label, l.path)),
        }
    }
    if let Some(values) = &helm.values {
        value_contents.push(("values".into(), values.as_bytes().to_vec()));
    }
    let mut set = BTreeMap::new();
    let mut set_string = BTreeMap::new();
    for p in &helm.parameters {
        let target = if p.force_string {
            &mut set_string
        } else {
            &mut set
        };
        target.insert(p.name.clone(), clean_set(&envsubst(&p.value, input.env)));
    }
    let mut set_file = BTreeMap::new();
    for (name, path) in &helm.file_parameters {
        let l = locate(input, path)?;
        let content = l
            .tree
            .get(&l.path)
            .ok_or_else(|| format!("file parameter {name}: {path} not found"))?;
        set_file.insert(name.clone(), content.to_vec());
    }
    let kube = match helm.kube_version.as_deref().or(input.kube_version) {
        Some(v) => Some(kube_version(v)?),
        None => None,
    };
    Ok(HelmOptions {
        release_name: helm
            .release_name
            .clone()
            .unwrap_or_else(|| input.app_name.to_string()),
        namespace: Some(
            helm.namespace
                .clone()
                .unwrap_or_else(|| input.dest_namespace.to_string()),
        )
        .filter(|n| !n.is_empty()),
        value_files: Vec::new(),
        values: None,
        value_contents,
        set: set.into_iter().collect(),
        set_string: set_string.into_iter().collect(),
        set_file: set_file.into_iter().collect(),
        kube_version: kube,
        api_versions: if helm.api_versions.is_empty() {
            input.api_versions.to_vec()
        } else {
            helm.api_versions.clone()
        },
        skip_crds: helm.skip_crds,
        skip_tests: helm.skip_tests,
        skip_schema_validation: helm.skip_schema_validation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_rules() {
        assert_eq!(kube_version("v1.30.2+k3s1"), Ok("1.30.2".into()));
        assert_eq!(kube_version("1.29"), Ok("1.29".into()));
        assert!(kube_version("latest").is_err());
        assert_eq!(clean_set("a,b\\,c"), "a\\,b\\,c");
        assert_eq!(clean_set("{a,b}"), "{a,b}");
        assert_eq!(
            resolve("charts/web", "../common/values.yaml"),
            Ok("charts/common/values.yaml".into())
        );
        assert_eq!(
            resolve("charts/web", "/env/prod.yaml"),
            Ok("env/prod.yaml".into())
        );
        assert!(resolve("web", "../../x").is_err());
    }
}
