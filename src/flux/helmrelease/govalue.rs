//! Helm values as Go holds them: maps and lists are shared by reference.
//! helm-controller merges `valuesFrom` with Go's `MergeMaps`, which copies
//! the top of a map but shares what lies below, and `--set` paths
//! (`targetPath`) then write into those shared maps and lists — so a
//! `targetPath` value can also land in the inline `values` it shares them
//! with. Modelling the sharing reproduces which value wins.

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A map shared by reference.
pub(crate) type GoMap = Rc<RefCell<BTreeMap<String, GoValue>>>;
/// A list whose elements are shared by reference.
pub(crate) type GoList = Rc<RefCell<Vec<GoValue>>>;

/// A values node.
#[derive(Debug, Clone)]
pub(crate) enum GoValue {
    /// null, a boolean, a number or a string.
    Scalar(Value),
    Map(GoMap),
    List(GoList),
}

pub(crate) fn new_map() -> GoMap {
    Rc::new(RefCell::new(BTreeMap::new()))
}

impl GoValue {
    /// A fresh (unshared) copy of `value`.
    pub fn from_json(value: &Value) -> Self {
        match value {
            Value::Object(map) => GoValue::Map(map_from_json(map)),
            Value::Array(items) => GoValue::List(Rc::new(RefCell::new(
                items.iter().map(GoValue::from_json).collect(),
            ))),
            scalar => GoValue::Scalar(scalar.clone()),
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            GoValue::Scalar(v) => v.clone(),
            GoValue::Map(m) => map_to_json(m),
            GoValue::List(l) => Value::Array(l.borrow().iter().map(GoValue::to_json).collect()),
        }
    }
}

pub(crate) fn map_from_json(map: &Map<String, Value>) -> GoMap {
    Rc::new(RefCell::new(
        map.iter()
            .map(|(k, v)| (k.clone(), GoValue::from_json(v)))
            .collect(),
    ))
}

pub(crate) fn map_to_json(map: &GoMap) -> Value {
    Value::Object(
        map.borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
    )
}

/// Go's `MergeMaps(a, b)`: a new map with `a`'s entries, then `b`'s on
/// top — maps in both merged recursively (into new maps), anything else
/// taken from `b` by reference.
pub(crate) fn merge_maps(a: &GoMap, b: &GoMap) -> GoMap {
    let mut out: BTreeMap<String, GoValue> = a.borrow().clone();
    for (k, v) in b.borrow().iter() {
        if let (GoValue::Map(bv), Some(GoValue::Map(av))) = (v, out.get(k)) {
            let merged = merge_maps(av, bv);
            out.insert(k.clone(), GoValue::Map(merged));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    Rc::new(RefCell::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merging_shares_what_only_one_side_has() {
        let a = map_from_json(json!({"x": {"p": 1}, "l": [1]}).as_object().unwrap());
        let b = map_from_json(json!({"x": {"q": 2}, "y": {"r": 3}}).as_object().unwrap());
        let out = merge_maps(&a, &b);
        assert_eq!(
            map_to_json(&out),
            json!({"l": [1], "x": {"p": 1, "q": 2}, "y": {"r": 3}})
        );
        // `y` is b's own map: writing through the result changes b.
        if let Some(GoValue::Map(y)) = out.borrow().get("y") {
            y.borrow_mut().insert("s".into(), GoValue::Scalar(json!(4)));
        }
        assert_eq!(map_to_json(&b)["y"], json!({"r": 3, "s": 4}));
        // `x` was merged into a new map: b's is untouched.
        if let Some(GoValue::Map(x)) = out.borrow().get("x") {
            x.borrow_mut().insert("t".into(), GoValue::Scalar(json!(5)));
        }
        assert_eq!(map_to_json(&b)["x"], json!({"q": 2}));
    }
}
