//! One object being built, with what kustomize tracks about it in its
//! build annotations: previous identities (to fix name references after
//! prefixes, suffixes, namespaces and hashes), name prefixes and
//! suffixes, generator behavior and the hash-suffix flag.

use super::resid::{Gvk, ResId};
use serde_json::{Map, Value};

/// How a generated object combines with one of the same id from a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behavior {
    /// Not a generated object, or no behavior given.
    Unspecified,
    /// A new object.
    Create,
    /// Data merged into the base object.
    Merge,
    /// Replaces the base object's data.
    Replace,
}

/// A previous identity: name, effective namespace and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrevId {
    pub name: String,
    pub namespace: String,
    pub kind: String,
}

/// How the node of a field holding a string is written, where the string
/// does not say: (JSON pointer, value, quoted). A string that reads as a
/// string plain (`abc`) is listed when written quoted; one that would
/// read as something else plain (`""`, `"0644"`) is listed when a patch
/// set it into a node written plain (kyaml keeps the node's style).
pub(crate) type Quoting = (String, String, bool);

/// An object plus what kustomize tracks about it.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// The object itself.
    pub obj: Value,
    /// Previous identities, oldest first.
    pub prev: Vec<PrevId>,
    /// A generated ConfigMap/Secret whose name gets the content hash.
    pub needs_hash: bool,
    /// Generator behavior.
    pub behavior: Behavior,
    /// Name prefixes added to it, innermost kustomization first.
    pub prefixes: Vec<String>,
    /// Name suffixes added to it, innermost kustomization first.
    pub suffixes: Vec<String>,
    /// Legacy `vars` that read a field of this object.
    pub var_names: Vec<String>,
    /// Rendered from a `helmCharts` chart: `namespace:` leaves it alone
    /// (kustomize's helm-generated mark).
    pub helm_generated: bool,
    /// Groups of fields sharing one value ([`super::alias`]).
    pub aliases: Vec<Vec<super::alias::Loc>>,
    /// Annotation values as written where their text differs from the
    /// value read (`0644`, `~`): (key, value, text). kustomize keeps
    /// the text, which is what it writes back.
    pub ann_text: Vec<(String, Value, String)>,
    /// The quoting of fields whose value does not show it, by JSON
    /// pointer: kyaml keeps a field's quoting when a patch sets it, so a
    /// plain number set there stays a string.
    pub quoted: Vec<Quoting>,
    /// `data`/`binaryData` values as written where their text differs
    /// from the value read (`0644`): (field, key, value, text). A
    /// generator merge reads these maps as kustomize does, as text.
    pub data_text: Vec<(String, String, Value, String)>,
    /// Fields kyaml holds as scalar nodes without a tag (an image the
    /// images transformer set), with the value they got then: text a
    /// replacement writes there reads as YAML (`3` is a number).
    pub untagged: Vec<(super::alias::Loc, Value)>,
    /// Written in flow style (a JSON file, or a YAML document `{…}`).
    pub flow: bool,
}

impl Resource {
    /// A resource read from a file.
    pub fn new(obj: Value) -> Self {
        // kustomize works out whether the type is cluster-scoped whenever
        // it makes a resource; for a type its built-in table lacks, that
        // loads the OpenAPI schema in use at that moment, which decides
        // whether a later kustomization's `openapi:` schema replaces the
        // built-in one or is added to it.
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        super::resid::is_cluster_scoped(api_version, kind);
        Self {
            obj,
            prev: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Unspecified,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            var_names: Vec::new(),
            helm_generated: false,
            aliases: Vec::new(),
            ann_text: Vec::new(),
            quoted: Vec::new(),
            data_text: Vec::new(),
            untagged: Vec::new(),
            flow: false,
        }
    }

    /// `apiVersion` (empty when not a string).
    pub fn api_version(&self) -> &str {
        self.obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// API group (empty for core).
    pub fn group(&self) -> &str {
        super::resid::split_api_version(self.api_version()).0
    }

    /// API version without group.
    pub fn version(&self) -> &str {
        super::resid::split_api_version(self.api_version()).1
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        self.obj.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    /// Group, version and kind.
    pub fn gvk(&self) -> Gvk {
        Gvk::new(self.api_version(), self.kind())
    }

    /// Whether this object lives outside namespaces.
    pub fn is_cluster_scoped(&self) -> bool {
        self.gvk().is_cluster_scoped()
    }

    /// `metadata.name` (as text).
    pub fn name(&self) -> String {
        self.meta_text("name")
    }

    /// `metadata.namespace` ("" when unset).
    pub fn namespace(&self) -> String {
        self.meta_text("namespace")
    }

    fn meta_text(&self, key: &str) -> String {
        self.obj
            .get("metadata")
            .and_then(|m| m.get(key))
            .map(scalar_text)
            .unwrap_or_default()
    }

    /// Whether the object is gone (deleted by a patch) or empty.
    pub fn is_empty(&self) -> bool {
        self.obj.as_object().is_none_or(Map::is_empty)
    }

    /// The current identity.
    pub fn cur_id(&self) -> ResId {
        ResId::new(self.gvk(), &self.name(), &self.namespace())
    }

    /// The previous identities, oldest first: the current apiVersion with
    /// the kinds, names and namespaces stored (never cluster-scoped, as
    /// kustomize rebuilds them).
    pub fn prev_ids(&self) -> Vec<ResId> {
        let (group, version) = super::resid::split_api_version(self.api_version());
        self.prev
            .iter()
            .map(|p| ResId {
                gvk: Gvk {
                    group: group.to_string(),
                    version: version.to_string(),
                    kind: p.kind.clone(),
                },
                name: p.name.clone(),
                namespace: p.namespace.clone(),
                cluster: false,
            })
            .collect()
    }

    /// The original identity.
    pub fn org_id(&self) -> ResId {
        self.prev_ids()
            .into_iter()
            .next()
            .unwrap_or_else(|| self.cur_id())
    }

    /// Remembers the current identity as a previous one.
    pub fn store_previous_id(&mut self) {
        let id = self.cur_id();
        self.prev.push(PrevId {
            name: id.name.clone(),
            namespace: id.effective_namespace().to_string(),
            kind: id.gvk.kind,
        });
    }

    /// The metadata mapping, created if absent (None only if the object
    /// itself is not a mapping, which loading rules out).
    pub fn metadata_mut(&mut self) -> Option<&mut Map<String, Value>> {
        let meta = self
            .obj
            .as_object_mut()?
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        ensure_object(meta)
    }

    /// Sets (non-empty) or removes (empty) the string field `key` of
    /// metadata, as kyaml's name and namespace setters do.
    pub fn set_meta(&mut self, key: &str, value: &str) {
        let Some(meta) = self.metadata_mut() else {
            return;
        };
        if value.is_empty() {
            meta.remove(key);
        } else {
            meta.insert(key.to_string(), Value::String(value.to_string()));
        }
    }

    /// Sets `kind`.
    pub fn set_kind(&mut self, kind: &str) {
        if let Some(m) = self.obj.as_object_mut() {
            m.insert("kind".into(), Value::String(kind.to_string()));
        }
    }

    /// `metadata.<key>` (labels or annotations) as text values.
    pub fn meta_map(&self, key: &str) -> Vec<(String, String)> {
        match self
            .obj
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Value::as_object)
        {
            Some(m) => m.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect(),
            None => Vec::new(),
        }
    }

    /// Err where kustomize would panic reading `metadata.<key>` (for each
    /// of `keys`): kyaml reads the node's content as key-value pairs, and a
    /// list with an odd number of items has no value for its last key.
    pub fn check_meta_maps(&self, keys: &[&str]) -> Result<(), String> {
        for key in keys {
            let field = self.obj.get("metadata").and_then(|m| m.get(*key));
            if let Some(Value::Array(items)) = field
                && items.len() % 2 == 1
            {
                return Err(format!(
                    "kustomize fails (a Go panic) reading metadata.{key} of {}: a list of {} items",
                    self.cur_id().describe(),
                    items.len()
                ));
            }
        }
        Ok(())
    }

    /// The annotations as kustomize reads them: each value's text as
    /// written (as the value is now if it changed since).
    pub fn annotation_texts(&self) -> Vec<(String, String)> {
        let Some(map) = self
            .obj
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        map.iter()
            .map(|(k, v)| {
                let written = self
                    .ann_text
                    .iter()
                    .find(|(tk, tv, _)| tk == k && tv == v)
                    .map(|(_, _, t)| t.clone());
                (k.clone(), written.unwrap_or_else(|| scalar_text(v)))
            })
            .collect()
    }

    /// Records the written text of the annotations of `texts` (the same
    /// object read keeping annotation text).
    pub fn learn_annotation_texts(&mut self, texts: &Value) {
        let Some(written) = texts
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
        else {
            return;
        };
        let current: Vec<(String, Value)> = self
            .obj
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (k, v) in current {
            let Some(text) = written.get(&k).map(scalar_text) else {
                continue;
            };
            self.ann_text.retain(|(tk, _, _)| *tk != k);
            if text != scalar_text(&v) {
                self.ann_text.push((k, v, text));
            }
        }
    }

    /// Whether `data` or `binaryData` holds a value that is not a string
    /// (whose written text may differ from how it is printed).
    pub fn has_typed_data(&self) -> bool {
        ["data", "binaryData"].iter().any(|f| {
            self.obj
                .get(*f)
                .and_then(Value::as_object)
                .is_some_and(|m| m.values().any(|v| !v.is_string()))
        })
    }

    /// Records the written text of the `data`/`binaryData` values of
    /// `texts` (the same object read keeping every scalar's text).
    pub fn learn_data_texts(&mut self, texts: &Value) {
        for field in ["data", "binaryData"] {
            let (Some(now), Some(written)) = (
                self.obj.get(field).and_then(Value::as_object),
                texts.get(field).and_then(Value::as_object),
            ) else {
                continue;
            };
            for (k, v) in now {
                let Some(Value::String(text)) = written.get(k) else {
                    continue;
                };
                if !v.is_string() && *text != scalar_text(v) {
                    self.data_text
                        .push((field.to_string(), k.clone(), v.clone(), text.clone()));
                }
            }
        }
    }

    /// The `data` or `binaryData` map as kustomize's generator merge
    /// reads it: each value's text as written (as the value is now if it
    /// changed since).
    pub fn data_texts(&self, field: &str) -> Vec<(String, String)> {
        let Some(map) = self.obj.get(field).and_then(Value::as_object) else {
            return Vec::new();
        };
        map.iter()
            .map(|(k, v)| {
                let written = self
                    .data_text
                    .iter()
                    .find(|(f, tk, tv, _)| f == field && tk == k && tv == v)
                    .map(|(_, _, _, t)| t.clone());
                (k.clone(), written.unwrap_or_else(|| scalar_text(v)))
            })
            .collect()
    }

    /// Replaces `metadata.<key>` with string values (removed when empty),
    /// as kyaml's SetLabels / SetAnnotations do.
    pub fn set_meta_map(&mut self, key: &str, pairs: Vec<(String, String)>) {
        let Some(meta) = self.metadata_mut() else {
            return;
        };
        if pairs.is_empty() {
            meta.remove(key);
            return;
        }
        let mut sorted = pairs;
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let map = sorted
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        meta.insert(key.to_string(), Value::Object(map));
    }

    /// Whether `prefixes`/`suffixes` of this and `other` agree as
    /// kustomize's name-reference sieve requires.
    pub fn affixes_equal(&self, other: &Resource, allow_empty: bool) -> bool {
        let check = |a: &[String], b: &[String]| {
            (allow_empty && (a.is_empty() || b.is_empty())) || same_ending(a, b)
        };
        check(&self.prefixes, &other.prefixes) && check(&self.suffixes, &other.suffixes)
    }
}

/// kustomize's `SameEndingSubSlice`: the shorter list ends the longer one.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

/// The text of a scalar as a YAML node holds it (what kustomize reads
/// names, labels and annotations as): strings as they are, numbers and
/// booleans written out, null as `null`, collections as "".
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => match undecodable_parts(s) {
            Some((_, text)) => text.to_string(),
            None => s.clone(),
        },
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => crate::render::scalars::go_float(f),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(_) | Value::Object(_) => String::new(),
    }
}

/// `v` as a mapping, replacing it with an empty one if it is something else.
pub(crate) fn ensure_object(v: &mut Value) -> Option<&mut Map<String, Value>> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut()
}

/// kyaml keeps a node's type when a replacement writes text into it, even
/// text the type cannot read (`cfg` into `replicas`); kustomize fails only
/// when it turns the object into JSON (a JSON patch, the output). Such a
/// value is held as a string: this marker, the type, NUL, the text.
const UNDECODABLE: &str = "\u{0}undecodable:";

/// The value of a node of type `ty` (number, bool, null) holding `text`.
pub(crate) fn undecodable(ty: &str, text: &str) -> Value {
    Value::String(format!("{UNDECODABLE}{ty}\u{0}{text}"))
}

/// The type and text of an [`undecodable`] value.
pub(crate) fn undecodable_parts(s: &str) -> Option<(&str, &str)> {
    s.strip_prefix(UNDECODABLE)?.split_once('\u{0}')
}

/// Err when `v` holds an [`undecodable`] value (as decoding it fails in
/// kustomize).
pub(crate) fn check_decodable(v: &Value) -> Result<(), String> {
    match v {
        Value::String(s) => match undecodable_parts(s) {
            Some((ty, text)) => Err(format!("cannot decode `{text}` as a {ty}")),
            None => Ok(()),
        },
        Value::Array(items) => items.iter().try_for_each(check_decodable),
        Value::Object(m) => m.values().try_for_each(check_decodable),
        _ => Ok(()),
    }
}
