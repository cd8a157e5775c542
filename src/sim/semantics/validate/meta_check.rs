//! Label and data-key validation (ObjectMeta labels, pod template labels,
//! ConfigMap/Secret keys) with the 1.24 messages.

use super::{Cause, invalid};
use serde_json::Value;

const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const TOO_LONG: &str = "must be no more than 63 characters";

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, the shape of label names and values.
fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(inner)
}

/// Appends the causes of invalid label keys and values at `field`.
pub fn check_labels(labels: Option<&Value>, field: &str, causes: &mut Vec<Cause>) {
    let Some(m) = labels.and_then(Value::as_object) else {
        return;
    };
    for (k, v) in m {
        let name = k.rsplit_once('/').map_or(k.as_str(), |(_, n)| n);
        if name.len() > 63 {
            causes.push(invalid(
                field,
                &format!("{k:?}"),
                &format!("name part {TOO_LONG}"),
            ));
        } else if !is_name_part(name) {
            causes.push(invalid(field, &format!("{k:?}"), NAME_PART_MSG));
        }
        let value = v.as_str().unwrap_or_default();
        if value.len() > 63 {
            causes.push(invalid(field, &format!("{value:?}"), TOO_LONG));
        } else if !value.is_empty() && !is_name_part(value) {
            causes.push(invalid(field, &format!("{value:?}"), LABEL_VALUE_MSG));
        }
    }
}

/// Appends the causes of invalid ConfigMap/Secret data keys.
/// ConfigMap and Secret data may hold 1 MiB in all (values decoded).
pub const MAX_DATA_BYTES: usize = 1024 * 1024;

/// The total size of a ConfigMap's `data` and `binaryData` (a Secret's
/// `data`, base64 decoded): a TooLong cause beyond [`MAX_DATA_BYTES`].
pub fn check_data_size(obj: &Value, causes: &mut Vec<Cause>) {
    let mut total = 0usize;
    let secret = obj.get("kind").and_then(Value::as_str) == Some("Secret");
    for field in ["data", "binaryData"] {
        let Some(m) = obj.get(field).and_then(Value::as_object) else {
            continue;
        };
        let encoded = field == "binaryData" || secret;
        for v in m.values().filter_map(Value::as_str) {
            total += if encoded { v.len() / 4 * 3 } else { v.len() };
        }
    }
    if total > MAX_DATA_BYTES {
        causes.push(Cause {
            reason: "FieldValueTooLong".to_string(),
            message: format!("Too long: must have at most {MAX_DATA_BYTES} bytes"),
            // The apiserver names the whole ConfigMap (`[]`), a Secret's data.
            field: if secret { "data" } else { "[]" }.to_string(),
        });
    }
}

pub fn check_data_keys(obj: &Value, causes: &mut Vec<Cause>) {
    for field in ["data", "binaryData", "stringData"] {
        let Some(m) = obj.get(field).and_then(Value::as_object) else {
            continue;
        };
        for k in m.keys() {
            let ok = !k.is_empty()
                && k.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
            if !ok {
                causes.push(invalid(
                    &format!("{field}[{k}]"),
                    &format!("{k:?}"),
                    CONFIG_KEY_MSG,
                ));
            }
        }
    }
}
