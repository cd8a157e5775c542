//! Label selectors (`matchLabels` and `matchExpressions` with `In`,
//! `NotIn`, `Exists`, `DoesNotExist`), as `namespaceSelector`,
//! `objectSelector` and `paramRef.selector` use them.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

/// Whether `selector` selects an object with `labels` (a JSON map of
/// strings; anything else counts as no labels). An empty selector selects
/// everything; a bad operator is an error.
pub fn selects(selector: &LabelSelector, labels: Option<&Value>) -> Result<bool, String> {
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    for (key, wanted) in selector.match_labels.iter().flatten() {
        if label(key) != Some(wanted.as_str()) {
            return Ok(false);
        }
    }
    for requirement in selector.match_expressions.iter().flatten() {
        let values = requirement.values.as_deref().unwrap_or_default();
        let value = label(&requirement.key);
        let ok = match requirement.operator.as_str() {
            "In" => value.is_some_and(|v| values.iter().any(|w| w == v)),
            "NotIn" => value.is_none_or(|v| !values.iter().any(|w| w == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            other => {
                return Err(format!(
                    "{other:?} is not a valid label selector operator (In, NotIn, Exists, DoesNotExist)"
                ));
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `selector` is empty (selects everything).
pub fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(|l| l.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|e| e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn selector(value: Value) -> LabelSelector {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn labels_and_expressions() {
        let labels = json!({"env": "prod", "team": "web"});
        let s = selector(json!({"matchLabels": {"env": "prod"},
            "matchExpressions": [{"key": "team", "operator": "In", "values": ["web", "api"]},
                                 {"key": "legacy", "operator": "DoesNotExist"}]}));
        assert_eq!(selects(&s, Some(&labels)), Ok(true));
        assert_eq!(selects(&s, Some(&json!({"env": "prod"}))), Ok(false));
        assert_eq!(selects(&s, None), Ok(false));
        let not_in = selector(
            json!({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}),
        );
        assert_eq!(selects(&not_in, Some(&labels)), Ok(false));
        assert_eq!(selects(&not_in, None), Ok(true));
        assert!(is_empty(&selector(json!({}))));
        let bad = selector(json!({"matchExpressions": [{"key": "a", "operator": "Equals"}]}));
        assert!(selects(&bad, None).is_err());
    }
}
