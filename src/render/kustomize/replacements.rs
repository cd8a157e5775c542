//! `replacements` (and ReplacementTransformer): copy a field of one
//! object (or part of it, split by a delimiter) into fields of selected
//! objects, as kustomize 5.8's replacement filter does.

use super::fieldspec::smarter_split;
use super::resource::{Resource, scalar_text};
use super::selector::Matcher;
use super::spec::Selector;
use super::{KustomizeError, accumulate::Builder, load, replacements_path as path};
use serde::Deserialize;
use serde_json::Value;

/// One replacement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Replacement {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    source_value: Option<String>,
    #[serde(default)]
    targets: Option<Vec<Target>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    field_path: Option<String>,
    #[serde(default)]
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    #[serde(default)]
    select: Option<Selector>,
    #[serde(default)]
    reject: Vec<Selector>,
    #[serde(default)]
    field_paths: Vec<String>,
    #[serde(default)]
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Options {
    #[serde(default)]
    delimiter: String,
    #[serde(default)]
    index: i64,
    #[serde(default)]
    create: bool,
}

/// The replacements of a kustomization (or plugin config), with the
/// files `path` entries name read in.
pub(crate) fn load(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    entries: &[Value],
) -> Result<Vec<Replacement>, KustomizeError> {
    let error = |m: String| KustomizeError::transform(file, format!("replacements: {m}"));
    let mut out = Vec::new();
    for entry in entries {
        let mut entry = entry.clone();
        load::drop_nulls(&mut entry);
        let r: Replacement = path::decode(&entry).map_err(error)?;
        let Some(p) = r.path.clone().filter(|p| !p.is_empty()) else {
            out.push(r);
            continue;
        };
        if r.source.is_some() || r.targets.as_ref().is_some_and(|t| !t.is_empty()) {
            return Err(error(
                "cannot specify both path and inline replacement".into(),
            ));
        }
        let f = b.resolve(dir, file, "replacements", &p)?;
        let doc = load::yaml_docs(b.tree(), &f)?.into_iter().next();
        match doc {
            Some(Value::Array(items)) => {
                for mut item in items {
                    load::drop_nulls(&mut item);
                    out.push(path::decode(&item).map_err(|e| error(format!("{p}: {e}")))?);
                }
            }
            Some(mut doc @ Value::Object(_)) => {
                load::drop_nulls(&mut doc);
                out.push(path::decode(&doc).map_err(|e| error(format!("{p}: {e}")))?);
            }
            _ => {
                return Err(error(format!(
                    "unsupported replacement type encountered within replacement path: {p}"
                )));
            }
        }
    }
    Ok(out)
}

/// Runs the replacements over the resources.
pub(crate) fn apply(list: &[Replacement], resources: &mut [Resource]) -> Result<(), String> {
    for r in list {
        let Some(targets) = r
            .targets
            .as_ref()
            .filter(|_| r.source.is_some() || r.source_value.is_some())
        else {
            return Err("replacements must specify a source and at least one target".into());
        };
        let (mut value, live) = replacement_value(r, resources)?;
        for t in targets {
            apply_target(t, &mut value, live.as_ref(), resources)?;
        }
    }
    Ok(())
}

/// Where a replacement's value lives when it is the source field itself:
/// the index of the source resource and the field's path.
///
/// kustomize holds the source field as a node of the resource, not a copy,
/// so a target that writes to that field (a replacement whose targets
/// include its own source) changes the value the later targets get.
type LiveSource = (usize, Vec<String>);

fn replacement_value(
    r: &Replacement,
    resources: &[Resource],
) -> Result<(Value, Option<LiveSource>), String> {
    if r.source.is_some() && r.source_value.is_some() {
        return Err("value and resource selectors are mutually exclusive".into());
    }
    if let Some(v) = &r.source_value {
        return Ok((path::plain(v), None));
    }
    let Some(s) = &r.source else {
        return Err("replacements must specify a source and at least one target".into());
    };
    let selector = super::resid::ResId {
        gvk: super::resid::Gvk {
            group: s.group.clone().unwrap_or_default(),
            version: s.version.clone().unwrap_or_default(),
            kind: s.kind.clone().unwrap_or_default(),
        },
        name: s.name.clone().unwrap_or_default(),
        namespace: s.namespace.clone().unwrap_or_default(),
        cluster: false,
    };
    let mut found: Option<(usize, &Resource)> = None;
    for (i, res) in resources.iter().enumerate() {
        let ids = res
            .prev_ids()
            .into_iter()
            .chain(std::iter::once(res.cur_id()));
        if ids.into_iter().any(|id| id.is_selected_by(&selector)) {
            if found.is_some() {
                return Err(format!("multiple matches for selector {selector}"));
            }
            found = Some((i, res));
        }
    }
    let (at, res) = found.ok_or_else(|| format!("nothing selected by {selector}"))?;
    let field_path = s
        .field_path
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "metadata.name".into());
    let segs = smarter_split(&field_path, '.');
    let v = path::lookup(&res.obj, &segs)
        .map_err(|e| format!("error looking up replacement source: {e}"))?;
    let v = v.filter(|v| !is_nil_or_empty(v)).ok_or_else(|| {
        format!("fieldPath `{field_path}` is missing for replacement source {selector}")
    })?;
    match s.options.as_ref().filter(|o| !o.delimiter.is_empty()) {
        None => Ok((v, Some((at, segs)))),
        Some(o) => {
            if v.is_object() || v.is_array() {
                return Err("delimiter option can only be used with scalar nodes".into());
            }
            let text = get_value(&v);
            let parts: Vec<&str> = text.split(o.delimiter.as_str()).collect();
            let part = usize::try_from(o.index).ok().and_then(|i| parts.get(i));
            match part {
                Some(p) => Ok((path::with_text(&v, p), None)),
                None => Err(format!(
                    "options.index {} is out of bounds for value {text}",
                    o.index
                )),
            }
        }
    }
}

fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn get_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => scalar_text(other),
    }
}

fn apply_target(
    t: &Target,
    value: &mut Value,
    live: Option<&LiveSource>,
    resources: &mut [Resource],
) -> Result<(), String> {
    let sel = t
        .select
        .as_ref()
        .ok_or("target must specify resources to select")?;
    let paths = if t.field_paths.is_empty() {
        vec!["metadata.name".to_string()]
    } else {
        t.field_paths.clone()
    };
    let select = path::TargetMatcher::new(sel, &t.reject)?;
    let label_sel = Matcher::new(sel)?;
    let rejects: Vec<Matcher> = t
        .reject
        .iter()
        .map(Matcher::new)
        .collect::<Result<_, _>>()?;
    for (at, res) in resources.iter_mut().enumerate() {
        res.check_meta_maps(&["annotations", "labels"])?;
        if !label_sel.labels_match(res)? || !label_sel.annotations_match(res)? {
            continue;
        }
        let mut rejected = false;
        for (r, m) in t.reject.iter().zip(&rejects) {
            if r.annotation_selector.as_deref().unwrap_or("").is_empty()
                && r.label_selector.as_deref().unwrap_or("").is_empty()
            {
                continue;
            }
            if m.labels_match(res)? && m.annotations_match(res)? {
                rejected = true;
                break;
            }
        }
        if rejected || !select.selects(res) {
            continue;
        }
        let options = t
            .options
            .as_ref()
            .map(|o| (o.create, o.delimiter.as_str(), o.index));
        let source = live.filter(|(i, _)| *i == at).map(|(_, segs)| segs);
        // Untagged fields still holding what the images transformer set.
        res.untagged
            .retain(|(loc, set)| super::alias::get(&res.obj, loc) == Some(set));
        super::alias::track(res, |res| -> Result<(), String> {
            for p in &paths {
                path::copy_to_target(&mut res.obj, value, p, options)?;
                if let Some(segs) = source {
                    refresh_live(value, &res.obj, segs, p);
                }
            }
            Ok(())
        })?;
        retype_untagged(res);
    }
    Ok(())
}

/// After a write of target path `written` into the source resource, reads
/// the source field again: a write to the field itself or inside it is
/// seen through kustomize's node, a write that replaced a parent of it is
/// not (the node kustomize holds is no longer in the tree).
fn refresh_live(value: &mut Value, obj: &Value, source: &[String], written: &str) {
    let written = smarter_split(written, '.');
    if written.len() < source.len() && source.starts_with(&written) {
        return;
    }
    if let Ok(Some(now)) = path::lookup(obj, source) {
        *value = now;
    }
}

/// Text a replacement wrote into an untagged field reads as YAML there
/// (kyaml sets the node's value and the node has no tag to keep).
fn retype_untagged(res: &mut Resource) {
    let mut untagged = std::mem::take(&mut res.untagged);
    for (loc, set) in &mut untagged {
        let Some(now) = super::alias::get_mut(&mut res.obj, loc) else {
            continue;
        };
        if now != set
            && let Value::String(text) = &*now
        {
            *now = path::plain(text);
            *set = now.clone();
        }
    }
    res.untagged = untagged;
}
