//! Semantic comparison of a recorded response with the simulator's,
//! honouring `volatile` (presence only), `unordered` (multiset) and
//! `variableLength` (event type sequence and final state).

use serde_json::Value;

/// One difference, at a JSON pointer into the recorded file.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub pointer: String,
    pub detail: String,
}

/// The comparison rules of one file.
pub struct Rules {
    pub volatile: Vec<String>,
    pub unordered: Vec<String>,
    pub variable_length: Vec<String>,
}

impl Rules {
    fn volatile(&self, ptr: &str) -> bool {
        self.volatile
            .iter()
            .any(|v| ptr == v || ptr.starts_with(&format!("{v}/")))
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(160).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

/// Compares `exp` (at pointer `ptr` in the file) with `act`.
pub fn compare(exp: &Value, act: &Value, ptr: &str, rules: &Rules, out: &mut Vec<Mismatch>) {
    if rules.volatile(ptr) {
        return;
    }
    if rules.variable_length.iter().any(|p| p == ptr)
        && let (Value::Array(e), Value::Array(a)) = (exp, act)
    {
        return compare_variable(e, a, ptr, rules, out);
    }
    match (exp, act) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
                match a.get(k) {
                    Some(av) => compare(ev, av, &p, rules, out),
                    None => out.push(Mismatch {
                        pointer: p,
                        detail: format!("missing (expected {})", short(ev)),
                    }),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    let p = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(Mismatch {
                        pointer: p,
                        detail: format!("unexpected {}", short(av)),
                    });
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if rules.unordered.iter().any(|p| p == ptr) => {
            compare_multiset(e, a, ptr, rules, out)
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(Mismatch {
                    pointer: ptr.to_string(),
                    detail: format!(
                        "length {} expected, got {}: {}",
                        e.len(),
                        a.len(),
                        short(act)
                    ),
                });
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(ev, av, &format!("{ptr}/{i}"), rules, out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(Mismatch {
            pointer: ptr.to_string(),
            detail: format!("expected {}, got {}", short(e), short(a)),
        }),
    }
}

fn compare_multiset(e: &[Value], a: &[Value], ptr: &str, rules: &Rules, out: &mut Vec<Mismatch>) {
    if e.len() != a.len() {
        out.push(Mismatch {
            pointer: ptr.to_string(),
            detail: format!("length {} expected, got {}", e.len(), a.len()),
        });
    }
    let mut used = vec![false; a.len()];
    for (i, ev) in e.iter().enumerate() {
        let p = format!("{ptr}/{i}");
        let found = a.iter().enumerate().position(|(j, av)| {
            let mut tmp = Vec::new();
            compare(ev, av, &p, rules, &mut tmp);
            !used[j] && tmp.is_empty()
        });
        match found {
            Some(j) => used[j] = true,
            None => {
                // Report against the closest candidate for a useful message.
                let best = a
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| !used[*j])
                    .map(|(_, av)| {
                        let mut tmp = Vec::new();
                        compare(ev, av, &p, rules, &mut tmp);
                        tmp
                    })
                    .min_by_key(Vec::len);
                match best {
                    Some(diffs) => out.extend(diffs),
                    None => out.push(Mismatch {
                        pointer: p,
                        detail: format!("no match for {}", short(ev)),
                    }),
                }
            }
        }
    }
}

fn event_types(events: &[Value]) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for e in events {
        let t = e
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        if types.last() != Some(&t) {
            types.push(t);
        }
    }
    types
}

fn compare_variable(e: &[Value], a: &[Value], ptr: &str, rules: &Rules, out: &mut Vec<Mismatch>) {
    let (et, at) = (event_types(e), event_types(a));
    if et != at {
        out.push(Mismatch {
            pointer: ptr.to_string(),
            detail: format!("event types {et:?} expected, got {at:?}"),
        });
    }
    if rules.unordered.iter().any(|p| p == ptr) {
        let objects = |v: &[Value]| {
            v.iter()
                .filter(|x| x.get("type").and_then(Value::as_str) != Some("BOOKMARK"))
                .cloned()
                .collect::<Vec<_>>()
        };
        return compare_multiset(&objects(e), &objects(a), ptr, rules, out);
    }
    let last = |v: &[Value]| {
        v.iter()
            .enumerate()
            .rev()
            .find(|(_, x)| x.get("type").and_then(Value::as_str) != Some("BOOKMARK"))
            .map(|(i, x)| (i, x.clone()))
    };
    if let (Some((i, ev)), Some((_, av))) = (last(e), last(a)) {
        compare(&ev, &av, &format!("{ptr}/{i}"), rules, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> Rules {
        Rules {
            volatile: vec!["/a/uid".into()],
            unordered: vec!["/a/list".into()],
            variable_length: vec![],
        }
    }

    #[test]
    fn volatile_and_unordered() {
        let mut out = Vec::new();
        compare(
            &json!({"uid": "x", "list": [1, 2]}),
            &json!({"uid": "y", "list": [2, 1]}),
            "/a",
            &rules(),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        compare(
            &json!({"list": [1, 2]}),
            &json!({"list": [1, 3]}),
            "/a",
            &rules(),
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }
}
