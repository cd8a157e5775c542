//! Access reviews (`authorization.k8s.io/v1`), as `kubectl auth can-i`
//! sends them. The simulated server has no RBAC: every caller is an
//! administrator, so every review is allowed and nothing is stored.

use serde_json::{Map, Value, json};

use super::apierror::ApiError;
use super::handler::{Reply, Req};
use super::media;
use super::registry::ResourceType;

/// Whether `rt` is one of the review types (create-only, not stored).
pub(crate) fn is_review(rt: &ResourceType) -> bool {
    rt.group == "authorization.k8s.io"
}

/// POST of a review: the request echoed with its answer.
pub(crate) fn create(req: &Req, rt: &ResourceType, verb: &str) -> Result<Reply, ApiError> {
    if verb != "create" {
        return Err(ApiError::method_not_allowed());
    }
    let body = media::read_body(
        &req.content_type,
        &req.body,
        false,
        &rt.api_version(),
        &rt.kind,
    )?;
    let mut out = Map::new();
    out.insert("kind".into(), json!(rt.kind));
    out.insert("apiVersion".into(), json!(rt.api_version()));
    out.insert(
        "metadata".into(),
        body.get("metadata").cloned().unwrap_or_else(|| json!({})),
    );
    out.insert(
        "spec".into(),
        body.get("spec").cloned().unwrap_or_else(|| json!({})),
    );
    let status = if rt.kind == "SelfSubjectRulesReview" {
        json!({
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": false,
        })
    } else {
        json!({"allowed": true})
    };
    out.insert("status".into(), status);
    Ok(Reply::Json(201, Value::Object(out)))
}
