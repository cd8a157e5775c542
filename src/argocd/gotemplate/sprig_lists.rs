//! sprig's list and dictionary functions. Maps are shared by reference
//! as in Go, so `set`, `unset` and `merge` change the map they are given.

use super::funcs::{
    CallError, CallResult, Func, failed, int_arg, list, map_arg, string_arg, want, want_at_least,
};
use super::sprig_numbers::to_int64;
use super::sprig_strings::strval;
use super::value::{GoValue, SharedMap};
use std::collections::BTreeMap;
use std::rc::Rc;

pub const FUNCS: &[(&str, Func)] = &[
    ("list", |a| Ok(list(a.to_vec()))),
    ("tuple", |a| Ok(list(a.to_vec()))),
    ("append", |a| push("append", a)),
    ("push", |a| push("push", a)),
    ("mustAppend", |a| push("mustAppend", a)),
    ("mustPush", |a| push("mustPush", a)),
    ("prepend", |a| prepend("prepend", a)),
    ("mustPrepend", |a| prepend("mustPrepend", a)),
    ("first", |a| pick_one("first", a, |l| l.first().cloned())),
    ("mustFirst", |a| {
        pick_one("mustFirst", a, |l| l.first().cloned())
    }),
    ("last", |a| pick_one("last", a, |l| l.last().cloned())),
    ("mustLast", |a| {
        pick_one("mustLast", a, |l| l.last().cloned())
    }),
    ("rest", |a| {
        sub_list("rest", a, |l| l.get(1..).map(<[GoValue]>::to_vec))
    }),
    ("mustRest", |a| {
        sub_list("mustRest", a, |l| l.get(1..).map(<[GoValue]>::to_vec))
    }),
    ("initial", |a| {
        sub_list("initial", a, |l| {
            l.get(..l.len().saturating_sub(1)).map(<[GoValue]>::to_vec)
        })
    }),
    ("mustInitial", |a| {
        sub_list("mustInitial", a, |l| {
            l.get(..l.len().saturating_sub(1)).map(<[GoValue]>::to_vec)
        })
    }),
    ("reverse", |a| {
        sub_list("reverse", a, |l| Some(l.iter().rev().cloned().collect()))
    }),
    ("mustReverse", |a| {
        sub_list("mustReverse", a, |l| {
            Some(l.iter().rev().cloned().collect())
        })
    }),
    ("uniq", |a| sub_list("uniq", a, uniq)),
    ("mustUniq", |a| sub_list("mustUniq", a, uniq)),
    ("compact", |a| {
        sub_list("compact", a, |l| {
            Some(l.iter().filter(|v| v.is_true()).cloned().collect())
        })
    }),
    ("mustCompact", |a| {
        sub_list("mustCompact", a, |l| {
            Some(l.iter().filter(|v| v.is_true()).cloned().collect())
        })
    }),
    ("without", without),
    ("mustWithout", without),
    ("has", has),
    ("mustHas", has),
    ("slice", slice),
    ("mustSlice", slice),
    ("concat", concat),
    ("chunk", chunk),
    ("mustChunk", chunk),
    ("dict", dict),
    ("get", |a| {
        want("get", a, 2)?;
        let (m, k) = (map_arg(&a[0])?, string_arg(&a[1])?);
        let v = m.borrow().get(&k).cloned();
        Ok(v.unwrap_or_else(|| GoValue::str("")))
    }),
    ("set", |a| {
        want("set", a, 3)?;
        let (m, k) = (map_arg(&a[0])?, string_arg(&a[1])?);
        m.borrow_mut().insert(k, a[2].clone());
        Ok(GoValue::Map(m))
    }),
    ("unset", |a| {
        want("unset", a, 2)?;
        let (m, k) = (map_arg(&a[0])?, string_arg(&a[1])?);
        m.borrow_mut().remove(&k);
        Ok(GoValue::Map(m))
    }),
    ("hasKey", |a| {
        want("hasKey", a, 2)?;
        let (m, k) = (map_arg(&a[0])?, string_arg(&a[1])?);
        let has = m.borrow().contains_key(&k);
        Ok(GoValue::Bool(has))
    }),
    ("pluck", pluck),
    ("keys", keys),
    ("values", |a| {
        want("values", a, 1)?;
        let m = map_arg(&a[0])?;
        let values = m.borrow().values().cloned().collect();
        Ok(list(values))
    }),
    ("pick", |a| select("pick", a, true)),
    ("omit", |a| select("omit", a, false)),
    ("merge", |a| merge_all("merge", a, false)),
    ("mustMerge", |a| merge_all("mustMerge", a, false)),
    ("mergeOverwrite", |a| merge_all("mergeOverwrite", a, true)),
    ("mustMergeOverwrite", |a| {
        merge_all("mustMergeOverwrite", a, true)
    }),
    ("dig", dig),
    ("deepCopy", |a| {
        want("deepCopy", a, 1)?;
        Ok(deep_copy(&a[0]))
    }),
    ("mustDeepCopy", |a| {
        want("mustDeepCopy", a, 1)?;
        Ok(deep_copy(&a[0]))
    }),
];

fn as_list(name: &str, v: &GoValue) -> Result<Rc<Vec<GoValue>>, CallError> {
    match v {
        GoValue::List(l) => Ok(l.clone()),
        GoValue::Nil | GoValue::Missing => Err(failed(
            "runtime error: invalid memory address or nil pointer dereference",
        )),
        other => Err(failed(format!(
            "Cannot {name} on type {}",
            other.kind_name()
        ))),
    }
}

fn push(name: &str, a: &[GoValue]) -> CallResult {
    want(name, a, 2)?;
    let mut items = as_list("push", &a[0])?.to_vec();
    items.push(a[1].clone());
    Ok(list(items))
}

fn prepend(name: &str, a: &[GoValue]) -> CallResult {
    want(name, a, 2)?;
    let mut items = vec![a[1].clone()];
    items.extend(as_list("prepend", &a[0])?.iter().cloned());
    Ok(list(items))
}

fn pick_one(name: &str, a: &[GoValue], f: fn(&[GoValue]) -> Option<GoValue>) -> CallResult {
    want(name, a, 1)?;
    let l = as_list("find first", &a[0])?;
    Ok(f(&l).unwrap_or(GoValue::Nil))
}

fn sub_list(name: &str, a: &[GoValue], f: fn(&[GoValue]) -> Option<Vec<GoValue>>) -> CallResult {
    want(name, a, 1)?;
    let l = as_list(name, &a[0])?;
    Ok(list(f(&l).unwrap_or_default()))
}

/// `reflect.DeepEqual` over template values.
pub fn deep_equal(a: &GoValue, b: &GoValue) -> bool {
    match (a, b) {
        (GoValue::Missing | GoValue::Nil, GoValue::Missing | GoValue::Nil) => true,
        (GoValue::Bool(x), GoValue::Bool(y)) => x == y,
        (GoValue::Int(x), GoValue::Int(y)) => x == y,
        (GoValue::Float(x), GoValue::Float(y)) => x == y,
        (GoValue::String(x), GoValue::String(y)) => x == y,
        (GoValue::List(x), GoValue::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| deep_equal(a, b))
        }
        (GoValue::Map(x), GoValue::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => false,
    }
}

fn uniq(l: &[GoValue]) -> Option<Vec<GoValue>> {
    let mut out: Vec<GoValue> = Vec::new();
    for v in l {
        if !out.iter().any(|o| deep_equal(o, v)) {
            out.push(v.clone());
        }
    }
    Some(out)
}

fn without(a: &[GoValue]) -> CallResult {
    want_at_least("without", a, 1)?;
    let l = as_list("find without", &a[0])?;
    Ok(list(
        l.iter()
            .filter(|v| !a[1..].iter().any(|o| deep_equal(o, v)))
            .cloned()
            .collect(),
    ))
}

fn has(a: &[GoValue]) -> CallResult {
    want("has", a, 2)?;
    match &a[1] {
        GoValue::Nil | GoValue::Missing => Ok(GoValue::Bool(false)),
        GoValue::List(l) => Ok(GoValue::Bool(l.iter().any(|v| deep_equal(v, &a[0])))),
        other => Err(failed(format!(
            "Cannot find has on type {}",
            other.kind_name()
        ))),
    }
}

fn slice(a: &[GoValue]) -> CallResult {
    want_at_least("slice", a, 1)?;
    let l = as_list("slice", &a[0])?;
    let idx: Vec<i64> = a[1..].iter().map(to_int64).collect();
    let (from, to) = match idx.as_slice() {
        [] => (0, l.len() as i64),
        [from] => (*from, l.len() as i64),
        [from, to, ..] => (*from, *to),
    };
    if from < 0 || to < from || to as usize > l.len() {
        return Err(failed(format!(
            "reflect: slice index out of range [{from}:{to}]"
        )));
    }
    Ok(list(l[from as usize..to as usize].to_vec()))
}

fn concat(a: &[GoValue]) -> CallResult {
    let mut out = Vec::new();
    for v in a {
        match v {
            GoValue::List(l) => out.extend(l.iter().cloned()),
            other => {
                return Err(failed(format!(
                    "Cannot concat type {} as list",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(list(out))
}

fn chunk(a: &[GoValue]) -> CallResult {
    want("chunk", a, 2)?;
    let size = int_arg(&a[0])?;
    let l = as_list("chunk", &a[1])?;
    if size <= 0 {
        return Err(failed("runtime error: integer divide by zero"));
    }
    Ok(list(
        l.chunks(size as usize).map(|c| list(c.to_vec())).collect(),
    ))
}

fn dict(a: &[GoValue]) -> CallResult {
    let mut m = BTreeMap::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        m.insert(
            key,
            pair.get(1).cloned().unwrap_or_else(|| GoValue::str("")),
        );
    }
    Ok(GoValue::map(m))
}

fn pluck(a: &[GoValue]) -> CallResult {
    want_at_least("pluck", a, 1)?;
    let name = string_arg(&a[0])?;
    let mut out = Vec::new();
    for d in &a[1..] {
        if let Some(v) = map_arg(d)?.borrow().get(&name) {
            out.push(v.clone());
        }
    }
    Ok(list(out))
}

fn keys(a: &[GoValue]) -> CallResult {
    let mut out = Vec::new();
    for d in a {
        out.extend(map_arg(d)?.borrow().keys().cloned().map(GoValue::String));
    }
    Ok(list(out))
}

fn select(name: &str, a: &[GoValue], keep: bool) -> CallResult {
    want_at_least(name, a, 1)?;
    let m = map_arg(&a[0])?;
    let names: Vec<String> = a[1..].iter().map(string_arg).collect::<Result<_, _>>()?;
    let out = m
        .borrow()
        .iter()
        .filter(|(k, _)| names.contains(k) == keep)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(GoValue::map(out))
}

/// mergo's map merge: without `overwrite`, keys missing or empty in `dst`
/// are filled; with it, `src` wins; nested maps merge.
pub fn merge_into(dst: &SharedMap, src: &SharedMap, overwrite: bool) {
    if Rc::ptr_eq(dst, src) {
        return;
    }
    let src = src.borrow().clone();
    for (k, s) in src {
        let existing = dst.borrow().get(&k).cloned();
        match (&existing, &s) {
            (Some(GoValue::Map(d)), GoValue::Map(sm)) if !d.borrow().is_empty() => {
                merge_into(d, sm, overwrite)
            }
            (Some(d), _) if d.is_true() && !overwrite => {}
            _ => {
                if matches!(s, GoValue::Nil) && !overwrite && existing.is_some() {
                    continue;
                }
                dst.borrow_mut().insert(k, s);
            }
        }
    }
}

fn merge_all(name: &str, a: &[GoValue], overwrite: bool) -> CallResult {
    want_at_least(name, a, 1)?;
    let dst = map_arg(&a[0])?;
    for src in &a[1..] {
        merge_into(&dst, &map_arg(src)?, overwrite);
    }
    Ok(GoValue::Map(dst))
}

fn dig(a: &[GoValue]) -> CallResult {
    want_at_least("dig", a, 3)?;
    let n = a.len();
    let dict = map_arg(&a[n - 1])?;
    let default = a[n - 2].clone();
    let keys: Vec<String> = a[..n - 2]
        .iter()
        .map(string_arg)
        .collect::<Result<_, _>>()?;
    let mut current = GoValue::Map(dict);
    for (i, key) in keys.iter().enumerate() {
        let GoValue::Map(m) = &current else {
            return Err(failed(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                current.type_name()
            )));
        };
        let next = m.borrow().get(key).cloned();
        match next {
            None => return Ok(default),
            Some(v) if i + 1 == keys.len() => return Ok(v),
            Some(v) => current = v,
        }
    }
    Ok(default)
}

pub fn deep_copy(v: &GoValue) -> GoValue {
    match v {
        GoValue::List(l) => list(l.iter().map(deep_copy).collect()),
        GoValue::Map(m) => GoValue::map(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
