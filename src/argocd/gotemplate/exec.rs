//! Executing a parsed template as Go's text/template does: field and
//! map access with the `missingkey` option, short-circuit `and`/`or`,
//! ranges over lists, sorted maps and integers, variables with scopes,
//! `break`/`continue`, named templates.

use super::ast::{Arg, ArgKind, Command, Control, Node, Pipe, Tree};
use super::funcs::{self, Func};
use super::value::{GoValue, sprint};
use super::{MissingKey, Options};

/// An execution error: where (byte offset, node text) and what.
#[derive(Debug, Clone)]
pub struct ExecError {
    pub template: String,
    pub pos: usize,
    pub context: String,
    pub message: String,
}

type R<T> = Result<T, ExecError>;

enum Flow {
    Normal,
    Break,
    Continue,
}

const MAX_DEPTH: usize = 1000;

pub struct Exec<'a> {
    tree: &'a Tree,
    options: &'a Options,
    template: String,
    vars: Vec<(String, GoValue)>,
    out: String,
    depth: usize,
    /// Node of the last step, for error messages.
    at: (usize, String),
}

impl<'a> Exec<'a> {
    pub fn new(tree: &'a Tree, options: &'a Options, name: &str) -> Self {
        Self {
            tree,
            options,
            template: name.to_string(),
            vars: Vec::new(),
            out: String::new(),
            depth: 0,
            at: (0, String::new()),
        }
    }

    /// Runs the main body with `data` as `.` and `$`.
    pub fn run(mut self, data: GoValue) -> R<String> {
        self.vars.push(("$".to_string(), data.clone()));
        let root = &self.tree.root;
        self.walk_list(root, &data)?;
        Ok(self.out)
    }

    fn at(&mut self, pos: usize, context: String) {
        self.at = (pos, context);
    }

    fn fail<T>(&self, message: impl Into<String>) -> R<T> {
        Err(ExecError {
            template: self.template.clone(),
            pos: self.at.0,
            context: self.at.1.clone(),
            message: message.into(),
        })
    }

    fn walk_list(&mut self, nodes: &'a [Node], dot: &GoValue) -> R<Flow> {
        for node in nodes {
            match self.walk(node, dot)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, node: &'a Node, dot: &GoValue) -> R<Flow> {
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Action(pipe) => {
                let value = self.pipeline(pipe, dot)?;
                if pipe.decl.is_empty() {
                    self.out.push_str(&sprint(&value));
                }
            }
            Node::If(c) | Node::With(c) => {
                let mark = self.vars.len();
                let value = self.pipeline(&c.pipe, dot)?;
                let flow = if value.is_true() {
                    let new_dot = if matches!(node, Node::With(_)) {
                        value
                    } else {
                        dot.clone()
                    };
                    self.walk_list(&c.list, &new_dot)?
                } else {
                    self.walk_list(&c.else_list, dot)?
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range(c) => return self.range(c, dot),
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
            Node::Template { pos, name, pipe } => {
                self.at(*pos, format!("template {name:?}"));
                let value = match pipe {
                    Some(p) => self.pipeline(p, dot)?,
                    None => GoValue::Nil,
                };
                let Some(body) = self.tree.defines.get(name) else {
                    return self.fail(format!("no such template {name:?}"));
                };
                if self.depth >= MAX_DEPTH {
                    return self.fail(format!("exceeded maximum template depth ({MAX_DEPTH})"));
                }
                let saved_vars =
                    std::mem::replace(&mut self.vars, vec![("$".to_string(), value.clone())]);
                let saved_name = std::mem::replace(&mut self.template, name.clone());
                self.depth += 1;
                let result = self.walk_list(body, &value);
                self.depth -= 1;
                self.template = saved_name;
                self.vars = saved_vars;
                result?;
            }
        }
        Ok(Flow::Normal)
    }

    fn range(&mut self, c: &'a Control, dot: &GoValue) -> R<Flow> {
        let mark = self.vars.len();
        self.at(c.pipe.pos, c.pipe.text());
        let value = self.pipeline_no_decl(&c.pipe, dot)?;
        let items: Vec<(GoValue, GoValue)> = match &value {
            GoValue::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (GoValue::Int(i as i64), v.clone()))
                .collect(),
            GoValue::Map(map) => map
                .borrow()
                .iter()
                .map(|(k, v)| (GoValue::str(k.clone()), v.clone()))
                .collect(),
            GoValue::Int(n) => {
                if c.pipe.decl.len() > 1 {
                    return self.fail(format!(
                        "can't use {n} to iterate over more than one variable"
                    ));
                }
                (0..*n)
                    .map(|i| (GoValue::Int(i), GoValue::Int(i)))
                    .collect()
            }
            GoValue::Missing => Vec::new(),
            other => return self.fail(format!("range can't iterate over {}", sprint(other))),
        };
        let empty = items.is_empty();
        for (key, item) in items {
            let inner = self.vars.len();
            match c.pipe.decl.as_slice() {
                [one] => self.declare(one, item.clone(), c.pipe.is_assign),
                [k, v] => {
                    self.declare(k, key, c.pipe.is_assign);
                    self.declare(v, item.clone(), c.pipe.is_assign);
                }
                _ => {}
            }
            let flow = self.walk_list(&c.list, &item)?;
            self.vars.truncate(inner);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        if empty {
            self.walk_list(&c.else_list, dot)?;
        }
        self.vars.truncate(mark);
        Ok(Flow::Normal)
    }

    fn declare(&mut self, name: &str, value: GoValue, assign: bool) {
        if assign {
            if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                slot.1 = value;
            }
        } else {
            self.vars.push((name.to_string(), value));
        }
    }

    /// A range pipeline: its variables are set per iteration, not here.
    fn pipeline_no_decl(&mut self, pipe: &'a Pipe, dot: &GoValue) -> R<GoValue> {
        let mut value = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(cmd, dot, value)?);
        }
        Ok(value.unwrap_or(GoValue::Missing))
    }

    fn pipeline(&mut self, pipe: &'a Pipe, dot: &GoValue) -> R<GoValue> {
        self.at(pipe.pos, pipe.text());
        let value = self.pipeline_no_decl(pipe, dot)?;
        for name in &pipe.decl {
            self.declare(name, value.clone(), pipe.is_assign);
        }
        Ok(value)
    }

    fn command(&mut self, cmd: &'a Command, dot: &GoValue, last: Option<GoValue>) -> R<GoValue> {
        let first = &cmd.args[0];
        let has_args = cmd.args.len() > 1 || last.is_some();
        match &first.kind {
            ArgKind::Field(fields) => {
                self.at(first.pos, first.text());
                self.field_chain(dot, fields, has_args)
            }
            ArgKind::Variable(name, fields) => {
                self.at(first.pos, first.text());
                let value = self.variable(name)?;
                if fields.is_empty() {
                    if has_args {
                        return self.fail(format!(
                            "can't give argument to non-function {}",
                            first.text()
                        ));
                    }
                    return Ok(value);
                }
                self.field_chain(&value, fields, has_args)
            }
            ArgKind::Chain(base, fields) => {
                let value = self.arg(base, dot)?;
                self.at(first.pos, first.text());
                if matches!(base.kind, ArgKind::Nil) {
                    return self.fail("indirection through explicit nil");
                }
                self.field_chain(&value, fields, has_args)
            }
            ArgKind::Ident(name) => {
                self.call(name, &cmd.args[1..], (cmd.pos, cmd.text()), dot, last)
            }
            _ => {
                self.at(first.pos, first.text());
                if has_args {
                    return self.fail(format!(
                        "can't give argument to non-function {}",
                        first.text()
                    ));
                }
                if matches!(first.kind, ArgKind::Nil) {
                    return self.fail("nil is not a command");
                }
                self.arg(first, dot)
            }
        }
    }

    fn variable(&self, name: &str) -> R<GoValue> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.fail(format!("undefined variable: {name}")),
        }
    }

    fn field_chain(&mut self, receiver: &GoValue, fields: &[String], has_args: bool) -> R<GoValue> {
        let mut value = receiver.clone();
        let mut type_name = match receiver {
            GoValue::Map(_) => "map[string]interface {}",
            _ => "interface {}",
        };
        for (i, field) in fields.iter().enumerate() {
            let last = i + 1 == fields.len();
            value = self.field(&value, field, type_name, last && has_args)?;
            type_name = "interface {}";
        }
        Ok(value)
    }

    fn field(&self, receiver: &GoValue, name: &str, type_name: &str, has_args: bool) -> R<GoValue> {
        match receiver {
            GoValue::Missing => {
                if self.options.missing_key == MissingKey::Error {
                    return self.fail(format!("nil data; no entry for key {name:?}"));
                }
                Ok(GoValue::Missing)
            }
            GoValue::Nil => self.fail(format!("nil pointer evaluating {type_name}.{name}")),
            GoValue::Map(map) => {
                if has_args {
                    return self.fail(format!("{name} is not a method but has arguments"));
                }
                match map.borrow().get(name) {
                    Some(v) => Ok(v.clone()),
                    None => match self.options.missing_key {
                        MissingKey::Default => Ok(GoValue::Missing),
                        MissingKey::Zero => Ok(GoValue::Nil),
                        MissingKey::Error => {
                            self.fail(format!("map has no entry for key {name:?}"))
                        }
                    },
                }
            }
            _ => self.fail(format!("can't evaluate field {name} in type {type_name}")),
        }
    }

    /// The value of an argument (functions named alone are called).
    fn arg(&mut self, arg: &'a Arg, dot: &GoValue) -> R<GoValue> {
        self.at(arg.pos, arg.text());
        match &arg.kind {
            ArgKind::Dot => Ok(dot.clone()),
            ArgKind::Nil => Ok(GoValue::Nil),
            ArgKind::Bool(b) => Ok(GoValue::Bool(*b)),
            ArgKind::Str(s) => Ok(GoValue::str(s.clone())),
            ArgKind::Char(c) => Ok(GoValue::Int(*c as i64)),
            ArgKind::Number(n) => match number_constant(n) {
                Some(v) => Ok(v),
                None => self.fail(format!("illegal number syntax: {n:?}")),
            },
            ArgKind::Field(fields) => self.field_chain(dot, fields, false),
            ArgKind::Variable(name, fields) => {
                let value = self.variable(name)?;
                if fields.is_empty() {
                    Ok(value)
                } else {
                    self.field_chain(&value, fields, false)
                }
            }
            // A function used as an argument is called without arguments.
            ArgKind::Ident(name) => self.call(name, &[], (arg.pos, arg.text()), dot, None),
            ArgKind::Pipe(pipe) => {
                let mark = self.vars.len();
                let v = self.pipeline(pipe, dot);
                self.vars.truncate(mark);
                v
            }
            ArgKind::Chain(base, fields) => {
                let value = self.arg(base, dot)?;
                self.at(arg.pos, arg.text());
                self.field_chain(&value, fields, false)
            }
        }
    }

    /// Calls function `name` with `args` (and the piped `last` value);
    /// `node` is the command, for error messages.
    fn call(
        &mut self,
        name: &str,
        args: &'a [Arg],
        node: (usize, String),
        dot: &GoValue,
        last: Option<GoValue>,
    ) -> R<GoValue> {
        if name == "and" || name == "or" {
            if args.is_empty() && last.is_none() {
                self.at(node.0, node.1);
                return self.fail(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            }
            let mut value = GoValue::Missing;
            for a in args {
                value = self.arg(a, dot)?;
                if value.is_true() == (name == "or") {
                    return Ok(value);
                }
            }
            return Ok(last.unwrap_or(value));
        }
        let Some(func) = funcs::lookup(name) else {
            self.at(node.0, name.to_string());
            return self.fail(format!("{name:?} is not a defined function"));
        };
        let mut values = Vec::with_capacity(args.len() + 1);
        for a in args {
            let v = self.arg(a, dot)?;
            // A missing value reaches a function as a nil interface.
            values.push(if matches!(v, GoValue::Missing) {
                GoValue::Nil
            } else {
                v
            });
        }
        if let Some(last) = last {
            values.push(if matches!(last, GoValue::Missing) {
                GoValue::Nil
            } else {
                last
            });
        }
        self.at(node.0, node.1);
        self.invoke(name, func, &values)
    }

    fn invoke(&self, name: &str, func: Func, values: &[GoValue]) -> R<GoValue> {
        match func(values) {
            Ok(v) => Ok(v),
            Err(funcs::CallError::Args(message)) => self.fail(message),
            Err(funcs::CallError::Failed(message)) => {
                self.fail(format!("error calling {name}: {message}"))
            }
        }
    }
}

/// A number constant as text/template types it when the parameter is
/// `interface{}`: integers are `int`; numbers with `.`, `e` or `p` (not
/// hex integers) are `float64`; character constants are their code.
pub fn number_constant(text: &str) -> Option<GoValue> {
    let clean = text.replace('_', "");
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    let lower = digits.to_ascii_lowercase();
    let int = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if let Some(bin) = lower.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.chars().all(|c| c.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else if lower.chars().all(|c| c.is_ascii_digit()) && !lower.is_empty() {
        lower.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Some(GoValue::Int(if negative { -i } else { i }));
    }
    if lower.starts_with("0x") {
        return None;
    }
    let f: f64 = lower.parse().ok()?;
    Some(GoValue::Float(if negative { -f } else { f }))
}
