//! POST, PUT and PATCH (all patch types, including server-side apply).

use serde_json::Value;

use super::apierror::ApiError;
use super::handler::{Reply, Req, ns_of};
use super::media;
use super::meta;
use super::registry::ResourceType;
use super::router::ResourcePath;
use super::semantics;
use super::state::SimState;
use super::write::{self, WriteOpts};

fn opts(req: &Req, p: &ResourcePath) -> WriteOpts {
    WriteOpts {
        manager: req.manager(),
        dry_run: req.dry_run(),
        subresource: p.subresource.clone(),
        applied: false,
    }
}

/// The object of a create or update, in any media type the server reads.
fn object_body(req: &Req, rt: &ResourceType) -> Result<Value, ApiError> {
    media::read_body(
        &req.content_type,
        &req.body,
        rt.is_custom(),
        &rt.api_version(),
        &rt.kind,
    )
}

/// A patch document (its media type names the patch type).
fn json_body(req: &Req) -> Result<Value, ApiError> {
    serde_json::from_slice(&req.body)
        .or_else(|_| crate::yaml::from_slice::<Value>(&req.body))
        .map_err(|e| {
            ApiError::bad_request(format!("the body of the request could not be decoded: {e}"))
        })
}

/// Rejects a body whose namespace differs from the URL's.
fn check_body_namespace(rt: &ResourceType, ns: &str, body: &Value) -> Result<(), ApiError> {
    let body_ns = meta::namespace(body);
    if rt.namespaced && !body_ns.is_empty() && body_ns != ns {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    Ok(())
}

/// POST: create.
pub(crate) fn post(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let body = object_body(req, rt)?;
    let ns = ns_of(rt, p);
    check_body_namespace(rt, &ns, &body)?;
    let mut store = state.store();
    let obj = write::create(&mut store, rt, &ns, body, &opts(req, p))?;
    Ok(Reply::Json(201, obj))
}

/// PUT: replace an existing object (optimistic concurrency on resourceVersion).
pub(crate) fn put(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let body = object_body(req, rt)?;
    let ns = ns_of(rt, p);
    let name = p.name.clone().unwrap_or_default();
    check_body_namespace(rt, &ns, &body)?;
    let body_name = meta::name(&body);
    if !body_name.is_empty() && body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let mut store = state.store();
    let old = store
        .get(&rt.key(), &ns, &name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(rt, &name))?;
    let want_rv = meta::rv(&body);
    if !want_rv.is_empty() && want_rv != meta::rv(&old) {
        return Err(ApiError::modified(rt, &name));
    }
    let obj = write::update(&mut store, rt, &old, body, &opts(req, p))?;
    Ok(Reply::Json(200, obj))
}

/// The patch types by Content-Type.
enum PatchType {
    Apply,
    Merge,
    Json,
    Strategic,
}

fn patch_type(ctype: &str) -> Option<PatchType> {
    let base = ctype.split(';').next().unwrap_or("").trim();
    match base {
        "application/apply-patch+yaml" | "application/apply-patch+json" => Some(PatchType::Apply),
        "application/merge-patch+json" => Some(PatchType::Merge),
        "application/json-patch+json" => Some(PatchType::Json),
        "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
        _ => None,
    }
}

/// PATCH: server-side apply, merge, JSON or strategic merge patch.
pub(crate) fn patch(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let ptype = patch_type(&req.content_type).ok_or_else(ApiError::unsupported_media_type)?;
    if matches!(ptype, PatchType::Strategic) && rt.is_custom() {
        return Err(ApiError::smp_on_custom_resource());
    }
    let body = json_body(req)?;
    if matches!(ptype, PatchType::Apply) {
        return apply(state, req, rt, p, body);
    }
    let ns = ns_of(rt, p);
    let name = p.name.clone().unwrap_or_default();
    let mut store = state.store();
    let old = store
        .get(&rt.key(), &ns, &name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(rt, &name))?;
    let kind = rt.kind_info();
    let patched = match ptype {
        PatchType::Merge => Ok(semantics::merge_patch(&old, &body)),
        PatchType::Json => semantics::json_patch(&old, &body),
        _ => semantics::strategic_merge(&kind, &old, &body),
    }
    .map_err(|e| ApiError::from_semantic(rt, &name, e))?;
    let obj = write::update(&mut store, rt, &old, patched, &opts(req, p))?;
    Ok(Reply::Json(200, obj))
}

fn apply(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
    body: Value,
) -> Result<Reply, ApiError> {
    let params = req.params();
    let manager = params
        .get("fieldManager")
        .filter(|m| !m.is_empty())
        .cloned()
        .ok_or_else(ApiError::field_manager_required)?;
    let force = params.get("force").is_some_and(|f| f == "true");
    let name = p.name.clone().unwrap_or_default();
    check_apply_identity(rt, &name, &body)?;
    let ns = ns_of(rt, p);
    check_body_namespace(rt, &ns, &body)?;
    let mut store = state.store();
    let old = store.get(&rt.key(), &ns, &name).cloned();
    let kind = rt.kind_info();
    let mut merged = semantics::apply(&kind, old.as_ref(), &body, &manager, force, &meta::now())
        .map_err(|e| ApiError::from_semantic(rt, &name, e))?;
    let o = WriteOpts {
        manager,
        applied: true,
        ..opts(req, p)
    };
    match old {
        Some(old) => Ok(Reply::Json(
            200,
            write::update(&mut store, rt, &old, merged, &o)?,
        )),
        None => {
            meta::edit_meta(&mut merged, |m| {
                m.insert("name".into(), Value::String(name.clone()))
            });
            Ok(Reply::Json(
                201,
                write::create(&mut store, rt, &ns, merged, &o)?,
            ))
        }
    }
}

/// Apply bodies must name the URL's object and the served apiVersion/kind.
fn check_apply_identity(rt: &ResourceType, name: &str, body: &Value) -> Result<(), ApiError> {
    let body_name = meta::name(body);
    if body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let api_version = body.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if api_version != rt.api_version() {
        return Err(ApiError::bad_request(format!(
            "Incorrect version specified in apply patch. Specified patch version: {api_version}, expected: {}",
            rt.api_version()
        )));
    }
    let kind = body.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != rt.kind {
        return Err(ApiError::bad_request(format!(
            "Incorrect kind specified in apply patch. Specified patch kind: {kind}, expected: {}",
            rt.kind
        )));
    }
    Ok(())
}
