//! DELETE and DELETECOLLECTION: finalizers, propagation policies, graceful
//! Pod deletion and namespace termination.

use serde_json::{Value, json};

use super::apierror::ApiError;
use super::handler::{Reply, Req, ns_of, selectors};
use super::media;
use super::meta;
use super::registry::ResourceType;
use super::router::ResourcePath;
use super::state::SimState;
use super::store::Store;

/// The outcome of deleting one object.
#[derive(Debug)]
pub(crate) enum Deletion {
    /// Removed at once (the last state).
    Gone(Value),
    /// Still there with a deletionTimestamp (finalizers, grace period).
    Pending(Value),
}

/// How to delete.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeleteOpts {
    pub policy: Option<String>,
    pub grace: Option<i64>,
    pub dry_run: bool,
}

/// Deletes `old` of type `rt` from the store.
pub(crate) fn delete_object(
    store: &mut Store,
    rt: &ResourceType,
    old: &Value,
    o: &DeleteOpts,
) -> Deletion {
    if meta::deleting(old) {
        return Deletion::Pending(old.clone());
    }
    let mut fins = meta::finalizers(old);
    match o.policy.as_deref() {
        Some("Foreground") => fins.push("foregroundDeletion".into()),
        Some("Orphan") => fins.push("orphan".into()),
        _ => {}
    }
    let mut obj = old.clone();
    if rt.kind == "Namespace" && rt.group.is_empty() {
        mark_deleting(&mut obj, rt, None, &fins, meta::now());
        if let Some(st) = obj.get_mut("status").and_then(Value::as_object_mut) {
            st.insert("phase".into(), json!("Terminating"));
        }
        return pending(store, rt, obj, o.dry_run);
    }
    if rt.kind == "Pod" && rt.group.is_empty() {
        let default = old
            .pointer("/spec/terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(30);
        let grace = o.grace.unwrap_or(default).max(0);
        if grace > 0 || !fins.is_empty() {
            mark_deleting(&mut obj, rt, Some(grace), &fins, meta::now_plus(grace));
            return pending(store, rt, obj, o.dry_run);
        }
    } else if !fins.is_empty() {
        mark_deleting(&mut obj, rt, Some(0), &fins, meta::now());
        return pending(store, rt, obj, o.dry_run);
    }
    if !o.dry_run {
        store.remove(&rt.key(), meta::namespace(old), meta::name(old));
    }
    Deletion::Gone(obj)
}

fn mark_deleting(
    obj: &mut Value,
    rt: &ResourceType,
    grace: Option<i64>,
    fins: &[String],
    at: String,
) {
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    meta::edit_meta(obj, |m| {
        m.insert("deletionTimestamp".into(), json!(at));
        if let Some(g) = grace {
            m.insert("deletionGracePeriodSeconds".into(), json!(g));
        }
        if let (true, Some(g)) = (rt.has_generation(), generation) {
            m.insert("generation".into(), json!(g + 1));
        }
    });
    meta::set_finalizers(obj, fins);
    meta::order(obj, rt.is_custom());
}

fn pending(store: &mut Store, rt: &ResourceType, obj: Value, dry_run: bool) -> Deletion {
    if dry_run {
        return Deletion::Pending(obj);
    }
    Deletion::Pending(store.replace(&rt.key(), obj))
}

/// The DeleteOptions body, sent as JSON or protobuf (Null when absent).
fn options_body(req: &Req) -> Value {
    if req.body.is_empty() {
        return Value::Null;
    }
    media::read_body(
        &req.content_type,
        &req.body,
        false,
        "meta.k8s.io/v1",
        "DeleteOptions",
    )
    .unwrap_or(Value::Null)
}

fn delete_opts(req: &Req) -> DeleteOpts {
    let params = req.params();
    let body = options_body(req);
    let policy = params
        .get("propagationPolicy")
        .cloned()
        .or_else(|| {
            body.get("propagationPolicy")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(
            || match body.get("orphanDependents").and_then(Value::as_bool) {
                Some(true) => Some("Orphan".to_string()),
                _ => None,
            },
        );
    let grace = params
        .get("gracePeriodSeconds")
        .and_then(|g| g.parse().ok())
        .or_else(|| body.get("gracePeriodSeconds").and_then(Value::as_i64));
    let dry_run = req.dry_run() || body.pointer("/dryRun/0").and_then(Value::as_str) == Some("All");
    DeleteOpts {
        policy,
        grace,
        dry_run,
    }
}

/// DELETE of one object.
pub(crate) fn delete(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let body = options_body(req);
    let name = p.name.clone().unwrap_or_default();
    let mut store = state.store();
    let old = store
        .get(&rt.key(), &ns_of(rt, p), &name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(rt, &name))?;
    if let Some(want) = body.pointer("/preconditions/uid").and_then(Value::as_str)
        && want != meta::uid(&old)
    {
        return Err(ApiError::uid_mismatch(rt, &name, want, meta::uid(&old)));
    }
    if let Some(want) = body
        .pointer("/preconditions/resourceVersion")
        .and_then(Value::as_str)
        && want != meta::rv(&old)
    {
        return Err(ApiError::modified(rt, &name));
    }
    match delete_object(&mut store, rt, &old, &delete_opts(req)) {
        Deletion::Pending(obj) => Ok(Reply::Json(200, obj)),
        Deletion::Gone(obj) => Ok(Reply::Json(200, success(rt, &obj))),
    }
}

/// The Status Success body of an object that went away at once.
fn success(rt: &ResourceType, obj: &Value) -> Value {
    let mut details = serde_json::Map::new();
    details.insert("name".into(), json!(meta::name(obj)));
    if !rt.group.is_empty() {
        details.insert("group".into(), json!(rt.group));
    }
    details.insert("kind".into(), json!(rt.plural));
    details.insert("uid".into(), json!(meta::uid(obj)));
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details})
}

/// DELETECOLLECTION: deletes every match and returns them as a list.
pub(crate) fn delete_collection(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let (labels, fields) = selectors(&req.params())?;
    let opts = delete_opts(req);
    let mut store = state.store();
    let ns = if rt.namespaced {
        p.namespace.clone()
    } else {
        None
    };
    let targets: Vec<Value> = store
        .list(&rt.key(), ns.as_deref())
        .into_iter()
        .filter(|o| labels.matches(o) && fields.matches(o))
        .cloned()
        .collect();
    let mut items = Vec::new();
    for old in &targets {
        match delete_object(&mut store, rt, old, &opts) {
            Deletion::Gone(o) | Deletion::Pending(o) => items.push(o),
        }
    }
    let rv = store.current_rv().to_string();
    Ok(Reply::Json(
        200,
        json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(), "metadata": {"resourceVersion": rv}, "items": items}),
    ))
}
