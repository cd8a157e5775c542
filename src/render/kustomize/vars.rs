//! Legacy `vars`: `$(NAME)` in the fields kustomize's `varReference`
//! configuration lists, replaced by a field of a named object once every
//! other transformation is done.

use super::fieldspec::{self, CreateKind, smarter_split};
use super::resid::{Gvk, ResId};
use super::resource::{Resource, scalar_text};
use super::spec::{FieldSpec, VarSpec};
use serde_json::Value;

impl VarSpec {
    /// The type the var's object reference names (its apiVersion wins
    /// over group and version).
    fn gvk(&self) -> Gvk {
        let r = &self.obj_ref;
        let mut gvk = Gvk {
            group: r.group.clone().unwrap_or_default(),
            version: r.version.clone().unwrap_or_default(),
            kind: r.kind.clone(),
        };
        if let Some(api) = r.api_version.as_deref().filter(|a| !a.is_empty()) {
            let parts: Vec<&str> = api.split('/').collect();
            match parts.as_slice() {
                [g, v] => {
                    gvk.group = (*g).to_string();
                    gvk.version = (*v).to_string();
                }
                [v] => gvk.version = (*v).to_string(),
                _ => {}
            }
        }
        gvk
    }

    fn field_path(&self) -> String {
        self.field_ref
            .as_ref()
            .map(|f| f.field_path.clone())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "metadata.name".into())
    }

    fn describe(&self) -> String {
        format!("{{{} {} {{{}}}}}", self.name, self.gvk(), self.field_path())
    }
}

/// kustomize's `MergeVars`: ties each var of a kustomization to the one
/// object it names (by any id), adding it to the set of vars; Err for
/// an ambiguous object or a var declared twice.
pub(crate) fn bind(
    vars: &[VarSpec],
    known: &mut Vec<VarSpec>,
    resources: &mut [Resource],
) -> Result<(), String> {
    for var in vars {
        let target = ResId {
            gvk: var.gvk(),
            name: var.obj_ref.name.clone(),
            namespace: var.obj_ref.namespace.clone().unwrap_or_default(),
            cluster: false,
        };
        let by_namespace = !target.namespace.is_empty();
        let matched: Vec<usize> = (0..resources.len())
            .filter(|i| !resources[*i].is_empty())
            .filter(|i| {
                let r = &resources[*i];
                r.prev_ids()
                    .iter()
                    .chain(std::iter::once(&r.cur_id()))
                    .any(|id| {
                        if by_namespace {
                            target.equals(id)
                        } else {
                            target.gvkn_equals(id)
                        }
                    })
            })
            .collect();
        if matched.len() > 1 {
            return Err(format!(
                "found {} resId matches for var {} (unable to disambiguate)",
                matched.len(),
                var.describe()
            ));
        }
        if let [i] = matched.as_slice() {
            resources[*i].var_names.push(var.name.clone());
        }
    }
    merge(known, vars)
}

/// Adds vars to the set; Err when one is already there.
pub(crate) fn merge(known: &mut Vec<VarSpec>, vars: &[VarSpec]) -> Result<(), String> {
    for var in vars {
        if known.iter().any(|v| v.name == var.name) {
            return Err(format!("var '{}' already encountered", var.name));
        }
        known.push(var.clone());
    }
    Ok(())
}

/// Resolves the vars over the resources (kustomize's `ResolveVars`).
pub(crate) fn resolve(
    vars: &[VarSpec],
    specs: &[FieldSpec],
    resources: &mut [Resource],
) -> Result<(), String> {
    let mut sorted: Vec<&VarSpec> = vars.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut values: Vec<(String, Value)> = Vec::new();
    for var in sorted {
        values.push((var.name.clone(), value_of(var, resources)?));
    }
    if values.is_empty() {
        return Ok(());
    }
    for res in resources.iter_mut() {
        super::alias::track(res, |res| -> Result<(), String> {
            for fs in specs {
                fieldspec::apply(&mut res.obj, fs, CreateKind::No, &mut |node| {
                    substitute(node, &values)
                })?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn value_of(var: &VarSpec, resources: &[Resource]) -> Result<Value, String> {
    let res = resources
        .iter()
        .find(|r| r.var_names.contains(&var.name))
        .ok_or_else(|| {
            format!(
                "var '{}' cannot be mapped to a field in the set of known resources",
                var.describe()
            )
        })?;
    let mut segs = Vec::new();
    for s in smarter_split(&var.field_path(), '.') {
        match s.strip_suffix(']').and_then(|x| x.rsplit_once('[')) {
            Some((head, idx)) if !idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit()) => {
                if !head.is_empty() {
                    segs.push(head.to_string());
                }
                segs.push(idx.to_string());
            }
            _ => segs.push(s),
        }
    }
    let not_found = || {
        format!(
            "field specified in var '{}' not found in corresponding resource",
            var.describe()
        )
    };
    super::replacements_path::lookup(&res.obj, &segs)
        .map_err(|_| not_found())?
        .ok_or_else(not_found)
}

/// The value a `$(NAME)` reference maps to (the reference itself when
/// unknown or not a scalar).
fn mapped(name: &str, values: &[(String, Value)]) -> Value {
    match values.iter().find(|(n, _)| n == name) {
        Some((_, v)) if !v.is_object() && !v.is_array() && !v.is_null() => v.clone(),
        _ => Value::String(format!("$({name})")),
    }
}

/// kustomize's `DoReplacements` on one string: a whole `$(NAME)` keeps
/// the value's type.
fn replace_text(input: &str, values: &[(String, Value)]) -> Value {
    let b = input.as_bytes();
    let mut out = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let (read, is_var, advance) = read_name(rest);
            if is_var {
                let value = mapped(&read, values);
                if input == format!("$({read})") {
                    return value;
                }
                out.push_str(&match &value {
                    Value::String(s) => s.clone(),
                    other => scalar_text(other),
                });
            } else {
                out.push_str(&read);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.push_str(&input[checkpoint.min(input.len())..]);
    Value::String(out)
}

fn read_name(input: &str) -> (String, bool, usize) {
    let b = input.as_bytes();
    match b[0] {
        b'$' => ("$".into(), false, 1),
        b'(' => match input[1..].find(')') {
            Some(i) => (input[1..=i].to_string(), true, i + 2),
            None => ("$(".into(), false, 1),
        },
        _ => {
            let c = input.chars().next().unwrap_or(' ');
            (format!("${c}"), false, c.len_utf8())
        }
    }
}

/// Replaces vars in a string node, the string values of a mapping, or
/// the items of a list (which must all be strings).
fn substitute(node: &mut Value, values: &[(String, Value)]) -> Result<(), String> {
    match node {
        Value::String(s) => {
            *node = replace_text(&s.clone(), values);
            Ok(())
        }
        Value::Object(map) => {
            for v in map.values_mut() {
                if let Value::String(s) = v {
                    *v = replace_text(&s.clone(), values);
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                let Value::String(s) = item else {
                    return Err("invalid value type expect a string".into());
                };
                *item = replace_text(&s.clone(), values);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_known_vars_only() {
        let vals = vec![("A".to_string(), json!("x")), ("P".to_string(), json!(80))];
        assert_eq!(
            replace_text("a=$(A) b=$(B) $$(A)", &vals),
            json!("a=x b=$(B) $(A)")
        );
        assert_eq!(replace_text("$(P)", &vals), json!(80));
        assert_eq!(replace_text("p$(P)", &vals), json!("p80"));
    }
}
