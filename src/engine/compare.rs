//! Status of an app: desired objects paired with live ones by key, sync
//! from the fields the desired objects set, health per live object.

use super::desired::{self, Desired};
use super::prune::find_extras;
use crate::cluster::{ClusterClient, ClusterError, InventoryEntry, gvk_of};
use crate::diff::{
    apply_ignores, apply_manager_ignores, normalize_desired, subset_differences, trusted_managers,
};
use crate::health;
use crate::model::{
    AppEngine, AppSpec, AppStatus, GroupVersionKind, HealthStatus, IgnoreDifference, ResourceKey,
    ResourceStatus, SyncStatus,
};
use serde_json::Value;
use std::collections::HashMap;

/// Resolves namespacing of every desired kind through discovery, then sets
/// namespaces and the tracking label. Kinds the cluster does not serve yet
/// (a CRD in the same app) fall back to the offline table.
pub async fn prepare_for_cluster(app: &AppSpec, client: &ClusterClient, objects: &mut Vec<Value>) {
    let untracked_ns = untracked_namespace(app);
    if !untracked_ns {
        add_managed_namespace(app, objects);
    }
    let mut scopes: HashMap<(String, String), bool> = crd_scopes(objects);
    for object in objects.iter() {
        if let Some(gvk) = gvk_of(object) {
            let key = (gvk.group.clone(), gvk.kind.clone());
            if scopes.contains_key(&key) {
                continue;
            }
            let namespaced = match client.resolve(&gvk).await {
                Ok(kind) => kind.namespaced,
                Err(_) => desired::is_namespaced_offline(&gvk.group, &gvk.kind),
            };
            scopes.insert(key, namespaced);
        }
    }
    desired::prepare(app, objects, |group, kind| {
        scopes
            .get(&(group.to_string(), kind.to_string()))
            .copied()
            .unwrap_or_else(|| desired::is_namespaced_offline(group, kind))
    });
    if untracked_ns {
        add_managed_namespace(app, objects);
    }
}

/// [`prepare_for_cluster`] without a cluster: namespacing from the table of
/// kinds every cluster serves alike, CRDs of the app read for their own.
pub fn prepare_offline(app: &AppSpec, objects: &mut Vec<Value>) {
    let untracked_ns = untracked_namespace(app);
    if !untracked_ns {
        add_managed_namespace(app, objects);
    }
    let scopes = crd_scopes(objects);
    desired::prepare(app, objects, |group, kind| {
        scopes
            .get(&(group.to_string(), kind.to_string()))
            .copied()
            .unwrap_or_else(|| desired::is_namespaced_offline(group, kind))
    });
    if untracked_ns {
        add_managed_namespace(app, objects);
    }
}

/// An Argo CD app's `syncPolicy.managedNamespaceMetadata`, if set.
fn managed_namespace_metadata(app: &AppSpec) -> Option<&Value> {
    let origin = app.origin.as_deref()?;
    if origin.engine != AppEngine::Argocd {
        return None;
    }
    origin
        .object
        .pointer("/spec/syncPolicy/managedNamespaceMetadata")
        .filter(|m| !m.is_null())
}

/// Whether the namespace `CreateNamespace=true` creates stays without the
/// app's mark: Argo CD creates it but counts it among the app's resources
/// (tracked, compared) only when `managedNamespaceMetadata` is set.
fn untracked_namespace(app: &AppSpec) -> bool {
    app.engine() == AppEngine::Argocd && managed_namespace_metadata(app).is_none()
}

/// With `CreateNamespace=true` the destination namespace is part of the
/// desired state (unless the manifests define it): synced, shown and kept
/// like any other object, never an Extra. For an Argo CD app it carries
/// the labels and annotations of `managedNamespaceMetadata`.
fn add_managed_namespace(app: &AppSpec, objects: &mut Vec<Value>) {
    let Some(ns) = &app.destination.namespace else {
        return;
    };
    if !app.has_sync_option("CreateNamespace=true") {
        return;
    }
    let defined = objects.iter().any(|o| {
        o.get("kind").and_then(Value::as_str) == Some("Namespace")
            && o.pointer("/metadata/name").and_then(Value::as_str) == Some(ns)
    });
    if !defined {
        let mut namespace = serde_json::json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}
        });
        if let Some(meta) = managed_namespace_metadata(app) {
            for field in ["labels", "annotations"] {
                if let Some(entries) = meta.get(field).filter(|e| e.is_object()) {
                    namespace["metadata"][field] = entries.clone();
                }
            }
        }
        objects.push(namespace);
    }
}

/// Scopes of the custom resources whose CRDs the app itself defines, so
/// its custom resources are namespaced right before the CRD is served.
fn crd_scopes(objects: &[Value]) -> HashMap<(String, String), bool> {
    objects
        .iter()
        .filter(|o| o.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition"))
        .filter_map(|crd| {
            let group = crd.pointer("/spec/group")?.as_str()?.to_string();
            let kind = crd.pointer("/spec/names/kind")?.as_str()?.to_string();
            let namespaced = crd.pointer("/spec/scope").and_then(Value::as_str) != Some("Cluster");
            Some(((group, kind), namespaced))
        })
        .collect()
}

/// Compares one desired object with its live counterpart (None when it
/// does not exist): sync from the fields the desired object sets, after
/// the app's ignoreDifferences; health of the live object. Pure: this is
/// the step a status refresh repeats for every resource.
pub fn compare_resource(
    desired: &Value,
    live: Option<&Value>,
    ignores: &[IgnoreDifference],
) -> ResourceStatus {
    let gvk = gvk_of(desired).unwrap_or_default();
    let key =
        ResourceKey::from_object(desired).unwrap_or_else(|| ResourceKey::new("", "", None, ""));
    let mut status = ResourceStatus {
        group: gvk.group.clone(),
        version: gvk.version.clone(),
        kind: gvk.kind.clone(),
        namespace: key.namespace.clone().unwrap_or_default(),
        name: key.name.clone(),
        sync: SyncStatus::OutOfSync,
        health: HealthStatus::Missing,
        message: "missing from the cluster".to_string(),
        info: String::new(),
    };
    let Some(live) = live else {
        return status;
    };
    let wanted = normalize_desired(desired);
    let differences = if ignores.is_empty() {
        subset_differences(&wanted, live)
    } else {
        let mut wanted = wanted.into_owned();
        let mut seen = live.clone();
        apply_ignores(&mut wanted, &key, ignores);
        apply_ignores(&mut seen, &key, ignores);
        apply_manager_ignores(&mut wanted, &mut seen, live, &key, ignores);
        subset_differences(&wanted, &seen)
    };
    let verdict = health::assess(live);
    status.health = verdict.status;
    status.info = health::details(live, &[]);
    if differences.is_empty() {
        status.sync = SyncStatus::Synced;
        status.message = verdict.message;
    } else {
        status.message = format!("differs at {}", differences.join(", "));
    }
    status
}

/// Compares one desired object with the live cache of its cluster.
pub async fn resource_status(
    client: &ClusterClient,
    desired: &Value,
    ignores: &[IgnoreDifference],
) -> ResourceStatus {
    let gvk = gvk_of(desired).unwrap_or_default();
    let key =
        ResourceKey::from_object(desired).unwrap_or_else(|| ResourceKey::new("", "", None, ""));
    // The watch cache drops managedFields: rules naming field managers
    // need the object as the API server returns it.
    let read = if trusted_managers(&key, ignores).is_empty() {
        client
            .cached_get(&gvk, key.namespace.as_deref(), &key.name)
            .await
    } else {
        client
            .get(&gvk, key.namespace.as_deref(), &key.name)
            .await
            .map(|o| o.map(std::sync::Arc::new))
    };
    match read {
        Ok(live) => compare_resource(desired, live.as_deref(), ignores),
        Err(ClusterError::UnknownKind { .. }) => {
            let mut status = compare_resource(desired, None, ignores);
            status.message = format!("the cluster does not serve {}", gvk.api_version());
            status
        }
        Err(e) => {
            let mut status = compare_resource(desired, None, ignores);
            status.sync = SyncStatus::Unknown;
            status.health = HealthStatus::Unknown;
            status.message = e.to_string();
            status
        }
    }
}

/// How many objects of one app [`app_status`] compares at once.
const STATUS_CHECKS_IN_FLIGHT: usize = 32;

/// The app's status from its desired objects and the cluster.
pub async fn app_status(
    app: &AppSpec,
    cluster: &str,
    client: &ClusterClient,
    mut desired: Desired,
    inventory: &[InventoryEntry],
) -> AppStatus {
    prepare_for_cluster(app, client, &mut desired.objects).await;
    // A chunk of checks at a time: they are answered from the watch
    // caches, and a future per object of a 10,000-object app held at once
    // cost megabytes for nothing.
    let mut resources = Vec::with_capacity(desired.objects.len());
    for chunk in desired.objects.chunks(STATUS_CHECKS_IN_FLIGHT) {
        let checks = chunk.iter().map(|o| async move {
            let mut status = resource_status(client, o, &app.ignore_differences).await;
            super::flux_gate::mark_skipped(app, client, o, &mut status).await;
            status
        });
        resources.extend(futures::future::join_all(checks).await);
    }
    // Tracked objects Git no longer describes: what a prune would delete.
    // When the live state is incomplete they are simply not listed.
    if let Ok(extras) = find_extras(
        &app.name,
        &app.tracking(),
        client,
        &desired.objects,
        inventory,
    )
    .await
    {
        for extra in extras {
            let gvk = GroupVersionKind {
                group: extra.key.group.clone(),
                version: extra.version.clone(),
                kind: extra.key.kind.clone(),
            };
            let live = client
                .cached_get(&gvk, extra.key.namespace.as_deref(), &extra.key.name)
                .await
                .ok()
                .flatten();
            let (sync, message) = if extra.ignore_extraneous {
                (SyncStatus::Synced, EXTRA_IGNORED_MESSAGE.to_string())
            } else if let Some(keep) = extra.no_prune {
                (
                    SyncStatus::OutOfSync,
                    format!("{EXTRA_NO_PRUNE_MESSAGE}{keep}: a prune keeps it"),
                )
            } else {
                (SyncStatus::OutOfSync, EXTRA_MESSAGE.to_string())
            };
            resources.push(ResourceStatus {
                group: extra.key.group,
                version: extra.version,
                kind: extra.key.kind,
                namespace: extra.key.namespace.unwrap_or_default(),
                name: extra.key.name,
                sync,
                health: live.map_or(HealthStatus::Missing, |l| health::assess(&l).status),
                message,
                info: String::new(),
            });
        }
    }
    let mut status = summarize(app, cluster, desired.revision, resources);
    super::flux_gate::roll_up(app, client, &desired.objects, &mut status).await;
    // Conditions the controller would raise (Argo CD's
    // RepeatedResourceWarning) follow the app's own message.
    for warning in &desired.warnings {
        if !status.message.is_empty() {
            status.message.push_str("; ");
        }
        status.message.push_str(warning);
    }
    status
}

/// The message of a tracked object that Git no longer describes.
pub const EXTRA_MESSAGE: &str = "extra: tracked but no longer in Git (sync with prune deletes it)";
/// An extra object an Argo CD app keeps from pruning (`Prune=false`).
/// It is followed by the annotation that keeps it (see
/// [`super::prune::Extra::no_prune`]) and `: a prune keeps it`.
pub const EXTRA_NO_PRUNE_MESSAGE: &str = "extra: tracked but no longer in Git; ";
/// An extra object that does not count for an Argo CD app's sync status
/// (`compare-options: IgnoreExtraneous`).
pub const EXTRA_IGNORED_MESSAGE: &str =
    "extra: tracked but no longer in Git; IgnoreExtraneous: the app stays Synced";

/// Rolls resource states up into the app's: OutOfSync if any resource is,
/// Unknown if any is unknown; health is the worst.
pub fn summarize(
    app: &AppSpec,
    cluster: &str,
    revision: String,
    resources: Vec<ResourceStatus>,
) -> AppStatus {
    let sync = if resources.iter().any(|r| r.sync == SyncStatus::Unknown) {
        SyncStatus::Unknown
    } else if resources.iter().any(|r| r.sync == SyncStatus::OutOfSync) {
        SyncStatus::OutOfSync
    } else {
        SyncStatus::Synced
    };
    let health = health::worst(resources.iter().map(|r| r.health));
    let message = resources
        .iter()
        .filter(|r| {
            r.sync != SyncStatus::Synced || r.health == health && health != HealthStatus::Healthy
        })
        .map(|r| format!("{}/{}: {}", r.kind, r.name, r.message))
        .next()
        .unwrap_or_default();
    AppStatus {
        sync,
        health,
        message,
        resources,
        ..identity(app, cluster, revision)
    }
}

/// An app's status with only who it is filled in: name, project, cluster,
/// namespace, revision and, for imported apps, engine, kind, ref and
/// origin. Sync and health are Unknown.
pub fn identity(app: &AppSpec, cluster: &str, revision: String) -> AppStatus {
    let origin = app.origin.as_deref();
    AppStatus {
        name: app.name.clone(),
        project: app.project_name().to_string(),
        cluster: cluster.to_string(),
        namespace: app.destination.namespace.clone().unwrap_or_default(),
        revision,
        engine: app.engine(),
        kind: origin.map(|o| o.kind.clone()),
        reference: app.reference(),
        origin: origin.map(|o| o.origin).unwrap_or_default(),
        parent: origin.and_then(|o| o.parent.clone()),
        suspended: origin
            .filter(|o| o.engine == AppEngine::Flux)
            .map(|o| o.object.pointer("/spec/suspend") == Some(&Value::Bool(true))),
        paused: origin.is_some_and(engine_paused),
        ..AppStatus::default()
    }
}

/// Paused as its engine says (DESIGN.md §6): a Flux object suspended, an
/// Argo CD Application without automated sync.
fn engine_paused(origin: &crate::model::AppOrigin) -> bool {
    let object = &origin.object;
    match origin.engine {
        AppEngine::Flux => object.pointer("/spec/suspend") == Some(&Value::Bool(true)),
        AppEngine::Argocd => !crate::argocd::is_automated(object),
        AppEngine::Tether => false,
    }
}

/// The status of an app whose state cannot be known, with the cause.
pub fn unknown(app: &AppSpec, cluster: &str, revision: String, message: String) -> AppStatus {
    AppStatus {
        message,
        ..identity(app, cluster, revision)
    }
}
