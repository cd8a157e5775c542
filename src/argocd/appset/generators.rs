//! Generator dispatch (Argo CD's `Transform`): each generator entry
//! yields parameter sets, filtered by its `selector`, with its template
//! merged over the ApplicationSet's. The list and clusters generators
//! live here; git, matrix and merge in their own files.

use super::params::{Params, flatten};
use super::render::{Mode, merge_template, render_generator, replace};
use super::{AppSetError, Cluster, GenerateContext, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, selector};
use serde_json::{Map, Value};

/// Generator kinds Argo CD knows; the last four need SCM or cluster APIs.
const SUPPORTED: &[&str] = &["list", "clusters", "git", "matrix", "merge"];
const UNSUPPORTED: &[&str] = &[
    "scmProvider",
    "pullRequest",
    "clusterDecisionResource",
    "plugin",
];

/// Parameter sets of one generator kind, with its merged template.
pub struct Transformed {
    pub params: Vec<Params>,
    pub template: Value,
}

/// Runs one generator entry at `path` (for error messages). With
/// `inherited` (a matrix's first parameter set) the entry is rendered
/// with it first.
pub fn transform(
    ctx: &GenerateContext<'_>,
    mode: &Mode,
    entry: &Value,
    path: &str,
    appset_template: &Value,
    inherited: Option<&Params>,
) -> Result<Vec<Transformed>, AppSetError> {
    let err = |generator: String, message: String| AppSetError { generator, message };
    let Value::Object(map) = entry else {
        return Err(err(
            path.to_string(),
            "a generator must be a mapping".into(),
        ));
    };
    let kinds = kinds_of(map, path)?;
    let selector = map.get("selector").cloned().unwrap_or(Value::Null);
    let interpolated = match inherited {
        Some(p) if !p.is_empty() => {
            render_generator(entry, p, mode).map_err(|m| err(path.to_string(), m))?
        }
        _ => entry.clone(),
    };
    let mut out = Vec::new();
    for kind in kinds {
        let at = format!("{path}.{kind}");
        let body = interpolated.get(kind).cloned().unwrap_or(Value::Null);
        let own_template = entry
            .get(kind)
            .and_then(|b| b.get("template"))
            .cloned()
            .unwrap_or(Value::Null);
        let template = merge_template(&own_template, appset_template);
        let params = match kind {
            "list" => list(&body, mode).map_err(|m| err(at.clone(), m))?,
            "clusters" => clusters(&body, mode, ctx.clusters).map_err(|m| err(at.clone(), m))?,
            "git" => super::git::generate(ctx, &body, mode).map_err(|m| err(at.clone(), m))?,
            "matrix" => super::nested::matrix(ctx, mode, &body, &at)?,
            _ => super::nested::merge(ctx, mode, &body, &at)?,
        };
        let mut kept = Vec::new();
        for p in params {
            let flat = flatten(&p);
            let keep = selector::matches(&selector, &flat)
                .map_err(|m| err(format!("{path}.selector"), m))?;
            if keep {
                kept.push(p);
            }
        }
        out.push(Transformed {
            params: kept,
            template,
        });
    }
    Ok(out)
}

/// The generator kinds set in an entry (Argo CD runs each of them).
fn kinds_of<'a>(map: &'a Map<String, Value>, path: &str) -> Result<Vec<&'a str>, AppSetError> {
    let mut kinds = Vec::new();
    for (k, v) in map {
        if k == "selector" || v.is_null() {
            continue;
        }
        if UNSUPPORTED.contains(&k.as_str()) {
            return Err(AppSetError {
                generator: format!("{path}.{k}"),
                message: format!(
                    "the {k} generator needs an SCM or cluster API that tether does not call; it is not supported"
                ),
            });
        }
        match SUPPORTED.iter().find(|s| **s == k) {
            Some(s) => kinds.push(*s),
            None => {
                return Err(AppSetError {
                    generator: path.to_string(),
                    message: format!("unknown generator {k:?}"),
                });
            }
        }
    }
    if kinds.is_empty() {
        return Err(AppSetError {
            generator: path.to_string(),
            message: "ApplicationSet is empty".into(),
        });
    }
    Ok(kinds)
}

/// Go mode keeps numbers as float64, as `encoding/json` decodes them.
pub fn floats(v: Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(floats).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

/// The list generator: `elements` (and `elementsYaml`).
fn list(body: &Value, mode: &Mode) -> Result<Vec<Params>, String> {
    let mut out = Vec::new();
    let elements = match body.get("elements") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err("elements must be a list".into()),
    };
    for element in elements {
        let Value::Object(element) = element else {
            return Err("error unmarshling list element: not an object".into());
        };
        if mode.go_template {
            out.push(
                floats(Value::Object(element))
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            );
            continue;
        }
        let mut params = Params::new();
        for (key, value) in element {
            if key == "values" {
                let Value::Object(values) = value else {
                    return Err("error parsing values map".into());
                };
                for (k, v) in values {
                    let Value::String(v) = v else {
                        return Err(format!("error parsing value as string: values.{k}"));
                    };
                    params.insert(format!("values.{k}"), Value::String(v));
                }
            } else {
                let Value::String(v) = value else {
                    return Err(format!("error parsing value as string: {key}"));
                };
                params.insert(key, Value::String(v));
            }
        }
        out.push(params);
    }
    if let Some(text) = body
        .get("elementsYaml")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        let parsed: Vec<Value> = serde_yaml::from_str::<serde_yaml::Value>(text)
            .map_err(|e| format!("error unmarshling decoded ElementsYaml {e}"))
            .and_then(|y| {
                serde_json::from_value(serde_json::to_value(y).map_err(|e| e.to_string())?)
                    .map_err(|e| format!("error unmarshling decoded ElementsYaml {e}"))
            })?;
        for element in parsed {
            match floats(element) {
                Value::Object(m) => out.push(m),
                _ => {
                    return Err(
                        "error unmarshling decoded ElementsYaml: not a list of mappings".into(),
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Adds a generator's rendered `values` to a parameter set
/// (`appendTemplatedValues`): each value is rendered against the set
/// without other values.
pub fn append_values(
    values: Option<&Value>,
    params: &mut Params,
    mode: &Mode,
) -> Result<(), String> {
    let Some(Value::Object(values)) = values else {
        return Ok(());
    };
    let mut rendered = Map::new();
    for (k, v) in values {
        let text = v
            .as_str()
            .ok_or_else(|| format!("values.{k} must be a string"))?;
        let r = replace(text, params, mode)
            .map_err(|e| format!("failed to replace templated string: {e}"))?;
        rendered.insert(k.clone(), Value::String(r));
    }
    if mode.go_template {
        params.insert("values".into(), Value::Object(rendered));
    } else {
        for (k, v) in rendered {
            params.insert(format!("values.{k}"), v);
        }
    }
    Ok(())
}

/// The clusters generator over the clusters tether knows, plus Argo CD's
/// implicit `in-cluster` when the selector is empty and no cluster is the
/// local API server.
fn clusters(body: &Value, mode: &Mode, known: &[Cluster]) -> Result<Vec<Params>, String> {
    let selector = body.get("selector").cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for cluster in known {
        let labels = cluster.secret_labels();
        let label_map: Map<String, Value> = labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        if !selector::matches(&selector, &label_map).map_err(|e| format!("selector: {e}"))? {
            continue;
        }
        let mut params = Params::new();
        params.insert("name".into(), Value::String(cluster.name.clone()));
        params.insert(
            "nameNormalized".into(),
            Value::String(crate::argocd::sanitize_name(&cluster.name)),
        );
        params.insert("server".into(), Value::String(cluster.server.clone()));
        params.insert(
            "project".into(),
            Value::String(cluster.project.clone().unwrap_or_default()),
        );
        let annotations: Map<String, Value> = cluster
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        if mode.go_template {
            let mut meta = Map::new();
            if !annotations.is_empty() {
                meta.insert("annotations".into(), Value::Object(annotations));
            }
            meta.insert("labels".into(), Value::Object(label_map));
            params.insert("metadata".into(), Value::Object(meta));
        } else {
            for (k, v) in annotations {
                params.insert(format!("metadata.annotations.{k}"), v);
            }
            for (k, v) in label_map {
                params.insert(format!("metadata.labels.{k}"), v);
            }
        }
        append_values(body.get("values"), &mut params, mode)?;
        out.push(params);
    }
    let has_local = known.iter().any(|c| c.server == IN_CLUSTER_SERVER);
    if selector::is_empty(&selector) && !has_local {
        let mut params = Params::new();
        params.insert("name".into(), Value::String(IN_CLUSTER_NAME.into()));
        params.insert(
            "nameNormalized".into(),
            Value::String(IN_CLUSTER_NAME.into()),
        );
        params.insert("server".into(), Value::String(IN_CLUSTER_SERVER.into()));
        params.insert("project".into(), Value::String(String::new()));
        append_values(body.get("values"), &mut params, mode)?;
        out.push(params);
    }
    if body.get("flatList").and_then(Value::as_bool) == Some(true) {
        let all = out.into_iter().map(Value::Object).collect();
        let mut one = Params::new();
        one.insert("clusters".into(), Value::Array(all));
        return Ok(vec![one]);
    }
    Ok(out)
}
