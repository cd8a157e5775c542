//! sprig's `semver` and `semverCompare` with Masterminds/semver v3
//! rules: versions with optional `v`, missing parts as 0, prerelease and
//! metadata; constraints with `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`,
//! wildcards (`1.2.x`, `*`), hyphen ranges, `,`/space for AND and `||`
//! for OR; prereleases match only constraints that carry one.

use super::funcs::{CallResult, Func, failed, string_arg, want};
use super::value::GoValue;
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const FUNCS: &[(&str, Func)] = &[("semver", semver), ("semverCompare", semver_compare)];

#[derive(Debug, Clone, PartialEq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    meta: String,
}

/// A version in a constraint, with which parts were wildcards or absent.
struct Bound {
    v: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    any: bool,
}

fn parse_version(text: &str) -> Option<Version> {
    let t = text.strip_prefix('v').unwrap_or(text);
    let (t, meta) = t.split_once('+').map_or((t, ""), |(a, b)| (a, b));
    let (t, pre) = t.split_once('-').map_or((t, ""), |(a, b)| (a, b));
    let parts: Vec<&str> = t.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let num = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse().ok());
    Some(Version {
        major: num(0)?,
        minor: num(1)?,
        patch: num(2)?,
        pre: pre.to_string(),
        meta: meta.to_string(),
    })
}

fn parse_bound(text: &str) -> Option<Bound> {
    let t = text.strip_prefix('v').unwrap_or(text);
    let core = t.split(['-', '+']).next().unwrap_or(t);
    let parts: Vec<&str> = core.split('.').collect();
    let wild = |p: &str| matches!(p, "x" | "X" | "*");
    if parts.first().is_some_and(|p| wild(p)) {
        return Some(Bound {
            v: Version {
                major: 0,
                minor: 0,
                patch: 0,
                pre: String::new(),
                meta: String::new(),
            },
            minor_dirty: true,
            patch_dirty: true,
            any: true,
        });
    }
    let minor_dirty = parts.get(1).is_none_or(|p| wild(p));
    let patch_dirty = minor_dirty || parts.get(2).is_none_or(|p| wild(p));
    let clean: Vec<&str> = parts
        .iter()
        .map(|p| if wild(p) { "0" } else { p })
        .collect();
    let rest = &t[core.len()..];
    let v = parse_version(&format!("{}{rest}", clean.join(".")))?;
    Some(Bound {
        v,
        minor_dirty,
        patch_dirty,
        any: false,
    })
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in pa.iter().zip(pb.iter()) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    pa.len().cmp(&pb.len())
}

fn compare(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| compare_pre(&a.pre, &b.pre))
}

fn check(op: &str, v: &Version, c: &Bound) -> bool {
    if !v.pre.is_empty() && c.v.pre.is_empty() {
        return false;
    }
    if c.any {
        return op != "!=";
    }
    let cv = &c.v;
    let ord = compare(v, cv);
    let in_range = |v: &Version| {
        if c.minor_dirty {
            v.major == cv.major
        } else if c.patch_dirty {
            v.major == cv.major && v.minor == cv.minor
        } else {
            compare(v, cv) == Ordering::Equal
        }
    };
    match op {
        "" | "=" => in_range(v),
        "!=" => !in_range(v),
        ">" => {
            if c.minor_dirty {
                v.major > cv.major
            } else if c.patch_dirty {
                v.major > cv.major || (v.major == cv.major && v.minor > cv.minor)
            } else {
                ord == Ordering::Greater
            }
        }
        "<" => ord == Ordering::Less,
        ">=" | "=>" => ord != Ordering::Less,
        "<=" | "=<" => {
            if c.minor_dirty {
                v.major <= cv.major
            } else if c.patch_dirty {
                v.major < cv.major || (v.major == cv.major && v.minor <= cv.minor)
            } else {
                ord != Ordering::Greater
            }
        }
        "~" | "~>" => {
            ord != Ordering::Less && v.major == cv.major && (c.minor_dirty || v.minor == cv.minor)
        }
        "^" => {
            if ord == Ordering::Less {
                return false;
            }
            if cv.major > 0 || c.minor_dirty {
                return v.major == cv.major;
            }
            if v.major > 0 {
                return false;
            }
            if cv.minor > 0 || c.patch_dirty {
                return v.minor == cv.minor;
            }
            if v.minor > 0 {
                return false;
            }
            v.patch == cv.patch
        }
        _ => false,
    }
}

const OPS: &[&str] = &["!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"];

/// One AND group: `(op, bound)` pairs.
fn parse_group(group: &str) -> Option<Vec<(String, Bound)>> {
    let group = group.trim();
    if let Some((lo, hi)) = group.split_once(" - ") {
        return Some(vec![
            (">=".into(), parse_bound(lo.trim())?),
            ("<=".into(), parse_bound(hi.trim())?),
        ]);
    }
    let mut out = Vec::new();
    let mut pending_op: Option<String> = None;
    for token in group.split([',', ' ']).filter(|t| !t.is_empty()) {
        let op = OPS.iter().find(|op| token.starts_with(**op)).copied();
        match (op, token.len() == op.map_or(0, str::len)) {
            (Some(op), true) => pending_op = Some(op.to_string()),
            (Some(op), false) => out.push((op.to_string(), parse_bound(&token[op.len()..])?)),
            (None, _) => out.push((pending_op.take().unwrap_or_default(), parse_bound(token)?)),
        }
    }
    if out.is_empty() || pending_op.is_some() {
        None
    } else {
        Some(out)
    }
}

fn semver_compare(a: &[GoValue]) -> CallResult {
    want("semverCompare", a, 2)?;
    let (constraint, version) = (string_arg(&a[0])?, string_arg(&a[1])?);
    let groups: Vec<Vec<(String, Bound)>> = constraint
        .split("||")
        .map(parse_group)
        .collect::<Option<_>>()
        .ok_or_else(|| failed(format!("improper constraint: {constraint}")))?;
    let v = parse_version(&version).ok_or_else(|| failed("Invalid Semantic Version"))?;
    Ok(GoValue::Bool(
        groups
            .iter()
            .any(|g| g.iter().all(|(op, b)| check(op, &v, b))),
    ))
}

/// `semver`: the parts of a version (`Major`, `Minor`, `Patch`,
/// `Prerelease`, `Metadata`, `Original`) as a map.
fn semver(a: &[GoValue]) -> CallResult {
    want("semver", a, 1)?;
    let text = string_arg(&a[0])?;
    let v = parse_version(&text).ok_or_else(|| failed("Invalid Semantic Version"))?;
    let mut m = BTreeMap::new();
    m.insert("Major".to_string(), GoValue::Int(v.major as i64));
    m.insert("Minor".to_string(), GoValue::Int(v.minor as i64));
    m.insert("Patch".to_string(), GoValue::Int(v.patch as i64));
    m.insert("Prerelease".to_string(), GoValue::String(v.pre));
    m.insert("Metadata".to_string(), GoValue::String(v.meta));
    m.insert("Original".to_string(), GoValue::String(text));
    Ok(GoValue::map(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        matches!(
            semver_compare(&[GoValue::str(c), GoValue::str(v)]),
            Ok(GoValue::Bool(true))
        )
    }

    #[test]
    fn masterminds_constraints() {
        assert!(ok(">=1.2", "1.3.0"));
        assert!(ok("^1.2.3", "1.9.0") && !ok("^1.2.3", "2.0.0"));
        assert!(ok("~1.2.3", "1.2.9") && !ok("~1.2.3", "1.3.0"));
        assert!(ok("^0.2.3", "0.2.9") && !ok("^0.2.3", "0.3.0"));
        assert!(ok("1.2.x", "1.2.7") && !ok("1.2.x", "1.3.0"));
        assert!(ok(">1.0 <2.0 || =3.1", "3.1.0"));
        assert!(ok("1.1 - 1.3", "1.2.5"));
        assert!(!ok(">=1.0", "1.5.0-beta.1"));
        assert!(ok(">=1.0.0-0", "1.5.0-beta.1"));
        assert!(ok("*", "4.0.0") && ok("!=1.2.3", "1.2.4"));
        assert!(semver_compare(&[GoValue::str(">>1"), GoValue::str("1.0.0")]).is_err());
    }
}
