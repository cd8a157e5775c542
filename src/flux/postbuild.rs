//! Kustomization `spec.postBuild`: variable substitution over each
//! rendered object, as kustomize-controller v1.9 runs it (fluxcd/pkg
//! `kustomize/kustomize_varsub.go`).
//!
//! Per object: skipped when its label or annotation
//! `kustomize.toolkit.fluxcd.io/substitute` is `disabled`. The variables
//! are the data of each `substituteFrom` ConfigMap or Secret in order
//! (later wins; an `optional` one may be absent), then the inline
//! `substitute` map on top; every value loses its `\n` characters.
//! Substitution runs only when there is at least one variable or
//! `substituteStrategy: Always`; every variable name must match
//! `^[_[:alpha:]][_[:alpha:][:digit:]]*$`. The text substituted is the
//! object re-serialised as YAML — not the file as written — so quoting in
//! the source is lost (`"${empty}"` becomes `null`), and the result is read
//! back as YAML 1.1 (`${x}` with `x: "on"` becomes `true`).

use super::envsubst::{self, Mode};
use super::refs::{RefObjects, config_map_data, secret_data};
use crate::render::convert;
use crate::render::scalars::Dialect;
use serde_json::Value;
use std::collections::BTreeMap;

/// The label or annotation that opts an object out.
pub const SUBSTITUTE_KEY: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// `spec.postBuild` of a Kustomization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostBuild {
    /// `substitute`; None when the field is absent.
    pub substitute: Option<BTreeMap<String, String>>,
    /// `substituteFrom`, in order.
    pub substitute_from: Vec<SubstituteReference>,
    /// `substituteStrategy: Always`.
    pub always: bool,
}

/// One `substituteFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstituteReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    pub name: String,
    /// Absence is not an error.
    pub optional: bool,
}

impl PostBuild {
    /// Reads `spec.postBuild`; the error names the field.
    pub fn from_spec(value: &Value) -> Result<Self, String> {
        let mut out = PostBuild::default();
        if let Some(map) = value.get("substitute").filter(|v| !v.is_null()) {
            let map = map
                .as_object()
                .ok_or("spec.postBuild.substitute must be a mapping of strings")?;
            let mut vars = BTreeMap::new();
            for (k, v) in map {
                let v = v.as_str().ok_or_else(|| {
                    format!("spec.postBuild.substitute.{k} must be a string (quote it)")
                })?;
                vars.insert(k.clone(), v.to_string());
            }
            out.substitute = Some(vars);
        }
        let refs = value.get("substituteFrom").and_then(Value::as_array);
        for (i, r) in refs.into_iter().flatten().enumerate() {
            let field = |name: &str| r.get(name).and_then(Value::as_str).unwrap_or_default();
            let kind = field("kind");
            if kind != "ConfigMap" && kind != "Secret" {
                return Err(format!(
                    "spec.postBuild.substituteFrom[{i}].kind must be ConfigMap or Secret, not {kind:?}"
                ));
            }
            if field("name").is_empty() {
                return Err(format!(
                    "spec.postBuild.substituteFrom[{i}].name is required"
                ));
            }
            out.substitute_from.push(SubstituteReference {
                kind: kind.to_string(),
                name: field("name").to_string(),
                optional: r.get("optional").and_then(Value::as_bool).unwrap_or(false),
            });
        }
        match value.get("substituteStrategy").and_then(Value::as_str) {
            None | Some("") | Some("WithVariables") => {}
            Some("Always") => out.always = true,
            Some(other) => {
                return Err(format!(
                    "spec.postBuild.substituteStrategy must be WithVariables or Always, not {other:?}"
                ));
            }
        }
        Ok(out)
    }

    /// The variables: `substituteFrom` data in order, then `substitute`.
    /// `namespace` is the Kustomization's (references are local to it).
    pub fn variables(
        &self,
        namespace: &str,
        refs: &RefObjects,
    ) -> Result<BTreeMap<String, String>, String> {
        let mut vars = BTreeMap::new();
        for r in &self.substitute_from {
            let Some(object) = refs.get(&r.kind, namespace, &r.name) else {
                if r.optional {
                    continue;
                }
                return Err(format!(
                    "substitute from '{}/{}' error: {} \"{namespace}/{}\" not found",
                    r.kind, r.name, r.kind, r.name
                ));
            };
            if r.kind == "ConfigMap" {
                for (k, v) in config_map_data(object) {
                    vars.insert(k, v.replace('\n', ""));
                }
            } else {
                let data = secret_data(object)
                    .map_err(|e| format!("substitute from 'Secret/{}' error: {e}", r.name))?;
                for (k, v) in data {
                    vars.insert(k, String::from_utf8_lossy(&v).replace('\n', ""));
                }
            }
        }
        for (k, v) in self.substitute.iter().flatten() {
            vars.insert(k.clone(), v.replace('\n', ""));
        }
        Ok(vars)
    }
}

/// Whether `object` opts out by label or annotation.
pub fn substitution_disabled(object: &Value) -> bool {
    ["labels", "annotations"].iter().any(|field| {
        object
            .get("metadata")
            .and_then(|m| m.get(field))
            .and_then(|m| m.get(SUBSTITUTE_KEY))
            .and_then(Value::as_str)
            == Some("disabled")
    })
}

/// `object` after substitution with `vars` (unchanged when it opts out, or
/// when there are no variables and `always` is false). The error is Flux's
/// message without the object's name.
pub fn substitute_object(
    object: &Value,
    vars: &BTreeMap<String, String>,
    always: bool,
    mode: Mode,
) -> Result<Value, String> {
    if substitution_disabled(object) || (vars.is_empty() && !always) {
        return Ok(object.clone());
    }
    if let Some(bad) = vars.keys().find(|k| !valid_name(k)) {
        return Err(format!(
            "envsubst error: '{bad}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'"
        ));
    }
    let text = crate::render::to_yaml_stream(std::slice::from_ref(object));
    let output = envsubst::eval(&text, vars, mode)
        .map_err(|e| format!("envsubst error: variable substitution failed: {e}"))?;
    let value = convert::load(&output, Dialect::Yaml11).map_err(|e| {
        let why = match e {
            convert::LoadError::Syntax { line, message }
            | convert::LoadError::Limit { line, message } => format!("line {line}: {message}"),
            convert::LoadError::Invalid(message) => message,
        };
        format!("envsubst error: YAMLToJSON: the substituted object is not valid YAML: {why}")
    })?;
    if !value.is_object() {
        return Err("UnmarshalJSON: the substituted object is not a mapping".to_string());
    }
    Ok(value)
}

/// Flux's variable name rule (ASCII letters, digits and `_`, not starting
/// with a digit).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn substitutes_the_reserialised_object() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                        "data": {"a": "${v}", "b": "pre-${v}", "c": "${q}${n}${q}", "d": "${e}"}});
        let v = vars(&[("v", "on"), ("q", "\""), ("n", "12"), ("e", "")]);
        let out = substitute_object(&cm, &v, false, Mode::Strict).unwrap();
        assert_eq!(
            out["data"],
            json!({"a": true, "b": "pre-on", "c": "12", "d": null})
        );
    }

    #[test]
    fn opt_out_and_no_variables_leave_objects_alone() {
        let cm = json!({"kind": "ConfigMap", "metadata": {"name": "x",
                        "annotations": {SUBSTITUTE_KEY: "disabled"}}, "data": {"a": "${v}"}});
        let v = vars(&[("v", "1")]);
        assert_eq!(substitute_object(&cm, &v, true, Mode::Strict).unwrap(), cm);
        let plain =
            json!({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "${v:=d}"}});
        assert_eq!(
            substitute_object(&plain, &BTreeMap::new(), false, Mode::Strict).unwrap(),
            plain
        );
        let always = substitute_object(&plain, &BTreeMap::new(), true, Mode::Strict).unwrap();
        assert_eq!(always["data"]["a"], "d");
    }

    #[test]
    fn invalid_names_and_missing_variables_fail_with_flux_messages() {
        let cm = json!({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "${v}"}});
        let e = substitute_object(&cm, &vars(&[("1x", "")]), false, Mode::Strict).unwrap_err();
        assert!(e.contains("'1x' var name is invalid"), "{e}");
        let e = substitute_object(&cm, &vars(&[("w", "")]), false, Mode::Strict).unwrap_err();
        assert!(e.ends_with("variable not set (strict mode): \"v\""), "{e}");
        let ok = substitute_object(&cm, &vars(&[("w", "")]), false, Mode::Lenient).unwrap();
        assert_eq!(ok["data"]["a"], Value::Null);
    }

    #[test]
    fn variables_come_from_references_in_order_then_inline() {
        let refs = RefObjects::from_objects([
            json!({"kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "ns"},
                   "data": {"a": "\ncm\n", "b": "cm"}}),
            json!({"kind": "Secret", "metadata": {"name": "s", "namespace": "ns"},
                   "data": {"b": "c2VjcmV0"}}),
        ]);
        let spec = json!({"substitute": {"c": "inline"}, "substituteFrom": [
            {"kind": "ConfigMap", "name": "cm"}, {"kind": "Secret", "name": "s"},
            {"kind": "Secret", "name": "gone", "optional": true}]});
        let pb = PostBuild::from_spec(&spec).unwrap();
        let v = pb.variables("ns", &refs).unwrap();
        assert_eq!(v, vars(&[("a", "cm"), ("b", "secret"), ("c", "inline")]));
        let missing =
            PostBuild::from_spec(&json!({"substituteFrom": [{"kind": "Secret", "name": "gone"}]}))
                .unwrap()
                .variables("ns", &refs)
                .unwrap_err();
        assert_eq!(
            missing,
            "substitute from 'Secret/gone' error: Secret \"ns/gone\" not found"
        );
    }
}
