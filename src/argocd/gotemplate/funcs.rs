//! The functions a template can call: text/template's builtins, sprig's
//! (minus `env`, `expandenv`, `getHostByName`, as Argo CD removes them)
//! and Argo CD's own (`normalize`, `slugify`, `toYaml`, `fromYaml`,
//! `fromYamlArray`). Helpers here convert arguments the way Go's typed
//! parameters accept them.

use super::printf::sprintf;
use super::value::{GoValue, SharedMap, sprint};
use super::{
    argo_funcs, sprig_data, sprig_lists, sprig_misc, sprig_numbers, sprig_semver, sprig_strings,
};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

/// Why a call failed: Go reports argument problems as they are and
/// errors returned by the function as "error calling NAME: …".
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    Args(String),
    Failed(String),
}

pub type Func = fn(&[GoValue]) -> Result<GoValue, CallError>;
pub type CallResult = Result<GoValue, CallError>;

/// The function named `name`, if templates may call it.
pub fn lookup(name: &str) -> Option<Func> {
    static TABLE: OnceLock<HashMap<&'static str, Func>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table: HashMap<&'static str, Func> = HashMap::new();
            for list in [
                BUILTINS,
                sprig_strings::FUNCS,
                sprig_numbers::FUNCS,
                sprig_lists::FUNCS,
                sprig_data::FUNCS,
                sprig_misc::FUNCS,
                sprig_semver::FUNCS,
                argo_funcs::FUNCS,
            ] {
                table.extend(list.iter().copied());
            }
            table
        })
        .get(name)
        .copied()
}

/// Whether `name` is callable (the parser refuses unknown names).
pub fn exists(name: &str) -> bool {
    name == "and" || name == "or" || lookup(name).is_some()
}

const BUILTINS: &[(&str, Func)] = &[
    ("not", not),
    ("len", len),
    ("index", index),
    ("print", print),
    ("println", println),
    ("printf", printf),
    ("eq", eq),
    ("ne", ne),
    ("lt", lt),
    ("le", le),
    ("gt", gt),
    ("ge", ge),
    ("html", html),
    ("js", js),
    ("urlquery", urlquery),
    ("call", call),
];

// ---- argument helpers -------------------------------------------------

/// Exactly `n` arguments.
pub fn want(name: &str, args: &[GoValue], n: usize) -> Result<(), CallError> {
    if args.len() == n {
        Ok(())
    } else {
        Err(CallError::Args(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )))
    }
}

/// At least `n` arguments (variadic functions).
pub fn want_at_least(name: &str, args: &[GoValue], n: usize) -> Result<(), CallError> {
    if args.len() >= n {
        Ok(())
    } else {
        Err(CallError::Args(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        )))
    }
}

fn wrong_type(expected: &str, v: &GoValue) -> CallError {
    match v {
        GoValue::Missing | GoValue::Nil => {
            CallError::Args(format!("invalid value; expected {expected}"))
        }
        v => CallError::Args(format!(
            "wrong type for value; expected {expected}; got {}",
            v.type_name()
        )),
    }
}

/// A `string` parameter.
pub fn string_arg(v: &GoValue) -> Result<String, CallError> {
    match v {
        GoValue::String(s) => Ok(s.clone()),
        v => Err(wrong_type("string", v)),
    }
}

/// An `int` parameter (whole float64 values are accepted too; Go takes
/// them only as constants).
pub fn int_arg(v: &GoValue) -> Result<i64, CallError> {
    match v {
        GoValue::Int(i) => Ok(*i),
        GoValue::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        v => Err(wrong_type("int", v)),
    }
}

/// A `bool` parameter.
pub fn bool_arg(v: &GoValue) -> Result<bool, CallError> {
    match v {
        GoValue::Bool(b) => Ok(*b),
        v => Err(wrong_type("bool", v)),
    }
}

/// A `map[string]interface{}` parameter.
pub fn map_arg(v: &GoValue) -> Result<SharedMap, CallError> {
    match v {
        GoValue::Map(m) => Ok(m.clone()),
        v => Err(wrong_type("map[string]interface {}", v)),
    }
}

pub fn failed(message: impl Into<String>) -> CallError {
    CallError::Failed(message.into())
}

pub fn ok_str(s: impl Into<String>) -> CallResult {
    Ok(GoValue::String(s.into()))
}

// ---- builtins ----------------------------------------------------------

fn not(args: &[GoValue]) -> CallResult {
    want("not", args, 1)?;
    Ok(GoValue::Bool(!args[0].is_true()))
}

fn len(args: &[GoValue]) -> CallResult {
    want("len", args, 1)?;
    match &args[0] {
        GoValue::String(s) => Ok(GoValue::Int(s.len() as i64)),
        GoValue::List(l) => Ok(GoValue::Int(l.len() as i64)),
        GoValue::Map(m) => Ok(GoValue::Int(m.borrow().len() as i64)),
        GoValue::Nil | GoValue::Missing => Err(failed("len of nil pointer")),
        other => Err(failed(format!("len of type {}", other.type_name()))),
    }
}

fn index(args: &[GoValue]) -> CallResult {
    want_at_least("index", args, 1)?;
    let mut item = args[0].clone();
    for key in &args[1..] {
        item = match (&item, key) {
            (GoValue::Nil | GoValue::Missing, _) => return Err(failed("index of untyped nil")),
            (GoValue::List(list), GoValue::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| list.get(i)) {
                    Some(v) => v.clone(),
                    None => return Err(failed(format!("index out of range: {i}"))),
                }
            }
            (GoValue::String(s), GoValue::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| s.as_bytes().get(i)) {
                    Some(b) => GoValue::Int(i64::from(*b)),
                    None => return Err(failed(format!("index out of range: {i}"))),
                }
            }
            (GoValue::List(_) | GoValue::String(_), k) => {
                return Err(failed(format!(
                    "cannot index slice/array with type {}",
                    k.type_name()
                )));
            }
            (GoValue::Map(map), GoValue::String(k)) => {
                map.borrow().get(k).cloned().unwrap_or(GoValue::Nil)
            }
            (GoValue::Map(_), k) => {
                return Err(failed(format!(
                    "value has type {}; should be string",
                    k.type_name()
                )));
            }
            (other, _) => {
                return Err(failed(format!(
                    "can't index item of type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(item)
}

/// `fmt.Sprint`: a space between operands when neither is a string.
pub fn sprint_all(args: &[GoValue]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, GoValue::String(_)) && !matches!(args[i - 1], GoValue::String(_)) {
            out.push(' ');
        }
        out.push_str(&sprint_arg(a));
    }
    out
}

/// `%v` of a function argument (missing values arrive as nil).
fn sprint_arg(a: &GoValue) -> String {
    match a {
        GoValue::Missing => "<nil>".into(),
        a => sprint(a),
    }
}

fn print(args: &[GoValue]) -> CallResult {
    ok_str(sprint_all(args))
}

fn println(args: &[GoValue]) -> CallResult {
    let parts: Vec<String> = args.iter().map(sprint_arg).collect();
    ok_str(format!("{}\n", parts.join(" ")))
}

fn printf(args: &[GoValue]) -> CallResult {
    want_at_least("printf", args, 1)?;
    ok_str(sprintf(&string_arg(&args[0])?, &args[1..]))
}

/// Go's basic kinds for comparison.
#[derive(PartialEq)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Nil,
    Other,
}

fn kind(v: &GoValue) -> Kind {
    match v {
        GoValue::Bool(_) => Kind::Bool,
        GoValue::Int(_) => Kind::Int,
        GoValue::Float(_) => Kind::Float,
        GoValue::String(_) => Kind::Str,
        GoValue::Nil | GoValue::Missing => Kind::Nil,
        _ => Kind::Other,
    }
}

fn equal(a: &GoValue, b: &GoValue) -> Result<bool, CallError> {
    let (ka, kb) = (kind(a), kind(b));
    if ka == Kind::Nil || kb == Kind::Nil {
        return Ok(ka == kb);
    }
    if ka != kb {
        return Err(failed("incompatible types for comparison"));
    }
    Ok(match (a, b) {
        (GoValue::Bool(x), GoValue::Bool(y)) => x == y,
        (GoValue::Int(x), GoValue::Int(y)) => x == y,
        (GoValue::Float(x), GoValue::Float(y)) => x == y,
        (GoValue::String(x), GoValue::String(y)) => x == y,
        (a, _) => {
            return Err(failed(format!(
                "non-comparable type {}: {}",
                sprint(a),
                a.type_name()
            )));
        }
    })
}

fn eq(args: &[GoValue]) -> CallResult {
    want_at_least("eq", args, 1)?;
    if args.len() == 1 {
        return Err(failed("missing argument for comparison"));
    }
    for other in &args[1..] {
        if equal(&args[0], other)? {
            return Ok(GoValue::Bool(true));
        }
    }
    Ok(GoValue::Bool(false))
}

fn ne(args: &[GoValue]) -> CallResult {
    want("ne", args, 2)?;
    Ok(GoValue::Bool(!equal(&args[0], &args[1])?))
}

fn less(a: &GoValue, b: &GoValue) -> Result<bool, CallError> {
    match (a, b) {
        (GoValue::Int(x), GoValue::Int(y)) => Ok(x < y),
        (GoValue::Float(x), GoValue::Float(y)) => Ok(x < y),
        (GoValue::String(x), GoValue::String(y)) => Ok(x < y),
        (a, b)
            if matches!(kind(a), Kind::Bool | Kind::Nil | Kind::Other)
                || matches!(kind(b), Kind::Bool | Kind::Nil | Kind::Other) =>
        {
            Err(failed("invalid type for comparison"))
        }
        _ => Err(failed("incompatible types for comparison")),
    }
}

fn lt(args: &[GoValue]) -> CallResult {
    want("lt", args, 2)?;
    Ok(GoValue::Bool(less(&args[0], &args[1])?))
}

fn le(args: &[GoValue]) -> CallResult {
    want("le", args, 2)?;
    Ok(GoValue::Bool(
        less(&args[0], &args[1])? || equal(&args[0], &args[1])?,
    ))
}

fn gt(args: &[GoValue]) -> CallResult {
    want("gt", args, 2)?;
    Ok(GoValue::Bool(
        !(less(&args[0], &args[1])? || equal(&args[0], &args[1])?),
    ))
}

fn ge(args: &[GoValue]) -> CallResult {
    want("ge", args, 2)?;
    Ok(GoValue::Bool(!less(&args[0], &args[1])?))
}

fn html(args: &[GoValue]) -> CallResult {
    let text = sprint_all(args);
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    ok_str(out)
}

fn js(args: &[GoValue]) -> CallResult {
    let text = sprint_all(args);
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\u000A"),
            '\r' => out.push_str("\\u000D"),
            '\t' => out.push_str("\\u0009"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    ok_str(out)
}

/// `url.QueryEscape` of the printed arguments.
fn urlquery(args: &[GoValue]) -> CallResult {
    ok_str(query_escape(&sprint_all(args)))
}

pub fn query_escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn call(args: &[GoValue]) -> CallResult {
    want_at_least("call", args, 1)?;
    match &args[0] {
        GoValue::Nil | GoValue::Missing => Err(failed("call of nil")),
        other => Err(failed(format!(
            "non-function {} of type {}",
            sprint(other),
            other.type_name()
        ))),
    }
}

/// A list value from items.
pub fn list(items: Vec<GoValue>) -> GoValue {
    GoValue::List(Rc::new(items))
}
