//! Rendering parameters into templates as Argo CD's `Render` does:
//! every string (and map key) of the template is replaced, with
//! fasttemplate or Go templates; `templatePatch` is applied as a merge
//! patch; the resources finalizer is added.

use super::params::Params;
use crate::argocd::fasttemplate;
use crate::argocd::gotemplate::{self, GoValue, MissingKey, Options};
use serde_json::{Map, Value};

/// The finalizer Argo CD puts on generated Applications.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// How strings are templated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub go_template: bool,
    pub options: Options,
}

/// Argo CD's `Replace` of one string.
pub fn replace(template: &str, params: &Params, mode: &Mode) -> Result<String, String> {
    if mode.go_template {
        let data = GoValue::from_json(&Value::Object(params.clone()));
        return gotemplate::execute(template, &data, &mode.options).map_err(|e| match e {
            gotemplate::TemplateError::Parse(m) => {
                format!("failed to parse template {template}: {m}")
            }
            gotemplate::TemplateError::Exec(m) => {
                format!("failed to execute go template {template}: {m}")
            }
        });
    }
    fasttemplate(template, params)
}

/// Every string and map key of `value` replaced (`deeplyReplace`). Null
/// entries of objects are dropped, as Go drops nil map values.
pub fn render_value(value: &Value, params: &Params, mode: &Mode) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(replace(s, params, mode)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| render_value(i, params, mode))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if v.is_null() {
                    continue;
                }
                out.insert(replace(k, params, mode)?, render_value(v, params, mode)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Renders a generator with the parameters of the matrix's first
/// generator (`RenderGeneratorParams`): its `values` are resolved with
/// `missingkey=error` and keep their text where a key is missing, so they
/// can still use the generator's own parameters later.
pub fn render_generator(generator: &Value, params: &Params, mode: &Mode) -> Result<Value, String> {
    let Value::Object(map) = generator else {
        return render_value(generator, params, mode);
    };
    let mut out = Map::new();
    for (kind, body) in map {
        let rendered = match (kind.as_str(), body) {
            (
                "git"
                | "clusters"
                | "plugin"
                | "pullRequest"
                | "scmProvider"
                | "clusterDecisionResource",
                Value::Object(inner),
            ) => {
                let mut o = Map::new();
                for (k, v) in inner {
                    if k == "values" && v.is_object() {
                        o.insert(k.clone(), resolve_values(v, params, mode)?);
                    } else if !v.is_null() {
                        o.insert(replace(k, params, mode)?, render_value(v, params, mode)?);
                    }
                }
                Value::Object(o)
            }
            _ if body.is_null() => continue,
            _ => render_value(body, params, mode)?,
        };
        out.insert(kind.clone(), rendered);
    }
    Ok(Value::Object(out))
}

fn resolve_values(values: &Value, params: &Params, mode: &Mode) -> Result<Value, String> {
    let strict = Mode {
        go_template: mode.go_template,
        options: if mode.go_template {
            Options {
                missing_key: MissingKey::Error,
            }
        } else {
            mode.options
        },
    };
    let mut out = Map::new();
    for (k, v) in values.as_object().into_iter().flatten() {
        let text = v.as_str().unwrap_or_default();
        let resolved = match replace(text, params, &strict) {
            Ok(r) => r,
            Err(e)
                if e.contains("map has no entry for key") || e.contains("can't evaluate field") =>
            {
                text.to_string()
            }
            Err(e) => return Err(format!("failed to pre-resolve Values key {k:?}: {e}")),
        };
        out.insert(k.clone(), Value::String(resolved));
    }
    Ok(Value::Object(out))
}

/// mergo `Merge(generatorTemplate, appSetTemplate)`: fields the
/// generator's template leaves empty are taken from the ApplicationSet's;
/// `valuesObject` is taken whole.
pub fn merge_template(generator: &Value, appset: &Value) -> Value {
    match (generator, appset) {
        (Value::Object(g), Value::Object(a)) => {
            let mut out = g.clone();
            for (k, av) in a {
                match out.get(k) {
                    Some(gv) if k != "valuesObject" && gv.is_object() && av.is_object() => {
                        let merged = merge_template(gv, av);
                        out.insert(k.clone(), merged);
                    }
                    Some(gv) if !is_empty(gv) => {}
                    _ => {
                        out.insert(k.clone(), av.clone());
                    }
                }
            }
            Value::Object(out)
        }
        (g, a) if is_empty(g) => a.clone(),
        (g, _) => g.clone(),
    }
}

/// Go's zero values: null, false, 0, "", and empty lists and maps.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// `RenderTemplateParams` for one parameter set: the Application built
/// from the template, rendered; with no parameters the template is used
/// as it is (and gets no finalizer), as in Argo CD.
pub fn render_application(
    template: &Value,
    params: &Params,
    mode: &Mode,
    preserve_resources: bool,
) -> Result<Value, String> {
    if params.is_empty() {
        return Ok(template.clone());
    }
    let mut app = render_value(template, params, mode)?;
    let finalizers_empty = app
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_none_or(|f| f.is_empty());
    if !preserve_resources
        && finalizers_empty
        && let Some(meta) = metadata(&mut app)
    {
        meta.insert(
            "finalizers".into(),
            Value::Array(vec![Value::String(RESOURCES_FINALIZER.into())]),
        );
    }
    Ok(app)
}

/// `metadata` of an object, created when missing (None when `app` is
/// not an object).
pub fn metadata(app: &mut Value) -> Option<&mut Map<String, Value>> {
    let meta = app
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut()
}

/// Applies the rendered `templatePatch` text (YAML or JSON) to `app` as a
/// strategic merge patch of an Application — a JSON merge patch, since
/// the Application type declares no list merge keys — and restores
/// `spec.project`, which a patch may not change.
pub fn apply_template_patch(app: &Value, patch_text: &str) -> Result<Value, String> {
    let patch: Value = serde_yaml::from_str::<serde_yaml::Value>(patch_text)
        .map_err(|e| format!("error while converting template to json {patch_text:?}: {e}"))
        .and_then(|y| {
            serde_json::to_value(y)
                .map_err(|e| format!("invalid templatePatch {patch_text:?}: {e}"))
        })?;
    if !patch.is_object() {
        return Err(format!(
            "invalid templatePatch {patch_text:?}: not a mapping"
        ));
    }
    if let Some(key) = directive(&patch) {
        return Err(format!(
            "templatePatch uses the strategic merge directive {key:?}, which tether does not support"
        ));
    }
    let mut out = app.clone();
    merge_patch(&mut out, &patch);
    let project = app.pointer("/spec/project").cloned();
    if let Some(spec) = out.get_mut("spec").and_then(Value::as_object_mut) {
        match project {
            Some(p) => {
                spec.insert("project".into(), p);
            }
            None => {
                spec.remove("project");
            }
        }
    }
    Ok(out)
}

fn directive(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if k.starts_with('$') {
                Some(k.clone())
            } else {
                directive(v)
            }
        }),
        Value::Array(items) => items.iter().find_map(directive),
        _ => None,
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in patch {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat() -> Mode {
        Mode {
            go_template: false,
            options: Options::default(),
        }
    }

    #[test]
    fn deep_render_templates_keys_and_drops_nulls() {
        let params = json!({"name": "web"}).as_object().unwrap().clone();
        let t = json!({"metadata": {"labels": {"app-{{name}}": "{{name}}"}}, "spec": {"v": {"a": null, "n": 1}}});
        assert_eq!(
            render_value(&t, &params, &flat()).unwrap(),
            json!({"metadata": {"labels": {"app-web": "web"}}, "spec": {"v": {"n": 1}}})
        );
    }

    #[test]
    fn generator_templates_fill_empty_fields() {
        let g = json!({"metadata": {}, "spec": {"project": "", "source": {"path": "x"}, "syncPolicy": {"automated": {"prune": false}}}});
        let a = json!({"metadata": {"name": "n"}, "spec": {"project": "p", "source": {"path": "y", "repoURL": "r"}, "syncPolicy": {"automated": {"prune": true}}}});
        assert_eq!(
            merge_template(&g, &a),
            json!({"metadata": {"name": "n"}, "spec": {"project": "p", "source": {"path": "x", "repoURL": "r"}, "syncPolicy": {"automated": {"prune": true}}}})
        );
    }

    #[test]
    fn patches_keep_the_project() {
        let app =
            json!({"spec": {"project": "p", "source": {"path": "a"}, "info": [{"name": "x"}]}});
        let out = apply_template_patch(
            &app,
            "spec:\n  project: evil\n  info: []\n  source: {targetRevision: v1}\n",
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"spec": {"project": "p", "source": {"path": "a", "targetRevision": "v1"}, "info": []}})
        );
        assert!(apply_template_patch(&app, "spec: {$patch: replace}").is_err());
    }
}
