//! Paths of replacements as kyaml walks them: `a.b.0.c`, `[name=x]`
//! (an unanchored regular expression on the item's field), `*` (every
//! item), creating missing fields when asked; and how a value lands in a
//! target: a scalar target keeps its type and takes the value's text.

use super::resource::{Resource, scalar_text};
use super::spec::Selector;
use crate::render::scalars::{Dialect, resolve_plain};
use regex::Regex;
use serde_json::{Map, Value};

/// Decodes a replacement (Go's lenient decoder: unknown fields ignored).
pub(crate) fn decode<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

/// A scalar from text as kyaml makes a new one (its type read from the
/// text).
pub(crate) fn plain(text: &str) -> Value {
    resolve_plain(text, Dialect::Kustomize).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// `v` (a scalar) with its text replaced, keeping its type as far as
/// the text allows.
pub(crate) fn with_text(v: &Value, text: &str) -> Value {
    match v {
        Value::String(_) => Value::String(text.to_string()),
        _ => plain(text),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Object(_) | Value::Array(_) => String::new(),
        other => scalar_text(other),
    }
}

/// kyaml's `PathGetter` (no creation): the value at `segs`, Ok(None)
/// when missing.
pub(crate) fn lookup(obj: &Value, segs: &[String]) -> Result<Option<Value>, String> {
    let mut cur = obj;
    for raw in segs {
        let seg = raw.trim();
        if seg.is_empty() {
            continue;
        }
        if cur.is_null() {
            return Ok(None);
        }
        let next = if let Ok(i) = seg.parse::<i64>() {
            if i < 0 {
                return Err(format!("array index {i} cannot be negative"));
            }
            let items = cur
                .as_array()
                .ok_or("wrong node kind: expected SequenceNode")?;
            usize::try_from(i).ok().and_then(|i| items.get(i))
        } else if seg == "-" {
            let items = cur
                .as_array()
                .ok_or("wrong node kind: expected SequenceNode")?;
            items.last()
        } else if seg == "*" {
            return Err("wildcard is not supported in PathGetter".into());
        } else if seg.starts_with('[') && seg.ends_with(']') {
            let (k, v) = split_index(seg)?;
            let items = cur
                .as_array()
                .ok_or("wrong node kind: expected SequenceNode")?;
            items.iter().find(|item| {
                if k.is_empty() {
                    text_of(item) == v
                } else {
                    item.get(&k).is_some_and(|f| text_of(f) == v)
                }
            })
        } else {
            match cur {
                Value::Object(m) => m.get(seg),
                other => {
                    return Err(format!(
                        "wrong node kind: expected MappingNode but got {}",
                        super::fieldspec::node_kind(other)
                    ));
                }
            }
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur.clone()))
}

/// `[name=value]` → (name, value).
fn split_index(seg: &str) -> Result<(String, String), String> {
    let inner = seg.trim_start_matches('[').trim_end_matches(']');
    inner
        .split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| {
            "list path element must contain fieldName=fieldValue for element to match".into()
        })
}

/// What kind of node a replacement creates where a path is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Scalar,
    Map,
    Seq,
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Object(_) => Kind::Map,
        Value::Array(_) => Kind::Seq,
        _ => Kind::Scalar,
    }
}

/// A node to create before `next` (kyaml's `getPathPartKind`); None
/// stands for a new, untyped scalar.
fn fresh(next: Option<&String>, default: Kind) -> Option<Value> {
    let kind = match next.map(String::as_str) {
        Some(n) if n.starts_with('[') && n.ends_with(']') => Kind::Seq,
        Some(n) if n.parse::<i64>().is_ok_and(|i| i >= 0) => Kind::Seq,
        None | Some("") => default,
        Some(_) => Kind::Map,
    };
    match kind {
        Kind::Map => Some(Value::Object(Map::new())),
        Kind::Seq => Some(Value::Array(Vec::new())),
        Kind::Scalar => None,
    }
}

/// A matched node: existing, or a new untyped scalar to fill.
type Visit<'a> = &'a mut dyn FnMut(&mut Value, bool) -> Result<(), String>;

/// kyaml's `PathMatcher`: calls `f` on every node `path` matches
/// (creating what is missing when `create`); returns how many.
fn matches(
    node: &mut Value,
    path: &[String],
    create: Option<Kind>,
    f: Visit<'_>,
) -> Result<usize, String> {
    let Some((first, rest)) = path.split_first() else {
        f(node, false)?;
        return Ok(1);
    };
    if let Ok(idx) = first.parse::<i64>()
        && idx >= 0
    {
        let items = node
            .as_array_mut()
            .ok_or_else(|| "wrong node kind: expected SequenceNode".to_string())?;
        let idx = usize::try_from(idx).unwrap_or(usize::MAX);
        let mut created_scalar = false;
        if items.len() == idx
            && let Some(kind) = create
        {
            match fresh(rest.first(), kind) {
                Some(v) => items.push(v),
                None => {
                    items.push(Value::Null);
                    created_scalar = true;
                }
            }
        }
        if items.len() < idx.saturating_add(1) {
            return Err(format!(
                "index {idx} specified but only {} elements found",
                items.len()
            ));
        }
        if created_scalar && rest.is_empty() {
            f(&mut items[idx], true)?;
            return Ok(1);
        }
        return matches(&mut items[idx], rest, create, f);
    }
    if first.starts_with('[') && first.ends_with(']') {
        return match_items(node, first, rest, create, f);
    }
    if first == "*" {
        let items = node.as_array_mut().ok_or_else(|| {
            "wrong node kind: expected SequenceNode but got MappingNode".to_string()
        })?;
        let mut n = 0;
        for item in items.iter_mut() {
            n += matches(item, rest, create, f)?;
        }
        return Ok(n);
    }
    let map = match node {
        Value::Null => return Ok(0),
        Value::Object(m) => m,
        other => {
            return Err(format!(
                "wrong node kind: expected MappingNode but got {}",
                super::fieldspec::node_kind(other)
            ));
        }
    };
    if !map.contains_key(first.as_str()) {
        let Some(kind) = create else {
            return Ok(0);
        };
        match fresh(rest.first(), kind) {
            Some(v) => {
                map.insert(first.clone(), v);
            }
            None => {
                map.insert(first.clone(), Value::Null);
                let Some(slot) = map.get_mut(first.as_str()) else {
                    return Ok(0);
                };
                f(slot, true)?;
                return Ok(1);
            }
        }
    }
    let Some(field) = map.get_mut(first.as_str()) else {
        return Ok(0);
    };
    if !field.is_object() && !field.is_array() && !rest.is_empty() {
        // kyaml looks into a scalar as YAML; what it finds (or creates)
        // there is not written back.
        return Ok(usize::from(create.is_some()));
    }
    matches(field, rest, create, f)
}

fn match_items(
    node: &mut Value,
    seg: &str,
    rest: &[String],
    create: Option<Kind>,
    f: Visit<'_>,
) -> Result<usize, String> {
    let (field, pattern) = split_index(seg)?;
    let re = Regex::new(&pattern).map_err(|e| e.to_string())?;
    let items = node
        .as_array_mut()
        .ok_or_else(|| "wrong node kind: expected SequenceNode but got MappingNode".to_string())?;
    let mut n = 0;
    for item in items.iter_mut() {
        let text = if field.is_empty() {
            text_of(item)
        } else {
            match item.get(&field) {
                Some(v) if !v.is_null() => match v {
                    Value::Object(_) | Value::Array(_) => {
                        serde_json::to_string(v).unwrap_or_default()
                    }
                    other => scalar_text(other),
                },
                _ => continue,
            }
        };
        if re.is_match(text.trim()) {
            n += matches(item, rest, create, f)?;
        }
    }
    if n > 0 || create.is_none() {
        return Ok(n);
    }
    let elem = if field.is_empty() {
        plain(&pattern)
    } else {
        let mut m = Map::new();
        m.insert(field, plain(&pattern));
        Value::Object(m)
    };
    items.push(elem);
    match_items(node, seg, rest, create, f)
}

/// The value `value` written to scalar `target` (kept typed as kyaml
/// keeps it, which may not be possible: Err), or replacing it.
fn set_scalar(target: &mut Value, text: &str, created: bool) {
    let parsed = plain(text);
    let ty = match &*target {
        Value::String(s) => match super::resource::undecodable_parts(s) {
            Some((ty, _)) => ty.to_string(),
            None => "string".into(),
        },
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        _ => "null".into(),
    };
    *target = match (ty.as_str(), &parsed) {
        _ if created => parsed,
        ("string", _) => Value::String(text.to_string()),
        ("number", Value::Number(_)) | ("bool", Value::Bool(_)) | ("null", Value::Null) => parsed,
        (ty, _) => super::resource::undecodable(ty, text),
    };
}

/// Writes `value` to the field `path` of `obj` (kustomize's
/// `copyValueToTarget`); `options` are (create, delimiter, index).
pub(crate) fn copy_to_target(
    obj: &mut Value,
    value: &Value,
    path: &str,
    options: Option<(bool, &str, i64)>,
) -> Result<(), String> {
    let (create, delimiter, index) = options.unwrap_or((false, "", 0));
    let segs = super::fieldspec::smarter_split(path, '.');
    let create_kind = create.then(|| kind_of(value));
    let in_annotations = segs.len() == 3 && segs[0] == "metadata" && segs[1] == "annotations";
    let mut apply = |target: &mut Value, created: bool| -> Result<(), String> {
        let mut value = value.clone();
        if !delimiter.is_empty() {
            if target.is_object() || target.is_array() {
                return Err("delimiter option can only be used with scalar nodes".into());
            }
            let current = if created {
                String::new()
            } else {
                text_of(target)
            };
            let mut parts: Vec<String> = current.split(delimiter).map(str::to_string).collect();
            let v = text_of(&value);
            match usize::try_from(index) {
                Err(_) => parts.insert(0, v),
                Ok(i) if i >= parts.len() => parts.push(v),
                Ok(i) => parts[i] = v,
            }
            value = with_text(&value, &parts.join(delimiter));
        }
        if created || !(target.is_object() || target.is_array()) {
            if value.is_object() || value.is_array() {
                if created {
                    *target = value;
                    return Ok(());
                }
                set_scalar(target, "", false);
                return Ok(());
            }
            if created && in_annotations {
                // The annotations are written back as strings from the
                // text of each node at the end of kustomize's build, so
                // a created one keeps the text (`0x1F`, not 31).
                *target = Value::String(text_of(&value));
                return Ok(());
            }
            set_scalar(target, &text_of(&value), created);
            return Ok(());
        }
        *target = value;
        Ok(())
    };
    let n = matches(obj, &segs, create_kind, &mut apply).map_err(|e| {
        let what = if create {
            "unable to find or create field"
        } else {
            "unable to find field"
        };
        format!("{what} {path:?} in replacement target: {e}")
    })?;
    if n == 0 {
        let what = if create {
            "unable to find or create field"
        } else {
            "unable to find field"
        };
        return Err(format!("{what} {path:?} in replacement target"));
    }
    Ok(())
}

/// kustomize's `TargetSelectorRegex`: a target's select and reject by
/// id (current and previous), as regular expressions.
pub(crate) struct TargetMatcher {
    select: Pattern,
    rejects: Vec<Pattern>,
}

struct Pattern {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    empty: bool,
}

fn anchored(p: &Option<String>) -> Result<Option<Regex>, String> {
    match p.as_deref().filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => Regex::new(&format!("^(?:{p})$"))
            .map(Some)
            .map_err(|e| e.to_string()),
    }
}

impl Pattern {
    fn new(s: &Selector) -> Result<Pattern, String> {
        let empty = [&s.group, &s.version, &s.kind, &s.name, &s.namespace]
            .iter()
            .all(|f| f.as_deref().is_none_or(str::is_empty));
        Ok(Pattern {
            group: anchored(&s.group)?,
            version: anchored(&s.version)?,
            kind: anchored(&s.kind)?,
            name: anchored(&s.name)?,
            namespace: anchored(&s.namespace)?,
            empty,
        })
    }

    fn matches(&self, id: &super::resid::ResId) -> bool {
        let is = |re: &Option<Regex>, t: &str| re.as_ref().is_none_or(|r| r.is_match(t));
        is(&self.group, &id.gvk.group)
            && is(&self.version, &id.gvk.version)
            && is(&self.kind, &id.gvk.kind)
            && is(&self.name, &id.name)
            && is(&self.namespace, &id.namespace)
    }
}

impl TargetMatcher {
    /// Compiles a target's select and reject selectors.
    pub fn new(select: &Selector, reject: &[Selector]) -> Result<Self, String> {
        Ok(Self {
            select: Pattern::new(select)?,
            rejects: reject.iter().map(Pattern::new).collect::<Result<_, _>>()?,
        })
    }

    /// Whether `res` is selected and not rejected, by any of its ids.
    pub fn selects(&self, res: &Resource) -> bool {
        let mut cur = res.cur_id();
        cur.cluster = false;
        let ids: Vec<_> = std::iter::once(cur).chain(res.prev_ids()).collect();
        let rejected = self
            .rejects
            .iter()
            .filter(|r| !r.empty)
            .any(|r| ids.iter().any(|id| r.matches(id)));
        !rejected && ids.iter().any(|id| self.select.matches(id))
    }
}
