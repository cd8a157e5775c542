//! Field sets as used by managedFields (FieldsV1): a tree of path elements
//! (`f:name`, `k:{...}`, `v:<json>`, `i:<n>`) where a node may itself be a
//! member of the set (serialised as `".": {}` when it also has children).

use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A set of field paths, stored as a tree keyed by FieldsV1 path elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    /// Whether the path leading to this node is itself in the set.
    pub member: bool,
    /// Child path elements, sorted as the API server serialises them.
    pub children: BTreeMap<String, FieldSet>,
}

impl FieldSet {
    /// A leaf that is a member of the set.
    pub fn leaf() -> Self {
        FieldSet {
            member: true,
            children: BTreeMap::new(),
        }
    }

    /// Parses a FieldsV1 JSON object; anything malformed is ignored.
    pub fn from_json(v: &Value) -> Self {
        let mut set = FieldSet::default();
        if let Value::Object(m) = v {
            for (k, child) in m {
                if k == "." {
                    set.member = true;
                } else {
                    let mut c = FieldSet::from_json(child);
                    if c.children.is_empty() {
                        c.member = true;
                    }
                    set.children.insert(k.clone(), c);
                }
            }
        }
        set
    }

    /// Serialises as FieldsV1.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if self.member && !self.children.is_empty() {
            m.insert(".".to_string(), Value::Object(Map::new()));
        }
        let mut children: Vec<(&String, &FieldSet)> = self.children.iter().collect();
        children.sort_by(|a, b| compare_elements(a.0, b.0));
        for (k, c) in children {
            m.insert(k.clone(), c.to_json());
        }
        Value::Object(m)
    }

    /// True when no path is a member.
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.values().all(FieldSet::is_empty)
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &FieldSet) {
        self.member |= other.member;
        for (k, c) in &other.children {
            self.children.entry(k.clone()).or_default().union_with(c);
        }
    }

    /// Removes every member of `other`, dropping nodes left empty.
    pub fn subtract(&mut self, other: &FieldSet) {
        if other.member {
            self.member = false;
        }
        for (k, c) in &other.children {
            if let Some(mine) = self.children.get_mut(k) {
                mine.subtract(c);
                if mine.is_empty() {
                    self.children.remove(k);
                }
            }
        }
    }

    /// The members present in both sets.
    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet {
            member: self.member && other.member,
            children: BTreeMap::new(),
        };
        for (k, c) in &self.children {
            if let Some(o) = other.children.get(k) {
                let i = c.intersection(o);
                if !i.is_empty() {
                    out.children.insert(k.clone(), i);
                }
            }
        }
        out
    }

    /// Every member path, as lists of path elements.
    pub fn member_paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if self.member && !prefix.is_empty() {
            out.push(prefix.clone());
        }
        for (k, c) in &self.children {
            prefix.push(k.clone());
            c.collect(prefix, out);
            prefix.pop();
        }
    }

    /// Drops empty nodes left behind by edits.
    pub fn normalize(&mut self) {
        for c in self.children.values_mut() {
            c.normalize();
        }
        self.children.retain(|_, c| !c.is_empty());
    }
}

/// Orders path elements as structured-merge-diff does: fields, then keys,
/// then values, then indices; keys and values compare by value (numbers
/// numerically), not as text.
pub fn compare_elements(a: &str, b: &str) -> Ordering {
    let rank = |s: &str| match s.get(..2) {
        Some("f:") => 0,
        Some("k:") => 1,
        Some("v:") => 2,
        Some("i:") => 3,
        _ => 4,
    };
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    let (ta, tb) = (a.get(2..).unwrap_or(""), b.get(2..).unwrap_or(""));
    match ra {
        1 | 2 => {
            let pa = serde_json::from_str::<Value>(ta).unwrap_or(Value::Null);
            let pb = serde_json::from_str::<Value>(tb).unwrap_or(Value::Null);
            compare_values(&pa, &pb)
        }
        3 => ta
            .parse::<u64>()
            .unwrap_or(0)
            .cmp(&tb.parse::<u64>().unwrap_or(0)),
        _ => ta.cmp(tb),
    }
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Number(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Object(x), Value::Object(y)) => {
            for ((kx, vx), (ky, vy)) in x.iter().zip(y.iter()) {
                let c = kx.cmp(ky).then_with(|| compare_values(vx, vy));
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a)
            .cmp(&rank(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// Renders a member path the way structured-merge-diff prints it in
/// conflict messages: `.spec.containers[name="app"].image`.
pub fn path_string(path: &[String]) -> String {
    let mut s = String::new();
    for el in path {
        if let Some(name) = el.strip_prefix("f:") {
            s.push('.');
            s.push_str(name);
        } else if let Some(key) = el.strip_prefix("k:") {
            s.push('[');
            if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(key) {
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&parts.join(","));
            }
            s.push(']');
        } else if let Some(v) = el.strip_prefix("v:") {
            s.push_str(&format!("[={v}]"));
        } else if let Some(i) = el.strip_prefix("i:") {
            s.push_str(&format!("[{i}]"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_dot_markers() {
        let v = json!({"f:data": {".": {}, "f:k": {}}, "f:spec": {"f:replicas": {}}});
        assert_eq!(FieldSet::from_json(&v).to_json(), v);
    }

    #[test]
    fn subtract_drops_empty_parents() {
        let mut a = FieldSet::from_json(&json!({"f:spec": {"f:replicas": {}, "f:x": {}}}));
        a.subtract(&FieldSet::from_json(&json!({"f:spec": {"f:replicas": {}}})));
        assert_eq!(a.to_json(), json!({"f:spec": {"f:x": {}}}));
        a.subtract(&FieldSet::from_json(&json!({"f:spec": {"f:x": {}}})));
        assert!(a.is_empty());
    }

    #[test]
    fn keys_order_numerically() {
        let v = json!({"k:{\"port\":443,\"protocol\":\"TCP\"}": {},
            "k:{\"port\":80,\"protocol\":\"TCP\"}": {}});
        let out = FieldSet::from_json(&v).to_json();
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert!(keys[0].contains(":80,"));
    }

    #[test]
    fn path_strings_match_smd() {
        let p = vec![
            "f:spec".to_string(),
            "k:{\"name\":\"app\"}".to_string(),
            "f:image".to_string(),
        ];
        assert_eq!(path_string(&p), ".spec[name=\"app\"].image");
    }
}
