//! sprig's path, regular expression and URL functions.

use super::funcs::{CallResult, Func, failed, int_arg, list, map_arg, ok_str, string_arg, want};
use super::sprig_strings::strval;
use super::value::GoValue;
use regex::Regex;
use std::collections::BTreeMap;

pub const FUNCS: &[(&str, Func)] = &[
    ("base", |a| path_fn("base", a, go_base)),
    ("dir", |a| path_fn("dir", a, go_dir)),
    ("clean", |a| path_fn("clean", a, go_clean)),
    ("ext", |a| path_fn("ext", a, go_ext)),
    ("isAbs", |a| {
        want("isAbs", a, 1)?;
        Ok(GoValue::Bool(string_arg(&a[0])?.starts_with('/')))
    }),
    ("osBase", |a| path_fn("osBase", a, go_base)),
    ("osDir", |a| path_fn("osDir", a, go_dir)),
    ("osClean", |a| path_fn("osClean", a, go_clean)),
    ("osExt", |a| path_fn("osExt", a, go_ext)),
    ("osIsAbs", |a| {
        want("osIsAbs", a, 1)?;
        Ok(GoValue::Bool(string_arg(&a[0])?.starts_with('/')))
    }),
    ("regexMatch", |a| {
        want("regexMatch", a, 2)?;
        Ok(GoValue::Bool(regex(&a[0]).ok().is_some_and(|re| {
            re.is_match(&string_arg(&a[1]).unwrap_or_default())
        })))
    }),
    ("mustRegexMatch", |a| {
        want("mustRegexMatch", a, 2)?;
        Ok(GoValue::Bool(regex(&a[0])?.is_match(&string_arg(&a[1])?)))
    }),
    ("regexFindAll", |a| find_all("regexFindAll", a, false)),
    ("mustRegexFindAll", |a| {
        find_all("mustRegexFindAll", a, true)
    }),
    ("regexFind", |a| find("regexFind", a, false)),
    ("mustRegexFind", |a| find("mustRegexFind", a, true)),
    ("regexReplaceAll", |a| {
        replace("regexReplaceAll", a, false, true)
    }),
    ("mustRegexReplaceAll", |a| {
        replace("mustRegexReplaceAll", a, true, true)
    }),
    ("regexReplaceAllLiteral", |a| {
        replace("regexReplaceAllLiteral", a, false, false)
    }),
    ("mustRegexReplaceAllLiteral", |a| {
        replace("mustRegexReplaceAllLiteral", a, true, false)
    }),
    ("regexSplit", |a| split("regexSplit", a, false)),
    ("mustRegexSplit", |a| split("mustRegexSplit", a, true)),
    ("regexQuoteMeta", |a| {
        want("regexQuoteMeta", a, 1)?;
        ok_str(regex::escape(&string_arg(&a[0])?))
    }),
    ("urlParse", url_parse),
    ("urlJoin", url_join),
];

fn path_fn(name: &str, a: &[GoValue], f: fn(&str) -> String) -> CallResult {
    want(name, a, 1)?;
    ok_str(f(&string_arg(&a[0])?))
}

/// Go's `path.Clean`.
pub fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
pub fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`.
pub fn go_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    go_clean(dir)
}

/// Go's `path.Ext`.
pub fn go_ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return p[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

fn regex(v: &GoValue) -> Result<Regex, super::funcs::CallError> {
    let pattern = string_arg(v)?;
    Regex::new(&pattern).map_err(|e| failed(format!("error parsing regexp: {e}")))
}

fn find_all(name: &str, a: &[GoValue], must: bool) -> CallResult {
    want(name, a, 3)?;
    let re = match regex(&a[0]) {
        Ok(re) => re,
        Err(e) if must => return Err(e),
        Err(_) => return Ok(list(Vec::new())),
    };
    let (s, n) = (string_arg(&a[1])?, int_arg(&a[2])?);
    let limit = if n < 0 { usize::MAX } else { n as usize };
    Ok(list(
        re.find_iter(&s)
            .take(limit)
            .map(|m| GoValue::str(m.as_str()))
            .collect(),
    ))
}

fn find(name: &str, a: &[GoValue], must: bool) -> CallResult {
    want(name, a, 2)?;
    let re = match regex(&a[0]) {
        Ok(re) => re,
        Err(e) if must => return Err(e),
        Err(_) => return ok_str(""),
    };
    let s = string_arg(&a[1])?;
    ok_str(
        re.find(&s)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
    )
}

fn replace(name: &str, a: &[GoValue], must: bool, expand: bool) -> CallResult {
    want(name, a, 3)?;
    let s = string_arg(&a[1])?;
    let re = match regex(&a[0]) {
        Ok(re) => re,
        Err(e) if must => return Err(e),
        Err(_) => return ok_str(s),
    };
    let repl = string_arg(&a[2])?;
    let out = if expand {
        re.replace_all(&s, repl.as_str()).into_owned()
    } else {
        re.replace_all(&s, regex::NoExpand(&repl)).into_owned()
    };
    ok_str(out)
}

fn split(name: &str, a: &[GoValue], must: bool) -> CallResult {
    want(name, a, 3)?;
    let re = match regex(&a[0]) {
        Ok(re) => re,
        Err(e) if must => return Err(e),
        Err(_) => return Ok(list(Vec::new())),
    };
    let (s, n) = (string_arg(&a[1])?, int_arg(&a[2])?);
    let parts: Vec<GoValue> = match n {
        0 => Vec::new(),
        n if n < 0 => re.split(&s).map(GoValue::str).collect(),
        n => re.splitn(&s, n as usize).map(GoValue::str).collect(),
    };
    Ok(list(parts))
}

/// sprig `urlParse`: scheme, host, hostname, path, query, opaque,
/// fragment and userinfo of a URL.
fn url_parse(a: &[GoValue]) -> CallResult {
    want("urlParse", a, 1)?;
    let text = string_arg(&a[0])?;
    let (rest, fragment) = text.split_once('#').unwrap_or((&text, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (scheme, rest) = match rest.split_once(':') {
        Some((s, r)) if !s.is_empty() && !s.contains('/') => (s.to_string(), r),
        _ => (String::new(), rest),
    };
    let (mut host, mut userinfo, mut path, mut opaque) =
        (String::new(), String::new(), String::new(), String::new());
    if let Some(after) = rest.strip_prefix("//") {
        let (authority, p) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        path = p.to_string();
        match authority.rsplit_once('@') {
            Some((u, h)) => {
                userinfo = u.to_string();
                host = h.to_string();
            }
            None => host = authority.to_string(),
        }
    } else if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest.to_string();
    } else {
        path = rest.to_string();
    }
    let hostname = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h.to_string(),
        _ => host.clone(),
    };
    let hostname = hostname
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let mut m = BTreeMap::new();
    for (k, v) in [
        ("scheme", scheme),
        ("host", host),
        ("hostname", hostname),
        ("path", path),
        ("query", query.to_string()),
        ("opaque", opaque),
        ("fragment", fragment.to_string()),
        ("userinfo", userinfo),
    ] {
        m.insert(k.to_string(), GoValue::String(v));
    }
    Ok(GoValue::map(m))
}

fn url_join(a: &[GoValue]) -> CallResult {
    want("urlJoin", a, 1)?;
    let m = map_arg(&a[0])?;
    let m = m.borrow();
    let get = |k: &str| m.get(k).map(strval).unwrap_or_default();
    let mut out = String::new();
    if !get("scheme").is_empty() {
        out.push_str(&get("scheme"));
        out.push(':');
    }
    if !get("opaque").is_empty() {
        out.push_str(&get("opaque"));
    } else {
        if !get("host").is_empty() || !get("userinfo").is_empty() {
            out.push_str("//");
            if !get("userinfo").is_empty() {
                out.push_str(&get("userinfo"));
                out.push('@');
            }
            out.push_str(&get("host"));
        }
        out.push_str(&get("path"));
    }
    if !get("query").is_empty() {
        out.push('?');
        out.push_str(&get("query"));
    }
    if !get("fragment").is_empty() {
        out.push('#');
        out.push_str(&get("fragment"));
    }
    ok_str(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_paths() {
        assert_eq!(go_clean("a//b/./c/.."), "a/b");
        assert_eq!(go_clean("/../x"), "/x");
        assert_eq!(go_base("a/b/"), "b");
        assert_eq!(go_dir("a/b/c"), "a/b");
        assert_eq!(go_dir("c"), ".");
        assert_eq!(go_ext("a/b.tar.gz"), ".gz");
    }
}
