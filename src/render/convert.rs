//! YAML text to the JSON values the rest of tether works on, the way
//! kubectl and kustomize read manifests (go-yaml v3, then JSON): plain
//! scalars resolved as [`super::scalars`] describes, quoted ones kept as
//! strings, merge keys (`<<: *anchor`) applied, tags dropped (`!!str`
//! keeps a plain scalar a string), scalar keys (`80:`, `true:`) as strings
//! as kubectl writes them (kustomize's dialects refuse them, as kustomize
//! cannot make JSON of them).

use super::scalars::{Dialect, resolve_plain};
use crate::yaml::{Budget, LimitError, MAX_DEPTH};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Why a document could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LoadError {
    /// Not YAML; the line is 1-based in the text given.
    Syntax { line: usize, message: String },
    /// YAML, but not something JSON can hold.
    Invalid(String),
    /// A limit of [`crate::yaml`] was broken (depth, aliasing, control
    /// characters); the line is 1-based in the text given.
    Limit { line: usize, message: String },
}

impl From<LimitError> for LoadError {
    fn from(e: LimitError) -> Self {
        LoadError::Limit {
            line: e.line,
            message: e.message,
        }
    }
}

/// Every document of `text`, in order (empty documents as null), read as
/// `dialect` reads it. The events are read one by one (no recursion), and
/// the [`Budget`] stops the read at the first broken limit, before the
/// value is built.
pub(crate) fn load_all(text: &str, dialect: Dialect) -> Result<Vec<Value>, LoadError> {
    crate::yaml::check_characters(text)?;
    let mut builder = Builder::new(dialect, text);
    if !text.ends_with(['\n', '\r']) {
        builder.unbroken_end = Some(text.chars().count());
    }
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| match crate::yaml::scan_error(&e) {
            Some(limit) => LoadError::from(limit),
            None => LoadError::Syntax {
                line: e.marker().line().max(1),
                message: e.info().to_string(),
            },
        })?;
        builder.on_event(event, span);
        if let Some(limit) = builder.limit.take() {
            return Err(limit.into());
        }
    }
    match builder.error {
        Some(message) => Err(LoadError::Invalid(message)),
        None => Ok(builder.documents),
    }
}

/// The single document of `text` (null when it has none).
pub(crate) fn load(text: &str, dialect: Dialect) -> Result<Value, LoadError> {
    Ok(load_all(text, dialect)?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

/// A collection being built.
enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        entries: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<Key>,
        /// The document's `metadata.annotations`: kustomize keeps the
        /// text of their plain values (`0644`, `2024-03-01`) as written.
        verbatim: bool,
        /// The values of `<<` keys, merged in when the mapping ends.
        merges: Vec<Value>,
        anchor: usize,
        /// Where the last key read ends (a character index).
        key_end: usize,
        /// Keys followed on their line by a comment and holding a list or
        /// a mapping (`args: # c`), read as [`Dialect::KustomizeText`]:
        /// kept under [`COMMENTED_KEYS`].
        commented: Vec<String>,
        /// The document's root written in flow style (`{…}`).
        flow_root: bool,
    },
}

/// In objects read as [`Dialect::KustomizeText`], the entry of a mapping
/// listing its keys followed on their line by a comment and holding a
/// list or a mapping (kyaml cannot write such a key back inside a
/// flow-style collection).
pub(crate) const COMMENTED_KEYS: &str = "\u{1}commented";
/// In objects read as [`Dialect::KustomizeText`], the entry of a root
/// mapping written in flow style (`{…}`, JSON).
pub(crate) const FLOW_ROOT: &str = "\u{1}flow";

enum Key {
    Name(String),
    Merge,
}

struct Builder<'t> {
    /// The text read (for what the parser does not report: comments).
    source: &'t str,
    ascii: bool,
    /// A character index of `source` and its byte offset.
    cursor: std::cell::Cell<(usize, usize)>,
    dialect: Dialect,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    documents: Vec<Value>,
    /// The first conversion error; later events are ignored.
    error: Option<String>,
    /// How many documents there were when the current one started.
    documents_before: usize,
    /// Depth and alias counts of the stream.
    budget: Budget,
    /// The limit the stream broke; reading stops there.
    limit: Option<LimitError>,
    /// The length in characters of a text that ends without a line break.
    unbroken_end: Option<usize>,
    /// The line (1-based) of the scalar being read.
    scalar_line: usize,
}

impl<'t> Builder<'t> {
    fn new(dialect: Dialect, source: &'t str) -> Self {
        Self {
            source,
            ascii: source.is_ascii(),
            cursor: std::cell::Cell::new((0, 0)),
            dialect,
            stack: Vec::new(),
            anchors: HashMap::new(),
            documents: Vec::new(),
            error: None,
            documents_before: 0,
            budget: Budget::new(MAX_DEPTH),
            limit: None,
            unbroken_end: None,
            scalar_line: 1,
        }
    }

    /// The byte offset of a character index of the source. The parser's
    /// positions only grow, so a cursor keeps this linear in the text.
    fn byte_of(&self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.source.len());
        }
        let (mut chars, mut bytes) = self.cursor.get();
        if index < chars {
            (chars, bytes) = (0, 0);
        }
        for c in self.source[bytes..].chars() {
            if chars == index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor.set((chars, bytes));
        bytes
    }

    /// The character at a character index of the source.
    fn char_at(&self, index: usize) -> Option<char> {
        self.source[self.byte_of(index)..].chars().next()
    }

    /// The source between two character indexes.
    fn between(&self, from: usize, to: usize) -> &str {
        let (from, to) = (self.byte_of(from), self.byte_of(to));
        self.source.get(from..to.max(from)).unwrap_or("")
    }

    /// A list or mapping starting at `span` as the value of a key: when a
    /// comment follows that key on its line (read as
    /// [`Dialect::KustomizeText`]), the key is noted.
    fn note_commented_key(&mut self, span: Span) {
        if self.dialect != Dialect::KustomizeText {
            return;
        }
        let Some(Frame::Map {
            key: Some(Key::Name(name)),
            key_end,
            ..
        }) = self.stack.last()
        else {
            return;
        };
        let gap = self.between(*key_end, span.start.index());
        let line = gap.split('\n').next().unwrap_or("");
        if line.contains('#') {
            let name = name.clone();
            if let Some(Frame::Map { commented, .. }) = self.stack.last_mut() {
                commented.push(name);
            }
        }
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Places a finished node: a key, a value of the open collection, or
    /// a whole document.
    fn place(&mut self, value: Value, as_key: Option<Key>) {
        match self.stack.last_mut() {
            None => self.documents.push(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => *key = as_key,
                Some(Key::Merge) => merges.push(value),
                Some(Key::Name(name)) => {
                    if entries.contains_key(&name) {
                        let message = format!("mapping key {name:?} already defined");
                        self.fail(message);
                        return;
                    }
                    entries.insert(name, value);
                }
            },
        }
    }

    /// Whether the mapping about to open is the document's
    /// `metadata.annotations` (of a manifest; YAML 1.1 inputs are not
    /// manifests).
    fn opens_annotations(&self) -> bool {
        let pending = |frame: &Frame, name: &str| matches!(frame, Frame::Map { key: Some(Key::Name(k)), .. } if k == name);
        let at = |field: &str| matches!(self.stack.as_slice(), [root, meta] if pending(root, "metadata") && pending(meta, field));
        // An item of a `List` document (its text counts when kyaml's
        // reader unwraps the list).
        let in_item = |field: &str| matches!(self.stack.as_slice(), [list, Frame::Seq { .. }, root, meta] if pending(list, "items") && pending(root, "metadata") && pending(meta, field));
        match self.dialect {
            Dialect::Yaml11 | Dialect::KustomizePatch | Dialect::KustomizeText => false,
            Dialect::KustomizeMetaText => {
                at("annotations") || at("labels") || in_item("annotations") || in_item("labels")
            }
            Dialect::Kubectl | Dialect::Kustomize => at("annotations"),
        }
    }

    /// Whether the node about to be placed is a mapping key.
    fn next_is_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&str>, anchor: usize) {
        let plain = style == ScalarStyle::Plain && tag != Some("str");
        if self.next_is_key() {
            let key = if plain && text == "<<" {
                Key::Merge
            } else if plain && self.dialect == Dialect::Yaml11 {
                match yaml11_key(text) {
                    Ok(name) => Key::Name(name),
                    Err(message) => {
                        self.fail(message);
                        Key::Name(text.to_string())
                    }
                }
            } else if plain
                && matches!(
                    self.dialect,
                    Dialect::Kustomize
                        | Dialect::KustomizePatch
                        | Dialect::KustomizeMetaText
                        | Dialect::KustomizeText
                )
                && !matches!(resolve_plain(text, self.dialect), Ok(Value::String(_)))
            {
                // kyaml keeps the key's type, and kustomize's JSON step
                // refuses a mapping with a key that is not a string.
                let line = self.scalar_line;
                self.fail(format!(
                    "the mapping key {text} on line {line} of this document is not a string, which kustomize cannot turn into JSON (json: unsupported type); quote it (\"{text}\")"
                ));
                Key::Name(text.to_string())
            } else if plain && matches!(resolve_plain(text, self.dialect), Ok(Value::Null)) {
                Key::Name("null".to_string())
            } else {
                Key::Name(text.to_string())
            };
            if anchor > 0 {
                self.anchors.insert(anchor, Value::String(text.to_string()));
            }
            self.place(Value::Null, Some(key));
            return;
        }
        let verbatim = self.dialect == Dialect::KustomizeText
            || matches!(self.stack.last(), Some(Frame::Map { verbatim: true, .. }));
        let keep_empty = matches!(
            self.dialect,
            Dialect::KustomizeMetaText | Dialect::KustomizeText
        );
        let value = if plain && (!verbatim || (text.is_empty() && !keep_empty)) {
            match resolve_plain(text, self.dialect) {
                Ok(v) => v,
                Err(message) => {
                    self.fail(message);
                    Value::Null
                }
            }
        } else if self.dialect == Dialect::KustomizeText && style != ScalarStyle::Plain {
            Value::String(format!("{}{text}", crate::render::scalars::QUOTED))
        } else {
            Value::String(text.to_string())
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        self.place(value, None);
    }

    fn collection_as_key(&mut self) -> bool {
        if self.next_is_key() {
            self.fail("a mapping key is a list or a mapping; keys must be scalars".to_string());
            return true;
        }
        false
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (value, anchor) = match frame {
            Frame::Seq { items, anchor } => (Value::Array(items), anchor),
            Frame::Map {
                mut entries,
                merges,
                anchor,
                commented,
                flow_root,
                ..
            } => {
                for merge in merges {
                    if let Err(message) = merge_into(&mut entries, merge) {
                        self.fail(message);
                    }
                }
                if !commented.is_empty() {
                    let keys = commented.into_iter().map(Value::String).collect();
                    entries.insert(COMMENTED_KEYS.to_string(), Value::Array(keys));
                }
                if flow_root {
                    entries.insert(FLOW_ROOT.to_string(), Value::Bool(true));
                }
                (Value::Object(entries), anchor)
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        self.place(value, None);
    }
}

/// A plain mapping key as sigs.k8s.io/yaml makes it a JSON key: booleans
/// and numbers written out, null refused.
fn yaml11_key(text: &str) -> Result<String, String> {
    match resolve_plain(text, Dialect::Yaml11)? {
        Value::Null => Err(format!("unsupported map key {text:?} (null)")),
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_f64() => Ok(n
            .as_f64()
            .map_or_else(|| n.to_string(), super::scalars::go_float)),
        other => Ok(other.to_string()),
    }
}

/// Adds the entries of a `<<` value (a mapping or a list of them) that
/// `entries` lacks: explicit keys win, and earlier mappings over later.
fn merge_into(entries: &mut Map<String, Value>, merge: Value) -> Result<(), String> {
    let sources = match merge {
        Value::Object(map) => vec![map],
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(map) => Ok(map),
                _ => Err("invalid merge key: expected a mapping or a list of mappings".to_string()),
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err("invalid merge key: expected a mapping or a list of mappings".to_string());
        }
    };
    for source in sources {
        for (k, v) in source {
            entries.entry(k).or_insert(v);
        }
    }
    Ok(())
}

impl Builder<'_> {
    /// Counts the event against the budget; false when it broke a limit.
    fn within_budget(&mut self, event: &Event<'_>, span: Span) -> bool {
        let counted = match event {
            Event::DocumentStart(_) => {
                self.budget.document();
                Ok(())
            }
            Event::Scalar(_, _, anchor, _) => {
                self.budget.scalar(*anchor);
                Ok(())
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.budget.open(*anchor)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.budget.close();
                Ok(())
            }
            Event::Alias(id) => self.budget.alias(*id),
            _ => Ok(()),
        };
        match counted {
            Ok(()) => true,
            Err(message) => {
                self.limit = Some(LimitError {
                    line: span.start.line().max(1),
                    message,
                });
                false
            }
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) {
        if self.error.is_some() || !self.within_budget(&event, span) {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.as_ref().map(|t| t.suffix.as_str());
                // A block scalar that runs to the end of a text without a
                // final line break has none (YAML 1.2 8.1.1.2; go-yaml
                // agrees, and kustomize trims inline patches so this is
                // common there); the parser adds one.
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let text = match self.unbroken_end {
                    Some(end) if block && span.end.index() >= end => {
                        text.strip_suffix('\n').unwrap_or(&text)
                    }
                    _ => &text,
                };
                self.scalar_line = span.start.line().max(1);
                if self.dialect == Dialect::KustomizeText
                    && let Some(Frame::Map {
                        key: None, key_end, ..
                    }) = self.stack.last_mut()
                {
                    *key_end = span.end.index();
                }
                self.scalar(text, style, tag, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                self.note_commented_key(span);
                if !self.collection_as_key() {
                    self.stack.push(Frame::Seq {
                        items: Vec::new(),
                        anchor,
                    });
                }
            }
            Event::MappingStart(anchor, _) => {
                self.note_commented_key(span);
                if !self.collection_as_key() {
                    let verbatim = self.dialect != Dialect::Yaml11 && self.opens_annotations();
                    let flow_root = self.dialect == Dialect::KustomizeText
                        && self.stack.is_empty()
                        && self.char_at(span.start.index()) == Some('{');
                    self.stack.push(Frame::Map {
                        entries: Map::new(),
                        key: None,
                        verbatim,
                        merges: Vec::new(),
                        anchor,
                        key_end: 0,
                        commented: Vec::new(),
                        flow_root,
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(),
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(value) if self.next_is_key() => {
                    let name = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.place(Value::Null, Some(Key::Name(name)));
                }
                Some(value) => self.place(value, None),
                None => self.fail(format!("unknown anchor (alias {id})")),
            },
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.documents_before = self.documents.len();
            }
            Event::DocumentEnd => {
                // A document holding nothing at all is null.
                if self.stack.is_empty() && self.documents.len() == self.documents_before {
                    self.documents.push(Value::Null);
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load_k(text: &str) -> Result<Value, LoadError> {
        load(text, Dialect::Kustomize)
    }

    #[test]
    fn kustomize_text_notes_commented_collection_keys_and_flow_roots() {
        let text =
            "a: # c\n  - x\nb:\n  # own line\n  k: v\nc: [x] # after\nd: # c\n  e: # c\n    f: 1\n";
        let v = load_all(text, Dialect::KustomizeText).unwrap().remove(0);
        assert_eq!(v[COMMENTED_KEYS], json!(["a", "d"]));
        assert_eq!(v["d"][COMMENTED_KEYS], json!(["e"]));
        assert!(v.get(FLOW_ROOT).is_none());
        let flow = load_all("{\"a\": {\"b\": 1}}", Dialect::KustomizeText)
            .unwrap()
            .remove(0);
        assert_eq!(flow[FLOW_ROOT], json!(true));
        // Other dialects read the same text without notes.
        let plain = load_k(text).unwrap();
        assert!(plain.get(COMMENTED_KEYS).is_none());
    }

    #[test]
    fn a_block_scalar_at_an_unbroken_end_has_no_final_line_break() {
        let v = load_k("a: |\n  x\nb: |+\n  y").unwrap();
        assert_eq!(v, json!({"a": "x\n", "b": "y"}));
        let v = load_k("a: >\n  x\n  z").unwrap();
        assert_eq!(v, json!({"a": "x z"}));
        let v = load_k("a: |\n  x\n").unwrap();
        assert_eq!(v, json!({"a": "x\n"}));
    }

    #[test]
    fn applies_merge_keys_and_stringifies_scalar_keys() {
        let v = load_k("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n").unwrap();
        assert_eq!(v["x"], json!({"a": 1, "b": 3}));
        let ports = "ports: {80: http, true: t, ~: n}\n";
        // kubectl (sigs.k8s.io/yaml) writes scalar keys out as strings;
        // kustomize (kyaml, then JSON) refuses a key that is not a string.
        let v = load(ports, Dialect::Kubectl).unwrap();
        assert_eq!(v["ports"], json!({"80": "http", "true": "t", "null": "n"}));
        assert!(
            matches!(load_k(ports), Err(LoadError::Invalid(m)) if m.contains("the mapping key 80 on line 1"))
        );
        let v = load_k("a: &a {k: 1}\nb: &b {k: 2, l: 2}\nc: {<<: [*a, *b], m: 3}\n").unwrap();
        assert_eq!(v["c"], json!({"m": 3, "k": 1, "l": 2}));
    }

    #[test]
    fn plain_scalars_resolve_and_quoted_ones_stay_strings() {
        let v = load_k(
            "mode: 0644\nq: \"0644\"\ns: '1.0'\nf: 1.0\nt: !!str 12\nd: !custom x\nb: yes\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"mode": 420, "q": "0644", "s": "1.0", "f": 1, "t": "12", "d": "x", "b": "yes"})
        );
        assert!(
            matches!(load_k("a: .inf\n"), Err(LoadError::Invalid(m)) if m.contains("infinite"))
        );
    }

    #[test]
    fn annotations_keep_the_text_as_written() {
        let v = load_k("metadata:\n  annotations: {a: 0644, b: 2024-03-01, c: true}\n  labels: {d: 2024-03-01}\nspec: {annotations: {e: 0644}}\n")
            .unwrap();
        assert_eq!(
            v["metadata"]["annotations"],
            json!({"a": "0644", "b": "2024-03-01", "c": "true"})
        );
        assert_eq!(v["metadata"]["labels"]["d"], "2024-03-01T00:00:00Z");
        assert_eq!(v["spec"]["annotations"]["e"], 420);
    }

    #[test]
    fn errors_say_what_and_where() {
        assert!(
            matches!(load_k("a: 1\na: 2\n"), Err(LoadError::Invalid(m)) if m.contains("\"a\" already defined"))
        );
        assert!(matches!(
            load_k("a: [1\nb: 2\n"),
            Err(LoadError::Syntax { .. })
        ));
        assert!(matches!(load_k("? [a]\n: 1\n"), Err(LoadError::Invalid(_))));
        assert_eq!(
            load_all("a: 1\n---\n---\nb: 2\n", Dialect::Kustomize).unwrap(),
            vec![json!({"a": 1}), Value::Null, json!({"b": 2})]
        );
    }
}
