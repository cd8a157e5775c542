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
}
