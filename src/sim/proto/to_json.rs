//! A decoded protobuf message → the JSON object the Go `encoding/json`
//! would write for the same Go value: fields by their JSON names, embedded
//! structs flattened, zero values of `omitempty` fields left out, maps with
//! sorted keys, bytes in base64, special messages in their own form.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use protobuf::MessageDyn;
use protobuf::reflect::{ReflectFieldRef, ReflectValueRef};
use serde_json::{Map, Value};

use super::{ProtoError, shape, wellknown};

/// The JSON of a message.
pub(crate) fn message(m: &dyn MessageDyn) -> Result<Value, ProtoError> {
    if let Some(special) = wellknown::to_json(m) {
        return special;
    }
    let mut out = Map::new();
    fill(&mut out, m)?;
    Ok(Value::Object(out))
}

fn fill(out: &mut Map<String, Value>, m: &dyn MessageDyn) -> Result<(), ProtoError> {
    let d = m.descriptor_dyn();
    for f in d.fields() {
        match f.get_reflect(m) {
            ReflectFieldRef::Optional(o) => {
                let Some(v) = o.value() else { continue };
                if shape::is_inline(&d, &f) {
                    if let ReflectValueRef::Message(sub) = &v {
                        fill(out, &**sub)?;
                    }
                    continue;
                }
                if is_zero(&v) && !shape::keeps_zero(&d, &f) {
                    continue;
                }
                let json = value(&v)?;
                if json.is_null() && shape::omits_zero(&d, &f) {
                    continue;
                }
                out.insert(shape::json_name(&d, &f), json);
            }
            ReflectFieldRef::Repeated(r) => {
                if r.is_empty() {
                    continue;
                }
                let items = r.into_iter().map(|v| value(&v)).collect::<Result<_, _>>()?;
                out.insert(shape::json_name(&d, &f), Value::Array(items));
            }
            ReflectFieldRef::Map(map) => {
                if map.is_empty() {
                    continue;
                }
                let mut entries = Vec::new();
                for (k, v) in &map {
                    entries.push((key(&k), value(&v)?));
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                out.insert(
                    shape::json_name(&d, &f),
                    Value::Object(entries.into_iter().collect()),
                );
            }
        }
    }
    Ok(())
}

fn key(k: &ReflectValueRef) -> String {
    match k {
        ReflectValueRef::String(s) => (*s).to_string(),
        other => value(other).map(|v| v.to_string()).unwrap_or_default(),
    }
}

fn is_zero(v: &ReflectValueRef) -> bool {
    match v {
        ReflectValueRef::I32(i) => *i == 0,
        ReflectValueRef::I64(i) => *i == 0,
        ReflectValueRef::U32(i) => *i == 0,
        ReflectValueRef::U64(i) => *i == 0,
        ReflectValueRef::F32(f) => *f == 0.0,
        ReflectValueRef::F64(f) => *f == 0.0,
        ReflectValueRef::Bool(b) => !b,
        ReflectValueRef::String(s) => s.is_empty(),
        ReflectValueRef::Bytes(b) => b.is_empty(),
        ReflectValueRef::Enum(_, i) => *i == 0,
        ReflectValueRef::Message(_) => false,
    }
}

/// The JSON of one field value.
pub(crate) fn value(v: &ReflectValueRef) -> Result<Value, ProtoError> {
    Ok(match v {
        ReflectValueRef::I32(i) => Value::from(*i),
        ReflectValueRef::I64(i) => Value::from(*i),
        ReflectValueRef::U32(i) => Value::from(*i),
        ReflectValueRef::U64(i) => Value::from(*i),
        ReflectValueRef::F32(f) => float(f64::from(*f)),
        ReflectValueRef::F64(f) => float(*f),
        ReflectValueRef::Bool(b) => Value::Bool(*b),
        ReflectValueRef::String(s) => Value::String((*s).to_string()),
        ReflectValueRef::Bytes(b) => Value::String(STANDARD.encode(b)),
        ReflectValueRef::Enum(_, i) => Value::from(*i),
        ReflectValueRef::Message(m) => message(&**m)?,
    })
}

/// Go writes integral floats without a fraction (`2`, not `2.0`).
fn float(f: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() < EXACT {
        // Exact: an integral value below 2^53 converts without loss.
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(f as i64);
    }
    Value::from(f)
}
