//! How kustomize-controller applies the objects of a Flux Kustomization
//! imported from Git, in tether's engine:
//!
//! - before an object is applied, the fields `kubectl` and older writers
//!   own are taken over and the last-applied annotation removed
//!   (`ssa: Override`, the default), unless it is marked `ssa: Merge`
//!   ([`clean_up`], [`crate::flux::cleanup`]);
//! - an object whose apply fails on an immutable field is deleted and
//!   created again when the Kustomization has `spec.force: true` or the
//!   object `kustomize.toolkit.fluxcd.io/force: enabled` ([`recreates`],
//!   [`recreate`]).

use super::EngineError;
use super::snapshot::fingerprint;
use super::sync::ResourceResult;
use crate::cluster::{ClusterClient, ClusterError, gvk_of};
use crate::model::{AppSpec, ResourceKey};
use serde_json::Value;

/// Whether kustomize-controller recreates `desired` after applying it
/// failed with `error` (fluxcd/pkg/ssa's force rule): `app` is a Flux
/// Kustomization with `spec.force: true`, or `desired` or `live` carries
/// `kustomize.toolkit.fluxcd.io/force: enabled`, and the error is one the
/// controller takes for an immutable field — HTTP 422 (Invalid) or 409
/// (Conflict), as kubectl judges it, or a message saying a field is
/// immutable (admission webhooks, CEL rules).
pub(super) fn recreates(
    app: &AppSpec,
    desired: &Value,
    live: &Value,
    error: &ClusterError,
) -> bool {
    let Some(object) = super::flux_gate::kustomization(app) else {
        return false;
    };
    let forced = object.pointer("/spec/force").and_then(Value::as_bool) == Some(true)
        || crate::flux::policy::object_policy(desired).force
        || crate::flux::policy::object_policy(live).force;
    let immutable = match error {
        ClusterError::Api {
            code: 409 | 422, ..
        } => true,
        other => {
            let text = other.to_string();
            text.contains("is immutable") || text.contains("immutable field")
        }
    };
    forced && immutable
}

/// kustomize-controller's metadata cleanup before it applies `desired`
/// over `live` ([`crate::flux::cleanup`]; not for `ssa: Merge` objects):
/// patches `live` and says whether it did (then the object is applied
/// even when nothing else changed, as the controller does).
pub(super) async fn clean_up(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &Value,
    live: &Value,
) -> Result<bool, EngineError> {
    if super::flux_gate::kustomization(app).is_none() {
        return Ok(false);
    }
    let Some(patch) =
        crate::flux::cleanup::cleanup_patch(desired, live, crate::cluster::FIELD_MANAGER)
    else {
        return Ok(false);
    };
    let gvk = crate::cluster::gvk_of(desired).unwrap_or_default();
    let key =
        ResourceKey::from_object(desired).unwrap_or_else(|| ResourceKey::new("", "", None, ""));
    client
        .merge_patch(&gvk, key.namespace.as_deref(), &key.name, &patch, None)
        .await
        .map_err(|e| EngineError::Sync {
            app: app.name.clone(),
            message: format!("{key}: managedFields cleanup failed: {e}"),
        })?;
    Ok(true)
}

/// Deletes the live object of `key` (background propagation) and applies
/// `object` again, as kustomize-controller does with `force` when an
/// immutable field changed; its change set then says `created`. A
/// dry-run only says so.
pub(super) async fn recreate(
    app: &AppSpec,
    client: &ClusterClient,
    object: &Value,
    key: &ResourceKey,
    wave: Option<i64>,
    dry_run: bool,
) -> Result<(ResourceResult, Option<(ResourceKey, String)>), EngineError> {
    let failed = |what: &str, e: ClusterError| EngineError::Sync {
        app: app.name.clone(),
        message: format!("{key}: immutable field changed, {what}: {e}"),
    };
    let mut print = None;
    if !dry_run {
        let version = gvk_of(object).unwrap_or_default().version;
        client
            .delete(key, &version, "background")
            .await
            .map_err(|e| failed("cannot delete it to recreate it", e))?;
        let created = client
            .apply(object, false)
            .await
            .map_err(|e| failed("deleted but cannot create it again", e))?;
        print = fingerprint(object, &created.object).map(|p| (key.clone(), p));
    }
    let result = ResourceResult {
        group: key.group.clone(),
        kind: key.kind.clone(),
        namespace: key.namespace.clone().unwrap_or_default(),
        name: key.name.clone(),
        wave,
        action: "created".to_string(),
        takeovers: Vec::new(),
    };
    Ok((result, print))
}
