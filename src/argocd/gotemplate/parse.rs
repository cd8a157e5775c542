//! The parse tree of a template, built from [`super::lexer`] tokens with
//! Go's grammar: actions, pipelines with declarations, `if`/`else if`,
//! `range` (with `break`/`continue`), `with`/`else with`, `define`,
//! `template` and `block`.

use super::ast::{Arg, ArgKind, Command, Control, Node, Pipe, Tree};
use super::lexer::{Tok, Token, lex};

/// A parse error: byte offset and message.
pub type ParseError = (usize, String);

/// Nodes of a list and the keyword that ended it (`end`/`else` with its
/// position; None at the end of input).
type ListEnd = (Vec<Node>, Option<(usize, String)>);

/// Parses `text`; `funcs` says which function names exist.
pub fn parse(text: &str, funcs: &dyn Fn(&str) -> bool) -> Result<Tree, ParseError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        i: 0,
        funcs,
        vars: vec!["$".to_string()],
        range_depth: 0,
        tree: Tree::default(),
    };
    let (root, end) = p.list()?;
    if let Some((pos, word)) = end {
        return Err((pos, format!("unexpected {{{{{word}}}}}")));
    }
    p.tree.root = root;
    Ok(p.tree)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    i: usize,
    funcs: &'a dyn Fn(&str) -> bool,
    vars: Vec<String>,
    range_depth: usize,
    tree: Tree,
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
];

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.i.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        self.i += 1;
        t
    }

    fn skip_space(&mut self) {
        while self.peek().kind == Tok::Space {
            self.i += 1;
        }
    }

    fn next_non_space(&mut self) -> Token {
        self.skip_space();
        self.next()
    }

    fn expect(&mut self, kind: Tok, context: &str) -> Result<Token, ParseError> {
        let t = self.next_non_space();
        if t.kind == kind {
            Ok(t)
        } else {
            Err((
                t.pos,
                format!("unexpected {} in {context}", describe(&t.kind)),
            ))
        }
    }

    /// Nodes up to `{{end}}`, `{{else}}` or the end of input; returns which
    /// ended it (None = end of input) with the keyword's position. The
    /// `{{end}}`/`{{else}}` keyword is consumed, not its right delimiter for
    /// `else` (which may continue with `if`/`with`).
    fn list(&mut self) -> Result<ListEnd, ParseError> {
        let mut nodes = Vec::new();
        loop {
            let t = self.next();
            match t.kind {
                Tok::Eof => return Ok((nodes, None)),
                Tok::Text(s) => nodes.push(Node::Text(s)),
                Tok::LeftDelim => {
                    self.skip_space();
                    let word = match &self.peek().kind {
                        Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => Some(w.clone()),
                        _ => None,
                    };
                    match word.as_deref() {
                        Some(end @ ("end" | "else")) => {
                            let pos = self.next().pos;
                            return Ok((nodes, Some((pos, end.to_string()))));
                        }
                        Some(keyword) => {
                            let keyword = keyword.to_string();
                            self.next();
                            if let Some(node) = self.keyword(&keyword)? {
                                nodes.push(node);
                            }
                        }
                        None => {
                            let pipe = self.pipeline("command", false)?;
                            nodes.push(Node::Action(pipe));
                        }
                    }
                }
                other => return Err((t.pos, format!("unexpected {}", describe(&other)))),
            }
        }
    }

    fn keyword(&mut self, keyword: &str) -> Result<Option<Node>, ParseError> {
        let pos = self.tokens[self.i - 1].pos;
        Ok(Some(match keyword {
            "if" => Node::If(self.control("if")?),
            "with" => Node::With(self.control("with")?),
            "range" => Node::Range(self.control("range")?),
            "break" | "continue" => {
                if self.range_depth == 0 {
                    return Err((pos, format!("{{{{{keyword}}}}} outside {{{{range}}}}")));
                }
                self.expect(Tok::RightDelim, keyword)?;
                if keyword == "break" {
                    Node::Break
                } else {
                    Node::Continue
                }
            }
            "template" => {
                let name = self.template_name("template")?;
                let pipe = self.optional_pipe("template")?;
                Node::Template { pos, name, pipe }
            }
            "define" => {
                let name = self.template_name("define")?;
                self.expect(Tok::RightDelim, "define clause")?;
                let body = self.body("define")?;
                self.tree.defines.insert(name, body);
                return Ok(None);
            }
            "block" => {
                let name = self.template_name("block")?;
                let pipe = self.pipeline("block", false)?;
                let body = self.body("block")?;
                self.tree.defines.insert(name.clone(), body);
                Node::Template {
                    pos,
                    name,
                    pipe: Some(pipe),
                }
            }
            _ => return Err((pos, format!("unexpected keyword {keyword}"))),
        }))
    }

    /// The list of a `define`/`block` up to its `{{end}}`.
    fn body(&mut self, context: &str) -> Result<Vec<Node>, ParseError> {
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let (list, end) = self.list()?;
        self.vars = saved;
        match end {
            Some((_, e)) if e == "end" => {
                self.expect(Tok::RightDelim, "end")?;
                Ok(list)
            }
            Some((pos, e)) => Err((pos, format!("unexpected {{{{{e}}}}} in {context}"))),
            None => Err((self.peek().pos, "unexpected EOF".into())),
        }
    }

    fn template_name(&mut self, context: &str) -> Result<String, ParseError> {
        let t = self.next_non_space();
        match t.kind {
            Tok::Str(s) => Ok(s),
            other => Err((
                t.pos,
                format!("unexpected {} in {context} clause", describe(&other)),
            )),
        }
    }

    fn optional_pipe(&mut self, context: &str) -> Result<Option<Pipe>, ParseError> {
        self.skip_space();
        if self.peek().kind == Tok::RightDelim {
            self.next();
            return Ok(None);
        }
        Ok(Some(self.pipeline(context, false)?))
    }

    /// `if`/`with`/`range`: pipeline, list, optional else (or else-if /
    /// else-with chain), end.
    fn control(&mut self, context: &str) -> Result<Control, ParseError> {
        let mark = self.vars.len();
        let pipe = self.pipeline(context, context == "range")?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, end) = self.list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = Vec::new();
        match end {
            Some((_, e)) if e == "end" => {
                self.expect(Tok::RightDelim, "end")?;
            }
            Some((pos, _)) => {
                self.skip_space();
                let chained = matches!(&self.peek().kind, Tok::Ident(w) if (w == "if" && context == "if") || (w == "with" && context == "with"));
                if chained {
                    // `{{else if x}}…{{end}}` is an `if` inside the else
                    // branch that shares the outer `{{end}}`.
                    self.next();
                    let inner = self.control(context)?;
                    else_list.push(if context == "if" {
                        Node::If(inner)
                    } else {
                        Node::With(inner)
                    });
                } else {
                    self.expect(Tok::RightDelim, "else")?;
                    let (list, end) = self.list()?;
                    else_list = list;
                    match end {
                        Some((_, e)) if e == "end" => {
                            self.expect(Tok::RightDelim, "end")?;
                        }
                        Some((p, e)) => {
                            return Err((p, format!("unexpected {{{{{e}}}}} in {context}")));
                        }
                        None => return Err((pos, "unexpected EOF".into())),
                    }
                }
            }
            None => return Err((self.peek().pos, "unexpected EOF".into())),
        }
        self.vars.truncate(mark);
        Ok(Control {
            pipe,
            list,
            else_list,
        })
    }

    /// A pipeline up to `}}` (consumed). `range` allows `$i, $e :=`.
    fn pipeline(&mut self, context: &str, allow_two: bool) -> Result<Pipe, ParseError> {
        self.skip_space();
        let pos = self.peek().pos;
        let mut decl = Vec::new();
        let mut is_assign = false;
        // Look ahead for `$x :=`, `$x =`, `$i, $e :=`.
        let save = self.i;
        if let Tok::Variable(v) = &self.peek().kind {
            let v = v.clone();
            self.next();
            self.skip_space();
            match self.peek().kind.clone() {
                Tok::Declare | Tok::Assign => {
                    is_assign = self.next().kind == Tok::Assign;
                    decl.push(v);
                }
                Tok::Comma if allow_two => {
                    self.next();
                    self.skip_space();
                    let t = self.next();
                    let Tok::Variable(second) = t.kind else {
                        return Err((t.pos, "range can only initialize variables".to_string()));
                    };
                    self.skip_space();
                    let t = self.next();
                    match t.kind {
                        Tok::Declare => {}
                        Tok::Assign => is_assign = true,
                        _ => return Err((t.pos, "expected := or = in range".into())),
                    }
                    decl.push(v);
                    decl.push(second);
                }
                _ => self.i = save,
            }
        }
        for v in &decl {
            if is_assign {
                if !self.vars.contains(v) {
                    return Err((pos, format!("undefined variable \"{v}\"")));
                }
            } else {
                self.vars.push(v.clone());
            }
        }
        let mut cmds = Vec::new();
        loop {
            self.skip_space();
            let t = self.peek().clone();
            match t.kind {
                Tok::RightDelim | Tok::RParen => {
                    self.next();
                    if cmds.is_empty() {
                        return Err((t.pos, format!("missing value for {context}")));
                    }
                    if (t.kind == Tok::RParen) != (context == "parenthesized pipeline") {
                        return Err((
                            t.pos,
                            format!("unexpected {} in {context}", describe(&t.kind)),
                        ));
                    }
                    return Ok(Pipe {
                        pos,
                        decl,
                        is_assign,
                        cmds,
                    });
                }
                Tok::Pipe if !cmds.is_empty() => {
                    self.next();
                }
                Tok::Eof => return Err((t.pos, "unclosed action".into())),
                _ => cmds.push(self.command(context)?),
            }
        }
    }

    fn command(&mut self, context: &str) -> Result<Command, ParseError> {
        self.skip_space();
        let pos = self.peek().pos;
        let mut args = Vec::new();
        loop {
            match self.peek().kind {
                Tok::RightDelim | Tok::RParen | Tok::Pipe => break,
                Tok::Space => {
                    self.skip_space();
                    continue;
                }
                _ => {}
            }
            if !args.is_empty() && !matches!(self.tokens[self.i - 1].kind, Tok::Space) {
                let t = self.peek();
                return Err((t.pos, format!("missing space before {}", describe(&t.kind))));
            }
            args.push(self.operand()?);
        }
        if args.is_empty() {
            return Err((pos, format!("empty command in {context}")));
        }
        Ok(Command { pos, args })
    }

    fn operand(&mut self) -> Result<Arg, ParseError> {
        let term = self.term()?;
        let mut fields = Vec::new();
        // Go positions a chained node at its first trailing field.
        let pos = self.peek().pos;
        while let Tok::Field(f) = &self.peek().kind {
            fields.push(f.clone());
            self.next();
        }
        if fields.is_empty() {
            return Ok(term);
        }
        Ok(match term.kind {
            ArgKind::Field(mut base) => {
                base.extend(fields);
                Arg {
                    pos,
                    kind: ArgKind::Field(base),
                }
            }
            ArgKind::Variable(name, mut base) => {
                base.extend(fields);
                Arg {
                    pos,
                    kind: ArgKind::Variable(name, base),
                }
            }
            ArgKind::Bool(_)
            | ArgKind::Str(_)
            | ArgKind::Number(_)
            | ArgKind::Nil
            | ArgKind::Dot
            | ArgKind::Char(_) => {
                return Err((pos, format!("unexpected . after term {:?}", term.text())));
            }
            other => Arg {
                pos,
                kind: ArgKind::Chain(
                    Box::new(Arg {
                        pos: term.pos,
                        kind: other,
                    }),
                    fields,
                ),
            },
        })
    }

    fn term(&mut self) -> Result<Arg, ParseError> {
        let t = self.next();
        let pos = t.pos;
        let kind = match t.kind {
            Tok::Ident(name) => {
                if KEYWORDS.contains(&name.as_str()) || !(self.funcs)(&name) {
                    return Err((pos, format!("function \"{name}\" not defined")));
                }
                ArgKind::Ident(name)
            }
            Tok::Dot => ArgKind::Dot,
            Tok::Nil => ArgKind::Nil,
            Tok::Bool(b) => ArgKind::Bool(b),
            Tok::Number(n) => ArgKind::Number(n),
            Tok::Char(c) => ArgKind::Char(c),
            Tok::Str(s) => ArgKind::Str(s),
            Tok::Field(f) => ArgKind::Field(vec![f]),
            Tok::Variable(v) => {
                if !self.vars.contains(&v) {
                    return Err((pos, format!("undefined variable \"{v}\"")));
                }
                ArgKind::Variable(v, Vec::new())
            }
            Tok::LParen => ArgKind::Pipe(Box::new(self.pipeline("parenthesized pipeline", false)?)),
            other => return Err((pos, format!("unexpected {} in operand", describe(&other)))),
        };
        Ok(Arg { pos, kind })
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Text(_) => "text".into(),
        Tok::LeftDelim => "\"{{\"".into(),
        Tok::RightDelim => "\"}}\"".into(),
        Tok::Space => "space".into(),
        Tok::Ident(s) => format!("<{s}>"),
        Tok::Field(f) => format!("<.{f}>"),
        Tok::Variable(v) => format!("<{v}>"),
        Tok::Dot => "<.>".into(),
        Tok::Str(s) => format!("{s:?}"),
        Tok::Char(c) => format!("{c:?}"),
        Tok::Number(n) => n.clone(),
        Tok::Bool(b) => b.to_string(),
        Tok::Nil => "nil".into(),
        Tok::Pipe => "\"|\"".into(),
        Tok::Declare => "\":=\"".into(),
        Tok::Assign => "\"=\"".into(),
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::Eof => "EOF".into(),
    }
}
