//! Label selectors over flattened parameters (a generator's `selector`)
//! and over cluster labels (the clusters generator), without Kubernetes'
//! restrictions on label values, as Argo CD matches them.

use serde_json::{Map, Value};

/// Whether `labels` match `selector` (`matchLabels` and
/// `matchExpressions` with `In`, `NotIn`, `Exists`, `DoesNotExist`).
/// A null or empty selector matches everything.
pub fn matches(selector: &Value, labels: &Map<String, Value>) -> Result<bool, String> {
    let get = |k: &str| {
        labels
            .get(k)
            .map(|v| v.as_str().unwrap_or_default().to_string())
    };
    if let Some(match_labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in match_labels {
            let want = v
                .as_str()
                .ok_or_else(|| format!("matchLabels.{k} must be a string"))?;
            if get(k).as_deref() != Some(want) {
                return Ok(false);
            }
        }
    }
    let Some(exprs) = selector.get("matchExpressions") else {
        return Ok(true);
    };
    let exprs = match exprs {
        Value::Null => return Ok(true),
        Value::Array(a) => a,
        _ => return Err("matchExpressions must be a list".into()),
    };
    for expr in exprs {
        let key = expr
            .get("key")
            .and_then(Value::as_str)
            .ok_or("matchExpressions entry without key")?;
        let op = expr.get("operator").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = expr
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let actual = get(key);
        let ok = match op {
            "In" => {
                if values.is_empty() {
                    return Err(format!(
                        "matchExpressions {key} In: values must not be empty"
                    ));
                }
                actual.is_some_and(|a| values.contains(&a.as_str()))
            }
            "NotIn" => {
                if values.is_empty() {
                    return Err(format!(
                        "matchExpressions {key} NotIn: values must not be empty"
                    ));
                }
                actual.is_none_or(|a| !values.contains(&a.as_str()))
            }
            "Exists" => actual.is_some(),
            "DoesNotExist" => actual.is_none(),
            other => return Err(format!("{other:?} is not a valid label selector operator")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the selector sets anything (`matchLabels` or `matchExpressions`).
pub fn is_empty(selector: &Value) -> bool {
    let has = |k: &str| match selector.get(k) {
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        _ => false,
    };
    !has("matchLabels") && !has("matchExpressions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let labels = json!({"env": "prod", "server": "https://x"})
            .as_object()
            .unwrap()
            .clone();
        assert!(matches(&json!({"matchLabels": {"env": "prod"}}), &labels).unwrap());
        assert!(!matches(&json!({"matchLabels": {"env": "dev"}}), &labels).unwrap());
        let e = |op: &str, v: Value| json!({"matchExpressions": [{"key": "server", "operator": op, "values": v}]});
        assert!(matches(&e("In", json!(["https://x", "https://y"])), &labels).unwrap());
        assert!(matches(&e("NotIn", json!(["https://y"])), &labels).unwrap());
        assert!(matches(&e("Exists", json!(null)), &labels).unwrap());
        assert!(!matches(&e("DoesNotExist", json!(null)), &labels).unwrap());
        assert!(matches(&e("Gt", json!(["1"])), &labels).is_err());
        assert!(is_empty(&json!({})) && !is_empty(&json!({"matchLabels": {"a": "b"}})));
    }
}
