//! The `/scale` subresource of Deployments, StatefulSets and ReplicaSets
//! (autoscaling/v1 Scale).

use serde_json::{Value, json};

use super::apierror::ApiError;
use super::handler::{Reply, Req, ns_of};
use super::media;
use super::meta;
use super::registry::ResourceType;
use super::router::ResourcePath;
use super::semantics;
use super::state::SimState;
use super::write::{self, WriteOpts};

/// The Scale view of a scalable object.
fn to_scale(obj: &Value) -> Value {
    let m = obj.get("metadata").cloned().unwrap_or_default();
    let pick = |k: &str| m.get(k).cloned().unwrap_or(Value::Null);
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|l| {
            l.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": pick("name"), "namespace": pick("namespace"), "uid": pick("uid"),
            "resourceVersion": pick("resourceVersion"), "creationTimestamp": pick("creationTimestamp"),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector},
    })
}

/// GET, PUT and PATCH on `/scale`.
pub(crate) fn handle(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let ns = ns_of(rt, p);
    let name = p.name.clone().unwrap_or_default();
    let mut store = state.store();
    let old = store
        .get(&rt.key(), &ns, &name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(rt, &name))?;
    let scale = to_scale(&old);
    let new_scale = match req.method.as_str() {
        "GET" => return Ok(Reply::Json(200, scale)),
        "PUT" => {
            let body = media::read_body(
                &req.content_type,
                &req.body,
                false,
                "autoscaling/v1",
                "Scale",
            )?;
            let want = meta::rv(&body);
            if !want.is_empty() && want != meta::rv(&old) {
                return Err(ApiError::modified(rt, &name));
            }
            body
        }
        "PATCH" => {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            patch_scale(rt, &name, &req.content_type, &scale, &body)?
        }
        _ => return Err(ApiError::method_not_allowed()),
    };
    let replicas = new_scale
        .pointer("/spec/replicas")
        .cloned()
        .unwrap_or(json!(0));
    let mut new = old.clone();
    if let Some(spec) = new.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("replicas".into(), replicas);
    }
    let o = WriteOpts {
        manager: req.manager(),
        dry_run: req.dry_run(),
        subresource: Some("scale".into()),
        applied: false,
    };
    let stored = write::update(&mut store, rt, &old, new, &o)?;
    Ok(Reply::Json(200, to_scale(&stored)))
}

/// A merge or JSON patch of the Scale object.
fn patch_scale(
    rt: &ResourceType,
    name: &str,
    content_type: &str,
    scale: &Value,
    body: &Value,
) -> Result<Value, ApiError> {
    match content_type.split(';').next().unwrap_or("") {
        "application/json-patch+json" => {
            semantics::json_patch(scale, body).map_err(|e| ApiError::from_semantic(rt, name, e))
        }
        "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            Ok(semantics::merge_patch(scale, body))
        }
        _ => Err(ApiError::unsupported_media_type()),
    }
}
