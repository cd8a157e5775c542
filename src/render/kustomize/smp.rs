//! Strategic merge patches as kustomize 5.8 applies them (kyaml's
//! `merge2` walker): mappings merged field by field, `null` deleting,
//! lists the schema marks `merge` merged by their keys (patch items
//! first, then the others), other lists replaced, `$patch:
//! delete|replace|merge` honoured where kyaml honours them.
//!
//! The walk follows kyaml closely, including what it does with items
//! missing a key of a two-key list, list items marked `$patch: replace`
//! (kept as they were) and nulls inside new items (dropped).

use super::openapi::{OpenApi, Schema};
use super::resource::scalar_text;
use crate::render::scalars::{Dialect, resolve_plain};
use serde_json::{Map, Value};
use std::cell::RefCell;

/// Merges `patch` into `target` with the schema in use; None when the
/// patch deletes the object.
/// `text` is the patch with its plain values as written (kyaml keeps a
/// field's quoting when a patch sets it, and the patch's text then counts).
/// `quoted` lists the target's quoted strings that read as strings plain
/// (by JSON pointer); it is updated for the fields the patch sets.
/// `flow` says the target was written in flow style (JSON): kyaml then
/// cannot write back a key the patch brings in with a comment after it.
pub(crate) fn merge(
    target: Value,
    patch: Value,
    text: Option<&Value>,
    quoted: &mut Vec<super::resource::Quoting>,
    api: &OpenApi,
    flow: bool,
) -> Result<Option<Value>, String> {
    let w = Walker {
        api,
        quoted: RefCell::new(std::mem::take(quoted)),
        flow,
    };
    let out = w.walk(Some(target), Some(patch), text, None, false, "")?;
    *quoted = w.quoted.into_inner();
    Ok(out.value)
}

/// `key` as a JSON pointer token.
pub(crate) fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The result of a walk: the new node (None: clear the field), whether
/// it is the destination node itself, and whether a null in it is kept.
struct Out {
    value: Option<Value>,
    is_dest: bool,
    keep_null: bool,
}

impl Out {
    fn clear() -> Out {
        Out {
            value: None,
            is_dest: false,
            keep_null: false,
        }
    }

    fn dest(v: Option<Value>) -> Out {
        Out {
            value: v,
            is_dest: true,
            keep_null: false,
        }
    }

    fn origin(v: Option<Value>) -> Out {
        Out {
            value: v,
            is_dest: false,
            keep_null: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Unknown,
    Replace,
    Delete,
    Merge,
}

struct Walker<'a> {
    api: &'a OpenApi,
    quoted: RefCell<Vec<super::resource::Quoting>>,
    /// The target is written in flow style.
    flow: bool,
}

/// The first key of the patch mapping `text` (read keeping comments) that
/// a comment follows on its line and that holds a list or a mapping.
fn commented_collection(text: Option<&Value>) -> Option<String> {
    let text = text?;
    commented_keys(text)
        .find(|k| text.get(*k).is_some_and(|v| v.is_object() || v.is_array()))
        .map(str::to_string)
}

/// The keys of the patch mapping `text` that a comment follows on their
/// line (as the reader noted them).
fn commented_keys(text: &Value) -> impl Iterator<Item = &str> {
    text.get(crate::render::convert::COMMENTED_KEYS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A key of the patch mapping `text` that a comment follows on its line,
/// written with a list or mapping that the merge left empty in `node`
/// (kyaml then writes `{}` after the comment and cannot read it back).
fn emptied_commented(text: Option<&Value>, node: &Value) -> Option<String> {
    let text = text?;
    let filled = |v: &Value| match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    let empty = |v: &Value| match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    commented_keys(text)
        .find(|k| text.get(*k).is_some_and(filled) && node.get(*k).is_some_and(empty))
        .map(str::to_string)
}

/// [`commented_collection`] anywhere in `text`.
fn commented_anywhere(text: Option<&Value>) -> Option<String> {
    match text? {
        Value::Object(m) => commented_collection(text)
            .or_else(|| m.values().find_map(|v| commented_anywhere(Some(v)))),
        Value::Array(items) => items.iter().find_map(|v| commented_anywhere(Some(v))),
        _ => None,
    }
}

/// kubectl's failure for a key written `key: # comment` that a patch
/// copies into a flow-style object.
fn flow_comment_error(key: &str) -> String {
    format!(
        "the patch adds `{key}:` followed by a comment on its line into an object written in flow style (JSON); \
         kustomize cannot write that back (yaml: invalid map key) — move the comment to its own line"
    )
}

fn missing_or_null(v: &Option<Value>) -> bool {
    matches!(v, None | Some(Value::Null))
}

fn kind_name(v: &Value) -> &'static str {
    super::fieldspec::node_kind(v)
}

impl<'a> Walker<'a> {
    /// The schema of the node: the one given, else that of the type named
    /// by the `apiVersion` and `kind` fields of a source.
    fn schema_of(
        &self,
        sources: [&Option<Value>; 2],
        given: Option<&'a Schema>,
    ) -> Option<&'a Schema> {
        if given.is_some() {
            return given;
        }
        for s in sources.into_iter().flatten() {
            let (Some(api), Some(kind)) = (
                s.get("apiVersion").and_then(Value::as_str),
                s.get("kind").and_then(Value::as_str),
            ) else {
                continue;
            };
            if api.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(found) = self.api.for_type(api, kind) {
                return Some(found);
            }
        }
        None
    }

    /// kyaml's `Walker.Walk` over the sources (destination, patch).
    /// `aliased`: the destination is the patch node itself (kyaml shares
    /// the node, so directives removed from one are gone from both).
    fn walk(
        &self,
        dest: Option<Value>,
        origin: Option<Value>,
        text: Option<&Value>,
        schema: Option<&'a Schema>,
        aliased: bool,
        path: &str,
    ) -> Result<Out, String> {
        let schema = self.schema_of([&dest, &origin], schema);
        let first = [&dest, &origin]
            .into_iter()
            .find(|s| !missing_or_null(s))
            .and_then(|s| s.as_ref());
        let kind = first.map(kind_name);
        let check = |want: &str| -> Result<(), String> {
            for s in [&dest, &origin].into_iter().flatten() {
                if !s.is_null() && kind_name(s) != want {
                    return Err(format!(
                        "wrong node kind: expected {want} but got {}",
                        kind_name(s)
                    ));
                }
            }
            Ok(())
        };
        match kind {
            Some("SequenceNode") => {
                check("SequenceNode")?;
                if schema.is_some_and(Schema::merges) {
                    self.walk_keyed_list(dest, origin, text, schema, aliased, path)
                } else {
                    // The patch's list is copied whole.
                    if self.flow
                        && origin.is_some()
                        && let Some(key) = commented_anywhere(text)
                    {
                        return Err(flow_comment_error(&key));
                    }
                    Ok(visit_plain_list(dest, origin))
                }
            }
            Some("ScalarNode") => {
                check("ScalarNode")?;
                Ok(visit_scalar(dest, origin))
            }
            Some(_) => {
                check("MappingNode")?;
                self.walk_map(dest, origin, text, schema, aliased, path)
            }
            None => self.walk_map(dest, origin, text, schema, aliased, path),
        }
    }

    fn walk_map(
        &self,
        dest: Option<Value>,
        mut origin: Option<Value>,
        text: Option<&Value>,
        schema: Option<&'a Schema>,
        aliased: bool,
        path: &str,
    ) -> Result<Out, String> {
        let visited = visit_map(dest, &mut origin, aliased)?;
        let Some(mut node) = visited.value else {
            return Ok(Out::clear());
        };
        if self.flow
            && (aliased || !visited.is_dest)
            && let Some(key) = commented_collection(text)
        {
            return Err(flow_comment_error(&key));
        }
        if visited.keep_null {
            return Ok(Out {
                value: Some(node),
                is_dest: visited.is_dest,
                keep_null: true,
            });
        }
        let aliased = aliased || !visited.is_dest;
        let mut names: Vec<String> = Vec::new();
        for s in [Some(&node), origin.as_ref()].into_iter().flatten() {
            if let Some(m) = s.as_object() {
                names.extend(m.keys().cloned());
            }
        }
        names.sort();
        names.dedup();
        for key in names {
            let field_schema = schema.and_then(|s| self.api.field(s, &key));
            let d = node.get(&key).cloned();
            let o = origin.as_ref().and_then(|o| o.get(&key)).cloned();
            let t = text.and_then(|t| t.get(&key));
            let at = format!("{path}/{}", pointer_token(&key));
            let mut out = self.walk(d, o, t, field_schema, aliased, &at)?;
            let existing = node.get(&key).filter(|_| visited.is_dest);
            self.keep_quoting(existing, &mut out, t, &at);
            set_field(&mut node, &key, out);
        }
        if aliased && let Some(key) = emptied_commented(text, &node) {
            return Err(format!(
                "the patch adds `{key}:` followed by a comment on its line, and its value ends up empty; \
                 kustomize cannot write that back (yaml: could not find expected ':') — move the comment to its own line"
            ));
        }
        Ok(Out {
            value: Some(node),
            is_dest: visited.is_dest,
            keep_null: false,
        })
    }

    fn walk_keyed_list(
        &self,
        dest: Option<Value>,
        mut origin: Option<Value>,
        text: Option<&Value>,
        schema: Option<&'a Schema>,
        aliased: bool,
        path: &str,
    ) -> Result<Out, String> {
        let visited = visit_keyed_list(dest, &mut origin, aliased)?;
        let Some(node) = visited.value else {
            return Ok(Out::clear());
        };
        let aliased = aliased || !visited.is_dest;
        let keys = schema.map(Schema::merge_keys).unwrap_or_default();
        let sources = [Some(&node), origin.as_ref()];
        let values = element_values(sources, &keys);
        let list = if !values.is_empty() || !keys.is_empty() {
            let origin = origin.as_ref();
            self.set_elements(values, &keys, node, origin, text, schema, aliased, path)?
        } else {
            let values = primitive_values(sources);
            self.set_elements(
                values,
                &[String::new()],
                node,
                origin.as_ref(),
                text,
                schema,
                aliased,
                path,
            )?
        };
        Ok(Out {
            value: list,
            is_dest: visited.is_dest,
            keep_null: false,
        })
    }

    /// kyaml's `setAssociativeSequenceElements` (patch items prepended).
    /// Takes what kyaml's walker carries for one list, argument by argument.
    #[allow(clippy::too_many_arguments)]
    fn set_elements(
        &self,
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        dest: Value,
        origin: Option<&Value>,
        text: Option<&Value>,
        schema: Option<&'a Schema>,
        aliased: bool,
        path: &str,
    ) -> Result<Option<Value>, String> {
        let mut dest = dest;
        let mut items: Vec<Value> = Vec::new();
        let elem_schema = schema.and_then(|s| self.api.elements(s));
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys = keys.to_vec();
        let mut valid_values: Vec<String>;
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            (valid_keys, valid_values) = validate_keys(&values_list, values, keys);
            let (k, v) = validate_keys(
                std::slice::from_ref(&valid_values),
                &valid_values,
                &valid_keys,
            );
            let dest_index = element_index(&dest, &k, &v);
            let d = dest_index.and_then(|i| dest.as_array().and_then(|a| a.get(i)).cloned());
            let origin_index = origin.and_then(|o| element_index(o, &k, &v));
            let o = origin
                .zip(origin_index)
                .and_then(|(o, i)| o.as_array()?.get(i).cloned());
            let t = text
                .zip(origin_index)
                .and_then(|(t, i)| t.as_array()?.get(i));
            let at = format!("{path}/{}", dest_index.unwrap_or(usize::MAX));
            let out = self.walk(d, o, t, elem_schema, aliased, &at)?;
            let mut val = out.value;
            let removed = val
                .as_ref()
                .is_none_or(|x| x.is_null() || x.as_object().is_some_and(Map::is_empty));
            if !valid_keys.is_empty() && removed {
                dest = element_setter(dest, None, &valid_keys, &valid_values)?.0;
                continue;
            }
            if let Some(Value::Object(m)) = val.as_mut() {
                for (i, key) in valid_keys.iter().enumerate() {
                    if !m.contains_key(key) && !valid_values[i].is_empty() {
                        m.insert(key.clone(), typed(&valid_values[i]));
                    }
                }
            }
            // kyaml merges into the destination item in place.
            if out.is_dest
                && let (Some(i), Some(v)) = (dest_index, val.as_ref())
                && let Some(slot) = dest.as_array_mut().and_then(|a| a.get_mut(i))
            {
                *slot = v.clone();
            }
            let list = Value::Array(std::mem::take(&mut items));
            let (list, _) = element_setter(list, val, &valid_keys, &valid_values)?;
            items = match list {
                Value::Array(a) => a,
                _ => Vec::new(),
            };
        }
        if values_list.is_empty() {
            return Ok(Some(dest));
        }
        let merged = append_list(Value::Array(items), &dest, &valid_keys)?;
        Ok(Some(merged))
    }
}

impl Walker<'_> {
    /// kyaml's `FieldSetter` gives a value set into an existing field
    /// (`existing`, None when the field is new) that field's quoting: a
    /// plain number or boolean from the patch set over a quoted string
    /// stays a string, of the patch's text (`written`). Strings that would
    /// read as something else unquoted (`"0644"`, `""`, `"yes"`) are
    /// quoted; others as `self.quoted` says, which learns the quoting of
    /// what the patch sets.
    fn keep_quoting(
        &self,
        existing: Option<&Value>,
        out: &mut Out,
        written: Option<&Value>,
        at: &str,
    ) {
        let Some(new) = out.value.as_ref().filter(|_| !out.is_dest) else {
            return;
        };
        let (text, written_quoted) = match written {
            Some(Value::String(t)) => match t.strip_prefix(crate::render::scalars::QUOTED) {
                Some(rest) => (Some(rest.to_string()), true),
                None => (Some(t.clone()), false),
            },
            _ => (None, false),
        };
        let mut quoted = self.quoted.borrow_mut();
        let Some(Value::String(old)) = existing else {
            // A new field: quoted as the patch writes it.
            if let (Value::String(s), true) = (new, written_quoted)
                && !looks_quoted(s)
                && !at.contains(&usize::MAX.to_string())
            {
                quoted.push((at.to_string(), s.clone(), true));
            }
            return;
        };
        let listed = quoted.iter().position(|(p, v, _)| p == at && v == old);
        let node_quoted = listed.map_or_else(|| looks_quoted(old), |i| quoted[i].2);
        if !node_quoted {
            // A plain node stays plain: a string the patch sets there that
            // reads as something else plain is remembered as such, so a
            // later number or boolean is not made a string.
            if let Some(i) = listed {
                quoted.remove(i);
            }
            if let Value::String(s) = new
                && looks_quoted(s)
            {
                quoted.push((at.to_string(), s.clone(), false));
            }
            return;
        }
        let text = match new {
            Value::Number(_) | Value::Bool(_) => text.unwrap_or_else(|| scalar_text(new)),
            Value::String(s) => s.clone(),
            _ => return,
        };
        if let Some(i) = listed {
            quoted.remove(i);
        }
        if !looks_quoted(&text) {
            quoted.push((at.to_string(), text.clone(), true));
        }
        out.value = Some(Value::String(text));
    }
}

/// Whether a string was (most likely) written or printed quoted: it would
/// read as something else plain, in YAML 1.2 or 1.1 (kyaml quotes the
/// strings it makes that YAML 1.1 reads otherwise).
pub(crate) fn looks_quoted(s: &str) -> bool {
    // Line breaks are only written quoted or as blocks, which read as
    // strings too.
    if s.is_empty() || s.contains('\n') {
        return true;
    }
    let other = |d: Dialect| !matches!(resolve_plain(s, d), Ok(Value::String(t)) if t == s);
    other(Dialect::Kustomize) || other(Dialect::Yaml11)
}

/// kyaml's `FieldSetter` for a walked field: cleared when the walk
/// removed it or it is a null not to keep.
fn set_field(node: &mut Value, key: &str, out: Out) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    match out.value {
        None => {
            map.shift_remove(key);
        }
        Some(Value::Null) if !out.keep_null => {
            map.shift_remove(key);
        }
        Some(v) => {
            map.insert(key.to_string(), v);
        }
    }
}

/// A scalar made from the text of a merge key, as kyaml makes it.
fn typed(text: &str) -> Value {
    resolve_plain(text, Dialect::Kustomize).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The directive of a patch node, removed from it (kyaml elides it).
fn directive(patch: &mut Option<Value>) -> Result<Directive, String> {
    const KEY: &str = "$patch";
    let Some(p) = patch else {
        return Ok(Directive::Merge);
    };
    match p {
        Value::Array(items) => {
            let found = items
                .iter()
                .find_map(|i| i.as_object().filter(|m| m.contains_key(KEY)));
            let Some(elem) = found else {
                return Ok(Directive::Merge);
            };
            if elem.len() > 1 {
                return Ok(Directive::Merge);
            }
            let text = elem.get(KEY).map(get_value).unwrap_or_default();
            let d = match text.as_str() {
                "delete" => Directive::Delete,
                "replace" => Directive::Replace,
                "merge" => Directive::Merge,
                other => return Err(format!("unknown patch strategy '{other}'")),
            };
            let list = Value::Array(std::mem::take(items));
            let (list, _) = element_setter(list, None, &[KEY.to_string()], &[text])?;
            *p = list;
            Ok(d)
        }
        Value::Object(m) => {
            let Some(v) = m.get(KEY) else {
                return Ok(Directive::Merge);
            };
            let d = match get_value(v).as_str() {
                "delete" => Directive::Delete,
                "replace" => Directive::Replace,
                "merge" => Directive::Merge,
                other => return Err(format!("unknown patch strategy '{other}'")),
            };
            m.shift_remove(KEY);
            Ok(d)
        }
        other => Err(format!(
            "no implemented strategic merge patch strategy for '{}'",
            scalar_text(other)
        )),
    }
}

/// kyaml's `Merger.VisitMap`.
fn visit_map(
    dest: Option<Value>,
    origin: &mut Option<Value>,
    aliased: bool,
) -> Result<Out, String> {
    if missing_or_null(&dest) {
        if directive(origin).unwrap_or(Directive::Unknown) == Directive::Delete {
            return Ok(Out::clear());
        }
        if origin.is_none() && dest.is_some() {
            // An explicit null in the destination stays.
            return Ok(Out {
                value: dest,
                is_dest: true,
                keep_null: true,
            });
        }
        return Ok(Out::origin(origin.clone()));
    }
    if matches!(origin, Some(Value::Null)) {
        return Ok(Out::clear());
    }
    match directive(origin)? {
        Directive::Delete => Ok(Out::clear()),
        Directive::Replace => Ok(Out::origin(origin.clone())),
        _ if aliased => Ok(Out::dest(origin.clone())),
        _ => Ok(Out::dest(dest)),
    }
}

/// kyaml's `Merger.VisitScalar`.
fn visit_scalar(dest: Option<Value>, origin: Option<Value>) -> Out {
    match origin {
        Some(o) => Out::origin(Some(o)),
        None => Out::dest(dest),
    }
}

/// kyaml's `Merger.VisitList` for lists that do not merge.
fn visit_plain_list(dest: Option<Value>, origin: Option<Value>) -> Out {
    match origin {
        Some(o) => Out::origin(Some(o)),
        None => Out::dest(dest),
    }
}

/// kyaml's `Merger.VisitList` for lists that merge.
fn visit_keyed_list(
    dest: Option<Value>,
    origin: &mut Option<Value>,
    aliased: bool,
) -> Result<Out, String> {
    if missing_or_null(&dest) {
        return Ok(Out::origin(origin.clone()));
    }
    if matches!(origin, Some(Value::Null)) {
        return Ok(Out::clear());
    }
    match directive(origin)? {
        Directive::Delete => Ok(Out::clear()),
        Directive::Replace => Ok(Out::origin(origin.clone())),
        _ if aliased => Ok(Out::dest(origin.clone())),
        _ => Ok(Out::dest(dest)),
    }
}

/// kyaml's `GetValue`: a scalar's text, "" for null.
fn get_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => scalar_text(other),
    }
}

/// The text of a node as kyaml compares it (`Node.Value`): a scalar's
/// text, `null` for null, "" for collections.
fn raw_text(v: &Value) -> String {
    scalar_text(v)
}

/// kyaml's `ElementValuesList` values of every item of the sources
/// (patch first), each tuple once.
fn element_values(sources: [Option<&Value>; 2], keys: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for src in [sources[1], sources[0]].into_iter().flatten() {
        let Some(items) = src.as_array() else {
            continue;
        };
        for item in items {
            let tuple: Vec<String> = keys
                .iter()
                .map(|k| match item.get(k) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::Object(m)) if m.is_empty() => String::new(),
                    Some(Value::Array(a)) if a.is_empty() => String::new(),
                    Some(v) => raw_text(v),
                })
                .collect();
            if tuple.is_empty() || out.contains(&tuple) {
                continue;
            }
            out.push(tuple);
        }
    }
    out
}

/// The scalar values of lists of scalars (patch first), each once.
fn primitive_values(sources: [Option<&Value>; 2]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for src in [sources[1], sources[0]].into_iter().flatten() {
        for item in src.as_array().into_iter().flatten() {
            let text = match item {
                Value::Object(_) | Value::Array(_) => String::new(),
                other => raw_text(other),
            };
            if !out.iter().any(|v| v[0] == text) {
                out.push(vec![text]);
            }
        }
    }
    out
}

/// kyaml's `mergeValues`: tuples equal but for empty fields become one.
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        let v1 = list[i].clone();
        for j in 0..list.len() {
            let v2 = list[j].clone();
            if let Some(m) = match_values(&v1, &v2) {
                list[i] = m.clone();
                list[j] = m;
            }
        }
    }
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::new();
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            out.push(x.clone());
        } else {
            out.push(y.clone());
        }
    }
    common.then_some(out)
}

/// kyaml's `validateKeys`: the keys some tuple has a value for.
fn validate_keys(
    all: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let valid: Vec<&String> = keys
        .iter()
        .enumerate()
        .filter(|(i, _)| all.iter().any(|v| v.get(*i).is_some_and(|x| !x.is_empty())))
        .map(|(_, k)| k)
        .collect();
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let vk = keys.iter().filter(|k| valid.contains(k)).cloned().collect();
    let vv = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(&k)))
        .map(|(_, v)| v.clone())
        .collect();
    (vk, vv)
}

/// kyaml's `ElementList`: the first item whose `keys` have `values`
/// (for scalar lists, whose text is the value).
fn element_index(list: &Value, keys: &[String], values: &[String]) -> Option<usize> {
    let items = list.as_array()?;
    let first_key = keys.first().map_or("", String::as_str);
    let first_value = values.first().map_or("", String::as_str);
    if first_key.is_empty() {
        return items.iter().position(|i| raw_text(i) == first_value);
    }
    if keys.len() != values.len() {
        return None;
    }
    items.iter().position(|item| {
        let Some(m) = item.as_object() else {
            return false;
        };
        keys.iter().zip(values).all(|(k, v)| match m.get(k) {
            Some(field) => {
                raw_text(field) == *v || (field.is_object() || field.is_array()) && v.is_empty()
            }
            None => false,
        })
    })
}

/// kyaml's `FieldMatcher` on a list item: Some when it matches.
fn field_matches(elem: &Value, name: &str, value: &str) -> Result<bool, String> {
    if elem.is_null() {
        return Ok(false);
    }
    if name.is_empty() {
        if elem.is_object() || elem.is_array() {
            return Err(format!(
                "wrong node kind: expected ScalarNode but got {}",
                kind_name(elem)
            ));
        }
        return Ok(get_value(elem) == value);
    }
    let Some(m) = elem.as_object() else {
        return Err(format!(
            "wrong node kind: expected MappingNode but got {}",
            kind_name(elem)
        ));
    };
    Ok(match m.get(name) {
        None => false,
        Some(_) if value.is_empty() => true,
        Some(v) => raw_text(v) == value,
    })
}

/// kyaml's `ElementSetter`: items matching `keys`/`values` replaced by
/// `element` (removed when None, appended when none matched); null and
/// empty-map items dropped on the way. Returns the list and whether an
/// item matched.
fn element_setter(
    list: Value,
    element: Option<Value>,
    keys: &[String],
    values: &[String],
) -> Result<(Value, bool), String> {
    let keys: Vec<String> = if keys.is_empty() {
        vec![String::new()]
    } else {
        keys.to_vec()
    };
    let Value::Array(items) = list else {
        return Err(format!(
            "wrong node kind: expected SequenceNode but got {}",
            kind_name(&list)
        ));
    };
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut out = Vec::new();
    let mut found_any = false;
    for elem in items {
        if elem.is_null() || elem.as_object().is_some_and(Map::is_empty) {
            continue;
        }
        if !elem.is_object() && mapping_setter {
            out.push(elem);
            continue;
        }
        let mut matched = None;
        for (j, key) in keys.iter().enumerate() {
            if let Some(v) = values.get(j) {
                matched = Some(field_matches(&elem, key, v)?);
            }
            if matched != Some(true) {
                break;
            }
        }
        if matched != Some(true) {
            if !values.is_empty() {
                out.push(elem);
            }
            continue;
        }
        found_any = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    let Some(e) = element.filter(|e| !e.is_null()) else {
        return Ok((Value::Array(out), found_any));
    };
    if !found_any {
        out.push(e);
    }
    Ok((Value::Array(out), found_any))
}

/// kyaml's `appendListNode`: the destination's items set into the list
/// of patch items (replacing the ones with the same key values).
fn append_list(dst: Value, src: &Value, keys: &[String]) -> Result<Value, String> {
    let mut dst = dst;
    for elem in src.as_array().into_iter().flatten() {
        if keys.first().is_none_or(String::is_empty) {
            let text = raw_text(elem);
            dst = element_setter(dst, Some(elem.clone()), &[String::new()], &[text])?.0;
            continue;
        }
        let mut values = Vec::new();
        for key in keys {
            let field = match elem {
                Value::Null => None,
                Value::Object(m) => m.get(key),
                other => {
                    return Err(format!(
                        "wrong node kind: expected MappingNode but got {}",
                        kind_name(other)
                    ));
                }
            };
            match field {
                None => {
                    if let Value::Array(a) = &mut dst {
                        a.push(elem.clone());
                    }
                }
                Some(v) => values.push(raw_text(v)),
            }
        }
        if keys.len() > 1 {
            dst = element_setter(dst, None, keys, &values)?.0;
        }
        dst = element_setter(dst, Some(elem.clone()), keys, &values)?.0;
    }
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn smp(target: Value, patch: Value) -> Value {
        super::super::openapi::with_schema(|api| {
            merge(target, patch, None, &mut Vec::new(), api, false)
                .unwrap()
                .unwrap()
        })
    }

    fn deploy(containers: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
               "spec": {"template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn merges_containers_by_name_patch_items_first() {
        let t = deploy(json!([{"name": "a", "image": "a"}, {"name": "b", "image": "b"}]));
        let p = deploy(json!([{"name": "b", "image": "b2"}, {"name": "a", "$patch": "delete"}]));
        let out = smp(t, p);
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "b", "image": "b2"}])
        );
    }

    #[test]
    fn replaces_lists_without_keys_and_deletes_nulls() {
        let t = json!({"apiVersion": "x/v1", "kind": "X", "a": [1, 2], "b": {"c": 1, "d": 2}});
        let p = json!({"apiVersion": "x/v1", "kind": "X", "a": [3], "b": {"c": null}});
        let out = smp(t, p);
        assert_eq!(out["a"], json!([3]));
        assert_eq!(out["b"], json!({"d": 2}));
    }

    #[test]
    fn a_patch_port_without_protocol_is_lost_against_a_tcp_one_as_in_kubectl() {
        let svc = |ports: Value| json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": ports}});
        let out = smp(
            svc(json!([{"port": 80, "protocol": "TCP", "name": "http"}])),
            svc(json!([{"port": 80, "targetPort": 8080}])),
        );
        assert_eq!(
            out["spec"]["ports"],
            json!([{"port": 80, "protocol": "TCP", "name": "http"}])
        );
    }
}
