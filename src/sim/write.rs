//! Committing creates and updates: identity fields, defaulting,
//! validation, managedFields, generation, no-op detection and storage.

use serde_json::{Value, json};

use super::apierror::{ApiError, invalid};
use super::meta;
use super::registry::ResourceType;
use super::semantics::{self, Cause};
use super::store::Store;

/// Who writes and how.
#[derive(Debug, Clone)]
pub(crate) struct WriteOpts {
    pub manager: String,
    pub dry_run: bool,
    /// `status` or `scale` for subresource writes.
    pub subresource: Option<String>,
    /// managedFields were already computed by server-side apply.
    pub applied: bool,
}

impl WriteOpts {
    /// A plain write by `manager`.
    pub fn by(manager: &str) -> Self {
        WriteOpts {
            manager: manager.to_string(),
            dry_run: false,
            subresource: None,
            applied: false,
        }
    }

    /// A status write by `manager`.
    pub fn status(manager: &str) -> Self {
        WriteOpts {
            subresource: Some("status".into()),
            ..Self::by(manager)
        }
    }
}

/// Checks that `ns` exists and is not terminating.
fn check_namespace(store: &Store, rt: &ResourceType, ns: &str, name: &str) -> Result<(), ApiError> {
    if !rt.namespaced {
        return Ok(());
    }
    match store.get("/namespaces", "", ns) {
        None => Err(ApiError::namespace_not_found(ns)),
        Some(n) if meta::deleting(n) => Err(ApiError::namespace_terminating(rt, name, ns)),
        Some(_) => Ok(()),
    }
}

/// Creates `obj` in `ns` ("" for cluster-scoped types).
pub(crate) fn create(
    store: &mut Store,
    rt: &ResourceType,
    ns: &str,
    mut obj: Value,
    o: &WriteOpts,
) -> Result<Value, ApiError> {
    set_type(&mut obj, rt);
    let name = prepare_identity(&mut obj, rt, ns)?;
    check_namespace(store, rt, ns, &name)?;
    if rt.has_sub("status")
        && let Value::Object(m) = &mut obj
    {
        m.remove("status");
    }
    let kind = rt.kind_info();
    let now = meta::now();
    meta::edit_meta(&mut obj, |m| {
        m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        m.insert("creationTimestamp".into(), json!(now));
        if rt.has_generation() {
            m.insert("generation".into(), json!(1));
        }
    });
    semantics::default_object(&kind, &mut obj, None);
    semantics::validate(&kind, &obj, None).map_err(|e| ApiError::from_semantic(rt, &name, e))?;
    if store.get(&rt.key(), ns, &name).is_some() {
        return Err(ApiError::already_exists(rt, &name));
    }
    if !o.applied {
        semantics::record_update(
            &kind,
            None,
            &mut obj,
            &o.manager,
            o.subresource.as_deref(),
            &now,
        );
    }
    if !o.dry_run {
        // Placeholder so the key sits in its serialised position.
        meta::set_rv(&mut obj, 0);
    }
    meta::order(&mut obj, rt.is_custom());
    if o.dry_run {
        return Ok(obj);
    }
    Ok(store.insert(&rt.key(), obj))
}

/// Sets name/namespace (generateName), drops server-owned fields; returns the name.
fn prepare_identity(obj: &mut Value, rt: &ResourceType, ns: &str) -> Result<String, ApiError> {
    let r = meta::edit_meta(obj, |m| {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "selfLink",
        ] {
            m.remove(k);
        }
        if rt.namespaced {
            m.insert("namespace".into(), json!(ns));
        } else {
            m.remove("namespace");
        }
        let name = m
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !name.is_empty() {
            return Some(name);
        }
        let prefix = m.get("generateName").and_then(Value::as_str)?.to_string();
        let name = format!("{prefix}{}", meta::suffix());
        m.insert("name".into(), json!(name));
        Some(name)
    });
    match r.flatten() {
        Some(name) => Ok(name),
        None => {
            let cause = Cause {
                reason: "FieldValueRequired".into(),
                message: "Required value: name or generateName is required".into(),
                field: "metadata.name".into(),
            };
            Err(invalid(&rt.kind, &rt.group, "", &[cause]))
        }
    }
}

/// Sets kind and apiVersion of the served type.
pub(crate) fn set_type(obj: &mut Value, rt: &ResourceType) {
    if let Value::Object(m) = obj {
        m.insert("kind".into(), json!(rt.kind));
        m.insert("apiVersion".into(), json!(rt.api_version()));
    }
}

/// Replaces `old` by `new`. Returns the stored (or would-be) object.
pub(crate) fn update(
    store: &mut Store,
    rt: &ResourceType,
    old: &Value,
    new: Value,
    o: &WriteOpts,
) -> Result<Value, ApiError> {
    let mut new = scope_to_subresource(rt, old, new, o.subresource.as_deref());
    set_type(&mut new, rt);
    keep_identity(old, &mut new);
    let kind = rt.kind_info();
    let name = meta::name(old).to_string();
    let now = meta::now();
    semantics::default_object(&kind, &mut new, Some(old));
    semantics::validate(&kind, &new, Some(old))
        .map_err(|e| ApiError::from_semantic(rt, &name, e))?;
    if !o.applied {
        semantics::record_update(
            &kind,
            Some(old),
            &mut new,
            &o.manager,
            o.subresource.as_deref(),
            &now,
        );
    }
    if rt.has_generation() && spec_changed(rt, old, &new) {
        let g = old
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        meta::edit_meta(&mut new, |m| m.insert("generation".into(), json!(g + 1)));
    }
    meta::order(&mut new, rt.is_custom());
    finish_update(store, rt, old, new, o.dry_run)
}

/// Stores the update, or completes a deletion whose last finalizer went.
fn finish_update(
    store: &mut Store,
    rt: &ResourceType,
    old: &Value,
    mut new: Value,
    dry_run: bool,
) -> Result<Value, ApiError> {
    let old_rv = meta::rv(old).to_string();
    meta::edit_meta(&mut new, |m| {
        m.insert("resourceVersion".into(), json!(old_rv))
    });
    meta::order(&mut new, rt.is_custom());
    if meta::deleting(&new) && meta::finalizers(&new).is_empty() && !awaits_controller(rt, &new) {
        if !dry_run {
            store.remove(&rt.key(), meta::namespace(old), meta::name(old));
        }
        return Ok(new);
    }
    if meta::without_managed_fields(&new) == meta::without_managed_fields(old) || dry_run {
        return Ok(if dry_run { new } else { old.clone() });
    }
    Ok(store.replace(&rt.key(), new))
}

/// Main-resource writes keep the stored status; status writes keep the rest.
fn scope_to_subresource(rt: &ResourceType, old: &Value, new: Value, sub: Option<&str>) -> Value {
    match sub {
        Some("status") => {
            let mut out = old.clone();
            if let (Value::Object(o), Some(s)) = (&mut out, new.get("status")) {
                o.insert("status".into(), s.clone());
            }
            if let Some(mf) = new.pointer("/metadata/managedFields").cloned() {
                meta::edit_meta(&mut out, |m| m.insert("managedFields".into(), mf));
            }
            out
        }
        None if rt.has_sub("status") => {
            let mut out = new;
            if let Value::Object(o) = &mut out {
                match old.get("status") {
                    Some(s) => o.insert("status".into(), s.clone()),
                    None => o.remove("status"),
                };
            }
            out
        }
        _ => new,
    }
}

/// Copies the fields a client can never change from `old`.
fn keep_identity(old: &Value, new: &mut Value) {
    let keep = [
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "generation",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ];
    meta::edit_meta(new, |m| {
        for k in keep {
            match old.pointer(&format!("/metadata/{k}")) {
                Some(v) => m.insert(k.into(), v.clone()),
                None => m.remove(k),
            };
        }
    });
}

fn spec_changed(rt: &ResourceType, old: &Value, new: &Value) -> bool {
    if rt.is_custom() {
        let strip = |v: &Value| {
            let mut v = v.clone();
            if let Value::Object(m) = &mut v {
                m.remove("metadata");
                m.remove("status");
            }
            v
        };
        return strip(old) != strip(new);
    }
    old.get("spec") != new.get("spec")
}

/// Objects whose deletion is finished by a controller rather than by their
/// last finalizer going away: Namespaces (the namespace controller, through
/// `spec.finalizers`) and Pods in their grace period (the kubelet).
fn awaits_controller(rt: &ResourceType, obj: &Value) -> bool {
    if !rt.group.is_empty() {
        return false;
    }
    match rt.kind.as_str() {
        "Namespace" => true,
        "Pod" => {
            obj.pointer("/metadata/deletionGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                > 0
        }
        _ => false,
    }
}
