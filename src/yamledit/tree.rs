//! The first document of a YAML text as a tree of nodes with the byte
//! ranges they occupy, from saphyr-parser's spanned events.
//!
//! saphyr reports character positions; they are turned into byte offsets
//! here. Its span of a quoted scalar may run past the closing quote (over
//! spaces and a trailing comment), so the end of a quoted scalar is found
//! by scanning for the closing quote instead.

use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver};

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`: not edited in place.
    Block,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Scalar {
        value: String,
        style: Style,
    },
    /// Keys and values, in order.
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    /// `*anchor`: not followed.
    Alias,
}

/// A node and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character (for a block collection,
    /// after its last descendant).
    pub end: usize,
    /// `{…}` or `[…]`.
    pub flow: bool,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// A scalar's value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }
}

/// Why a text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// The first document of `text` (None when there is none).
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut builder = Builder {
        text,
        bytes: char_offsets(text),
        stack: Vec::new(),
        root: None,
        done: false,
    };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        line: e.marker().line().max(1),
        message: e.info().to_string(),
    })?;
    Ok(builder.root)
}

/// Byte offset of every character index (and of the end).
fn char_offsets(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    out.push(text.len());
    out
}

enum Open {
    Map {
        start: usize,
        flow: bool,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
    Seq {
        start: usize,
        flow: bool,
        items: Vec<Node>,
    },
}

struct Builder<'t> {
    text: &'t str,
    bytes: Vec<usize>,
    stack: Vec<Open>,
    root: Option<Node>,
    done: bool,
}

impl Builder<'_> {
    fn byte(&self, index: usize) -> usize {
        self.bytes.get(index).copied().unwrap_or(self.text.len())
    }

    fn place(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                self.done = true;
            }
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    /// The end of a quoted scalar starting at byte `start`.
    fn quoted_end(&self, start: usize, quote: u8) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return i + 1,
                _ => i += 1,
            }
        }
        bytes.len()
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, event: Event<'input>, span: Span) {
        if self.done {
            return;
        }
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        let flow_at = |c: u8| self.text.as_bytes().get(start) == Some(&c);
        match event {
            Event::Scalar(value, style, _, _) => {
                let (style, end) = match style {
                    ScalarStyle::Plain => (Style::Plain, end),
                    ScalarStyle::SingleQuoted => {
                        (Style::SingleQuoted, self.quoted_end(start, b'\''))
                    }
                    ScalarStyle::DoubleQuoted => {
                        (Style::DoubleQuoted, self.quoted_end(start, b'"'))
                    }
                    ScalarStyle::Literal | ScalarStyle::Folded => (Style::Block, end),
                };
                self.place(Node {
                    kind: Kind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                    start,
                    end,
                    flow: false,
                });
            }
            Event::Alias(_) => self.place(Node {
                kind: Kind::Alias,
                start,
                end,
                flow: false,
            }),
            Event::MappingStart(..) => self.stack.push(Open::Map {
                start,
                flow: flow_at(b'{'),
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceStart(..) => self.stack.push(Open::Seq {
                start,
                flow: flow_at(b'['),
                items: Vec::new(),
            }),
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(open) = self.stack.pop() else { return };
                let node = match open {
                    Open::Map {
                        start: s,
                        flow,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map_or(s, |(_, v)| v.end);
                        Node {
                            end: if flow { end } else { last },
                            kind: Kind::Map(entries),
                            start: s,
                            flow,
                        }
                    }
                    Open::Seq {
                        start: s,
                        flow,
                        items,
                    } => {
                        let last = items.last().map_or(s, |v| v.end);
                        Node {
                            end: if flow { end } else { last },
                            kind: Kind::Seq(items),
                            start: s,
                            flow,
                        }
                    }
                };
                self.place(node);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.start..node.end]
    }

    #[test]
    fn quoted_scalars_end_at_their_quote() {
        let text = "a: \"x\\\"y\"  # c\nb: 'it''s'  # c\nc: plain  # c\nd: é\n";
        let root = parse(text).unwrap().unwrap();
        assert_eq!(slice(text, root.get("a").unwrap()), "\"x\\\"y\"");
        assert_eq!(slice(text, root.get("b").unwrap()), "'it''s'");
        assert_eq!(slice(text, root.get("c").unwrap()), "plain");
        assert_eq!(root.get("b").unwrap().as_str(), Some("it's"));
        assert_eq!(slice(text, root.get("d").unwrap()), "é");
    }

    #[test]
    fn collections_know_where_they_are() {
        let text =
            "ü: 1\nimages:\n  - name: web   # the app\n    newTag: \"1\"\nflow: {a: [1, 2]}\n";
        let root = parse(text).unwrap().unwrap();
        let images = root.get("images").unwrap();
        assert!(!images.flow);
        assert_eq!(
            slice(text, images),
            "- name: web   # the app\n    newTag: \"1\""
        );
        let flow = root.get("flow").unwrap();
        assert!(flow.flow);
        assert_eq!(slice(text, flow), "{a: [1, 2]}");
        assert_eq!(slice(text, flow.get("a").unwrap()), "[1, 2]");
    }

    #[test]
    fn only_the_first_document_is_read() {
        let text = "a: 1\n---\nb: 2\n";
        let root = parse(text).unwrap().unwrap();
        assert_eq!(root.get("a").and_then(Node::as_str), Some("1"));
        assert!(root.get("b").is_none());
        assert_eq!(parse("").unwrap(), None);
        assert!(parse("a: [\n").is_err());
    }
}
