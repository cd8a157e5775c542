//! `diff`: per desired object, a server-side apply dry-run predicts what
//! the cluster would hold; predicted and live are compared after dropping
//! server noise and the app's ignoreDifferences, with Secret values masked.
//! Where the dry-run is not possible — the user may not `patch` (a
//! read-only user), the server refuses or fails it, a namespace is not
//! created yet — the fallback compares only the fields the desired object
//! sets, and the resource's `note` says so and why. A live object that
//! cannot be read is `unknown`, never a `create`.
//!
//! Live objects are read with one LIST per kind and namespace
//! ([`Snapshot`]), and an object whose fingerprint still equals the one the
//! last sync recorded in the inventory (the same object applied, the same
//! fields owned by tether) is unchanged without a dry-run: only the other
//! objects cost a request each, at most [`DRY_RUNS_IN_FLIGHT`] at once.

use super::compare::prepare_for_cluster;
use super::desired::Desired;
use super::snapshot::{Snapshot, fingerprint};
use crate::cluster::{ClusterClient, ClusterError, gvk_of, read_state};
use crate::diff::{
    FieldChange, SecretStrings, align_keys, apply_ignores, apply_manager_ignores, changed_paths,
    managers_of, mark_changed, mask_secret, normalize_desired, strip_noise, to_yaml, unified,
};
use crate::model::{AppSpec, ResourceKey};
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Server-side dry-runs of one diff in flight at once.
pub const DRY_RUNS_IN_FLIGHT: usize = 16;

/// The diff of one resource (DESIGN.md §3 `diff` JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceDiff {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `create`, `update`, `delete`, `none`, or `unknown` when the live
    /// object could not be read (the note says why).
    pub change: String,
    /// Unified YAML diff from live to desired; empty when `none`.
    pub diff: String,
    /// Each changed field with the field managers that own it live.
    pub fields: Vec<FieldChange>,
    /// How the comparison was made when not by a server-side dry-run, or
    /// why it could not be made.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The diff of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppDiff {
    pub app: String,
    pub revision: String,
    pub resources: Vec<ResourceDiff>,
    /// Set when some resources were compared without a server-side
    /// dry-run because the user may not run one: `3 of 4 resources …`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl AppDiff {
    /// True when some resource would change (or could not be compared).
    pub fn differs(&self) -> bool {
        self.resources.iter().any(|r| r.change != "none")
    }

    /// True when some resource could not be compared at all.
    pub fn incomplete(&self) -> bool {
        self.resources.iter().any(|r| r.change == "unknown")
    }
}

/// The start of the note of a resource compared without a dry-run
/// because the user may not run one.
const NO_DRY_RUN: &str = "compared the fields Git sets with live, without a server-side dry-run";

/// Diffs every desired object of an app against the cluster.
pub async fn diff_app(app: &AppSpec, client: &ClusterClient, mut desired: Desired) -> AppDiff {
    prepare_for_cluster(app, client, &mut desired.objects).await;
    let secrets = &desired.secrets;
    // The fingerprints of the last sync; without them every object is
    // compared by a dry-run.
    let recorded: HashMap<ResourceKey, String> = read_state(client, &app.name)
        .await
        .map(|state| {
            state
                .inventory
                .into_iter()
                .filter_map(|e| Some((e.key, e.applied?)))
                .collect()
        })
        .unwrap_or_default();
    let mut snapshot = Snapshot::read(client, &desired.objects).await;
    let work: Vec<(&Value, Option<Option<Value>>)> = desired
        .objects
        .iter()
        .map(|o| {
            let known = ResourceKey::from_object(o).and_then(|k| snapshot.take(&k));
            (o, known)
        })
        .collect();
    // The futures are made before the stream (a stream mapping with a
    // borrowing closure is not Send for every lifetime).
    let diffs: Vec<_> = work
        .into_iter()
        .map(|(object, known)| {
            let unchanged = match (&known, ResourceKey::from_object(object)) {
                (Some(Some(live)), Some(key)) => recorded
                    .get(&key)
                    .filter(|print| fingerprint(object, live).as_ref() == Some(*print))
                    .map(|_| key),
                _ => None,
            };
            async move {
                match unchanged {
                    Some(key) => same(key),
                    None => diff_one(app, client, object, known, secrets).await,
                }
            }
        })
        .collect();
    let resources: Vec<ResourceDiff> = futures::stream::iter(diffs)
        .buffered(DRY_RUNS_IN_FLIGHT)
        .collect()
        .await;
    let forbidden = resources
        .iter()
        .filter(|r| r.note.starts_with(NO_DRY_RUN))
        .count();
    let note = match resources.iter().find(|r| r.note.starts_with(NO_DRY_RUN)) {
        Some(first) => format!(
            "{forbidden} of {} resources: {}",
            resources.len(),
            first.note
        ),
        None => String::new(),
    };
    AppDiff {
        app: app.name.clone(),
        revision: desired.revision,
        resources,
        note,
    }
}

/// A resource the last sync left as it is.
fn same(key: ResourceKey) -> ResourceDiff {
    ResourceDiff {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        change: "none".to_string(),
        diff: String::new(),
        fields: Vec::new(),
        note: String::new(),
    }
}

/// Diffs one object by a dry-run; `known` is its live state when a LIST
/// already read it (else it is read with a GET).
async fn diff_one(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &Value,
    known: Option<Option<Value>>,
    secrets: &SecretStrings,
) -> ResourceDiff {
    let key =
        ResourceKey::from_object(desired).unwrap_or_else(|| ResourceKey::new("", "", None, ""));
    let gvk = gvk_of(desired).unwrap_or_default();
    let live = match known {
        Some(live) => live,
        None => match client.get(&gvk, key.namespace.as_deref(), &key.name).await {
            Ok(live) => live,
            Err(ClusterError::UnknownKind { .. }) => None,
            Err(e) => return unknown(key, secrets.mask_text(&format!("cannot read it: {e}"))),
        },
    };
    if let Some(reason) = super::flux_gate::skip_reason(app, desired, live.as_ref()) {
        return ResourceDiff {
            note: format!("not applied: {reason}"),
            ..same(key)
        };
    }
    let (predicted, note) = match client.apply(desired, true).await {
        Ok(outcome) => (outcome.object, String::new()),
        Err(e) => {
            let note = match &live {
                Some(l) if super::flux_apply::recreates(app, desired, l, &e) => {
                    format!("{FORCED_NOTE} ({e})")
                }
                _ => fallback_note(&e, live.is_none()),
            };
            (
                fallback_prediction(desired, live.as_ref()),
                secrets.mask_text(&note),
            )
        }
    };
    let salt = format!("{}/{}", key.namespace.as_deref().unwrap_or(""), key.name);
    let prepare = |v: &Value| {
        let mut v = strip_noise(v);
        apply_ignores(&mut v, &key, &app.ignore_differences);
        v
    };
    let mut desired_side = prepare(&predicted);
    let mut live_side = live.as_ref().map(prepare);
    if let (Some(raw), Some(live_side)) = (&live, &mut live_side) {
        apply_manager_ignores(
            &mut desired_side,
            live_side,
            raw,
            &key,
            &app.ignore_differences,
        );
    }
    mask_secret(&mut desired_side, &salt);
    if let Some(live_side) = &mut live_side {
        mask_secret(live_side, &salt);
    }
    match &mut live_side {
        Some(live_side) => secrets.mask_values(&mut [&mut desired_side, live_side], &salt),
        None => secrets.mask_values(&mut [&mut desired_side], &salt),
    }
    let change = match &live_side {
        None => "create",
        Some(l) if *l == desired_side => "none",
        Some(_) => "update",
    };
    let fields = match (&live, &live_side) {
        (Some(raw), Some(l)) => changed_paths(l, &desired_side)
            .into_iter()
            .map(|path| FieldChange {
                managers: managers_of(raw, &path),
                path,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let Some(live_side) = &live_side {
        let changed: Vec<String> = fields.iter().map(|f| f.path.clone()).collect();
        mark_changed(live_side, &mut desired_side, &changed);
        align_keys(&mut desired_side, live_side);
    }
    let label = key.to_string();
    // Masked fields cannot leak; the pass over the text also catches a
    // secret the YAML printer split or a key the object shapes hid.
    let diff = secrets.mask_text(&unified(
        &to_yaml(live_side.as_ref()),
        &to_yaml(Some(&desired_side)),
        &label,
    ));
    ResourceDiff {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        change: change.to_string(),
        diff: if change == "none" {
            String::new()
        } else {
            diff
        },
        fields,
        note,
    }
}

/// A resource that could not be compared.
fn unknown(key: ResourceKey, note: String) -> ResourceDiff {
    ResourceDiff {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        change: "unknown".to_string(),
        diff: String::new(),
        fields: Vec::new(),
        note,
    }
}

/// Why a resource was compared without a dry-run (empty when that is
/// simply because it cannot be created before its namespace or CRD).
/// The note of an object a Flux sync recreates (`force`).
pub const FORCED_NOTE: &str =
    "an immutable field changed: a sync deletes and creates it again (Flux force)";

fn fallback_note(error: &ClusterError, missing: bool) -> String {
    match error {
        ClusterError::Forbidden { denial, .. } => format!("{NO_DRY_RUN}: {denial}"),
        ClusterError::UnknownKind { .. } => String::new(),
        e if missing && e.is_not_found() => String::new(),
        ClusterError::Refused { message, .. } => format!(
            "the API server would refuse it: {message}; compared the fields Git sets with live"
        ),
        other => {
            format!("no server-side dry-run ({other}); compared the fields Git sets with live")
        }
    }
}

/// Without a dry-run: the live object with the desired fields laid over it,
/// so only fields the desired object sets can differ.
fn fallback_prediction(desired: &Value, live: Option<&Value>) -> Value {
    let desired = normalize_desired(desired);
    match live {
        None => desired.into_owned(),
        Some(live) => {
            let mut out = live.clone();
            overlay(&mut out, &desired);
            out
        }
    }
}

fn overlay(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) => overlay(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p)) if t.len() == p.len() => {
            for (tv, pv) in t.iter_mut().zip(p) {
                overlay(tv, pv);
            }
        }
        (t, p) => *t = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fallback_keeps_server_defaults_and_takes_desired_fields() {
        let desired = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a", "image": "x:2"}]}}}});
        let live = json!({"spec": {"replicas": 2, "revisionHistoryLimit": 10,
            "template": {"spec": {"containers": [{"name": "a", "image": "x:1", "imagePullPolicy": "IfNotPresent"}]}}}});
        let predicted = fallback_prediction(&desired, Some(&live));
        assert_eq!(
            predicted,
            json!({"spec": {"replicas": 3, "revisionHistoryLimit": 10,
                "template": {"spec": {"containers": [{"name": "a", "image": "x:2", "imagePullPolicy": "IfNotPresent"}]}}}})
        );
    }
}
