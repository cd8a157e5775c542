//! Media types as the apiserver negotiates them: which encoding an Accept
//! header gets (JSON or protobuf, Tables as JSON only), and how a request
//! body is read by its Content-Type.

use serde_json::Value;

use super::apierror::ApiError;
use super::proto;

const JSON: (&str, &str) = ("application", "json");
const YAML: (&str, &str) = ("application", "yaml");
const PROTOBUF: (&str, &str) = ("application", "vnd.kubernetes.protobuf");

/// The media types the server reads and writes, in its order of preference.
const SERIALIZERS: [(&str, &str); 3] = [JSON, YAML, PROTOBUF];

/// `application/json, application/yaml, application/vnd.kubernetes.protobuf`.
fn supported_list() -> String {
    SERIALIZERS
        .iter()
        .map(|(t, s)| format!("{t}/{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How an answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// JSON (also answered where YAML was negotiated).
    Json,
    Protobuf,
}

/// The outcome of negotiating an Accept header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Answer {
    pub encoding: Encoding,
    /// `as=Table` was asked for (and is served as JSON).
    pub table: bool,
}

impl Answer {
    /// Plain JSON.
    pub const JSON: Answer = Answer {
        encoding: Encoding::Json,
        table: false,
    };
}

/// One media range of an Accept header.
#[derive(Debug)]
struct Clause<'a> {
    kind: &'a str,
    sub: &'a str,
    q: f64,
    params: Vec<(&'a str, &'a str)>,
}

impl Clause<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    fn matches(&self, (kind, sub): (&str, &str)) -> bool {
        (self.kind == kind && (self.sub == sub || self.sub == "*"))
            || (self.kind == "*" && self.sub == "*")
    }
}

/// Parses an Accept header like goautoneg: ranges sorted by quality, then
/// concrete types before wildcards, otherwise in the order given.
fn clauses(header: &str) -> Vec<Clause<'_>> {
    let mut out: Vec<Clause> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next()?.trim();
            let (kind, sub) = match range.split_once('/') {
                Some((k, s)) if !s.contains('/') => (k.trim(), s.trim()),
                None if range == "*" => ("*", "*"),
                _ => return None,
            };
            let mut clause = Clause {
                kind,
                sub,
                q: 1.0,
                params: Vec::new(),
            };
            for p in pieces {
                let Some((k, v)) = p.split_once('=') else {
                    continue;
                };
                match k.trim() {
                    "q" => clause.q = v.trim().parse().unwrap_or(0.0),
                    k => clause.params.push((k, v.trim())),
                }
            }
            Some(clause)
        })
        .collect();
    let rank = |c: &Clause| (c.kind == "*", c.sub == "*");
    out.sort_by(|a, b| b.q.total_cmp(&a.q).then_with(|| rank(a).cmp(&rank(b))));
    out
}

/// The answer for an Accept header at a resource endpoint, or None when
/// nothing acceptable is offered (406). Custom resources never answer
/// protobuf; a Table is only written as JSON or YAML.
pub(crate) fn negotiate(accept: &str, builtin: bool) -> Option<Answer> {
    if accept.trim().is_empty() {
        return Some(Answer::JSON);
    }
    for c in clauses(accept) {
        for serializer in SERIALIZERS {
            if !c.matches(serializer) || c.q <= 0.0 {
                continue;
            }
            if c.param("stream")
                .is_some_and(|s| s != "watch" || serializer == YAML)
                || c.param("sv").is_some()
            {
                continue;
            }
            let table = c.param("as") == Some("Table");
            let text = serializer != PROTOBUF;
            let allowed = match c.param("as") {
                None => text || builtin,
                Some("Table") => text && c.param("g") == Some("meta.k8s.io"),
                // Not served by the sim: answered as the plain object.
                Some("PartialObjectMetadata" | "PartialObjectMetadataList") => text || builtin,
                Some(_) => false,
            };
            if allowed {
                let encoding = if text {
                    Encoding::Json
                } else {
                    Encoding::Protobuf
                };
                return Some(Answer { encoding, table });
            }
        }
    }
    None
}

/// The 406 of a failed negotiation.
pub(crate) fn not_acceptable() -> ApiError {
    ApiError::not_acceptable(&format!(
        "only the following media types are accepted: {}",
        supported_list()
    ))
}

/// Reads a create or update body by its Content-Type: JSON or YAML, or
/// protobuf for built-in types. `api_version`/`kind` name the type the
/// endpoint takes (for protobuf bodies without one); `custom` is true for
/// custom resources.
pub(crate) fn read_body(
    content_type: &str,
    body: &[u8],
    custom: bool,
    api_version: &str,
    kind: &str,
) -> Result<Value, ApiError> {
    let base = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let known = base.is_empty() || SERIALIZERS.iter().any(|(t, s)| base == format!("{t}/{s}"));
    if !known {
        return Err(ApiError::unknown_body_format(&supported_list()));
    }
    if base != proto::MEDIA_TYPE {
        return serde_json::from_slice(body)
            .or_else(|_| serde_yaml::from_slice::<Value>(body))
            .map_err(|e| {
                ApiError::bad_request(format!("the body of the request could not be decoded: {e}"))
            });
    }
    if custom {
        // The apiserver offers protobuf for custom resources too, but an
        // unstructured object cannot be decoded from it.
        let (sent_version, sent_kind) = proto::envelope_kind(body).unwrap_or_default();
        let sent_version = if sent_version.is_empty() {
            api_version
        } else {
            &sent_version
        };
        let sent_kind = if sent_kind.is_empty() {
            kind
        } else {
            &sent_kind
        };
        let version = sent_version.rsplit('/').next().unwrap_or("");
        return Err(ApiError::bad_request(format!(
            "{sent_kind} in version \"{version}\" cannot be handled as a {kind}: object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message"
        )));
    }
    proto::decode(body, api_version, kind).map_err(|e| {
        ApiError::bad_request(format!(
            "the object provided is unrecognized (must be of type {kind}): {e}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECTL: &str = "application/vnd.kubernetes.protobuf,application/json";
    const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    fn answer(encoding: Encoding, table: bool) -> Option<Answer> {
        Some(Answer { encoding, table })
    }

    #[test]
    fn builtin_types_answer_protobuf_when_it_comes_first() {
        assert_eq!(negotiate(KUBECTL, true), answer(Encoding::Protobuf, false));
        assert_eq!(
            negotiate("application/json", true),
            answer(Encoding::Json, false)
        );
        assert_eq!(negotiate("", true), answer(Encoding::Json, false));
        assert_eq!(negotiate("*/*", true), answer(Encoding::Json, false));
        assert_eq!(
            negotiate(
                "application/json;q=0.5,application/vnd.kubernetes.protobuf",
                true
            ),
            answer(Encoding::Protobuf, false)
        );
        assert_eq!(
            negotiate("application/vnd.kubernetes.protobuf;stream=watch", true),
            answer(Encoding::Protobuf, false)
        );
    }

    #[test]
    fn custom_resources_and_tables_are_json() {
        assert_eq!(negotiate(KUBECTL, false), answer(Encoding::Json, false));
        assert_eq!(
            negotiate("application/vnd.kubernetes.protobuf", false),
            None
        );
        assert_eq!(negotiate(TABLE, true), answer(Encoding::Json, true));
        assert_eq!(
            negotiate(
                "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json",
                true
            ),
            answer(Encoding::Json, false)
        );
        assert_eq!(negotiate("text/html", true), None);
    }
}
