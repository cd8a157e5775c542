//! Object semantics of the simulated API server, as pure functions over JSON
//! values: server-side apply with managedFields, the other patch types,
//! server defaults and validation. The HTTP layer (routing, storage,
//! resourceVersions, watches) lives beside this module and calls into it.
//!
//! NOTE: this file starts as the agreed interface with naive bodies; the
//! semantics work replaces the bodies, never the signatures.

use serde_json::Value;

/// What the semantics need to know about the type of an object.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo<'a> {
    /// API group, `""` for core.
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    /// Resource plural, e.g. `deployments`.
    pub plural: &'a str,
    pub namespaced: bool,
    /// The openAPIV3Schema of the served version for custom resources;
    /// None for built-in kinds.
    pub schema: Option<&'a Value>,
}

impl KindInfo<'_> {
    pub fn is_custom(&self) -> bool {
        self.schema.is_some()
    }
}

/// One field cause of an Invalid or Conflict Status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

/// Errors of the semantics layer; the HTTP layer turns them into Status
/// bodies with the matching code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SemanticError {
    /// 422 Invalid; the HTTP layer builds the message from kind, name and causes.
    Invalid { causes: Vec<Cause> },
    /// 422 Invalid with a fixed message and empty details (failed JSON patch test).
    InvalidRequest { message: String },
    /// 409 Conflict of server-side apply (reason Conflict, causes FieldManagerConflict).
    Conflict { message: String, causes: Vec<Cause> },
    /// 400 BadRequest with this message and no details.
    BadRequest { message: String },
    /// 415 UnsupportedMediaType.
    UnsupportedMediaType { message: String },
    /// 500 with this message and no reason.
    Internal { message: String },
}

/// Adds the server defaults of the kind to an object being created or
/// updated (`old` is the stored object on update).
pub fn default_object(_kind: &KindInfo, _obj: &mut Value, _old: Option<&Value>) {}

/// Validates an object about to be stored (`old` on update).
pub fn validate(_kind: &KindInfo, _obj: &Value, _old: Option<&Value>) -> Result<(), SemanticError> {
    Ok(())
}

/// Server-side apply of `config` by `manager` onto `live` (None = create).
/// Returns the merged object with updated `metadata.managedFields`, before
/// defaulting and validation (the caller does those). A no-op apply returns
/// exactly `live`.
pub fn apply(
    _kind: &KindInfo,
    live: Option<&Value>,
    config: &Value,
    _manager: &str,
    _force: bool,
    _now: &str,
) -> Result<Value, SemanticError> {
    let mut out = live
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()));
    deep_merge(&mut out, config);
    Ok(out)
}

/// Records in `new.metadata.managedFields` the fields a non-apply write
/// (create, update, merge/JSON/strategic patch) by `manager` created or
/// changed; `subresource` is `Some("status")`/`Some("scale")` for those.
pub fn record_update(
    _kind: &KindInfo,
    _old: Option<&Value>,
    _new: &mut Value,
    _manager: &str,
    _subresource: Option<&str>,
    _now: &str,
) {
}

/// Strategic merge patch (`application/strategic-merge-patch+json`).
pub fn strategic_merge(
    _kind: &KindInfo,
    target: &Value,
    patch: &Value,
) -> Result<Value, SemanticError> {
    Ok(merge_patch(target, patch))
}

/// JSON merge patch, RFC 7386 (`application/merge-patch+json`).
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let mut out = target.clone();
    deep_merge(&mut out, patch);
    out
}

/// JSON patch, RFC 6902 (`application/json-patch+json`).
pub fn json_patch(_target: &Value, _patch: &Value) -> Result<Value, SemanticError> {
    Err(SemanticError::UnsupportedMediaType {
        message: "json patch is not supported yet".to_string(),
    })
}

fn deep_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    deep_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
