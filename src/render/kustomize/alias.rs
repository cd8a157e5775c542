//! Values kustomize shares between fields. When a label or annotation
//! transformer adds a key to several maps of one object (metadata,
//! selector, pod template), kyaml puts the same node in each; a later
//! in-place change of one of them (another label transformer, a
//! strategic merge patch, a replacement, a var) shows in all. tether
//! records such groups of fields and repeats a change across its group.

use super::fieldspec::Seg;
use super::resource::Resource;
use serde_json::Value;

/// A field holding a shared value: the path to it.
pub(crate) type Loc = Vec<Seg>;

/// The value at `loc` of `v`.
pub(crate) fn get<'a>(v: &'a Value, loc: &[Seg]) -> Option<&'a Value> {
    let mut cur = v;
    for seg in loc {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The value at `loc` of `v`, to change.
pub(crate) fn get_mut<'a>(v: &'a mut Value, loc: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for seg in loc {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Records that the fields `locs` of `res` share one value (fields in
/// older groups leave them: they hold a new node now).
pub(crate) fn share(res: &mut Resource, locs: Vec<Loc>) {
    for group in &mut res.aliases {
        group.retain(|l| !locs.contains(l));
    }
    res.aliases.retain(|g| g.len() > 1);
    if locs.len() > 1 {
        res.aliases.push(locs);
    }
}

/// Forgets every group (the object was rebuilt from its JSON).
pub(crate) fn forget(res: &mut Resource) {
    res.aliases.clear();
}

/// Forgets the fields under `prefix` (their nodes were replaced).
pub(crate) fn forget_under(res: &mut Resource, prefix: &[Seg]) {
    for group in &mut res.aliases {
        group.retain(|l| !l.starts_with(prefix));
    }
    res.aliases.retain(|g| g.len() > 1);
}

/// Runs `f` on `res` and repeats across each group a value `f` changed
/// in place at one of its fields (the last in walk order wins when
/// several changed); fields that disappeared leave their group.
pub(crate) fn track<R>(res: &mut Resource, f: impl FnOnce(&mut Resource) -> R) -> R {
    if res.aliases.is_empty() {
        return f(res);
    }
    let before: Vec<Vec<Option<Value>>> = res
        .aliases
        .iter()
        .map(|g| g.iter().map(|l| get(&res.obj, l).cloned()).collect())
        .collect();
    let out = f(res);
    let mut groups = std::mem::take(&mut res.aliases);
    for (group, old) in groups.iter_mut().zip(before) {
        let now: Vec<Option<Value>> = group.iter().map(|l| get(&res.obj, l).cloned()).collect();
        let winner = group
            .iter()
            .zip(now.iter().zip(&old))
            .filter(|(_, (n, o))| n.is_some() && o.is_some() && n != o)
            .max_by(|a, b| a.0.cmp(b.0))
            .and_then(|(_, (n, _))| n.clone());
        let mut kept = Vec::new();
        for (loc, value) in group.iter().zip(&now) {
            if value.is_none() {
                continue;
            }
            if let (Some(w), Some(slot)) = (&winner, get_mut(&mut res.obj, loc)) {
                *slot = w.clone();
            }
            kept.push(loc.clone());
        }
        *group = kept;
    }
    groups.retain(|g| g.len() > 1);
    res.aliases = groups;
    out
}
