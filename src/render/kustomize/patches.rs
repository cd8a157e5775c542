//! `patches`, `patchesStrategicMerge` and `patchesJson6902` (and their
//! plugins), as kustomize's PatchTransformer,
//! PatchStrategicMergeTransformer and PatchJson6902Transformer apply
//! them.

use super::accumulate::Builder;
use super::resource::Resource;
use super::spec::Selector;
use super::{KustomizeError, json6902, load, openapi, resmap, selector, smp};
use crate::render::convert;
use crate::render::scalars::Dialect;
use serde_json::{Map, Value};

/// Where a patch is declared, for errors and relative paths.
pub(crate) struct Origin<'a> {
    /// Folder of the kustomization.
    pub dir: &'a str,
    /// The kustomization file.
    pub file: &'a str,
}

impl Origin<'_> {
    /// A transformation error of this kustomization.
    pub fn error(&self, message: String) -> KustomizeError {
        KustomizeError::transform(self.file, message)
    }
}

/// A strategic merge patch and what it may change.
#[derive(Debug, Clone)]
pub(crate) struct SmPatch {
    pub obj: Value,
    /// Its labels and annotations as written (kustomize rewrites them as
    /// text when it copies a patch for its targets).
    pub meta_text: Value,
    /// The patch with every plain value as the text written (None: as
    /// `obj` says).
    pub text: Option<Value>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

impl SmPatch {
    fn new(obj: Value, meta_text: Value, text: Option<Value>) -> Self {
        Self {
            obj,
            meta_text,
            text,
            allow_name_change: false,
            allow_kind_change: false,
        }
    }

    /// The patch's original id (its own, as written).
    fn id(&self) -> super::resid::ResId {
        Resource::new(self.obj.clone()).cur_id()
    }
}

/// The strategic merge patches in `text` (kustomize's resource reader).
pub(crate) fn sm_patches(text: &str, label: &str) -> Result<Vec<SmPatch>, KustomizeError> {
    let mut written = load::verbatim(label, text.as_bytes())?.into_iter();
    Ok(load::objects_and_texts(label, text.as_bytes())?
        .into_iter()
        .map(|(o, t)| {
            let t = t.unwrap_or_else(|| o.clone());
            SmPatch::new(o, t, written.next().flatten())
        })
        .collect())
}

/// JSON 6902 operations from text: JSON when it starts with `[`, else
/// YAML 1.1 (kustomize's `YAMLToJSON`); Err when not a list of
/// operations.
pub(crate) fn json_ops(text: &str) -> Result<Vec<Value>, String> {
    if text.is_empty() {
        return Err("empty json patch operations".into());
    }
    let value = if text.starts_with('[') {
        serde_json::from_str::<Value>(text).map_err(|e| e.to_string())?
    } else {
        convert::load(text, Dialect::Yaml11).map_err(|e| load::yaml_error(text, e))?
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(ops) => {
            if ops.iter().any(|o| !o.is_object()) {
                return Err("json: cannot unmarshal into a JSON patch operation".into());
            }
            Ok(ops)
        }
        _ => Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into()),
    }
}

/// Whether `text` is one JSON 6902 operation written as a mapping (`op`
/// and `path` keys) instead of a list of them: merged as a strategic merge
/// patch it would add its keys to the object as fields.
fn is_one_json_op(text: &str) -> bool {
    matches!(
        convert::load(text, Dialect::Yaml11),
        Ok(Value::Object(map)) if map.contains_key("op") && map.contains_key("path")
    )
}

/// A `patches` entry (or PatchTransformer config): parsed patch.
pub(crate) enum Parsed {
    Smp(Vec<SmPatch>),
    Json(Vec<Value>),
    Nothing,
}

/// kustomize's PatchTransformer configuration: the patch text, read as
/// strategic merge patches or JSON operations.
pub(crate) fn parse_patch(
    b: &Builder<'_>,
    at: &Origin<'_>,
    patch: Option<&str>,
    path: Option<&str>,
    options: Option<&Map<String, Value>>,
) -> Result<(Parsed, String), KustomizeError> {
    let patch = patch.map(str::trim).unwrap_or("");
    let path = path.unwrap_or("");
    let (text, label) = match (patch.is_empty(), path.is_empty()) {
        (true, true) => return Err(at.error("must specify one of patch and path".into())),
        (false, false) => {
            return Err(at.error("patch and path can't be set at the same time".into()));
        }
        (false, true) => (patch.to_string(), "(inline patch)".to_string()),
        (true, false) => {
            let file = b.resolve(at.dir, at.file, "patches", path)?;
            (
                load::text(b.tree(), &file)?.to_string(),
                format!("{path:?}"),
            )
        }
    };
    let sm = sm_patches(&text, &label);
    let json = json_ops(&text);
    match (sm, json) {
        (Ok(s), Ok(j)) if !s.is_empty() && !j.is_empty() => Err(at.error(format!(
            "patch {label} illegally qualifies as both an SM and JSON patch"
        ))),
        (Ok(mut s), _) => {
            let allow = |k: &str| {
                options
                    .and_then(|o| o.get(k))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            for p in &mut s {
                p.allow_name_change = allow("allowNameChange");
                p.allow_kind_change = allow("allowKindChange");
                if p.allow_name_change || p.allow_kind_change {
                    // kustomize marks the patch with an annotation, which
                    // rewrites its annotations as text.
                    // Its labels keep their text (a null label is still
                    // read as written when the patch is applied).
                    let text = Resource::new(p.meta_text.clone()).meta_map("annotations");
                    let mut marked = Resource::new(std::mem::take(&mut p.obj));
                    marked.set_meta_map("annotations", text.clone());
                    p.obj = marked.obj;
                    let mut written = Resource::new(std::mem::take(&mut p.meta_text));
                    written.set_meta_map("annotations", text);
                    p.meta_text = written.obj;
                }
            }
            if s.is_empty() {
                return Ok((Parsed::Nothing, label));
            }
            Ok((Parsed::Smp(s), label))
        }
        (Err(_), Ok(j)) => Ok((
            if j.is_empty() {
                Parsed::Nothing
            } else {
                Parsed::Json(j)
            },
            label,
        )),
        (Err(_), Err(_)) if is_one_json_op(&text) => Err(at.error(format!(
            "patches entry {label}: this is one JSON 6902 operation written as a mapping; a JSON patch is a list of operations (start it with `- op:`), kubectl refuses it too"
        ))),
        (Err(e), Err(_)) => Err(at.error(format!(
            "unable to parse SM or JSON patch from {label}: {e}"
        ))),
    }
}

/// Applies a parsed `patches` entry to the resources.
pub(crate) fn apply(
    at: &Origin<'_>,
    label: &str,
    parsed: Parsed,
    target: Option<&Selector>,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    match parsed {
        Parsed::Nothing => Ok(()),
        Parsed::Smp(patches) => match target {
            Some(sel) => {
                if patches.len() > 1 {
                    return Err(at.error(
                        "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field".into(),
                    ));
                }
                let selected = selector::select(resources, sel).map_err(|e| {
                    at.error(format!("unable to find patch target in `resources`: {e}"))
                })?;
                apply_to_selected(at, &patches[0], &selected, resources)
            }
            None => {
                for p in &patches {
                    let i = resmap::get_by_id(resources, &p.id()).map_err(|e| {
                        at.error(format!(
                            "patch {label}: {e} (no resource matches strategic merge patch)"
                        ))
                    })?;
                    apply_smp(&mut resources[i], p).map_err(|e| at.error(e))?;
                }
                Ok(())
            }
        },
        Parsed::Json(ops) => {
            let Some(sel) = target else {
                return Err(at.error(format!("{label}: a JSON patch needs a target")));
            };
            json_patch(at, label, &ops, sel, resources, true)
        }
    }
}

/// kustomize's `ResMap.ApplySmPatch`: the patch (with each resource's
/// apiVersion) applied to the selected resources; deleted ones dropped.
pub(crate) fn apply_to_selected(
    at: &Origin<'_>,
    patch: &SmPatch,
    selected: &[usize],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for &i in selected {
        let mut copy = patch.clone();
        let api_version = resources[i].api_version().to_string();
        if let Some(m) = copy.obj.as_object_mut() {
            m.insert("apiVersion".into(), Value::String(api_version));
        }
        // kustomize's CopyMergeMetaDataFieldsFrom: labels and annotations
        // rewritten as their text (a null as written).
        let text = Resource::new(copy.meta_text.clone());
        let mut rewritten = Resource::new(std::mem::take(&mut copy.obj));
        for key in ["labels", "annotations"] {
            if rewritten.obj.get("metadata").is_some() {
                rewritten.set_meta_map(key, text.meta_map(key));
            }
        }
        copy.obj = rewritten.obj;
        copy.meta_text = copy.obj.clone();
        apply_smp(&mut resources[i], &copy).map_err(|e| at.error(e))?;
    }
    let kept: Vec<Resource> = std::mem::take(resources)
        .into_iter()
        .filter(|r| !r.is_empty())
        .collect();
    resmap::append_all(resources, kept).map_err(|e| at.error(e))
}

/// kustomize's `Resource.ApplySmPatch`: merges the patch, keeping the
/// name, namespace and kind unless the patch may change them.
pub(crate) fn apply_smp(res: &mut Resource, patch: &SmPatch) -> Result<(), String> {
    let (name, ns, kind) = (res.name(), res.namespace(), res.kind().to_string());
    if patch.allow_name_change || patch.allow_kind_change {
        res.store_previous_id();
    }
    for at in replaced_paths(&patch.obj) {
        super::alias::forget_under(res, &at);
    }
    super::alias::track(res, |res| -> Result<(), String> {
        let target = std::mem::take(&mut res.obj);
        let mut quoted = std::mem::take(&mut res.quoted);
        let flow = res.flow;
        let merged = openapi::with_schema(|api| {
            smp::merge(
                target,
                patch.obj.clone(),
                patch.text.as_ref(),
                &mut quoted,
                api,
                flow,
            )
        })?;
        res.quoted = quoted;
        res.obj = merged.unwrap_or(Value::Null);
        Ok(())
    })?;
    res.learn_annotation_texts(&patch.meta_text);
    if res.is_empty() {
        return Ok(());
    }
    if !patch.allow_kind_change {
        res.set_kind(&kind);
    }
    if !patch.allow_name_change {
        res.set_meta("name", &name);
    }
    res.set_meta("namespace", &ns);
    Ok(())
}

/// Paths of the maps a patch replaces (`$patch: replace`): their fields
/// get new nodes.
fn replaced_paths(patch: &Value) -> Vec<super::alias::Loc> {
    fn walk(v: &Value, at: &mut Vec<super::fieldspec::Seg>, out: &mut Vec<super::alias::Loc>) {
        let Some(m) = v.as_object() else {
            return;
        };
        if m.get("$patch").and_then(Value::as_str) == Some("replace") {
            out.push(at.clone());
        }
        for (k, child) in m {
            at.push(super::fieldspec::Seg::Key(k.clone()));
            walk(child, at, out);
            at.pop();
        }
    }
    let mut out = Vec::new();
    walk(patch, &mut Vec::new(), &mut out);
    out
}

/// JSON 6902 operations on the selected resources, their annotations
/// rewritten as strings afterwards (as kustomize does);
/// `store_previous` remembers the identity first (PatchTransformer).
pub(crate) fn json_patch(
    at: &Origin<'_>,
    label: &str,
    ops: &[Value],
    sel: &Selector,
    resources: &mut [Resource],
    store_previous: bool,
) -> Result<(), KustomizeError> {
    let selected = selector::select(resources, sel).map_err(|e| at.error(e))?;
    let ops = Value::Array(ops.to_vec());
    for i in selected {
        let res = &mut resources[i];
        if store_previous {
            res.store_previous_id();
        }
        super::resource::check_decodable(&res.obj).map_err(|e| at.error(e))?;
        super::alias::forget(res);
        res.ann_text.clear();
        res.quoted.clear();
        json6902::apply(&mut res.obj, &ops).map_err(|e| {
            at.error(format!(
                "JSON patch {label} on {}: {e}",
                res.cur_id().describe()
            ))
        })?;
        let pairs: Vec<(String, String)> = res.meta_map("annotations").into_iter().collect();
        res.set_meta_map("annotations", pairs);
    }
    Ok(())
}

/// kustomize's PatchStrategicMergeTransformer: each patch applied to the
/// one resource its id names.
pub(crate) fn apply_by_id(
    at: &Origin<'_>,
    patches: &[SmPatch],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for p in patches {
        let i = resmap::get_by_id(resources, &p.id()).map_err(|e| at.error(e))?;
        apply_to_selected(at, p, &[i], resources)?;
    }
    Ok(())
}

/// The patches of `patchesStrategicMerge` entries: inline YAML, or
/// files.
pub(crate) fn legacy_smp(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[String],
) -> Result<Vec<SmPatch>, KustomizeError> {
    let mut out = Vec::new();
    for entry in entries {
        match sm_patches(entry, "(inline patch)") {
            Ok(found) => out.extend(found),
            Err(_) => {
                let file = b.resolve(at.dir, at.file, "patchesStrategicMerge", entry)?;
                let text = load::text(b.tree(), &file)?;
                out.extend(sm_patches(text, &file)?);
            }
        }
    }
    Ok(out)
}
