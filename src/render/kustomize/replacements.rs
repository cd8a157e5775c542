//! `replacements`: copy a field of one object (or part of it, split by a
//! delimiter) into fields of selected objects, as kustomize 5 does.

use super::accumulate::Builder;
use super::fieldpath::split_outside;
use super::resource::Resource;
use super::selector::Matcher;
use super::spec::Selector;
use super::{KustomizeError, load};
use serde::Deserialize;
use serde_json::{Map, Value};

/// One replacement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Replacement {
    path: Option<String>,
    source: Option<Source>,
    source_value: Option<String>,
    #[serde(default)]
    targets: Vec<Target>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Source {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    field_path: Option<String>,
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Target {
    select: Option<Selector>,
    #[serde(default)]
    reject: Vec<Selector>,
    #[serde(default)]
    field_paths: Vec<String>,
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    #[serde(default)]
    delimiter: String,
    #[serde(default)]
    index: i64,
    #[serde(default)]
    create: bool,
}

/// Runs the `replacements` entries of one kustomization.
pub(crate) fn apply(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    entries: &[Value],
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    let error = |m: String| KustomizeError::Transform {
        kustomization: file.to_string(),
        message: format!("replacements: {m}"),
    };
    for entry in entries {
        let r: Replacement =
            serde_json::from_value(entry.clone()).map_err(|e| error(e.to_string()))?;
        let list = match &r.path {
            Some(path) => {
                let f = b.resolve(dir, file, "replacements", path)?;
                let docs = load::yaml_docs(b.tree(), &f)?;
                let items: Vec<Value> = docs
                    .into_iter()
                    .flat_map(|d| d.as_array().cloned().unwrap_or(vec![d]))
                    .collect();
                items
                    .into_iter()
                    .map(|v| serde_json::from_value(v).map_err(|e| error(format!("{path}: {e}"))))
                    .collect::<Result<Vec<Replacement>, _>>()?
            }
            None => vec![r],
        };
        for r in &list {
            replace(r, resources).map_err(error)?;
        }
    }
    Ok(())
}

fn replace(r: &Replacement, resources: &mut [Resource]) -> Result<(), String> {
    let value = match (&r.source, &r.source_value) {
        (Some(_), Some(_)) => {
            return Err("value and resource selectors are mutually exclusive".into());
        }
        (None, Some(v)) => Value::String(v.clone()),
        (Some(s), None) => source_value(s, resources)?,
        (None, None) => return Err("a replacement needs a source".into()),
    };
    for t in &r.targets {
        let sel = t
            .select
            .as_ref()
            .ok_or("target must specify resources to select")?;
        let m = Matcher::new(sel)?;
        let rejects = t
            .reject
            .iter()
            .map(Matcher::new)
            .collect::<Result<Vec<_>, _>>()?;
        let default = vec!["metadata.name".to_string()];
        let paths = if t.field_paths.is_empty() {
            &default
        } else {
            &t.field_paths
        };
        let opts = t.options.clone().unwrap_or_default();
        for res in resources.iter_mut() {
            if !m.matches(res) || rejects.iter().any(|x| x.matches(res)) {
                continue;
            }
            for path in paths {
                let id = res.id();
                set_path(
                    &mut res.obj,
                    &split_outside(path, '.', '[', ']'),
                    &value,
                    &opts,
                )
                .map_err(|e| format!("{e} {path:?} in {id}"))?;
            }
        }
    }
    Ok(())
}

fn source_value(s: &Source, resources: &[Resource]) -> Result<Value, String> {
    let eq = |want: &Option<String>, have: &str| {
        want.as_deref().is_none_or(|w| w.is_empty() || w == have)
    };
    let found: Vec<&Resource> = resources
        .iter()
        .filter(|r| eq(&s.group, r.group()) && eq(&s.version, r.version()) && eq(&s.kind, r.kind()))
        .filter(|r| s.name.as_deref().is_none_or(|n| r.was_named(n)))
        .filter(|r| eq(&s.namespace, r.namespace()) || eq(&s.namespace, r.original_namespace()))
        .collect();
    let describe = || {
        format!(
            "{}/{}",
            s.kind.as_deref().unwrap_or(""),
            s.name.as_deref().unwrap_or("")
        )
    };
    let [res] = found.as_slice() else {
        return Err(if found.is_empty() {
            format!("nothing selected by source {}", describe())
        } else {
            format!("multiple matches for source {}", describe())
        });
    };
    let path = s.field_path.as_deref().unwrap_or("metadata.name");
    let v = get_path(&res.obj, &split_outside(path, '.', '[', ']'))
        .filter(|v| !v.is_null())
        .ok_or_else(|| {
            format!(
                "fieldPath `{path}` is missing for replacement source {}",
                describe()
            )
        })?;
    match s.options.as_ref().filter(|o| !o.delimiter.is_empty()) {
        Some(o) => {
            let text = v
                .as_str()
                .ok_or("delimiter option can only be used with scalar nodes")?;
            let parts: Vec<&str> = text.split(o.delimiter.as_str()).collect();
            let part = usize::try_from(o.index).ok().and_then(|i| parts.get(i));
            part.map(|p| Value::String((*p).to_string()))
                .ok_or_else(|| "options.index out of bounds".to_string())
        }
        None => Ok(v),
    }
}

/// `[key=value]` of a path segment.
fn selector_of(seg: &str) -> Option<(&str, &str)> {
    seg.strip_prefix('[')?.strip_suffix(']')?.split_once('=')
}

fn get_path(v: &Value, segs: &[String]) -> Option<Value> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(v.clone());
    };
    let next = match (v, selector_of(first)) {
        (Value::Array(items), Some((k, want))) => items
            .iter()
            .find(|i| text(i.get(k)) == Some(want.to_string()))?,
        (Value::Array(items), None) => items.get(first.parse::<usize>().ok()?)?,
        (Value::Object(m), _) => m.get(first.as_str())?,
        _ => return None,
    };
    get_path(next, rest)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn set_path(v: &mut Value, segs: &[String], value: &Value, opts: &Options) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        set_value(v, value, opts);
        return Ok(());
    };
    if first == "*" {
        let children: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(m) => m.values_mut().collect(),
            _ => return Err("unable to find field".into()),
        };
        // As in kustomize, an element without the field is skipped.
        for c in children {
            match set_path(c, rest, value, opts) {
                Err(e) if e != "unable to find field" => return Err(e),
                _ => {}
            }
        }
        return Ok(());
    }
    let create = opts.create;
    let child = match (v, selector_of(first)) {
        (Value::Array(items), Some((k, want))) => {
            let pos = items
                .iter()
                .position(|i| text(i.get(k)) == Some(want.to_string()));
            match (pos, create) {
                (Some(p), _) => &mut items[p],
                (None, true) => {
                    let mut m = Map::new();
                    m.insert(k.to_string(), Value::String(want.to_string()));
                    items.push(Value::Object(m));
                    items.last_mut().ok_or("unable to find field")?
                }
                (None, false) => return Err("unable to find field".into()),
            }
        }
        (Value::Array(items), None) => first
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get_mut(i))
            .ok_or("unable to find field")?,
        (Value::Object(m), _) => {
            if !m.contains_key(first.as_str()) {
                if !create {
                    return Err("unable to find field".into());
                }
                let fresh = if rest.is_empty() {
                    Value::Null
                } else {
                    Value::Object(Map::new())
                };
                m.insert(first.clone(), fresh);
            }
            m.get_mut(first.as_str()).ok_or("unable to find field")?
        }
        (Value::Null, _) if create => return Err("unable to create field".into()),
        _ => return Err("unable to find field".into()),
    };
    set_path(child, rest, value, opts)
}

/// Writes `value` into a target field: delimiter splicing, and a scalar
/// target keeps its type (kustomize only replaces the scalar's text).
fn set_value(target: &mut Value, value: &Value, opts: &Options) {
    let mut value = value.clone();
    if !opts.delimiter.is_empty() {
        let current = text(Some(target)).unwrap_or_default();
        let mut parts: Vec<String> = current
            .split(opts.delimiter.as_str())
            .map(str::to_string)
            .collect();
        let v = text(Some(&value)).unwrap_or_default();
        match usize::try_from(opts.index) {
            Err(_) => parts.insert(0, v),
            Ok(i) if i >= parts.len() => parts.push(v),
            Ok(i) => parts[i] = v,
        }
        value = Value::String(parts.join(&opts.delimiter));
    }
    *target = match (&*target, &value) {
        (Value::String(_), v) if !v.is_object() && !v.is_array() => {
            Value::String(text(Some(v)).unwrap_or_default())
        }
        (Value::Number(_), Value::String(s)) => {
            serde_json::from_str::<serde_json::Number>(s).map_or(value.clone(), Value::Number)
        }
        (Value::Bool(_), Value::String(s)) if s == "true" || s == "false" => {
            Value::Bool(s == "true")
        }
        _ => value,
    };
}
