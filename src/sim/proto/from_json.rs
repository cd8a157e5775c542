//! A JSON object → the protobuf message of its type, the reverse of
//! [`super::to_json`]. Fields the message does not have (and nulls) are
//! left out, as a Go client decoding the JSON would drop them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use protobuf::MessageDyn;
use protobuf::reflect::{MessageDescriptor, ReflectValueBox, RuntimeFieldType, RuntimeType};
use serde_json::{Map, Value};

use super::{ProtoError, shape, wellknown};

/// Builds a message of type `d` from its JSON.
pub(crate) fn message(d: &MessageDescriptor, v: &Value) -> Result<Box<dyn MessageDyn>, ProtoError> {
    let mut m = d.new_instance();
    fill(&mut *m, v)?;
    Ok(m)
}

fn fill(m: &mut dyn MessageDyn, v: &Value) -> Result<(), ProtoError> {
    if let Some(special) = wellknown::from_json(m, v) {
        return special;
    }
    match v {
        Value::Object(map) => fill_fields(m, map),
        Value::Null => Ok(()),
        other => Err(ProtoError::new(format!(
            "cannot encode {other} as {}",
            m.descriptor_dyn().name()
        ))),
    }
}

fn fill_fields(m: &mut dyn MessageDyn, map: &Map<String, Value>) -> Result<(), ProtoError> {
    let d = m.descriptor_dyn();
    for f in d.fields() {
        if shape::is_inline(&d, &f) {
            fill_fields(f.mut_message(m), map)?;
            continue;
        }
        let Some(v) = map.get(&shape::json_name(&d, &f)).filter(|v| !v.is_null()) else {
            continue;
        };
        let wrong = || ProtoError::new(format!("{}.{}: cannot encode {v}", d.name(), f.name()));
        match f.runtime_field_type() {
            RuntimeFieldType::Singular(RuntimeType::Message(_)) => fill(f.mut_message(m), v)?,
            RuntimeFieldType::Singular(t) => {
                f.set_singular_field(m, scalar(&t, v).ok_or_else(wrong)?)
            }
            RuntimeFieldType::Repeated(t) => {
                let items = v.as_array().ok_or_else(wrong)?;
                let boxed = items
                    .iter()
                    .map(|i| boxed(&t, i))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut r = f.mut_repeated(m);
                for b in boxed {
                    r.push(b);
                }
            }
            RuntimeFieldType::Map(RuntimeType::String, t) => {
                let entries = v.as_object().ok_or_else(wrong)?;
                let mut boxed_entries = Vec::new();
                for (k, e) in entries.iter().filter(|(_, e)| !e.is_null()) {
                    boxed_entries.push((k.clone(), boxed(&t, e)?));
                }
                let mut target = f.mut_map(m);
                for (k, b) in boxed_entries {
                    target.insert(ReflectValueBox::String(k), b);
                }
            }
            RuntimeFieldType::Map(..) => return Err(wrong()),
        }
    }
    Ok(())
}

/// A value of type `t`: a scalar, or a message built from its JSON.
fn boxed(t: &RuntimeType, v: &Value) -> Result<ReflectValueBox, ProtoError> {
    if let RuntimeType::Message(d) = t {
        return Ok(ReflectValueBox::Message(message(d, v)?));
    }
    scalar(t, v).ok_or_else(|| ProtoError::new(format!("cannot encode {v} as {t}")))
}

fn scalar(t: &RuntimeType, v: &Value) -> Option<ReflectValueBox> {
    Some(match t {
        RuntimeType::I32 => ReflectValueBox::I32(i32::try_from(integer(v)?).ok()?),
        RuntimeType::I64 => ReflectValueBox::I64(integer(v)?),
        RuntimeType::U32 => ReflectValueBox::U32(u32::try_from(integer(v)?).ok()?),
        RuntimeType::U64 => ReflectValueBox::U64(u64::try_from(integer(v)?).ok()?),
        RuntimeType::F32 => ReflectValueBox::F32(v.as_f64()? as f32),
        RuntimeType::F64 => ReflectValueBox::F64(v.as_f64()?),
        RuntimeType::Bool => ReflectValueBox::Bool(v.as_bool()?),
        RuntimeType::String => ReflectValueBox::String(v.as_str()?.to_string()),
        RuntimeType::VecU8 => ReflectValueBox::Bytes(STANDARD.decode(v.as_str()?).ok()?),
        RuntimeType::Enum(_) | RuntimeType::Message(_) => return None,
    })
}

/// Integers, also written as integral floats (`3.0`), as Go accepts them.
fn integer(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    // Exact: only integral values within i64 range are converted.
    #[allow(clippy::cast_possible_truncation)]
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// Sets the message field `name` of `m` from JSON.
pub(crate) fn set_message(m: &mut dyn MessageDyn, name: &str, v: &Value) -> Result<(), ProtoError> {
    let f = m
        .descriptor_dyn()
        .field_by_name(name)
        .ok_or_else(|| ProtoError::new(format!("no field {name}")))?;
    fill(f.mut_message(m), v)
}

/// Appends JSON items to the repeated field `name` of `m`.
pub(crate) fn push_all(
    m: &mut dyn MessageDyn,
    name: &str,
    items: &[Value],
) -> Result<(), ProtoError> {
    let f = m
        .descriptor_dyn()
        .field_by_name(name)
        .ok_or_else(|| ProtoError::new(format!("no field {name}")))?;
    let RuntimeFieldType::Repeated(t) = f.runtime_field_type() else {
        return Err(ProtoError::new(format!("{name} is not a list")));
    };
    let boxed = items
        .iter()
        .map(|i| boxed(&t, i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut r = f.mut_repeated(m);
    for b in boxed {
        r.push(b);
    }
    Ok(())
}
