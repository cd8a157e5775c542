//! The Kubernetes protobuf envelope: the magic `k8s\0` followed by a
//! `runtime.Unknown` holding the type (apiVersion, kind) and the raw
//! message; and the `WatchEvent` of watch streams.

use protobuf::MessageDyn;
use protobuf::reflect::{MessageDescriptor, ReflectValueBox, ReflectValueRef};

use super::ProtoError;
use super::types::message_by_full_name;

/// The four bytes every enveloped protobuf body starts with.
pub(crate) const MAGIC: &[u8; 4] = b"k8s\0";

const UNKNOWN: &str = "apimachinery.pkg.runtime.Unknown";
const WATCH_EVENT: &str = "apimachinery.pkg.apis.meta.v1.WatchEvent";

/// An unwrapped envelope.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub api_version: String,
    pub kind: String,
    pub raw: Vec<u8>,
}

fn descriptor(full_name: &str) -> Result<MessageDescriptor, ProtoError> {
    message_by_full_name(full_name)
        .ok_or_else(|| ProtoError::new(format!("no descriptor of {full_name}")))
}

fn text(m: &dyn MessageDyn, name: &str) -> String {
    match field(m, name) {
        Some(ReflectValueRef::String(s)) => s.to_string(),
        _ => String::new(),
    }
}

fn bytes(m: &dyn MessageDyn, name: &str) -> Vec<u8> {
    match field(m, name) {
        Some(ReflectValueRef::Bytes(b)) => b.to_vec(),
        _ => Vec::new(),
    }
}

fn field<'a>(m: &'a dyn MessageDyn, name: &str) -> Option<ReflectValueRef<'a>> {
    m.descriptor_dyn().field_by_name(name)?.get_singular(m)
}

fn set(m: &mut dyn MessageDyn, name: &str, value: ReflectValueBox) -> Result<(), ProtoError> {
    let f = m
        .descriptor_dyn()
        .field_by_name(name)
        .ok_or_else(|| ProtoError::new(format!("no field {name}")))?;
    f.set_singular_field(m, value);
    Ok(())
}

fn sub<'a>(m: &'a mut dyn MessageDyn, name: &str) -> Result<&'a mut dyn MessageDyn, ProtoError> {
    let f = m
        .descriptor_dyn()
        .field_by_name(name)
        .ok_or_else(|| ProtoError::new(format!("no field {name}")))?;
    Ok(f.mut_message(m))
}

/// Reads an enveloped body. Like the Go serializer, a non-empty
/// `contentEncoding` or a `contentType` other than protobuf is refused.
pub(crate) fn open(body: &[u8]) -> Result<Envelope, ProtoError> {
    let rest = body.strip_prefix(MAGIC.as_slice()).ok_or_else(|| {
        ProtoError::new(
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
        )
    })?;
    if rest.is_empty() {
        return Err(ProtoError::new("empty body"));
    }
    let unknown = descriptor(UNKNOWN)?
        .parse_from_bytes(rest)
        .map_err(ProtoError::wire)?;
    let encoding = text(&*unknown, "contentEncoding");
    if !encoding.is_empty() {
        return Err(ProtoError::new(format!(
            "unsupported content encoding {encoding:?}"
        )));
    }
    let ctype = text(&*unknown, "contentType");
    if !ctype.is_empty() && ctype != super::MEDIA_TYPE {
        return Err(ProtoError::new(format!(
            "unsupported embedded content type {ctype:?}"
        )));
    }
    let (api_version, kind) = match field(&*unknown, "typeMeta") {
        Some(ReflectValueRef::Message(t)) => (text(&*t, "apiVersion"), text(&*t, "kind")),
        _ => (String::new(), String::new()),
    };
    Ok(Envelope {
        api_version,
        kind,
        raw: bytes(&*unknown, "raw"),
    })
}

/// Wraps a serialized message the way the apiserver writes it (empty
/// `contentEncoding` and `contentType` are written out, as Go does).
pub(crate) fn seal(api_version: &str, kind: &str, raw: Vec<u8>) -> Result<Vec<u8>, ProtoError> {
    let mut unknown = descriptor(UNKNOWN)?.new_instance();
    let type_meta = sub(&mut *unknown, "typeMeta")?;
    set(
        type_meta,
        "apiVersion",
        ReflectValueBox::String(api_version.into()),
    )?;
    set(type_meta, "kind", ReflectValueBox::String(kind.into()))?;
    set(&mut *unknown, "raw", ReflectValueBox::Bytes(raw))?;
    set(
        &mut *unknown,
        "contentEncoding",
        ReflectValueBox::String(String::new()),
    )?;
    set(
        &mut *unknown,
        "contentType",
        ReflectValueBox::String(String::new()),
    )?;
    let mut out = MAGIC.to_vec();
    unknown
        .write_to_vec_dyn(&mut out)
        .map_err(ProtoError::wire)?;
    Ok(out)
}

/// A `WatchEvent` (not enveloped) whose object is the enveloped `object`.
pub(crate) fn watch_event(event_type: &str, object: Vec<u8>) -> Result<Vec<u8>, ProtoError> {
    let mut event = descriptor(WATCH_EVENT)?.new_instance();
    set(
        &mut *event,
        "type",
        ReflectValueBox::String(event_type.into()),
    )?;
    set(
        sub(&mut *event, "object")?,
        "raw",
        ReflectValueBox::Bytes(object),
    )?;
    event.write_to_bytes_dyn().map_err(ProtoError::wire)
}

/// The type and enveloped object of a `WatchEvent`.
#[cfg(test)]
pub(crate) fn read_watch_event(body: &[u8]) -> Result<(String, Vec<u8>), ProtoError> {
    let event = descriptor(WATCH_EVENT)?
        .parse_from_bytes(body)
        .map_err(ProtoError::wire)?;
    let object = match field(&*event, "object") {
        Some(ReflectValueRef::Message(o)) => bytes(&*o, "raw"),
        _ => Vec::new(),
    };
    Ok((text(&*event, "type"), object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() {
        let body = seal("apps/v1", "Deployment", vec![1, 2, 3]).unwrap();
        assert!(body.starts_with(MAGIC));
        let e = open(&body).unwrap();
        assert_eq!(
            (e.api_version.as_str(), e.kind.as_str(), e.raw),
            ("apps/v1", "Deployment", vec![1, 2, 3])
        );
    }

    #[test]
    fn bodies_without_the_magic_are_refused() {
        let err = open(b"{\"kind\":\"ConfigMap\"}").unwrap_err();
        assert!(err.to_string().contains("expected prefix"), "{err}");
        assert!(open(MAGIC).is_err());
    }
}
