//! The parse tree of a template and Go's printing of its nodes (used in
//! error messages).

use std::collections::BTreeMap;

/// A parsed template: the main body and the templates it defines.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub root: Vec<Node>,
    pub defines: BTreeMap<String, Vec<Node>>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Text(String),
    Action(Pipe),
    If(Control),
    With(Control),
    Range(Control),
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub struct Control {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Vec<Node>,
}

/// `$a, $b := cmd | cmd`.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub pos: usize,
    pub kind: ArgKind,
}

#[derive(Debug, Clone)]
pub enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    /// A number constant as written.
    Number(String),
    Char(char),
    Str(String),
    /// `.a.b`
    Field(Vec<String>),
    /// `$x.a.b` (name with `$`, then fields)
    Variable(String, Vec<String>),
    /// A function name.
    Ident(String),
    /// `(pipeline)`
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b` or `f.a` — fields on another operand.
    Chain(Box<Arg>, Vec<String>),
}

impl Arg {
    /// The argument as Go prints a node (`.a.b`, `$x`, `"s"`, `(f .x)`).
    pub fn text(&self) -> String {
        match &self.kind {
            ArgKind::Dot => ".".into(),
            ArgKind::Nil => "nil".into(),
            ArgKind::Bool(b) => b.to_string(),
            ArgKind::Number(n) => n.clone(),
            ArgKind::Char(c) => format!("{c:?}"),
            ArgKind::Str(s) => go_quote(s),
            ArgKind::Field(f) => f.iter().map(|f| format!(".{f}")).collect(),
            ArgKind::Variable(v, f) => format!(
                "{v}{}",
                f.iter().map(|f| format!(".{f}")).collect::<String>()
            ),
            ArgKind::Ident(i) => i.clone(),
            ArgKind::Pipe(p) => format!("({})", p.text()),
            ArgKind::Chain(base, f) => format!(
                "{}{}",
                base.text(),
                f.iter().map(|f| format!(".{f}")).collect::<String>()
            ),
        }
    }
}

impl Command {
    pub fn text(&self) -> String {
        self.args
            .iter()
            .map(Arg::text)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Pipe {
    pub fn text(&self) -> String {
        let cmds = self
            .cmds
            .iter()
            .map(Command::text)
            .collect::<Vec<_>>()
            .join(" | ");
        if self.decl.is_empty() {
            cmds
        } else {
            format!(
                "{} {} {cmds}",
                self.decl.join(", "),
                if self.is_assign { "=" } else { ":=" }
            )
        }
    }
}

/// Go's `strconv.Quote` for the characters templates hold.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
