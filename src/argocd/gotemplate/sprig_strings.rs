//! sprig's string functions.

use super::ast::go_quote;
use super::funcs::{
    CallResult, Func, failed, int_arg, list, ok_str, string_arg, want, want_at_least,
};
use super::sprig_case::{join_words, pascal_case, swapcase, title, untitle, wrap_custom};
use super::value::{GoValue, sprint};
use std::collections::BTreeMap;

pub const FUNCS: &[(&str, Func)] = &[
    ("abbrev", abbrev),
    ("abbrevboth", abbrevboth),
    ("trunc", trunc),
    ("trim", |a| {
        unary("trim", a, |s| {
            s.trim_matches(char::is_whitespace).to_string()
        })
    }),
    ("upper", |a| unary("upper", a, |s| s.to_uppercase())),
    ("lower", |a| unary("lower", a, |s| s.to_lowercase())),
    ("title", |a| unary("title", a, title)),
    ("untitle", |a| unary("untitle", a, untitle)),
    ("substr", substr),
    ("repeat", repeat),
    ("trimall", |a| {
        binary("trimall", a, |cut, s| {
            s.trim_matches(|c| cut.contains(c)).to_string()
        })
    }),
    ("trimAll", |a| {
        binary("trimAll", a, |cut, s| {
            s.trim_matches(|c| cut.contains(c)).to_string()
        })
    }),
    ("trimSuffix", |a| {
        binary("trimSuffix", a, |x, s| {
            s.strip_suffix(x).unwrap_or(s).to_string()
        })
    }),
    ("trimPrefix", |a| {
        binary("trimPrefix", a, |x, s| {
            s.strip_prefix(x).unwrap_or(s).to_string()
        })
    }),
    ("nospace", |a| {
        unary("nospace", a, |s| {
            s.chars().filter(|c| !c.is_whitespace()).collect()
        })
    }),
    ("initials", |a| {
        unary("initials", a, |s| {
            s.split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect()
        })
    }),
    ("swapcase", |a| unary("swapcase", a, swapcase)),
    ("snakecase", |a| {
        unary("snakecase", a, |s| join_words(s, "_"))
    }),
    ("kebabcase", |a| {
        unary("kebabcase", a, |s| join_words(s, "-"))
    }),
    ("camelcase", |a| unary("camelcase", a, pascal_case)),
    ("wrap", wrap),
    ("wrapWith", wrap_with),
    ("contains", |a| {
        predicate("contains", a, |sub, s| s.contains(sub))
    }),
    ("hasPrefix", |a| {
        predicate("hasPrefix", a, |p, s| s.starts_with(p))
    }),
    ("hasSuffix", |a| {
        predicate("hasSuffix", a, |p, s| s.ends_with(p))
    }),
    ("quote", quote),
    ("squote", squote),
    ("cat", cat),
    ("indent", indent),
    ("nindent", nindent),
    ("replace", replace),
    ("plural", plural),
    ("toString", |a| {
        want("toString", a, 1)?;
        ok_str(strval(&a[0]))
    }),
    ("toStrings", |a| {
        want("toStrings", a, 1)?;
        Ok(list(
            strslice(&a[0]).into_iter().map(GoValue::String).collect(),
        ))
    }),
    ("split", split),
    ("splitList", |a| {
        want("splitList", a, 2)?;
        let (sep, s) = (string_arg(&a[0])?, string_arg(&a[1])?);
        Ok(list(
            go_split(&s, &sep)
                .into_iter()
                .map(GoValue::String)
                .collect(),
        ))
    }),
    ("splitn", splitn),
    ("join", join),
    ("sortAlpha", sort_alpha),
];

fn unary(name: &str, a: &[GoValue], f: fn(&str) -> String) -> CallResult {
    want(name, a, 1)?;
    ok_str(f(&string_arg(&a[0])?))
}

fn binary(name: &str, a: &[GoValue], f: fn(&str, &str) -> String) -> CallResult {
    want(name, a, 2)?;
    ok_str(f(&string_arg(&a[0])?, &string_arg(&a[1])?))
}

fn predicate(name: &str, a: &[GoValue], f: fn(&str, &str) -> bool) -> CallResult {
    want(name, a, 2)?;
    Ok(GoValue::Bool(f(&string_arg(&a[0])?, &string_arg(&a[1])?)))
}

/// sprig's `strval`: strings as they are, anything else printed with `%v`.
pub fn strval(v: &GoValue) -> String {
    match v {
        GoValue::String(s) => s.clone(),
        GoValue::Missing | GoValue::Nil => "<nil>".into(),
        v => sprint(v),
    }
}

/// sprig's `strslice`: a list as strings (nil items dropped), nil as
/// empty, anything else as a one-item list.
pub fn strslice(v: &GoValue) -> Vec<String> {
    match v {
        GoValue::List(items) => items
            .iter()
            .filter(|i| !matches!(i, GoValue::Nil | GoValue::Missing))
            .map(strval)
            .collect(),
        GoValue::Nil | GoValue::Missing => Vec::new(),
        v => vec![strval(v)],
    }
}

/// Go's `strings.Split`: an empty separator splits into characters.
pub fn go_split(s: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return s.chars().map(String::from).collect();
    }
    s.split(sep).map(String::from).collect()
}

fn byte_slice(s: &str, from: usize, to: usize) -> Result<String, super::funcs::CallError> {
    let bytes = s.as_bytes();
    if from > to || to > bytes.len() {
        return Err(failed(format!(
            "runtime error: slice bounds out of range [{from}:{to}]"
        )));
    }
    Ok(String::from_utf8_lossy(&bytes[from..to]).into_owned())
}

fn abbreviate_full(s: &str, offset: i64, width: i64) -> Result<String, super::funcs::CallError> {
    let len = s.len() as i64;
    if s.is_empty() || len <= width {
        return Ok(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    if offset <= 4 {
        return Ok(format!("{}...", byte_slice(s, 0, (width - 3) as usize)?));
    }
    if offset + width - 3 < len {
        let rest = byte_slice(s, offset as usize, len as usize)?;
        return Ok(format!("...{}", abbreviate_full(&rest, 0, width - 3)?));
    }
    Ok(format!(
        "...{}",
        byte_slice(s, (len - (width - 3)) as usize, len as usize)?
    ))
}

fn abbrev(a: &[GoValue]) -> CallResult {
    want("abbrev", a, 2)?;
    let (width, s) = (int_arg(&a[0])?, string_arg(&a[1])?);
    if width < 4 {
        return ok_str(s);
    }
    ok_str(abbreviate_full(&s, 0, width)?)
}

fn abbrevboth(a: &[GoValue]) -> CallResult {
    want("abbrevboth", a, 3)?;
    let (left, right, s) = (int_arg(&a[0])?, int_arg(&a[1])?, string_arg(&a[2])?);
    if right < 4 || (left > 0 && right < 7) {
        return ok_str(s);
    }
    ok_str(abbreviate_full(&s, left, right)?)
}

fn trunc(a: &[GoValue]) -> CallResult {
    want("trunc", a, 2)?;
    let (c, s) = (int_arg(&a[0])?, string_arg(&a[1])?);
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return ok_str(byte_slice(&s, (len + c) as usize, len as usize)?);
    }
    if c >= 0 && len > c {
        return ok_str(byte_slice(&s, 0, c as usize)?);
    }
    ok_str(s)
}

fn substr(a: &[GoValue]) -> CallResult {
    want("substr", a, 3)?;
    let (start, end, s) = (int_arg(&a[0])?, int_arg(&a[1])?, string_arg(&a[2])?);
    let len = s.len() as i64;
    if start < 0 {
        return ok_str(byte_slice(&s, 0, end.max(0) as usize)?);
    }
    if end < 0 || end > len {
        return ok_str(byte_slice(&s, start as usize, len as usize)?);
    }
    ok_str(byte_slice(&s, start as usize, end as usize)?)
}

fn repeat(a: &[GoValue]) -> CallResult {
    want("repeat", a, 2)?;
    let (n, s) = (int_arg(&a[0])?, string_arg(&a[1])?);
    if n < 0 {
        return Err(failed("strings: negative Repeat count"));
    }
    ok_str(s.repeat(n as usize))
}

fn wrap(a: &[GoValue]) -> CallResult {
    want("wrap", a, 2)?;
    ok_str(wrap_custom(&string_arg(&a[1])?, int_arg(&a[0])?, "", false))
}

fn wrap_with(a: &[GoValue]) -> CallResult {
    want("wrapWith", a, 3)?;
    ok_str(wrap_custom(
        &string_arg(&a[2])?,
        int_arg(&a[0])?,
        &string_arg(&a[1])?,
        true,
    ))
}

fn quote(a: &[GoValue]) -> CallResult {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, GoValue::Nil | GoValue::Missing))
        .map(|v| go_quote(&strval(v)))
        .collect();
    ok_str(parts.join(" "))
}

fn squote(a: &[GoValue]) -> CallResult {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, GoValue::Nil | GoValue::Missing))
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    ok_str(parts.join(" "))
}

fn cat(a: &[GoValue]) -> CallResult {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, GoValue::Nil | GoValue::Missing))
        .map(strval)
        .collect();
    ok_str(parts.join(" "))
}

fn indent_text(n: i64, s: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

fn indent(a: &[GoValue]) -> CallResult {
    want("indent", a, 2)?;
    ok_str(indent_text(int_arg(&a[0])?, &string_arg(&a[1])?))
}

fn nindent(a: &[GoValue]) -> CallResult {
    want("nindent", a, 2)?;
    ok_str(format!(
        "\n{}",
        indent_text(int_arg(&a[0])?, &string_arg(&a[1])?)
    ))
}

fn replace(a: &[GoValue]) -> CallResult {
    want("replace", a, 3)?;
    let (old, new, s) = (string_arg(&a[0])?, string_arg(&a[1])?, string_arg(&a[2])?);
    if old.is_empty() {
        // Go inserts `new` before every character and at the end.
        let mut out = new.clone();
        for c in s.chars() {
            out.push(c);
            out.push_str(&new);
        }
        return ok_str(out);
    }
    ok_str(s.replace(&old, &new))
}

fn plural(a: &[GoValue]) -> CallResult {
    want("plural", a, 3)?;
    let (one, many, n) = (string_arg(&a[0])?, string_arg(&a[1])?, int_arg(&a[2])?);
    ok_str(if n == 1 { one } else { many })
}

fn split_map(parts: Vec<String>) -> GoValue {
    GoValue::map(
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), GoValue::String(p)))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn split(a: &[GoValue]) -> CallResult {
    want("split", a, 2)?;
    Ok(split_map(go_split(
        &string_arg(&a[1])?,
        &string_arg(&a[0])?,
    )))
}

fn splitn(a: &[GoValue]) -> CallResult {
    want("splitn", a, 3)?;
    let (sep, n, s) = (string_arg(&a[0])?, int_arg(&a[1])?, string_arg(&a[2])?);
    let parts: Vec<String> = match n {
        0 => Vec::new(),
        n if n < 0 => go_split(&s, &sep),
        n => s
            .splitn(n as usize, sep.as_str())
            .map(String::from)
            .collect(),
    };
    Ok(split_map(parts))
}

fn join(a: &[GoValue]) -> CallResult {
    want("join", a, 2)?;
    ok_str(strslice(&a[1]).join(&string_arg(&a[0])?))
}

fn sort_alpha(a: &[GoValue]) -> CallResult {
    want_at_least("sortAlpha", a, 1)?;
    let mut items = match &a[0] {
        GoValue::List(_) => strslice(&a[0]),
        other => vec![strval(other)],
    };
    items.sort();
    Ok(list(items.into_iter().map(GoValue::String).collect()))
}
