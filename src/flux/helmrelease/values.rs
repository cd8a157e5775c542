//! A HelmRelease's chart values as helm-controller composes them (fluxcd/pkg
//! `chartutil.ChartValuesFromReferences`): each `valuesFrom` entry in
//! order — a YAML document merged at the root, or with `targetPath` a
//! single value set there in `--set` syntax (`literal`: verbatim) — then
//! the inline `values` on top. A `targetPath` value overrides the inline
//! values where it writes into maps or lists they share (see
//! [`super::govalue`]), as in Flux.

use super::govalue::{GoMap, map_from_json, map_to_json, merge_maps, new_map};
use super::strvals::parse_into;
use crate::flux::refs::{RefObjects, config_map_data, secret_data};
use crate::render::convert;
use crate::render::scalars::Dialect;
use serde_json::{Map, Value};

/// A `valuesFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    pub name: String,
    /// The data key (default `values.yaml`).
    pub values_key: String,
    /// Where a single value goes (`--set` path); empty: merge at the root.
    pub target_path: String,
    pub optional: bool,
    /// With `target_path`: the value is taken verbatim (`--set-literal`).
    pub literal: bool,
}

/// The composed values and the paths that hold values read from Secrets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComposedValues {
    pub values: Value,
    /// Paths (`secretValues` syntax, see [`crate::model::ValuePath`]) of
    /// every value a Secret supplied; the engine masks what they hold.
    pub secret_paths: Vec<String>,
}

/// Composes the values; `namespace` is the HelmRelease's. The error is
/// Flux's (`could not resolve Secret chart values reference 'ns/name' with
/// key 'values.yaml': resource not found`), never a value.
pub fn compose(
    namespace: &str,
    inline: Option<&Map<String, Value>>,
    references: &[ValuesReference],
    refs: &RefObjects,
) -> Result<ComposedValues, String> {
    let inline = inline.map_or_else(new_map, map_from_json);
    let mut result = new_map();
    let mut secret_paths = Vec::new();
    for r in references {
        let fail = |reason: &str| {
            let optional = if r.optional { " optional" } else { "" };
            format!(
                "could not resolve{optional} {} chart values reference '{namespace}/{}' with key '{}': {reason}",
                r.kind, r.name, r.values_key
            )
        };
        if r.kind != "ConfigMap" && r.kind != "Secret" {
            return Err(fail("unsupported values reference kind"));
        }
        let Some(object) = refs.get(&r.kind, namespace, &r.name) else {
            if r.optional {
                continue;
            }
            return Err(fail("resource not found"));
        };
        let data = if r.kind == "Secret" {
            secret_data(object)
                .map_err(|e| fail(&e))?
                .remove(&r.values_key)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        } else {
            config_map_data(object).remove(&r.values_key)
        };
        let Some(data) = data else {
            if r.optional {
                continue;
            }
            return Err(fail("key not found"));
        };
        let contributed = if r.target_path.is_empty() {
            let values = read_values(&data).map_err(|e| fail(&e))?;
            result = merge_maps(&result, &values);
            values
        } else {
            result = merge_maps(&result, &inline);
            set_path(&result, &r.target_path, &data, r.literal).map_err(|e| fail(&e))?;
            // What the entry wrote, on its own, to know which paths it set.
            let alone = new_map();
            set_path(&alone, &r.target_path, &data, r.literal).map_err(|e| fail(&e))?;
            alone
        };
        if r.kind == "Secret" {
            leaf_paths(&map_to_json(&contributed), "", &mut secret_paths);
        }
    }
    let values = map_to_json(&merge_maps(&result, &inline));
    secret_paths.sort();
    secret_paths.dedup();
    Ok(ComposedValues {
        values,
        secret_paths,
    })
}

/// helm's `ReadValues`: a YAML mapping (empty: no values).
fn read_values(text: &str) -> Result<GoMap, String> {
    match convert::load(text, Dialect::Yaml11) {
        Ok(Value::Object(map)) => Ok(map_from_json(&map)),
        Ok(Value::Null) => Ok(new_map()),
        Ok(_) => Err("the values are not a YAML mapping".to_string()),
        Err(
            convert::LoadError::Syntax { line, message }
            | convert::LoadError::Limit { line, message },
        ) => Err(format!(
            "the values are not valid YAML (line {line}: {message})"
        )),
        Err(convert::LoadError::Invalid(message)) => Err(message),
    }
}

/// helm-controller's `ReplacePathValue` / `ReplacePathLiteralValue`.
fn set_path(values: &GoMap, path: &str, value: &str, literal: bool) -> Result<(), String> {
    if literal {
        let mut escaped = String::with_capacity(value.len());
        for c in value.chars() {
            if matches!(c, '\\' | ',' | '[' | ']' | '{' | '}') {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        return parse_into(&format!("{path}={escaped}"), values, true);
    }
    let quoted = |q: char| value.starts_with(q) && value.ends_with(q);
    if quoted('\'') || quoted('"') {
        let trimmed = value.trim_matches(['\'', '"']);
        return parse_into(&format!("{path}={trimmed}"), values, true);
    }
    parse_into(&format!("{path}={value}"), values, false)
}

/// Every scalar (and empty collection) under `value`, as `secretValues`
/// paths: keys joined with `.` (with `\` escaping `.`, `[` and `\`),
/// list items as `[n]`; null list padding is skipped.
fn leaf_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = escape_key(k);
                let path = match (prefix.is_empty(), key.is_empty()) {
                    // A key ValuePath cannot name: mask its parent.
                    (_, true) => prefix.to_string(),
                    (true, false) => key,
                    (false, false) => format!("{prefix}.{key}"),
                };
                if path.is_empty() {
                    out.push("*".to_string());
                } else {
                    leaf_paths(v, &path, out);
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                if !v.is_null() {
                    leaf_paths(v, &format!("{prefix}[{i}]"), out);
                }
            }
        }
        _ if !prefix.is_empty() => out.push(prefix.to_string()),
        _ => {}
    }
}

fn escape_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if matches!(c, '.' | '[' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
