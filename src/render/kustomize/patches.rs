//! `patches`, `patchesStrategicMerge` and `patchesJson6902`: loading patch
//! text (inline or from a file), telling strategic-merge from JSON patches,
//! and applying them to the selected resources.

use super::accumulate::Builder;
use super::resource::Resource;
use super::selector::Matcher;
use super::smp::{self, Outcome};
use super::spec::{PatchSpec, Selector};
use super::{KustomizeError, json6902, load};
use crate::render::convert;
use crate::render::scalars::Dialect;
use serde_json::Value;

/// Where a patch is declared, for errors.
pub(crate) struct Origin<'a> {
    /// Folder of the kustomization.
    pub dir: &'a str,
    /// The kustomization file.
    pub file: &'a str,
}

impl Origin<'_> {
    fn error(&self, message: String) -> KustomizeError {
        KustomizeError::Transform {
            kustomization: self.file.to_string(),
            message,
        }
    }
}

/// Applies the `patches` entries.
pub(crate) fn apply_patches(
    b: &Builder<'_>,
    at: &Origin<'_>,
    specs: &[PatchSpec],
    field: &'static str,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for spec in specs {
        let (text, label) = patch_text(b, at, spec, field)?;
        let docs =
            parse_docs(&text).map_err(|e| at.error(format!("{field} entry {label}: {e}")))?;
        let is_json =
            text.trim_start().starts_with('[') || docs.first().is_some_and(Value::is_array);
        let target = spec.target.as_ref();
        if is_json || field == "patchesJson6902" {
            let target = target.ok_or_else(|| {
                at.error(format!(
                    "{field} entry {label}: a JSON patch needs a target"
                ))
            })?;
            let ops = docs.into_iter().next().unwrap_or(Value::Array(Vec::new()));
            json_patch(at, &label, target, &ops, resources)?;
            continue;
        }
        for doc in &docs {
            check_smp(doc).map_err(|e| at.error(format!("{field} entry {label}: {e}")))?;
        }
        let options = spec.options.clone().unwrap_or_default();
        let allow = |k: &str| options.get(k).and_then(Value::as_bool).unwrap_or(false);
        let rules = Rules {
            name: allow("allowNameChange"),
            kind: allow("allowKindChange"),
        };
        match target {
            Some(sel) => smp_selected(at, &label, sel, &docs, rules, resources)?,
            None => {
                for doc in &docs {
                    smp_by_id(at, &label, doc, rules, resources)?;
                }
            }
        }
    }
    Ok(())
}

/// Applies `patchesStrategicMerge` (file paths or inline patches).
pub(crate) fn apply_legacy_smp(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[Value],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for entry in entries {
        let raw = match entry {
            Value::String(s) => s.clone(),
            other => serde_json::to_string(other).unwrap_or_default(),
        };
        let inline = raw.contains('\n') || raw.trim_start().starts_with('{');
        let spec = PatchSpec {
            path: (!inline).then(|| raw.clone()),
            patch: inline.then_some(raw),
            ..PatchSpec::default()
        };
        apply_patches(
            b,
            at,
            std::slice::from_ref(&spec),
            "patchesStrategicMerge",
            resources,
        )?;
    }
    Ok(())
}

/// The patch's text and how to name it in errors.
fn patch_text(
    b: &Builder<'_>,
    at: &Origin<'_>,
    spec: &PatchSpec,
    field: &'static str,
) -> Result<(String, String), KustomizeError> {
    match (&spec.patch, &spec.path) {
        (Some(p), None) if !p.trim().is_empty() => Ok((p.clone(), "(inline patch)".into())),
        (None, Some(path)) => {
            let file = b.resolve(at.dir, at.file, field, path)?;
            Ok((
                load::text(b.tree(), &file)?.to_string(),
                format!("{path:?}"),
            ))
        }
        (Some(_), Some(_)) => Err(at.error(format!(
            "{field} entry: patch and path can't be set at the same time"
        ))),
        _ => Err(at.error(format!("{field} entry: must specify one of patch and path"))),
    }
}

/// The documents of a YAML (or JSON) stream, empty ones dropped.
fn parse_docs(text: &str) -> Result<Vec<Value>, String> {
    let documents =
        convert::load_all(text, Dialect::Kustomize).map_err(|e| load::yaml_error(text, e))?;
    Ok(documents.into_iter().filter(|v| !v.is_null()).collect())
}

/// kustomize reads a patch as a strategic merge patch only when it names
/// an object (`kind` and `metadata.name`); anything else is neither kind
/// of patch. A mapping with `op` and `path` is a JSON patch written
/// without its list, which merging would add to the object as fields.
fn check_smp(doc: &Value) -> Result<(), String> {
    let Some(map) = doc.as_object() else {
        return Err(
            "a patch must be a mapping (strategic merge) or a list of operations (JSON 6902)"
                .into(),
        );
    };
    if map.contains_key("op") && map.contains_key("path") {
        return Err("this is one JSON 6902 operation written as a mapping; a JSON patch is a list of operations (start it with `- op:`), kubectl refuses it too".into());
    }
    let named = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    if !named(map.get("kind")) || !named(doc.pointer("/metadata/name")) {
        return Err("unable to parse as a strategic merge patch (it needs kind and metadata.name) or as a JSON 6902 patch (a list of operations)".into());
    }
    Ok(())
}

/// Which identity changes a strategic merge patch may make.
#[derive(Clone, Copy)]
struct Rules {
    name: bool,
    kind: bool,
}

fn json_patch(
    at: &Origin<'_>,
    label: &str,
    sel: &Selector,
    ops: &Value,
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    let m = Matcher::new(sel).map_err(|e| at.error(format!("patch {label}: {e}")))?;
    for res in resources.iter_mut().filter(|r| m.matches(r)) {
        let (name, ns) = (res.name().to_string(), res.namespace().to_string());
        json6902::apply(&mut res.obj, ops)
            .map_err(|e| at.error(format!("JSON patch {label} on {}: {e}", res.id())))?;
        if res.name() != name || res.namespace() != ns {
            res.history.push((name, ns));
        }
    }
    Ok(())
}

fn smp_selected(
    at: &Origin<'_>,
    label: &str,
    sel: &Selector,
    docs: &[Value],
    rules: Rules,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    if docs.len() > 1 {
        return Err(at.error(format!(
            "patch {label}: several strategic merge patches in one entry cannot have a target"
        )));
    }
    let Some(patch) = docs.first() else {
        return Ok(());
    };
    let m = Matcher::new(sel).map_err(|e| at.error(format!("patch {label}: {e}")))?;
    let mut i = 0;
    while i < resources.len() {
        if m.matches(&resources[i]) && apply_smp(&mut resources[i], patch, rules) {
            resources.remove(i);
        } else {
            i += 1;
        }
    }
    Ok(())
}

fn smp_by_id(
    at: &Origin<'_>,
    label: &str,
    patch: &Value,
    rules: Rules,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    let probe = Resource::new(patch.clone());
    let hits: Vec<usize> = (0..resources.len())
        .filter(|i| resources[*i].answers_to(&probe))
        .collect();
    let id = probe.id();
    match hits.as_slice() {
        [i] => {
            if apply_smp(&mut resources[*i], patch, rules) {
                resources.remove(*i);
            }
            Ok(())
        }
        [] => Err(at.error(format!(
            "patch {label}: no resource matches strategic merge patch {id}"
        ))),
        _ => Err(at.error(format!(
            "patch {label}: several resources match strategic merge patch {id}"
        ))),
    }
}

/// Merges `patch` into `res`, keeping its name, namespace and kind unless
/// allowed; true when the patch deleted the resource.
fn apply_smp(res: &mut Resource, patch: &Value, rules: Rules) -> bool {
    let (name, ns) = (res.name().to_string(), res.namespace().to_string());
    let (kind, api_version) = (res.kind().to_string(), res.api_version().to_string());
    let keyed = smp::is_builtin_group(res.group());
    if let Outcome::Deleted = smp::merge(&mut res.obj, patch, keyed) {
        return true;
    }
    if res.obj.as_object().is_none_or(|m| m.is_empty()) {
        return true;
    }
    if rules.kind && (res.kind() != kind || res.api_version() != api_version) {
        res.prev_types.push((api_version.clone(), kind.clone()));
    }
    if let (false, Some(m)) = (rules.kind, res.obj.as_object_mut()) {
        m.insert("kind".into(), Value::String(kind));
        m.insert("apiVersion".into(), Value::String(api_version));
    }
    let new_name = res.name().to_string();
    if !rules.name || new_name.is_empty() {
        res.set_meta("name", Some(&name));
    } else if new_name != name {
        res.history.push((name, ns.clone()));
    }
    res.set_meta("namespace", Some(ns.as_str()).filter(|n| !n.is_empty()));
    false
}
