//! Messages whose JSON form is not an object of their fields: Time and
//! MicroTime (RFC 3339 strings), Quantity (a string), IntOrString (a number
//! or a string), RawExtension, FieldsV1 and apiextensions JSON (embedded
//! JSON), the JSONSchemaProps unions, and string-list wrappers.

use chrono::{DateTime, SecondsFormat, Utc};
use protobuf::MessageDyn;
use protobuf::reflect::{MessageDescriptor, ReflectValueBox, ReflectValueRef};
use serde_json::Value;

use super::{ProtoError, from_json, to_json};

const META: &str = "apimachinery.pkg.apis.meta.v1.";
const EXT: &str = "apiextensions_apiserver.pkg.apis.apiextensions.v1.";

/// The special messages, by full name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Time,
    MicroTime,
    Quantity,
    IntOrString,
    /// A `raw` bytes field holding an embedded object or JSON document.
    Raw,
    /// JSONSchemaPropsOrArray: a schema or a list of schemas.
    SchemaOrArray,
    /// JSONSchemaPropsOrBool: a schema or a boolean.
    SchemaOrBool,
    /// JSONSchemaPropsOrStringArray: a schema or a list of strings.
    SchemaOrStrings,
    /// A named string list (`Verbs`, `ExtraValue`): `items` as an array.
    Items,
}

fn special(d: &MessageDescriptor) -> Option<Special> {
    let full = d.full_name();
    if let Some(name) = full.strip_prefix(META) {
        return match name {
            "Time" => Some(Special::Time),
            "MicroTime" => Some(Special::MicroTime),
            "FieldsV1" => Some(Special::Raw),
            "Verbs" => Some(Special::Items),
            _ => None,
        };
    }
    if let Some(name) = full.strip_prefix(EXT) {
        return match name {
            "JSON" => Some(Special::Raw),
            "JSONSchemaPropsOrArray" => Some(Special::SchemaOrArray),
            "JSONSchemaPropsOrBool" => Some(Special::SchemaOrBool),
            "JSONSchemaPropsOrStringArray" => Some(Special::SchemaOrStrings),
            _ => None,
        };
    }
    match full {
        "apimachinery.pkg.api.resource.Quantity" => Some(Special::Quantity),
        "apimachinery.pkg.util.intstr.IntOrString" => Some(Special::IntOrString),
        "apimachinery.pkg.runtime.RawExtension" => Some(Special::Raw),
        "api.authorization.v1.ExtraValue" | "api.authentication.v1.ExtraValue" => {
            Some(Special::Items)
        }
        _ => None,
    }
}

fn get<'a>(m: &'a dyn MessageDyn, name: &str) -> Option<ReflectValueRef<'a>> {
    m.descriptor_dyn().field_by_name(name)?.get_singular(m)
}

/// The bytes field of a raw wrapper (`raw` in RawExtension and JSON, `Raw`
/// in FieldsV1): field number 1.
fn raw_field(m: &dyn MessageDyn) -> Option<ReflectValueRef<'_>> {
    m.descriptor_dyn().field_by_number(1)?.get_singular(m)
}

fn int(m: &dyn MessageDyn, name: &str) -> i64 {
    match get(m, name) {
        Some(ReflectValueRef::I64(v)) => v,
        Some(ReflectValueRef::I32(v)) => i64::from(v),
        _ => 0,
    }
}

fn text<'a>(m: &'a dyn MessageDyn, name: &str) -> &'a str {
    match get(m, name) {
        Some(ReflectValueRef::String(s)) => s,
        _ => "",
    }
}

fn list(m: &dyn MessageDyn, name: &str) -> Vec<Value> {
    let Some(f) = m.descriptor_dyn().field_by_name(name) else {
        return Vec::new();
    };
    f.get_repeated(m)
        .into_iter()
        .map(|v| to_json::value(&v))
        .collect::<Result<_, _>>()
        .unwrap_or_default()
}

fn message_json(m: &dyn MessageDyn, name: &str) -> Result<Option<Value>, ProtoError> {
    match get(m, name) {
        Some(ReflectValueRef::Message(sub)) => to_json::message(&*sub).map(Some),
        _ => Ok(None),
    }
}

/// The JSON of a special message, or None for ordinary messages.
pub(crate) fn to_json(m: &dyn MessageDyn) -> Option<Result<Value, ProtoError>> {
    let kind = special(&m.descriptor_dyn())?;
    Some(match kind {
        Special::Time | Special::MicroTime => Ok(time_to_json(m, kind)),
        Special::Quantity => Ok(Value::String(match text(m, "string") {
            "" => "0".to_string(),
            s => s.to_string(),
        })),
        Special::IntOrString => Ok(if int(m, "type") == 1 {
            Value::String(text(m, "strVal").to_string())
        } else {
            Value::from(int(m, "intVal"))
        }),
        Special::Raw => match raw_field(m) {
            Some(ReflectValueRef::Bytes(b)) if !b.is_empty() => super::embedded_to_json(b),
            _ => Ok(Value::Null),
        },
        Special::SchemaOrArray => {
            let many = list(m, "jSONSchemas");
            if many.is_empty() {
                message_json(m, "schema").map(|s| s.unwrap_or(Value::Null))
            } else {
                Ok(Value::Array(many))
            }
        }
        Special::SchemaOrBool => message_json(m, "schema").map(|s| {
            s.unwrap_or_else(|| {
                Value::Bool(matches!(
                    get(m, "allows"),
                    Some(ReflectValueRef::Bool(true))
                ))
            })
        }),
        Special::SchemaOrStrings => {
            let strings = list(m, "property");
            if strings.is_empty() {
                message_json(m, "schema").map(|s| s.unwrap_or(Value::Null))
            } else {
                Ok(Value::Array(strings))
            }
        }
        Special::Items => Ok(Value::Array(list(m, "items"))),
    })
}

/// Go drops the nanoseconds of a Time; an empty message is the zero time,
/// which JSON writes as null.
fn time_to_json(m: &dyn MessageDyn, kind: Special) -> Value {
    let seconds = get(m, "seconds");
    let nanos = get(m, "nanos");
    if seconds.is_none() && nanos.is_none() {
        return Value::Null;
    }
    let secs = int(m, "seconds");
    let (nanos, format) = match kind {
        Special::MicroTime => (
            u32::try_from(int(m, "nanos")).unwrap_or(0) / 1000 * 1000,
            SecondsFormat::Micros,
        ),
        _ => (0, SecondsFormat::Secs),
    };
    DateTime::<Utc>::from_timestamp(secs, nanos)
        .map(|t| Value::String(t.to_rfc3339_opts(format, true)))
        .unwrap_or(Value::Null)
}

fn set(m: &mut dyn MessageDyn, name: &str, v: ReflectValueBox) -> Result<(), ProtoError> {
    let f = m
        .descriptor_dyn()
        .field_by_name(name)
        .ok_or_else(|| ProtoError::new(format!("no field {name}")))?;
    f.set_singular_field(m, v);
    Ok(())
}

fn wrong(d: &MessageDescriptor, v: &Value) -> ProtoError {
    ProtoError::new(format!("cannot encode {v} as {}", d.name()))
}

/// Fills a special message from its JSON; None for ordinary messages.
pub(crate) fn from_json(m: &mut dyn MessageDyn, v: &Value) -> Option<Result<(), ProtoError>> {
    let d = m.descriptor_dyn();
    let kind = special(&d)?;
    Some(fill_special(m, &d, kind, v))
}

fn fill_special(
    m: &mut dyn MessageDyn,
    d: &MessageDescriptor,
    kind: Special,
    v: &Value,
) -> Result<(), ProtoError> {
    match (kind, v) {
        (_, Value::Null) => Ok(()),
        (Special::Time | Special::MicroTime, Value::String(s)) => {
            let t = DateTime::parse_from_rfc3339(s)
                .map_err(|e| ProtoError::new(format!("{s}: {e}")))?;
            set(m, "seconds", ReflectValueBox::I64(t.timestamp()))?;
            let nanos = i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0);
            set(m, "nanos", ReflectValueBox::I32(nanos))
        }
        (Special::Quantity, Value::String(s)) => {
            set(m, "string", ReflectValueBox::String(s.clone()))
        }
        (Special::Quantity, Value::Number(n)) => {
            set(m, "string", ReflectValueBox::String(n.to_string()))
        }
        (Special::IntOrString, Value::String(s)) => {
            set(m, "type", ReflectValueBox::I64(1))?;
            set(m, "strVal", ReflectValueBox::String(s.clone()))
        }
        (Special::IntOrString, Value::Number(n)) => {
            let i = n
                .as_i64()
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(|| wrong(d, v))?;
            set(m, "type", ReflectValueBox::I64(0))?;
            set(m, "intVal", ReflectValueBox::I32(i))
        }
        (Special::Raw, _) => {
            let f = d.field_by_number(1).ok_or_else(|| wrong(d, v))?;
            f.set_singular_field(m, ReflectValueBox::Bytes(v.to_string().into_bytes()));
            Ok(())
        }
        (Special::SchemaOrArray, Value::Array(items)) => {
            from_json::push_all(m, "jSONSchemas", items)
        }
        (Special::SchemaOrStrings, Value::Array(items)) => {
            from_json::push_all(m, "property", items)
        }
        (Special::SchemaOrBool, Value::Bool(b)) => set(m, "allows", ReflectValueBox::Bool(*b)),
        (
            Special::SchemaOrArray | Special::SchemaOrBool | Special::SchemaOrStrings,
            Value::Object(_),
        ) => {
            if kind == Special::SchemaOrBool {
                set(m, "allows", ReflectValueBox::Bool(true))?;
            }
            from_json::set_message(m, "schema", v)
        }
        (Special::Items, Value::Array(items)) => from_json::push_all(m, "items", items),
        _ => Err(wrong(d, v)),
    }
}
