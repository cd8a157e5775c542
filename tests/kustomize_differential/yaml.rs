//! A small YAML writer with random styles: block or flow collections,
//! plain, single- or double-quoted scalars, literal blocks for multi-line
//! text, comments, anchors and aliases. The value written is always the
//! one the node describes (or, for [`Node::Raw`], the text as written).

use rand::Rng;
use rand::rngs::StdRng;

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string (quoted when plain would read as something else).
    Str(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Null.
    Null,
    /// A plain scalar written exactly as given (`yes`, `0644`, `1e3`).
    Raw(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A string node.
    pub fn s(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    /// A mapping from pairs.
    pub fn map<K: Into<String>>(pairs: Vec<(K, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value of key `k` of a mapping.
    pub fn get(&self, k: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(key, _)| key == k).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets key `k` of a mapping (appending it when new).
    pub fn set(&mut self, k: &str, v: Node) {
        if let Node::Map(m) = self {
            match m.iter_mut().find(|(key, _)| key == k) {
                Some((_, old)) => *old = v,
                None => m.push((k.to_string(), v)),
            }
        }
    }

    /// The string value, if a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// How adventurous the writer may be.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Flow collections (`{a: b}`, `[x]`).
    pub flow: bool,
    /// Comments between and after entries.
    pub comments: bool,
    /// Anchors on repeated scalars and aliases to them.
    pub anchors: bool,
    /// Quoting styles other than the plainest.
    pub quoting: bool,
}

impl Style {
    /// A random style.
    pub fn random(rng: &mut StdRng, odd: bool) -> Style {
        Style {
            flow: odd && rng.random_bool(0.3),
            comments: odd && rng.random_bool(0.3),
            anchors: odd && rng.random_bool(0.2),
            quoting: odd && rng.random_bool(0.5),
        }
    }

    /// The plainest style.
    pub fn plain() -> Style {
        Style {
            flow: false,
            comments: false,
            anchors: false,
            quoting: false,
        }
    }
}

/// Writes `node` as a YAML document (without `---`).
pub fn to_yaml(node: &Node, rng: &mut StdRng, style: Style) -> String {
    let mut w = Writer {
        rng,
        style,
        out: String::new(),
        anchors: Vec::new(),
        next_anchor: 0,
    };
    if w.style.comments && w.rng.random_bool(0.3) {
        w.out.push_str("# generated\n");
    }
    w.top(node);
    w.out
}

struct Writer<'a> {
    rng: &'a mut StdRng,
    style: Style,
    out: String,
    /// (scalar text as written, anchor name) of anchored scalars.
    anchors: Vec<(String, String)>,
    next_anchor: usize,
}

impl Writer<'_> {
    fn top(&mut self, node: &Node) {
        match node {
            Node::Map(m) if !m.is_empty() => self.block_map(m, 0),
            Node::Seq(s) if !s.is_empty() => self.block_seq(s, 0),
            other => {
                let text = self.flow_node(other);
                self.out.push_str(&text);
                self.out.push('\n');
            }
        }
    }

    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn comment_line(&mut self, indent: usize) {
        if self.style.comments && self.rng.random_bool(0.08) {
            self.indent(indent);
            self.out.push_str("# note\n");
        }
    }

    fn trailing_comment(&mut self) {
        if self.style.comments && self.rng.random_bool(0.08) {
            self.out.push_str(" # trailing");
        }
    }

    fn key(&mut self, k: &str) -> String {
        if is_safe_plain(k) && !(self.style.quoting && self.rng.random_bool(0.1)) {
            k.to_string()
        } else if !k.contains('\n') && is_printable(k) && self.rng.random_bool(0.5) {
            single_quoted(k)
        } else {
            double_quoted(k)
        }
    }

    fn use_flow(&mut self, node: &Node) -> bool {
        let small = match node {
            Node::Map(m) => m.len() <= 4 && m.iter().all(|(_, v)| is_flat(v)),
            Node::Seq(s) => s.len() <= 5 && s.iter().all(is_flat),
            _ => false,
        };
        let empty = matches!(node, Node::Map(m) if m.is_empty())
            || matches!(node, Node::Seq(s) if s.is_empty());
        empty || (self.style.flow && small && self.rng.random_bool(0.4))
    }

    fn block_map(&mut self, m: &[(String, Node)], indent: usize) {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 || indent > 0 {
                self.comment_line(indent);
            }
            if i > 0 || indent > 0 {
                self.indent(indent);
            }
            let key = self.key(k);
            self.out.push_str(&key);
            self.out.push(':');
            self.value_after_key(v, indent, false);
        }
    }

    /// Writes a value after `key:` (or `- ` when `in_seq`) at `indent`.
    fn value_after_key(&mut self, v: &Node, indent: usize, in_seq: bool) {
        match v {
            Node::Map(m) if !self.use_flow(v) => {
                self.trailing_comment();
                self.out.push('\n');
                self.block_map(m, indent + 2);
            }
            Node::Seq(s) if !self.use_flow(v) => {
                self.trailing_comment();
                self.out.push('\n');
                // Sequences under a key: indented or not, both are YAML.
                let extra = if in_seq || self.rng.random_bool(0.5) {
                    2
                } else {
                    0
                };
                self.block_seq(s, indent + extra);
            }
            Node::Str(s) if s.contains('\n') && self.block_scalar_ok(s) => {
                self.out.push(' ');
                self.block_scalar(s, indent + 2);
            }
            other => {
                let text = self.flow_node(other);
                if !text.is_empty() {
                    self.out.push(' ');
                }
                self.out.push_str(&text);
                self.trailing_comment();
                self.out.push('\n');
            }
        }
    }

    fn block_seq(&mut self, s: &[Node], indent: usize) {
        for item in s {
            self.comment_line(indent);
            self.indent(indent);
            self.out.push('-');
            match item {
                Node::Map(m) if !m.is_empty() && !self.use_flow(item) => {
                    self.out.push(' ');
                    let (k, v) = &m[0];
                    let key = self.key(k);
                    self.out.push_str(&key);
                    self.out.push(':');
                    self.value_after_key(v, indent + 2, false);
                    for (k, v) in &m[1..] {
                        self.comment_line(indent + 2);
                        self.indent(indent + 2);
                        let key = self.key(k);
                        self.out.push_str(&key);
                        self.out.push(':');
                        self.value_after_key(v, indent + 2, false);
                    }
                }
                other => self.value_after_key(other, indent, true),
            }
        }
    }

    fn block_scalar_ok(&self, s: &str) -> bool {
        let first = s.lines().next().unwrap_or("");
        !first.starts_with(' ')
            && !first.is_empty()
            && is_printable(s)
            && !s.contains('\r')
            && !s
                .lines()
                .any(|l| l.starts_with('\t') || l.trim().is_empty() && !l.is_empty())
    }

    fn block_scalar(&mut self, s: &str, indent: usize) {
        let trailing = s.len() - s.trim_end_matches('\n').len();
        let indicator = match trailing {
            0 => "|-",
            1 => "|",
            _ => "|+",
        };
        self.out.push_str(indicator);
        self.out.push('\n');
        let body = s.trim_end_matches('\n');
        for line in body.split('\n') {
            if !line.is_empty() {
                self.indent(indent);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        for _ in 1..trailing {
            self.out.push('\n');
        }
    }

    /// A node in flow style (scalars, or flow collections).
    fn flow_node(&mut self, node: &Node) -> String {
        match node {
            Node::Str(s) => self.scalar_str(s),
            Node::Int(i) => self.anchored(i.to_string()),
            Node::Bool(b) => {
                let text = match (b, self.style.quoting && self.rng.random_bool(0.2)) {
                    (true, false) => "true",
                    (false, false) => "false",
                    (true, true) => "True",
                    (false, true) => "FALSE",
                };
                text.to_string()
            }
            Node::Null => {
                let forms = ["null", "~", "Null", ""];
                if self.style.quoting {
                    forms[self.rng.random_range(0..forms.len())].to_string()
                } else {
                    "null".to_string()
                }
            }
            Node::Raw(t) => t.clone(),
            Node::Seq(s) => {
                let items: Vec<String> = s.iter().map(|i| self.flow_item(i)).collect();
                format!("[{}]", items.join(", "))
            }
            Node::Map(m) => {
                let items: Vec<String> = m
                    .iter()
                    .map(|(k, v)| {
                        let key = flow_key(k);
                        let val = self.flow_item(v);
                        if val.is_empty() {
                            format!("{key}:")
                        } else {
                            format!("{key}: {val}")
                        }
                    })
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    /// A node inside a flow collection: plain only when flow-safe.
    fn flow_item(&mut self, node: &Node) -> String {
        match node {
            Node::Str(s) if !is_flow_safe(s) => double_quoted(s),
            Node::Raw(t)
                if t.is_empty()
                    || t.contains([',', '[', ']', '{', '}', '#'])
                    || t.contains(": ") =>
            {
                double_quoted(t)
            }
            Node::Null => "null".into(),
            other => self.flow_node(other),
        }
    }

    fn scalar_str(&mut self, s: &str) -> String {
        let plain_ok = is_safe_plain(s);
        let quoting = self.style.quoting;
        let text = if plain_ok && !(quoting && self.rng.random_bool(0.3)) {
            s.to_string()
        } else if !s.contains('\n') && is_printable(s) && quoting && self.rng.random_bool(0.5) {
            single_quoted(s)
        } else {
            double_quoted(s)
        };
        self.anchored(text)
    }

    /// Anchors a scalar the first time it is seen and aliases it after.
    fn anchored(&mut self, text: String) -> String {
        if !self.style.anchors || text.len() < 3 {
            return text;
        }
        if let Some((_, name)) = self.anchors.iter().find(|(t, _)| *t == text) {
            if self.rng.random_bool(0.7) {
                return format!("*{name}");
            }
            return text;
        }
        if self.rng.random_bool(0.3) {
            self.next_anchor += 1;
            let name = format!("a{}", self.next_anchor);
            self.anchors.push((text.clone(), name.clone()));
            return format!("&{name} {text}");
        }
        text
    }
}

fn is_flat(v: &Node) -> bool {
    !matches!(v, Node::Map(m) if !m.is_empty())
        && !matches!(v, Node::Seq(s) if !s.is_empty())
        && !matches!(v, Node::Str(s) if s.contains('\n'))
}

fn flow_key(k: &str) -> String {
    if is_flow_safe(k) {
        k.to_string()
    } else {
        double_quoted(k)
    }
}

/// Plain text that reads back as this same string in YAML 1.1 and 1.2.
pub fn is_safe_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    const WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    if WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=+@".contains(c))
        && !s.ends_with(':')
}

fn is_flow_safe(s: &str) -> bool {
    is_safe_plain(s) && !s.contains(['{', '}', '[', ']', ','])
}

fn is_printable(s: &str) -> bool {
    s.chars().all(|c| {
        c == '\n'
            || c == '\t'
            || (' '..='~').contains(&c)
            || ('\u{a0}'..='\u{fffd}').contains(&c) && c != '\u{feff}'
    })
}

/// `s` single-quoted.
pub fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `s` double-quoted with escapes.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Several documents as one stream, with random separators and empty
/// documents.
pub fn stream(docs: &[Node], rng: &mut StdRng, odd: bool) -> String {
    let mut out = String::new();
    if odd && rng.random_bool(0.2) {
        out.push_str("---\n");
    }
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
            if odd && rng.random_bool(0.1) {
                out.push_str("---\n");
            }
        }
        let style = Style::random(rng, odd);
        out.push_str(&to_yaml(doc, rng, style));
    }
    if odd && rng.random_bool(0.1) {
        out.push_str("---\n");
    }
    out
}

/// Writes `node` in a random style (odd or plain).
pub fn odd_yaml(node: &Node, rng: &mut StdRng, odd: bool) -> String {
    let style = Style::random(rng, odd);
    to_yaml(node, rng, style)
}
