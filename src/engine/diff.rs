//! `diff`: per desired object, a server-side apply dry-run predicts what
//! the cluster would hold; predicted and live are compared after dropping
//! server noise and the app's ignoreDifferences, with Secret values masked.
//! Where the dry-run is refused (forbidden, a namespace not created yet),
//! the fallback compares only the fields the desired object sets.

use super::compare::prepare_for_cluster;
use super::desired::Desired;
use crate::cluster::{ClusterClient, gvk_of};
use crate::diff::{
    FieldChange, SecretStrings, align_keys, apply_ignores, changed_paths, managers_of,
    mark_changed, mask_secret, normalize_desired, strip_noise, to_yaml, unified,
};
use crate::model::{AppSpec, ResourceKey};
use serde::Serialize;
use serde_json::Value;

/// The diff of one resource (DESIGN.md §3 `diff` JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceDiff {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `create`, `update`, `delete` or `none`.
    pub change: String,
    /// Unified YAML diff from live to desired; empty when `none`.
    pub diff: String,
    /// Each changed field with the field managers that own it live.
    pub fields: Vec<FieldChange>,
}

/// The diff of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppDiff {
    pub app: String,
    pub revision: String,
    pub resources: Vec<ResourceDiff>,
}

impl AppDiff {
    /// True when some resource would change.
    pub fn differs(&self) -> bool {
        self.resources.iter().any(|r| r.change != "none")
    }
}

/// Diffs every desired object of an app against the cluster.
pub async fn diff_app(app: &AppSpec, client: &ClusterClient, mut desired: Desired) -> AppDiff {
    prepare_for_cluster(app, client, &mut desired.objects).await;
    let secrets = &desired.secrets;
    let diffs = desired
        .objects
        .iter()
        .map(|o| diff_one(app, client, o, secrets));
    let resources = futures::future::join_all(diffs).await;
    AppDiff {
        app: app.name.clone(),
        revision: desired.revision,
        resources,
    }
}

async fn diff_one(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &Value,
    secrets: &SecretStrings,
) -> ResourceDiff {
    let key =
        ResourceKey::from_object(desired).unwrap_or_else(|| ResourceKey::new("", "", None, ""));
    let gvk = gvk_of(desired).unwrap_or_default();
    let live = client
        .get(&gvk, key.namespace.as_deref(), &key.name)
        .await
        .ok()
        .flatten();
    let predicted = match client.apply(desired, true).await {
        Ok(outcome) => outcome.object,
        Err(_) => fallback_prediction(desired, live.as_ref()),
    };
    let salt = format!("{}/{}", key.namespace.as_deref().unwrap_or(""), key.name);
    let prepare = |v: &Value| {
        let mut v = strip_noise(v);
        apply_ignores(&mut v, &key, &app.ignore_differences);
        mask_secret(&mut v, &salt);
        v
    };
    let mut desired_side = prepare(&predicted);
    let mut live_side = live.as_ref().map(prepare);
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
