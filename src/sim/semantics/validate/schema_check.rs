//! Validation of custom resources against their openAPIV3Schema: type,
//! required, enum, minimum/maximum, string lengths and item counts.

use super::{Cause, invalid, required};
use serde_json::Value;

/// Appends the schema violations of `obj` (metadata is not checked).
pub fn check_schema(schema: &Value, obj: &Value, causes: &mut Vec<Cause>) {
    for r in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if obj.get(r).is_none() {
            causes.push(required(r));
        }
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, prop) in props {
        if name == "metadata" || name == "apiVersion" || name == "kind" {
            continue;
        }
        if let Some(v) = obj.get(name) {
            check_value(prop, v, name, causes);
        }
    }
}

fn check_value(schema: &Value, v: &Value, path: &str, causes: &mut Vec<Cause>) {
    if let Some(ty) = schema.get("type").and_then(Value::as_str)
        && !type_matches(ty, v)
    {
        let actual = type_name(v);
        causes.push(invalid(
            path,
            &format!("{actual:?}"),
            &format!("{path} in body must be of type {ty}: {actual:?}"),
        ));
        return;
    }
    check_bounds(schema, v, path, causes);
    check_lengths(schema, v, path, causes);
    check_enum(schema, v, path, causes);
    match v {
        Value::Object(m) => {
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = r.as_str()
                    && !m.contains_key(r)
                {
                    causes.push(required(&format!("{path}.{r}")));
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            for (k, c) in m {
                if let Some(p) = props.and_then(|p| p.get(k)) {
                    check_value(p, c, &format!("{path}.{k}"), causes);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_value(item_schema, item, &format!("{path}[{i}]"), causes);
                }
            }
        }
        _ => {}
    }
}

fn type_matches(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check_bounds(schema: &Value, v: &Value, path: &str, causes: &mut Vec<Cause>) {
    let Some(n) = v.as_f64() else {
        return;
    };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        let detail = format!(
            "{path} in body should be greater than or equal to {}",
            schema["minimum"]
        );
        causes.push(invalid(path, &v.to_string(), &detail));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        let detail = format!(
            "{path} in body should be less than or equal to {}",
            schema["maximum"]
        );
        causes.push(invalid(path, &v.to_string(), &detail));
    }
}

fn check_lengths(schema: &Value, v: &Value, path: &str, causes: &mut Vec<Cause>) {
    let limit = |k: &str| schema.get(k).and_then(Value::as_u64);
    let too = |reason: &str, message: String| Cause {
        reason: reason.to_string(),
        message,
        field: path.to_string(),
    };
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if let Some(max) = limit("maxLength").filter(|m| n > *m) {
            causes.push(too(
                "FieldValueTooLong",
                format!("Too long: may not be longer than {max}"),
            ));
        }
        if let Some(min) = limit("minLength").filter(|m| n < *m) {
            let detail = format!("{path} in body should be at least {min} chars long");
            causes.push(invalid(path, &format!("{s:?}"), &detail));
        }
    }
    if let Some(a) = v.as_array() {
        let n = a.len() as u64;
        if let Some(max) = limit("maxItems").filter(|m| n > *m) {
            causes.push(too(
                "FieldValueTooMany",
                format!("Too many: {n}: must have at most {max} items"),
            ));
        }
        if let Some(min) = limit("minItems").filter(|m| n < *m) {
            causes.push(too(
                "FieldValueInvalid",
                format!("Invalid value: {n}: {path} in body should have at least {min} items"),
            ));
        }
    }
}

fn check_enum(schema: &Value, v: &Value, path: &str, causes: &mut Vec<Cause>) {
    let Some(allowed) = schema.get("enum").and_then(Value::as_array) else {
        return;
    };
    if allowed.contains(v) {
        return;
    }
    let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
    causes.push(Cause {
        reason: "FieldValueNotSupported".to_string(),
        message: format!(
            "Unsupported value: {}: supported values: {}",
            v,
            list.join(", ")
        ),
        field: path.to_string(),
    });
}
