//! Validation of objects about to be stored: the 422 Invalid causes of the
//! 1.24 apiserver for names, workload selectors, Service ports, immutable
//! selectors and custom resource schemas; malformed Lease MicroTimes are a
//! 400 BadRequest (the POST/PUT answer; apply reports them itself as 500).

mod meta_check;
mod pod_check;
mod schema_check;

use super::{Cause, KindInfo, SemanticError, microtime};
use serde_json::Value;

pub use schema_check::check_schema;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(crate) const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// A cause with reason FieldValueRequired.
pub fn required(field: &str) -> Cause {
    Cause {
        reason: "FieldValueRequired".to_string(),
        message: "Required value".to_string(),
        field: field.to_string(),
    }
}

/// A cause with reason FieldValueInvalid; `shown` is the Go rendering of the value.
pub fn invalid(field: &str, shown: &str, detail: &str) -> Cause {
    Cause {
        reason: "FieldValueInvalid".to_string(),
        message: format!("Invalid value: {shown}: {detail}"),
        field: field.to_string(),
    }
}

/// See [`super::validate`].
pub fn validate(kind: &KindInfo, obj: &Value, old: Option<&Value>) -> Result<(), SemanticError> {
    if let Some(err) = microtime::first_error(kind, obj) {
        return Err(SemanticError::BadRequest {
            message: format!(
                "{k} in version \"{v}\" cannot be handled as a {k}: {err}",
                k = kind.kind,
                v = kind.version
            ),
        });
    }
    let mut causes = Vec::new();
    check_name(kind, obj, &mut causes);
    meta_check::check_labels(
        obj.pointer("/metadata/labels"),
        "metadata.labels",
        &mut causes,
    );
    if let Some(schema) = kind.schema {
        check_schema(schema, obj, &mut causes);
    }
    check_kind(kind, obj, old, &mut causes);
    if causes.is_empty() {
        Ok(())
    } else {
        Err(SemanticError::Invalid { causes })
    }
}

fn check_kind(kind: &KindInfo, obj: &Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    match (kind.group, kind.kind) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            check_replicas(obj, causes);
            check_selector(obj, old, causes);
            check_template(obj, "spec.template", causes);
        }
        ("batch", "Job") => check_template(obj, "spec.template", causes),
        ("batch", "CronJob") => check_template(obj, "spec.jobTemplate.spec.template", causes),
        ("", "Pod") => pod_check::check_pod_spec(obj.get("spec"), "spec", causes),
        ("", "Service") => check_service_ports(obj, causes),
        ("", "ConfigMap" | "Secret") => {
            meta_check::check_data_keys(obj, causes);
            meta_check::check_data_size(obj, causes);
        }
        _ => {}
    }
}

fn check_replicas(obj: &Value, causes: &mut Vec<Cause>) {
    if let Some(n) = obj.pointer("/spec/replicas").and_then(Value::as_i64)
        && n < 0
    {
        causes.push(invalid(
            "spec.replicas",
            &n.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// Template labels and pod spec of the pod template at `path`.
fn check_template(obj: &Value, path: &str, causes: &mut Vec<Cause>) {
    let pointer = format!("/{}", path.replace('.', "/"));
    let template = obj.pointer(&pointer);
    let labels = template.and_then(|t| t.pointer("/metadata/labels"));
    meta_check::check_labels(labels, &format!("{path}.metadata.labels"), causes);
    let spec = template.and_then(|t| t.get("spec"));
    pod_check::check_pod_spec(spec, &format!("{path}.spec"), causes);
}

/// `<Kind>[.<group>] "<name>" is invalid: <causes>` as the 422 message.
pub fn invalid_message(kind: &KindInfo, name: &str, causes: &[Cause]) -> String {
    let qualified = if kind.group.is_empty() {
        kind.kind.to_string()
    } else {
        format!("{}.{}", kind.kind, kind.group)
    };
    let parts: Vec<String> = causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect();
    let body = if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("[{}]", parts.join(", "))
    };
    format!("{qualified} \"{name}\" is invalid: {body}")
}

fn check_name(kind: &KindInfo, obj: &Value, causes: &mut Vec<Cause>) {
    let Some(name) = obj.pointer("/metadata/name").and_then(Value::as_str) else {
        causes.push(Cause {
            reason: "FieldValueRequired".to_string(),
            message: "Required value: name or generateName is required".to_string(),
            field: "metadata.name".to_string(),
        });
        return;
    };
    let (ok, msg) = match (kind.group, kind.kind) {
        ("", "Namespace") => (is_label(name), LABEL_MSG),
        ("", "Service") => (is_dns1035(name), DNS1035_MSG),
        ("rbac.authorization.k8s.io", _) => (!name.is_empty(), SUBDOMAIN_MSG),
        _ => (is_subdomain(name), SUBDOMAIN_MSG),
    };
    if !ok {
        causes.push(invalid("metadata.name", &format!("{name:?}"), msg));
    }
}

pub(crate) fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_dns1035(s: &str) -> bool {
    is_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

/// Go's `%#v` of a `map[string]string`.
fn go_string_map(v: Option<&Value>) -> String {
    let mut pairs: Vec<(String, String)> = v
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

fn selector_matches(selector: Option<&Value>, labels: Option<&Value>) -> bool {
    let Some(sel) = selector else {
        return false;
    };
    let ml = sel.get("matchLabels").and_then(Value::as_object);
    let has_exprs = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if ml.is_none_or(|m| m.is_empty()) && !has_exprs {
        return false;
    }
    ml.into_iter()
        .flatten()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn check_selector(obj: &Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    let selector = obj.pointer("/spec/selector");
    let labels = obj.pointer("/spec/template/metadata/labels");
    if selector.is_none() {
        causes.push(required("spec.selector"));
    }
    if !selector_matches(selector, labels) {
        causes.push(invalid(
            "spec.template.metadata.labels",
            &go_string_map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    let old_selector = old.and_then(|o| o.pointer("/spec/selector"));
    if let (Some(new), Some(before)) = (selector, old_selector)
        && new != before
    {
        let shown = format!(
            "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}",
            go_string_map(new.get("matchLabels"))
        );
        causes.push(invalid("spec.selector", &shown, "field is immutable"));
    }
}

fn check_service_ports(obj: &Value, causes: &mut Vec<Cause>) {
    let ports = obj.pointer("/spec/ports").and_then(Value::as_array);
    let headless = obj.pointer("/spec/clusterIP") == Some(&Value::from("None"));
    let external = obj.pointer("/spec/type") == Some(&Value::from("ExternalName"));
    if ports.is_none_or(Vec::is_empty) && !headless && !external {
        causes.push(required("spec.ports"));
    }
    for (i, p) in ports.into_iter().flatten().enumerate() {
        for field in ["port", "targetPort", "nodePort"] {
            let Some(n) = p.get(field).and_then(Value::as_i64) else {
                continue;
            };
            let bad = if field == "nodePort" {
                n != 0 && !(1..=65535).contains(&n)
            } else {
                !(1..=65535).contains(&n)
            };
            if bad {
                causes.push(invalid(
                    &format!("spec.ports[{i}].{field}"),
                    &n.to_string(),
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
    }
}
