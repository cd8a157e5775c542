//! Kubernetes `Status` failure bodies, built exactly as kube-apiserver 1.24
//! writes them.

use serde_json::{Map, Value, json};

use super::registry::ResourceType;
use super::semantics::{Cause, SemanticError};

/// A failed request, rendered as a `Status` body with the HTTP code.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub code: u16,
    pub reason: Option<&'static str>,
    pub message: String,
    pub details: Option<Box<Value>>,
    /// Status metadata (`{}` when None).
    pub metadata: Option<Box<Value>>,
    /// Plain-text body instead of a Status (unknown group → `404 page not found`).
    pub plain: bool,
    /// Seconds for the `Retry-After` header (and `details.retryAfterSeconds`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(
        code: u16,
        reason: Option<&'static str>,
        message: String,
        details: Option<Value>,
    ) -> Self {
        ApiError {
            code,
            reason,
            message,
            details: details.map(Box::new),
            metadata: None,
            plain: false,
            retry_after: None,
        }
    }

    /// The Go `404 page not found` text body.
    pub fn page_not_found() -> Self {
        let mut e = Self::new(404, None, "404 page not found\n".into(), None);
        e.plain = true;
        e
    }

    /// 404 for an unknown resource in a known group.
    pub fn no_resource() -> Self {
        Self::new(
            404,
            Some("NotFound"),
            "the server could not find the requested resource".into(),
            Some(json!({})),
        )
    }

    /// 405 for a verb the resource does not support.
    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            Some("MethodNotAllowed"),
            "the server does not allow this method on the requested resource".into(),
            Some(json!({})),
        )
    }

    /// 404 NotFound for a named object.
    pub fn not_found(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            404,
            Some("NotFound"),
            format!("{} \"{name}\" not found", rt.qualified()),
            Some(named_details(rt, name)),
        )
    }

    /// 404 for a create into a namespace that does not exist.
    pub fn namespace_not_found(ns: &str) -> Self {
        Self::new(
            404,
            Some("NotFound"),
            format!("namespaces \"{ns}\" not found"),
            Some(json!({"name": ns, "kind": "namespaces"})),
        )
    }

    /// 403 for a create into a terminating namespace.
    pub fn namespace_terminating(rt: &ResourceType, name: &str, ns: &str) -> Self {
        Self::new(
            403,
            Some("Forbidden"),
            format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                rt.qualified()
            ),
            Some(named_details(rt, name)),
        )
    }

    /// 409 AlreadyExists.
    pub fn already_exists(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            Some("AlreadyExists"),
            format!("{} \"{name}\" already exists", rt.qualified()),
            Some(named_details(rt, name)),
        )
    }

    /// 409 Conflict for a stale resourceVersion.
    pub fn modified(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            Some("Conflict"),
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                rt.qualified()
            ),
            Some(named_details(rt, name)),
        )
    }

    /// 409 Conflict for a failed uid precondition.
    pub fn uid_mismatch(rt: &ResourceType, name: &str, want: &str, have: &str) -> Self {
        let mut details = Map::new();
        details.insert("name".into(), json!(name));
        if !rt.group.is_empty() {
            details.insert("group".into(), json!(rt.group));
        }
        details.insert("kind".into(), json!(rt.kind));
        Self::new(
            409,
            Some("Conflict"),
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the UID in the precondition ({want}) does not match the UID in record ({have}). The object might have been deleted and then recreated",
                rt.kind
            ),
            Some(Value::Object(details)),
        )
    }

    /// 403 Forbidden as the RBAC authorizer words it.
    pub fn forbidden(
        rt: &ResourceType,
        name: Option<&str>,
        ns: Option<&str>,
        user: &str,
        verb: &str,
    ) -> Self {
        let subject = match name {
            Some(n) => format!("{} \"{n}\"", rt.qualified()),
            None => rt.qualified(),
        };
        let scope = match ns {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".to_string(),
        };
        let message = format!(
            "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{}\"{scope}",
            rt.plural, rt.group
        );
        let details = match name {
            Some(n) => named_details(rt, n),
            None => kind_details(rt),
        };
        Self::new(403, Some("Forbidden"), message, Some(details))
    }

    /// 400 BadRequest without details.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, Some("BadRequest"), message.into(), None)
    }

    /// 415 for PATCH with `application/json` or an unknown patch type.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            415,
            Some("UnsupportedMediaType"),
            "415: Unsupported Media Type".into(),
            Some(json!({})),
        )
    }

    /// 415 for a create or update body of a media type the server does not
    /// read; `accepted` lists the ones it does.
    pub fn unknown_body_format(accepted: &str) -> Self {
        Self::new(
            415,
            Some("UnsupportedMediaType"),
            format!(
                "the body of the request was in an unknown format - accepted media types include: {accepted}"
            ),
            None,
        )
    }

    /// 500 for a failure inside the server.
    pub fn internal(message: &str) -> Self {
        Self::new(
            500,
            Some("InternalError"),
            format!("Internal error occurred: {message}"),
            Some(json!({"causes": [{"message": message}]})),
        )
    }

    /// 406 when no media type of the Accept header can be written.
    pub fn not_acceptable(message: &str) -> Self {
        Self::new(406, Some("NotAcceptable"), message.to_string(), None)
    }

    /// 415 for a strategic merge patch on a custom resource.
    pub fn smp_on_custom_resource() -> Self {
        Self::new(
            415,
            Some("UnsupportedMediaType"),
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".into(),
            None,
        )
    }

    /// 422 for an apply without `fieldManager`.
    pub fn field_manager_required() -> Self {
        let cause = Cause {
            reason: "FieldValueRequired".into(),
            message: "Required value: is required for apply patch".into(),
            field: "fieldManager".into(),
        };
        invalid("PatchOptions", "meta.k8s.io", "", &[cause])
    }

    /// 410 Expired for a compacted continue token; `token` continues inconsistently.
    pub fn continue_expired(token: String) -> Self {
        let mut e = Self::new(
            410,
            Some("Expired"),
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.".into(),
            None,
        );
        e.metadata = Some(Box::new(json!({"continue": token})));
        e
    }

    /// 410 Expired for a watch from a compacted resourceVersion.
    pub fn too_old(rv: u64, oldest: u64) -> Self {
        Self::new(
            410,
            Some("Expired"),
            format!("too old resource version: {rv} ({oldest})"),
            None,
        )
    }

    /// A generic error with the reason that matches `code`.
    pub fn from_code(code: u16, message: String) -> Self {
        Self::new(code, reason_for(code), message, Some(json!({})))
    }

    /// 429 TooManyRequests asking the client to come back in `seconds`.
    pub fn too_many_requests(message: String, seconds: u64) -> Self {
        let mut e = Self::new(
            429,
            Some("TooManyRequests"),
            message,
            Some(json!({"retryAfterSeconds": seconds})),
        );
        e.retry_after = Some(seconds);
        e
    }

    /// 410 Expired for a list at a compacted resourceVersion.
    pub fn list_expired() -> Self {
        Self::new(
            410,
            Some("Expired"),
            "The resourceVersion for the provided list is too old.".into(),
            None,
        )
    }

    /// Converts a semantics error on an object of type `rt` named `name`.
    pub fn from_semantic(rt: &ResourceType, name: &str, err: SemanticError) -> Self {
        match err {
            SemanticError::Invalid { causes } => invalid(&rt.kind, &rt.group, name, &causes),
            SemanticError::InvalidRequest { message } => {
                Self::new(422, Some("Invalid"), message, Some(json!({})))
            }
            SemanticError::Conflict { message, causes } => Self::new(
                409,
                Some("Conflict"),
                message,
                Some(json!({"causes": causes_json(&causes)})),
            ),
            SemanticError::BadRequest { message } => Self::bad_request(message),
            SemanticError::UnsupportedMediaType { message } => {
                Self::new(415, Some("UnsupportedMediaType"), message, None)
            }
            SemanticError::Internal { message } => Self::new(500, None, message, None),
        }
    }

    /// The Status body.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!("Status"));
        m.insert("apiVersion".into(), json!("v1"));
        m.insert(
            "metadata".into(),
            self.metadata
                .as_deref()
                .cloned()
                .unwrap_or_else(|| json!({})),
        );
        m.insert("status".into(), json!("Failure"));
        m.insert("message".into(), json!(self.message));
        if let Some(r) = self.reason {
            m.insert("reason".into(), json!(r));
        }
        if let Some(d) = &self.details {
            m.insert("details".into(), (**d).clone());
        }
        m.insert("code".into(), json!(self.code));
        Value::Object(m)
    }
}

/// 422 Invalid with the message format of the apiserver.
pub(crate) fn invalid(kind: &str, group: &str, name: &str, causes: &[Cause]) -> ApiError {
    let qual = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let parts: Vec<String> = causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect();
    let list = if parts.len() == 1 {
        parts.join("")
    } else {
        format!("[{}]", parts.join(", "))
    };
    let mut details = Map::new();
    details.insert("name".into(), json!(name));
    if !group.is_empty() {
        details.insert("group".into(), json!(group));
    }
    details.insert("kind".into(), json!(kind));
    details.insert("causes".into(), causes_json(causes));
    if name.is_empty() {
        details.shift_remove("name");
    }
    ApiError::new(
        422,
        Some("Invalid"),
        format!("{qual} \"{name}\" is invalid: {list}"),
        Some(Value::Object(details)),
    )
}

fn causes_json(causes: &[Cause]) -> Value {
    Value::Array(
        causes
            .iter()
            .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
            .collect(),
    )
}

fn named_details(rt: &ResourceType, name: &str) -> Value {
    let mut d = Map::new();
    d.insert("name".into(), json!(name));
    if !rt.group.is_empty() {
        d.insert("group".into(), json!(rt.group));
    }
    d.insert("kind".into(), json!(rt.plural));
    Value::Object(d)
}

fn kind_details(rt: &ResourceType) -> Value {
    let mut d = Map::new();
    if !rt.group.is_empty() {
        d.insert("group".into(), json!(rt.group));
    }
    d.insert("kind".into(), json!(rt.plural));
    Value::Object(d)
}

fn reason_for(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => return None,
    })
}
