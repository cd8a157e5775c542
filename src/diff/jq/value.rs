//! Between serde_json values and jaq's: the object going in, and the
//! paths coming out read back against the object.

use crate::diff::paths::PathStep;
use jaq_json::{Num, Val};
use serde_json::Value;

/// The jaq value of a JSON value.
pub fn to_val(value: &Value) -> Val {
    match value {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Num(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Num::from_integral(i),
            (None, Some(u)) => Num::from_integral(u),
            _ => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::String(s) => Val::utf8_str(s.clone().into_bytes()),
        Value::Array(items) => items.iter().map(to_val).collect(),
        Value::Object(map) => Val::obj(
            map.iter()
                .map(|(k, v)| (Val::utf8_str(k.clone().into_bytes()), to_val(v)))
                .collect(),
        ),
    }
}

/// A path that `path(f)` produced (an array of keys, positions and
/// `{"start", "end"}` slices), as concrete steps into `object`: negative
/// positions count from the end, a slice becomes the positions it covers
/// (a later position counts inside the slice). Nothing when the path does
/// not lead into the object: deleting there is a no-op, as in jq.
pub fn resolve(object: &Value, path: &Val) -> Vec<Vec<PathStep>> {
    let Val::Arr(parts) = path else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(object, parts, None, &mut Vec::new(), &mut out);
    out
}

/// A window of positions a slice selected in the current list.
type Window = Option<(usize, usize)>;

fn walk(
    at: &Value,
    parts: &[Val],
    window: Window,
    steps: &mut Vec<PathStep>,
    out: &mut Vec<Vec<PathStep>>,
) {
    let Some((part, rest)) = parts.split_first() else {
        match (window, at) {
            (Some((from, to)), Value::Array(_)) => {
                for i in from..to {
                    let mut path = steps.clone();
                    path.push(PathStep::Index(i));
                    out.push(path);
                }
            }
            _ => out.push(steps.clone()),
        }
        return;
    };
    match (at, part) {
        (Value::Object(map), Val::TStr(key) | Val::BStr(key)) if window.is_none() => {
            let key = String::from_utf8_lossy(key).into_owned();
            match map.get(&key) {
                Some(child) => {
                    steps.push(PathStep::Key(key));
                    walk(child, rest, None, steps, out);
                    steps.pop();
                }
                // A missing key is fine as the last step only.
                None if rest.is_empty() => {
                    let mut path = steps.clone();
                    path.push(PathStep::Key(key));
                    out.push(path);
                }
                None => {}
            }
        }
        (Value::Array(items), Val::Num(n)) => {
            let (from, to) = window.unwrap_or((0, items.len()));
            let Some(i) = position(n, to - from).map(|i| from + i) else {
                return;
            };
            if let Some(child) = items.get(i) {
                steps.push(PathStep::Index(i));
                walk(child, rest, None, steps, out);
                steps.pop();
            }
        }
        (Value::Array(items), Val::Obj(bounds)) => {
            let (from, to) = window.unwrap_or((0, items.len()));
            let len = to - from;
            let bound = |name: &str, default: usize| match bounds
                .get(&Val::utf8_str(name.as_bytes().to_vec()))
            {
                Some(Val::Num(n)) => clamp(n, len),
                _ => default,
            };
            let (start, end) = (bound("start", 0), bound("end", len));
            let window = Some((from + start, from + end.max(start)));
            walk(at, rest, window, steps, out);
        }
        _ => {}
    }
}

/// A jq position into a list of `len` items: negative counts from the
/// end, fractions round down; None outside the list.
fn position(n: &Num, len: usize) -> Option<usize> {
    let i = integer(n)?;
    let i = if i < 0 {
        isize::try_from(len).ok()? + i
    } else {
        i
    };
    usize::try_from(i).ok().filter(|i| *i < len)
}

/// A slice bound clamped to `0..=len`.
fn clamp(n: &Num, len: usize) -> usize {
    let Some(i) = integer(n) else {
        return len;
    };
    let len_i = isize::try_from(len).unwrap_or(isize::MAX);
    let i = if i < 0 { len_i + i } else { i };
    usize::try_from(i.clamp(0, len_i)).unwrap_or(0)
}

fn integer(n: &Num) -> Option<isize> {
    let float = match n {
        Num::Float(f) => *f,
        Num::Dec(text) => text.parse().ok()?,
        other => return other.as_isize(),
    };
    float.is_finite().then(|| float.floor() as isize)
}
