//! Prune: delete tracked objects the app no longer renders. Safe by
//! construction: candidates come only from listing objects that carry the
//! app's tracking label, for every kind the app renders now or applied
//! before (the inventory); any list that fails, or a watch that is not
//! current, stops the prune before anything is deleted, and so does a
//! delete the user may not do; a delete that fails stops it where it is;
//! `tether.dev/prune: "false"` is never deleted, nor (Argo CD apps) an
//! object annotated `Prune=false`, nor (Flux Kustomizations) one marked
//! `kustomize.toolkit.fluxcd.io/prune: disabled`; Argo CD hooks are
//! never extras.

use super::EngineError;
use super::order::kind_rank;
use super::permissions::{Touched, object_checks};
use super::sync::{ResourceResult, SyncMode};
use super::sync_progress::{SyncReporter, SyncStep};
use crate::cluster::{ClusterClient, ClusterError, InventoryEntry, gvk_of};
use crate::model::{AppSpec, GroupVersionKind, ResourceKey, Tracking};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Flux's per-object opt-out of pruning, as [`Extra::no_prune`] names it.
const FLUX_PRUNE_DISABLED: &str = "kustomize.toolkit.fluxcd.io/prune: disabled";

/// The annotation that keeps an object from ever being pruned.
pub const PRUNE_ANNOTATION: &str = "tether.dev/prune";

/// An object to delete, with the API version to address it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub key: ResourceKey,
    pub version: String,
    /// What keeps it from deletion, on the live object: Argo CD's
    /// `argocd.argoproj.io/sync-options: Prune=false` (`Prune=false`) or
    /// Flux's `kustomize.toolkit.fluxcd.io/prune: disabled`. Listed,
    /// never deleted.
    pub no_prune: Option<&'static str>,
    /// Argo CD `argocd.argoproj.io/compare-options: IgnoreExtraneous`:
    /// listed, does not make the app OutOfSync.
    pub ignore_extraneous: bool,
}

/// For an Argo CD app: a live Argo CD or Helm hook, which a sync runs
/// and its delete policy removes; never an extra.
fn is_live_hook(object: &Value) -> bool {
    let annotations = object.pointer("/metadata/annotations");
    [crate::argocd::app::HOOK_ANNOTATION, "helm.sh/hook"]
        .iter()
        .any(|k| annotations.and_then(|a| a.get(k)).is_some())
}

/// Live objects carrying the mark of `tracking` (the app `app`'s) that
/// `desired` no longer contains, in deletion order (reverse apply order).
/// They are read, in every namespace, from the watch of each kind
/// selected by the tracking label (metadata only); schemes without a
/// label (Argo CD's annotation) read the watch of the whole kind and keep
/// the marked objects.
pub async fn find_extras(
    app: &str,
    tracking: &Tracking,
    client: &ClusterClient,
    desired: &[Value],
    inventory: &[InventoryEntry],
) -> Result<Vec<Extra>, EngineError> {
    let desired_keys: BTreeSet<ResourceKey> = desired
        .iter()
        .filter_map(ResourceKey::from_object)
        .collect();
    let mut kinds: BTreeMap<(String, String), String> = BTreeMap::new();
    for gvk in desired.iter().filter_map(gvk_of) {
        kinds.entry((gvk.group, gvk.kind)).or_insert(gvk.version);
    }
    for entry in inventory {
        kinds
            .entry((entry.key.group.clone(), entry.key.kind.clone()))
            .or_insert_with(|| entry.version.clone());
    }
    // The namespaces the app renders into or a sync applied to: where a
    // user bound only there looks for extras.
    let namespaces: Vec<String> = desired_keys
        .iter()
        .chain(inventory.iter().map(|e| &e.key))
        .filter_map(|k| k.namespace.clone())
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();

    let argo = matches!(tracking, Tracking::Argocd { .. });
    let kustomization = matches!(
        tracking,
        Tracking::Flux { prefix, .. } if *prefix == crate::import::KUSTOMIZE_PREFIX
    );
    let mut extras = Vec::new();
    for ((group, kind), version) in kinds {
        let gvk = GroupVersionKind {
            group,
            version: version.clone(),
            kind,
        };
        let selector = tracking.selector();
        let selector = selector.as_ref().map(|(k, v)| (k.as_str(), v.as_str()));
        let listed = match client.cached_tracked(&gvk, selector).await {
            // May not list the kind everywhere: look where the app puts
            // objects and where its syncs applied them.
            Err(ClusterError::Forbidden { .. }) => {
                let names: Vec<String> = inventory
                    .iter()
                    .filter(|e| {
                        e.key.namespace.is_none()
                            && e.key.group == gvk.group
                            && e.key.kind == gvk.kind
                    })
                    .map(|e| e.key.name.clone())
                    .collect();
                client
                    .tracked_within(&gvk, selector, &namespaces, &names)
                    .await
            }
            other => other,
        };
        let live = match listed {
            Ok(listed) if listed.complete => listed.objects,
            Ok(_) => {
                return Err(EngineError::Sync {
                    app: app.to_string(),
                    message: format!(
                        "prune stopped, nothing deleted: the live state of {} is not current (its watch is failing)",
                        gvk.kind
                    ),
                });
            }
            // A kind the cluster no longer serves has no objects left.
            Err(ClusterError::UnknownKind { .. }) => continue,
            Err(e) => {
                return Err(EngineError::Sync {
                    app: app.to_string(),
                    message: format!(
                        "prune stopped, nothing deleted: the live state of {} is incomplete: {e}",
                        gvk.kind
                    ),
                });
            }
        };
        for object in &live {
            let Some(key) = ResourceKey::from_object(object) else {
                continue;
            };
            if desired_keys.contains(&key)
                || is_protected(object)
                || !super::tracking::owns(tracking, object)
                || (argo && is_live_hook(object))
            {
                continue;
            }
            // A malformed annotation of a live object is not this
            // prune's to judge: the object is an ordinary extra.
            let policy = argo
                .then(|| crate::argocd::app::object_policy(object).ok())
                .flatten()
                .unwrap_or_default();
            let no_prune = if policy.prune_disabled() {
                Some("Prune=false")
            } else if kustomization && crate::flux::policy::object_policy(object).prune_disabled {
                Some(FLUX_PRUNE_DISABLED)
            } else {
                None
            };
            extras.push(Extra {
                key,
                version: version.clone(),
                no_prune,
                ignore_extraneous: policy.ignore_extraneous(),
            });
        }
    }
    extras.sort_by(|a, b| {
        kind_rank(&b.key.kind)
            .cmp(&kind_rank(&a.key.kind))
            .then(a.key.cmp(&b.key))
    });
    Ok(extras)
}

/// Deletes the extras, after checking that every one may be deleted: a
/// refused permission stops the prune before anything is deleted.
pub(crate) async fn prune_extras(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &[Value],
    inventory: &[crate::cluster::InventoryEntry],
    mode: &SyncMode,
    reporter: &SyncReporter<'_>,
    results: &mut Vec<ResourceResult>,
) -> Result<(), EngineError> {
    let (kept, extras): (Vec<Extra>, Vec<Extra>) =
        find_extras(&app.name, &app.tracking(), client, desired, inventory)
            .await?
            .into_iter()
            .partition(|e| e.no_prune.is_some());
    for extra in kept {
        let keep = extra.no_prune.unwrap_or_default();
        results.push(ResourceResult {
            group: extra.key.group,
            kind: extra.key.kind,
            namespace: extra.key.namespace.unwrap_or_default(),
            name: extra.key.name,
            wave: None,
            action: format!("kept ({keep})"),
            takeovers: Vec::new(),
        });
    }
    let touched: Vec<_> = extras
        .iter()
        .map(|e| Touched {
            gvk: crate::model::GroupVersionKind {
                group: e.key.group.clone(),
                version: e.version.clone(),
                kind: e.key.kind.clone(),
            },
            namespace: e.key.namespace.clone(),
            name: e.key.name.clone(),
            exists: true,
            extra: true,
        })
        .collect();
    if let Some(denial) = client
        .first_denied(&object_checks(client, &touched, true).await)
        .await
    {
        return Err(EngineError::Sync {
            app: app.name.clone(),
            message: format!("prune stopped, nothing deleted: {denial}"),
        });
    }
    let total = extras.len();
    for (done, extra) in extras.into_iter().enumerate() {
        if !mode.dry_run {
            let propagation = app
                .sync_option("PrunePropagationPolicy")
                .unwrap_or("foreground");
            client
                .delete(&extra.key, &extra.version, propagation)
                .await
                .map_err(|e| EngineError::Sync {
                    app: app.name.clone(),
                    message: format!(
                        "prune stopped after deleting {done} of {total}: cannot delete {}: {e}",
                        extra.key
                    ),
                })?;
        }
        let result = ResourceResult {
            group: extra.key.group,
            kind: extra.key.kind,
            namespace: extra.key.namespace.unwrap_or_default(),
            name: extra.key.name,
            wave: None,
            action: "deleted".to_string(),
            takeovers: Vec::new(),
        };
        reporter.send(SyncStep::Pruned(result.clone()));
        results.push(result);
    }
    Ok(())
}

fn is_protected(object: &Value) -> bool {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(PRUNE_ANNOTATION))
        .and_then(Value::as_str)
        == Some("false")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn protection_is_read_from_metadata() {
        let protected = json!({"metadata": {"annotations": {PRUNE_ANNOTATION: "false"}}});
        assert!(is_protected(&protected));
        assert!(!is_protected(&json!({"metadata": {}})));
    }
}
