//! A Kustomize source as Argo CD builds it: the app's overrides written
//! into the kustomization as the `kustomize edit` commands Argo CD runs
//! would write them, then tether's native `kustomize build`.

use super::KustomizeSource;
use super::env::envsubst;
use crate::model::FileTree;
use crate::render::KUSTOMIZATION_FILES;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Checks argocd-cm `kustomize.buildOptions`: tether's kustomize always
/// inflates Helm charts and keeps the root-only load restrictor, so
/// `--enable-helm` and `--load-restrictor LoadRestrictionsRootOnly` are
/// accepted; anything else is refused.
pub fn check_build_options(options: &str) -> Result<(), String> {
    let mut words = options.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "--enable-helm" | "--load-restrictor=LoadRestrictionsRootOnly" => {}
            "--load-restrictor" if words.next() == Some("LoadRestrictionsRootOnly") => {}
            other => {
                return Err(format!(
                    "kustomize build option {other:?} is not supported by tether's native kustomize (it always inflates Helm charts and loads files from the kustomization root only)"
                ));
            }
        }
    }
    Ok(())
}

/// The tree with the kustomization of `dir` edited by the app's
/// overrides (unchanged when there are none).
pub fn apply_overrides(
    tree: &FileTree,
    dir: &str,
    k: &KustomizeSource,
    env: &BTreeMap<String, String>,
) -> Result<Option<FileTree>, String> {
    if *k == KustomizeSource::default() {
        return Ok(None);
    }
    let join = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    let file = KUSTOMIZATION_FILES
        .iter()
        .map(|n| join(n))
        .find(|f| tree.contains(f))
        .ok_or_else(|| {
            format!("Missing kustomization file in {dir:?}: the kustomize overrides need one")
        })?;
    let text = String::from_utf8_lossy(tree.get(&file).unwrap_or_default()).into_owned();
    let parsed: Value = serde_yaml::from_str::<serde_yaml::Value>(&text)
        .map_err(|e| format!("{file}: {e}"))
        .and_then(|y| serde_json::to_value(y).map_err(|e| format!("{file}: {e}")))?;
    let mut m = match parsed {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        _ => return Err(format!("{file}: expected a mapping")),
    };
    edit(&mut m, tree, dir, k, env).map_err(|e| format!("{file}: {e}"))?;
    let yaml = serde_yaml::to_string(&Value::Object(m)).map_err(|e| format!("{file}: {e}"))?;
    let mut out = tree.clone();
    out.insert(file, yaml);
    Ok(Some(out))
}

/// The `kustomize edit` commands Argo CD runs, in its order.
fn edit(
    m: &mut Map<String, Value>,
    tree: &FileTree,
    dir: &str,
    k: &KustomizeSource,
    env: &BTreeMap<String, String>,
) -> Result<(), String> {
    if !k.name_prefix.is_empty() {
        m.insert("namePrefix".into(), Value::String(k.name_prefix.clone()));
    }
    if !k.name_suffix.is_empty() {
        m.insert("nameSuffix".into(), Value::String(k.name_suffix.clone()));
    }
    if !k.images.is_empty() {
        let images: Vec<String> = k.images.iter().map(|i| envsubst(i, env)).collect();
        set_images(m, &images)?;
    }
    if !k.replicas.is_empty() {
        set_replicas(m, &k.replicas);
    }
    if !k.common_labels.is_empty() {
        let labels: BTreeMap<String, String> = k
            .common_labels
            .iter()
            .map(|(n, v)| (n.clone(), envsubst(v, env)))
            .collect();
        if k.label_without_selector {
            add_labels_without_selector(
                m,
                &labels,
                k.label_include_templates,
                k.force_common_labels,
            )?;
        } else {
            add_to_map(m, "commonLabels", "label", &labels, k.force_common_labels)?;
        }
    }
    if !k.common_annotations.is_empty() {
        let annotations: BTreeMap<String, String> = if k.common_annotations_envsubst {
            k.common_annotations
                .iter()
                .map(|(n, v)| (n.clone(), envsubst(v, env)))
                .collect()
        } else {
            k.common_annotations.clone()
        };
        add_to_map(
            m,
            "commonAnnotations",
            "annotation",
            &annotations,
            k.force_common_annotations,
        )?;
    }
    if !k.namespace.is_empty() {
        m.insert("namespace".into(), Value::String(k.namespace.clone()));
    }
    if !k.patches.is_empty() {
        let list = m
            .entry("patches")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(list) = list else {
            return Err("expected 'patches' field in kustomization.yaml to be a list".into());
        };
        list.extend(k.patches.iter().cloned());
    }
    if !k.components.is_empty() {
        let found: Vec<&String> = k
            .components
            .iter()
            .filter(|c| !k.ignore_missing_components || component_exists(tree, dir, c))
            .collect();
        if !found.is_empty() {
            let list = m
                .entry("components")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(list) = list else {
                return Err("expected 'components' to be a list".into());
            };
            for c in found {
                if !list.iter().any(|x| x.as_str() == Some(c)) {
                    list.push(Value::String(c.clone()));
                }
            }
        }
    }
    Ok(())
}

fn component_exists(tree: &FileTree, dir: &str, component: &str) -> bool {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in component.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return false;
                }
            }
            p => parts.push(p),
        }
    }
    tree.has(&parts.join("/"))
}

/// kustomize's `image.Split`: name, tag, digest (a registry host with a
/// port is not taken for a tag).
fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let (id, ic) = (search.find('@'), search.find(':'));
    match (id, ic) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(d), Some(c)) if c < d => (
            image[..slash + c].to_string(),
            image[slash + c + 1..slash + d].to_string(),
            image[slash + d + 1..].to_string(),
        ),
        (Some(d), _) => (
            image[..slash + d].to_string(),
            String::new(),
            image[slash + d + 1..].to_string(),
        ),
        (None, Some(c)) => (
            image[..slash + c].to_string(),
            image[slash + c + 1..].to_string(),
            String::new(),
        ),
    }
}

/// `kustomize edit set image`: each argument replaces the entry of its
/// name (`*` keeps a field), the list is sorted by name.
fn set_images(m: &mut Map<String, Value>, args: &[String]) -> Result<(), String> {
    let mut by_name: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for arg in args {
        let (key, value) = match arg.split_once('=') {
            Some((k, v)) => (k, v),
            None => ("", arg.as_str()),
        };
        let (name, tag, digest) = split_image(value);
        if name == *arg {
            return Err(format!(
                "invalid format of image {arg:?}: use one of `name=newName:tag`, `name:tag`, `name@digest`"
            ));
        }
        let mut image = Map::new();
        if key.is_empty() {
            image.insert("name".into(), Value::String(name));
        } else {
            image.insert("name".into(), Value::String(key.to_string()));
            image.insert("newName".into(), Value::String(name));
        }
        image.insert("newTag".into(), Value::String(tag));
        image.insert("digest".into(), Value::String(digest));
        let n = image["name"].as_str().unwrap_or_default().to_string();
        by_name.insert(n, image);
    }
    let existing = m
        .get("images")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for old in existing {
        let Some(old) = old.as_object().cloned() else {
            continue;
        };
        let name = old
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match by_name.get_mut(&name) {
            Some(new) => {
                for field in ["newName", "newTag", "digest"] {
                    if new.get(field).and_then(Value::as_str) == Some("*") {
                        new.insert(
                            field.into(),
                            old.get(field)
                                .cloned()
                                .unwrap_or(Value::String(String::new())),
                        );
                    }
                }
            }
            None => {
                by_name.insert(name, old);
            }
        }
    }
    let images: Vec<Value> = by_name
        .into_values()
        .map(|mut image| {
            for field in ["newName", "newTag", "digest"] {
                if image
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.is_empty() || v == "*")
                {
                    image.remove(field);
                }
            }
            Value::Object(image)
        })
        .collect();
    m.insert("images".into(), Value::Array(images));
    Ok(())
}

/// `kustomize edit set replicas`: entries by name, sorted.
fn set_replicas(m: &mut Map<String, Value>, replicas: &[(String, i64)]) {
    let mut by_name: BTreeMap<String, Value> = BTreeMap::new();
    for (name, count) in replicas {
        by_name.insert(name.clone(), json!({"name": name, "count": count}));
    }
    for old in m
        .get("replicas")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let name = old
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        by_name.entry(name).or_insert(old);
    }
    m.insert(
        "replicas".into(),
        Value::Array(by_name.into_values().collect()),
    );
}

/// `kustomize edit add label|annotation [--force]`.
fn add_to_map(
    m: &mut Map<String, Value>,
    field: &str,
    kind: &str,
    pairs: &BTreeMap<String, String>,
    force: bool,
) -> Result<(), String> {
    let target = m.entry(field).or_insert_with(|| Value::Object(Map::new()));
    if target.is_null() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else {
        return Err(format!("{field} must be a mapping"));
    };
    for (k, v) in pairs {
        if target.contains_key(k) && !force {
            return Err(format!(
                "{kind} {k} already in kustomization file. Use --force to override."
            ));
        }
        target.insert(k.clone(), Value::String(v.clone()));
    }
    Ok(())
}

/// `kustomize edit add label --without-selector [--include-templates]`:
/// into the `labels` entry with the same settings, or a new one.
fn add_labels_without_selector(
    m: &mut Map<String, Value>,
    pairs: &BTreeMap<String, String>,
    include_templates: bool,
    force: bool,
) -> Result<(), String> {
    let labels = m
        .entry("labels")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(labels) = labels else {
        return Err("labels must be a list".into());
    };
    let matches = |l: &Value| {
        !l.get("includeSelectors")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            && l.get("includeTemplates")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                == include_templates
    };
    let index = match labels.iter().position(matches) {
        Some(i) => i,
        None => {
            let mut entry = json!({"pairs": {}});
            if include_templates {
                entry["includeTemplates"] = Value::Bool(true);
            }
            labels.push(entry);
            labels.len() - 1
        }
    };
    add_to_map(
        labels[index]
            .as_object_mut()
            .ok_or("labels entries must be mappings")?,
        "pairs",
        "label",
        pairs,
        force,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_split_like_kustomize() {
        assert_eq!(
            split_image("nginx:1.2"),
            ("nginx".into(), "1.2".into(), String::new())
        );
        assert_eq!(
            split_image("localhost:5000/app@sha256:ab"),
            (
                "localhost:5000/app".into(),
                String::new(),
                "sha256:ab".into()
            )
        );
        assert_eq!(
            split_image("r.io/app:v1@sha256:ab"),
            ("r.io/app".into(), "v1".into(), "sha256:ab".into())
        );
        assert_eq!(
            split_image("app"),
            ("app".into(), String::new(), String::new())
        );
    }

    #[test]
    fn set_image_merges_and_sorts() {
        let mut m = serde_json::from_value::<Map<String, Value>>(json!({"images": [
            {"name": "web", "newTag": "1.0"}, {"name": "db", "newName": "postgres", "newTag": "15"}]})).unwrap();
        set_images(
            &mut m,
            &[
                "web=ghcr.io/acme/web:2.0".into(),
                "db=*:16".into(),
                "cache:7".into(),
            ],
        )
        .unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"images": [{"name": "cache", "newTag": "7"}, {"name": "db", "newName": "postgres", "newTag": "16"},
                              {"name": "web", "newName": "ghcr.io/acme/web", "newTag": "2.0"}]})
        );
        assert!(set_images(&mut Map::new(), &["nginx".into()]).is_err());
    }

    #[test]
    fn labels_need_force_to_override() {
        let mut m =
            serde_json::from_value::<Map<String, Value>>(json!({"commonLabels": {"team": "a"}}))
                .unwrap();
        let pairs = BTreeMap::from([("team".to_string(), "b".to_string())]);
        assert!(add_to_map(&mut m, "commonLabels", "label", &pairs, false).is_err());
        add_to_map(&mut m, "commonLabels", "label", &pairs, true).unwrap();
        assert_eq!(m["commonLabels"]["team"], "b");
        add_labels_without_selector(&mut m, &pairs, true, false).unwrap();
        assert_eq!(
            m["labels"],
            json!([{"pairs": {"team": "b"}, "includeTemplates": true}])
        );
        assert!(
            check_build_options("--enable-helm --load-restrictor LoadRestrictionsRootOnly").is_ok()
        );
        assert!(check_build_options("--load-restrictor LoadRestrictionsNone").is_err());
    }
}
