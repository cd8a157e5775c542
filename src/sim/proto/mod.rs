//! Protobuf bodies (`application/vnd.kubernetes.protobuf`) of built-in
//! types, as kubectl and client-go send and read them.
//!
//! The simulated server works on JSON: a protobuf request body is decoded
//! into exactly the JSON object the Go client would have sent as JSON, and
//! a JSON answer is encoded into the protobuf message the apiserver would
//! have written. The message schemas are the Kubernetes `.proto` files
//! (compiled by build.rs into descriptors, walked by reflection); `shape` holds where
//! the JSON form differs from the messages and `wellknown` the types with a
//! JSON form of their own. Custom resources have no protobuf form.

mod envelope;
mod from_json;
mod shape;
mod to_json;
mod types;
mod wellknown;

#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

/// The protobuf media type.
pub(crate) const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The media type of a protobuf watch stream.
pub(crate) const WATCH_MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf;stream=watch";

/// A body that is not valid protobuf of a known type, or a JSON object that
/// does not fit its protobuf message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoError(String);

impl ProtoError {
    fn new(message: impl Into<String>) -> Self {
        ProtoError(message.into())
    }

    fn wire(e: protobuf::Error) -> Self {
        ProtoError(e.to_string())
    }
}

impl fmt::Display for ProtoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes an enveloped protobuf body into its JSON object, `kind` and
/// `apiVersion` first. Like the Go decoder, an envelope without a kind or
/// version takes them from `default_api_version` and `default_kind` (the
/// type the endpoint serves).
pub(crate) fn decode(
    body: &[u8],
    default_api_version: &str,
    default_kind: &str,
) -> Result<Value, ProtoError> {
    let env = envelope::open(body)?;
    let kind = if env.kind.is_empty() {
        default_kind
    } else {
        &env.kind
    };
    let api_version = if env.api_version.is_empty() {
        default_api_version
    } else {
        &env.api_version
    };
    let d = types::message_of(api_version, kind).ok_or_else(|| {
        ProtoError::new(format!(
            "no kind \"{kind}\" is registered for version \"{api_version}\""
        ))
    })?;
    let m = d.parse_from_bytes(&env.raw).map_err(ProtoError::wire)?;
    let fields = to_json::message(&*m)?;
    let mut out = Map::new();
    for (key, value) in [("kind", kind), ("apiVersion", api_version)] {
        if !value.is_empty() {
            out.insert(key.into(), Value::String(value.to_string()));
        }
    }
    if let Value::Object(fields) = fields {
        out.extend(fields);
    }
    Ok(Value::Object(out))
}

/// The (apiVersion, kind) an enveloped body declares, if it is one.
pub(crate) fn envelope_kind(body: &[u8]) -> Option<(String, String)> {
    envelope::open(body).ok().map(|e| (e.api_version, e.kind))
}

/// Encodes a JSON object of a built-in type (its `apiVersion` and `kind`
/// name the message) as an enveloped protobuf body.
pub(crate) fn encode(obj: &Value) -> Result<Vec<u8>, ProtoError> {
    let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    let (api_version, kind) = (text("apiVersion"), text("kind"));
    let d = types::message_of(api_version, kind)
        .ok_or_else(|| ProtoError::new(format!("{api_version} {kind} has no protobuf form")))?;
    let raw = from_json::message(&d, obj)?
        .write_to_bytes_dyn()
        .map_err(ProtoError::wire)?;
    envelope::seal(api_version, kind, raw)
}

/// One frame of a protobuf watch stream: a 4-byte big-endian length, then a
/// `WatchEvent` whose object is an enveloped body.
pub(crate) fn watch_frame(event_type: &str, obj: &Value) -> Result<Vec<u8>, ProtoError> {
    let body = envelope::watch_event(event_type, encode(obj)?)?;
    let len =
        u32::try_from(body.len()).map_err(|_| ProtoError::new("watch event larger than 4 GiB"))?;
    let mut frame = len.to_be_bytes().to_vec();
    frame.extend(body);
    Ok(frame)
}

/// The events of a protobuf watch stream, decoded.
#[cfg(test)]
pub(crate) fn read_watch_frames(mut stream: &[u8]) -> Result<Vec<(String, Value)>, ProtoError> {
    let mut out = Vec::new();
    while let [a, b, c, d, rest @ ..] = stream {
        let len = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
        let body = rest
            .get(..len)
            .ok_or_else(|| ProtoError::new("short frame"))?;
        let (event_type, object) = envelope::read_watch_event(body)?;
        out.push((event_type, decode(&object, "", "")?));
        stream = &rest[len..];
    }
    Ok(out)
}

/// The JSON of an embedded object (RawExtension, FieldsV1, JSON): an
/// enveloped protobuf body or a JSON document.
fn embedded_to_json(raw: &[u8]) -> Result<Value, ProtoError> {
    if raw.starts_with(envelope::MAGIC) {
        return decode(raw, "", "");
    }
    serde_json::from_slice(raw).map_err(|e| ProtoError::new(format!("embedded JSON: {e}")))
}
