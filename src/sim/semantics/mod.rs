//! Object semantics of the simulated API server, as pure functions over JSON
//! values: server-side apply with managedFields, the other patch types,
//! server defaults and validation. The HTTP layer (routing, storage,
//! resourceVersions, watches) lives beside this module and calls into it.
//!
//! The public signatures here are the agreed interface with the HTTP layer;
//! the work happens in the submodules. Expected call order:
//! - apply: [`apply`] → (set uid etc. on create) → [`default_object`] →
//!   [`validate`]; `apply` already records the Apply entry.
//! - create/update/patch: build the new object ([`strategic_merge`],
//!   [`merge_patch`], [`json_patch`] or the body) → [`default_object`] →
//!   [`validate`] → [`record_update`] (after defaulting, so defaults of new
//!   list items are owned).
//! - before writing a response: [`canonical_order`] (idempotent; the other
//!   functions already leave their result in that order).
//!
//! Structure: `fieldset` (FieldsV1 trees), `schema` + `known_fields` (list
//! types, atomic fields, declared fields), `fields` (field sets of objects),
//! `merge`/`apply`/`update` (ownership), `smp`/`patch`, `defaults/`,
//! `validate/`, `order/` (key order), `microtime`, `unknown`.

mod apply;
mod defaults;
mod fields;
mod fieldset;
mod known_fields;
mod managed;
mod merge;
mod microtime;
mod order;

pub(crate) use order::OBJECT_META_ORDER;
mod patch;
mod schema;
mod smp;
mod unknown;
mod update;
mod validate;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use defaults::random_suffix;
pub use order::canonical_order;
pub use validate::invalid_message;

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
    /// True for custom resources (those with a schema).
    pub fn is_custom(&self) -> bool {
        self.schema.is_some()
    }
}

/// One field cause of an Invalid or Conflict Status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldManagerConflict`…
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
/// updated (`old` is the stored object on update). Idempotent; never
/// overrides given values; keeps allocated clusterIP/nodePorts from `old`.
/// Custom resources also lose fields outside their schema (POST/PUT
/// pruning). Keys are put in the API server's order ([`canonical_order`]).
pub fn default_object(kind: &KindInfo, obj: &mut Value, old: Option<&Value>) {
    defaults::default_object(kind, obj, old);
    canonical_order(kind, obj);
}

/// Validates an object about to be stored (`old` on update).
///
/// Returns `Invalid` with the causes of the 422 (see [`invalid_message`]),
/// or `BadRequest` for a malformed Lease MicroTime (the POST/PUT answer of
/// 531; server-side apply reports the same problem from [`apply`] as
/// `Internal`, the 500 of 530).
pub fn validate(kind: &KindInfo, obj: &Value, old: Option<&Value>) -> Result<(), SemanticError> {
    validate::validate(kind, obj, old)
}

/// Server-side apply of `config` by `manager` onto `live` (None = create).
/// Returns the merged object with updated `metadata.managedFields`, before
/// defaulting and validation (the caller does those). A no-op apply returns
/// exactly `live`.
///
/// Errors: `Conflict` (409) when another Apply manager owns a field this
/// apply changes and `force` is false; `Internal` (500) for fields not in
/// the schema and for malformed Lease MicroTimes.
pub fn apply(
    kind: &KindInfo,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    now: &str,
) -> Result<Value, SemanticError> {
    let mut out = apply::apply(kind, live, config, manager, force, now)?;
    if live != Some(&out) {
        canonical_order(kind, &mut out);
    }
    Ok(out)
}

/// Records in `new.metadata.managedFields` the fields a non-apply write
/// (create, update, merge/JSON/strategic patch) by `manager` created or
/// changed; `subresource` is `Some("status")`/`Some("scale")` for those.
/// Call it after defaulting, so defaults of new list items are owned too.
pub fn record_update(
    kind: &KindInfo,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
    now: &str,
) {
    update::record_update(kind, old, new, manager, subresource, now);
}

/// Strategic merge patch (`application/strategic-merge-patch+json`).
/// Custom kinds get `UnsupportedMediaType` (415).
pub fn strategic_merge(
    kind: &KindInfo,
    target: &Value,
    patch: &Value,
) -> Result<Value, SemanticError> {
    smp::strategic_merge(kind, target, patch)
}

/// JSON merge patch, RFC 7386 (`application/merge-patch+json`).
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    patch::merge_patch(target, patch)
}

/// JSON patch, RFC 6902 (`application/json-patch+json`). A failed `test`
/// or a missing path gives `InvalidRequest` (422 with empty details);
/// a malformed patch document gives `BadRequest`.
pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, SemanticError> {
    patch::json_patch(target, patch)
}

/// Sorts every object key recursively (custom resources are written so).
pub(crate) fn sort_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.sort_keys();
            m.values_mut().for_each(sort_keys);
        }
        Value::Array(a) => a.iter_mut().for_each(sort_keys),
        _ => {}
    }
}
