//! Text diffs of two objects rendered as YAML.

use serde_json::Value;
use similar::TextDiff;

/// YAML text of an object as the diff shows it (`""` for None).
pub fn to_yaml(object: Option<&Value>) -> String {
    match object {
        None => String::new(),
        Some(v) => serde_yaml::to_string(v).unwrap_or_else(|e| format!("# cannot show: {e}\n")),
    }
}

/// Reorders the keys of `desired`, at every depth, to follow `live`
/// (keys live lacks come last, in their own order), so a diff shows what
/// changed and not how two serialisers order fields.
pub fn align_keys(desired: &mut Value, live: &Value) {
    match (desired, live) {
        (Value::Object(d), Value::Object(l)) => {
            let mut rest = std::mem::take(d);
            for (key, live_value) in l {
                if let Some(mut value) = rest.shift_remove(key) {
                    align_keys(&mut value, live_value);
                    d.insert(key.clone(), value);
                }
            }
            d.extend(rest);
        }
        (Value::Array(d), Value::Array(l)) => {
            for (dv, lv) in d.iter_mut().zip(l) {
                align_keys(dv, lv);
            }
        }
        _ => {}
    }
}

/// A unified diff from `live` to `desired` with three lines of context;
/// empty when equal.
pub fn unified(live: &str, desired: &str, label: &str) -> String {
    if live == desired {
        return String::new();
    }
    TextDiff::from_lines(live, desired)
        .unified_diff()
        .context_radius(3)
        .header(&format!("live/{label}"), &format!("desired/{label}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines() {
        let d = unified("a: 1\nb: 2\n", "a: 1\nb: 3\n", "ConfigMap/x");
        assert!(d.contains("-b: 2\n+b: 3"), "{d}");
        assert!(
            d.starts_with("--- live/ConfigMap/x\n+++ desired/ConfigMap/x\n"),
            "{d}"
        );
        assert_eq!(unified("a\n", "a\n", "x"), "");
    }

    #[test]
    fn keys_follow_the_live_order() {
        let live = serde_json::json!({"kind": "Secret", "type": "Opaque", "data": {"a": "1", "b": "2"},
            "list": [{"y": 1, "x": 2}]});
        let mut desired = serde_json::json!({"kind": "Secret", "data": {"b": "3", "a": "1"},
            "type": "Opaque", "new": true, "list": [{"x": 2, "y": 1}]});
        align_keys(&mut desired, &live);
        let d = unified(&to_yaml(Some(&live)), &to_yaml(Some(&desired)), "Secret/s");
        assert!(d.contains("-  b: '2'\n+  b: '3'\n list:\n"), "{d}");
        assert_eq!(
            to_yaml(Some(&desired)),
            "kind: Secret\ntype: Opaque\ndata:\n  a: '1'\n  b: '3'\nlist:\n- y: 1\n  x: 2\nnew: true\n"
        );
    }
}
