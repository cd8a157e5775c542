//! The matrix and merge generators.

use super::generators::transform;
use super::params::{Params, combine_string_maps, merge_override};
use super::render::Mode;
use super::{AppSetError, GenerateContext};
use serde_json::Value;

fn children<'a>(body: &'a Value, path: &str) -> Result<&'a Vec<Value>, AppSetError> {
    body.get("generators")
        .and_then(Value::as_array)
        .ok_or_else(|| AppSetError {
            generator: path.to_string(),
            message: "generators must be a list".into(),
        })
}

/// Parameter sets of one child, which must set exactly one generator;
/// its own template is not used (as in Argo CD).
fn child_params(
    ctx: &GenerateContext<'_>,
    mode: &Mode,
    child: &Value,
    path: &str,
    inherited: Option<&Params>,
) -> Result<Vec<Params>, AppSetError> {
    let mut results = transform(ctx, mode, child, path, &Value::Null, inherited)?;
    if results.len() > 1 {
        return Err(AppSetError {
            generator: path.to_string(),
            message: "found more than one generator in matrix.Generators".into(),
        });
    }
    match results.pop() {
        Some(t) => Ok(t.params),
        None => Err(AppSetError {
            generator: path.to_string(),
            message: "child generator generated no parameters".into(),
        }),
    }
}

/// Every parameter set of the first child combined with every set of the
/// second, which is rendered with the first's set before it runs. Go
/// mode: the first child's values win; flat mode: a key with two values
/// is an error.
pub fn matrix(
    ctx: &GenerateContext<'_>,
    mode: &Mode,
    body: &Value,
    path: &str,
) -> Result<Vec<Params>, AppSetError> {
    let gens = children(body, path)?;
    let fail = |message: &str| AppSetError {
        generator: path.to_string(),
        message: message.to_string(),
    };
    if gens.len() < 2 {
        return Err(fail(
            "found less than two generators, Matrix support only two",
        ));
    }
    if gens.len() > 2 {
        return Err(fail(
            "found more than two generators, Matrix support only two",
        ));
    }
    let first_path = format!("{path}.generators[0]");
    let second_path = format!("{path}.generators[1]");
    let mut out = Vec::new();
    for a in child_params(ctx, mode, &gens[0], &first_path, None)? {
        for b in child_params(ctx, mode, &gens[1], &second_path, Some(&a))? {
            if mode.go_template {
                let mut combined = Params::new();
                merge_override(&mut combined, &b);
                merge_override(&mut combined, &a);
                out.push(combined);
            } else {
                out.push(combine_string_maps(&a, &b).map_err(|m| fail(&m))?);
            }
        }
    }
    Ok(out)
}

/// The first child's sets, each overridden by the sets of later children
/// with the same values of `mergeKeys` (a missing key counts as null).
/// Sets of later children that match no base set are dropped.
pub fn merge(
    ctx: &GenerateContext<'_>,
    mode: &Mode,
    body: &Value,
    path: &str,
) -> Result<Vec<Params>, AppSetError> {
    let gens = children(body, path)?;
    let fail = |message: String| AppSetError {
        generator: path.to_string(),
        message,
    };
    if gens.len() < 2 {
        return Err(fail(
            "found less than two generators, Merge requires two or more".into(),
        ));
    }
    let keys: Vec<String> = body
        .get("mergeKeys")
        .and_then(Value::as_array)
        .map(|k| {
            k.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if keys.is_empty() {
        return Err(fail(
            "no merge keys were specified, Merge requires at least one".into(),
        ));
    }
    let mut sets = Vec::new();
    for (i, child) in gens.iter().enumerate() {
        sets.push(child_params(
            ctx,
            mode,
            child,
            &format!("{path}.generators[{i}]"),
            None,
        )?);
    }
    let mut base = keyed(&keys, &sets[0]).map_err(fail)?;
    for later in &sets[1..] {
        let by_key = keyed(&keys, later).map_err(fail)?;
        for (key, params) in base.iter_mut() {
            if let Some((_, over)) = by_key.iter().find(|(k, _)| k == key) {
                if mode.go_template {
                    merge_override(params, over);
                } else {
                    for (k, v) in over {
                        params.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
    Ok(base.into_iter().map(|(_, p)| p).collect())
}

/// Sets with their merge-key text (`{"a":"1","b":null}`), in order;
/// two sets with one key are an error.
fn keyed(keys: &[String], sets: &[Params]) -> Result<Vec<(String, Params)>, String> {
    let mut unique: Vec<&String> = keys.iter().collect();
    unique.sort();
    unique.dedup();
    let mut out: Vec<(String, Params)> = Vec::new();
    for set in sets {
        let mut key = serde_json::Map::new();
        for k in &unique {
            key.insert((*k).clone(), set.get(*k).cloned().unwrap_or(Value::Null));
        }
        let text = Value::Object(key).to_string();
        if out.iter().any(|(k, _)| *k == text) {
            return Err(format!(
                "the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {text}"
            ));
        }
        out.push((text, set.clone()));
    }
    Ok(out)
}
