//! Pod spec validation: containers present, named, unique and with images.

use super::{Cause, LABEL_MSG, invalid, is_label, required};
use serde_json::Value;

/// Appends the causes of the pod spec at `path` (e.g. `spec.template.spec`).
pub fn check_pod_spec(spec: Option<&Value>, path: &str, causes: &mut Vec<Cause>) {
    let containers = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    let Some(containers) = containers.filter(|c| !c.is_empty()) else {
        causes.push(required(&format!("{path}.containers")));
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let at = format!("{path}.containers[{i}]");
        match c.get("name").and_then(Value::as_str) {
            None | Some("") => causes.push(required(&format!("{at}.name"))),
            Some(n) if !is_label(n) => {
                causes.push(invalid(&format!("{at}.name"), &format!("{n:?}"), LABEL_MSG))
            }
            Some(n) if seen.contains(&n) => causes.push(Cause {
                reason: "FieldValueDuplicate".to_string(),
                message: format!("Duplicate value: {n:?}"),
                field: format!("{at}.name"),
            }),
            Some(n) => seen.push(n),
        }
        if c.get("image")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            causes.push(required(&format!("{at}.image")));
        }
    }
}
