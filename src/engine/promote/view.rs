//! `tether pipeline` (DESIGN.md §7): per stage what it runs (desired and
//! live images), sync, health and since when, the gates into it, how many
//! resources the next promotion would change, and a flag when it runs a
//! version the previous stage never ran healthy.

use super::super::{Engine, desired::render_app};
use super::gates::{self, GateState, healthy_since};
use super::images::{ImageRef, images_of};
use crate::diff::{SecretStrings, mask_secret, to_yaml};
use crate::engine::StageResourceDiff;
use crate::model::{
    AppSpec, AppStatus, GroupVersionKind, HealthStatus, PipelineSpec, Revision, SyncStatus,
};
use serde::Serialize;
use serde_json::Value;
use similar::TextDiff;
use std::collections::{BTreeMap, BTreeSet};

/// How many past successful syncs of the previous stage are rendered to
/// learn which versions it ran.
const HISTORY_DEPTH: usize = 5;

/// Kinds whose live objects are read for the images they run.
const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicaSet",
];

/// One stage of `tether pipeline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageView {
    pub app: String,
    pub cluster: String,
    /// The commit the stage's status is at.
    pub revision: String,
    /// Images of its desired state (`repo:tag`).
    pub images: Vec<String>,
    /// Images its live workloads run.
    pub live_images: Vec<String>,
    pub sync: String,
    pub health: String,
    /// Synced and Healthy since (the end of the last successful sync at
    /// its revision), RFC 3339.
    pub healthy_since: Option<String>,
    /// The gates into this stage (none for the first).
    pub gates: Vec<GateState>,
    /// Resources the next promotion into this stage would change (None
    /// for the first stage, or when it cannot be computed: see `notes`).
    pub pending_changes: Option<usize>,
    /// Warnings: a version the previous stage never ran healthy, or why
    /// something could not be computed.
    pub notes: Vec<String>,
}

/// One pipeline of `tether pipeline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineView {
    pub name: String,
    pub stages: Vec<StageView>,
}

type Key = (String, String, String, String);

/// Objects by apiVersion group, kind, namespace and name.
fn by_key(objects: &[Value]) -> BTreeMap<Key, Value> {
    objects
        .iter()
        .map(|o| {
            let text = |p: &str| {
                o.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let group = text("/apiVersion")
                .rsplit_once('/')
                .map_or(String::new(), |(g, _)| g.to_string());
            (
                (
                    group,
                    text("/kind"),
                    text("/metadata/namespace"),
                    text("/metadata/name"),
                ),
                o.clone(),
            )
        })
        .collect()
}

/// Objects of `a` and `b` that differ or exist on one side only.
pub fn changed_count(a: &[Value], b: &[Value]) -> usize {
    let (a, b) = (by_key(a), by_key(b));
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).count()
}

/// The changed objects from `before` to `after` as unified YAML diffs,
/// Secret values masked.
pub fn manifest_diffs(
    before: &[Value],
    after: &[Value],
    secrets: &SecretStrings,
) -> Vec<StageResourceDiff> {
    let (a, b) = (by_key(before), by_key(after));
    let keys: BTreeSet<&Key> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|key| {
            let salt = format!("{}/{}", key.2, key.3);
            let masked = |o: Option<&Value>| {
                o.map(|o| {
                    let mut o = o.clone();
                    mask_secret(&mut o, &salt);
                    secrets.mask_values(&mut [&mut o], &salt);
                    o
                })
            };
            let (old, new) = (masked(a.get(key)), masked(b.get(key)));
            let change = match (&old, &new) {
                (None, _) => "create",
                (_, None) => "delete",
                _ => "update",
            };
            let label = format!("{}/{}", key.1, key.3);
            StageResourceDiff {
                group: key.0.clone(),
                kind: key.1.clone(),
                namespace: key.2.clone(),
                name: key.3.clone(),
                change: change.to_string(),
                diff: TextDiff::from_lines(&to_yaml(old.as_ref()), &to_yaml(new.as_ref()))
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{label}"), &format!("b/{label}"))
                    .to_string(),
            }
        })
        .collect()
}

impl Engine {
    /// `tether pipeline [NAME]`: every pipeline, or the one named.
    pub async fn pipeline_views(
        &self,
        name: Option<&str>,
    ) -> Result<Vec<PipelineView>, super::super::EngineError> {
        let specs: Vec<PipelineSpec> = match name {
            Some(n) => vec![self.pipeline(n)?.clone()],
            None => self.pipelines.clone(),
        };
        let mut out = Vec::new();
        for spec in specs {
            out.push(self.pipeline_view(&spec).await);
        }
        Ok(out)
    }

    async fn pipeline_view(&self, spec: &PipelineSpec) -> PipelineView {
        let mut stages = Vec::new();
        // The previous stage: its status, healthy-since and the versions
        // it ran healthy.
        let mut previous: Option<(
            AppStatus,
            Option<chrono::DateTime<chrono::Utc>>,
            BTreeSet<ImageRef>,
        )> = None;
        for (index, stage) in spec.stages.iter().enumerate() {
            let Ok(app) = self.app(&stage.app) else {
                stages.push(missing(&stage.app));
                previous = None;
                continue;
            };
            let status = self.status(&app).await;
            let syncs = self
                .history(&app.name)
                .await
                .map(|h| h.syncs)
                .unwrap_or_default();
            let since = healthy_since(&status, &syncs);
            let mut notes = Vec::new();
            let desired = match render_app(&app, None) {
                Ok(d) => images_of(&d.objects),
                Err(e) => {
                    notes.push(e.to_string());
                    Vec::new()
                }
            };
            let mut gates_in = Vec::new();
            let mut pending = None;
            if let Some((prev_status, prev_since, ran)) = &previous {
                gates_in = gates::evaluate(
                    self,
                    &spec.gates_into(index),
                    prev_status,
                    *prev_since,
                    &app,
                    chrono::Utc::now(),
                );
                for image in desired
                    .iter()
                    .filter(|i| spec.promote.images.contains(&i.repository))
                {
                    if !ran.contains(image) {
                        notes.push(format!(
                            "runs {} {}, which {} never ran healthy",
                            image.repository,
                            image.version(),
                            prev_status.name
                        ));
                    }
                }
                match self.pending_changes(spec, index) {
                    Ok(n) => pending = Some(n),
                    Err(e) => notes.push(format!("next promotion: {e}")),
                }
            }
            let live = self.live_images(&app, &status).await;
            let ran = self.ran_healthy(&app, &status, &syncs);
            stages.push(StageView {
                app: app.name.clone(),
                cluster: status.cluster.clone(),
                revision: status.revision.clone(),
                images: desired.iter().map(ToString::to_string).collect(),
                live_images: live.iter().map(ToString::to_string).collect(),
                sync: status.sync.to_string(),
                health: status.health.to_string(),
                healthy_since: since.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                gates: gates_in,
                pending_changes: pending,
                notes,
            });
            previous = Some((status, since, ran));
        }
        PipelineView {
            name: spec.name.clone(),
            stages,
        }
    }

    /// Images the live workloads of `status` run (none when the cluster
    /// cannot be read).
    async fn live_images(&self, app: &AppSpec, status: &AppStatus) -> Vec<ImageRef> {
        let Ok(client) = self.client_for(app).await else {
            return Vec::new();
        };
        let mut objects = Vec::new();
        for r in status
            .resources
            .iter()
            .filter(|r| WORKLOADS.contains(&r.kind.as_str()))
        {
            let gvk = GroupVersionKind {
                group: r.group.clone(),
                version: r.version.clone(),
                kind: r.kind.clone(),
            };
            let ns = (!r.namespace.is_empty()).then_some(r.namespace.as_str());
            if let Ok(Some(live)) = client.cached_get(&gvk, ns, &r.name).await {
                objects.push(live.as_ref().clone());
            }
        }
        images_of(&objects)
    }

    /// The versions `app` ran healthy: what it runs now when Synced and
    /// Healthy, and what it rendered at its last successful syncs.
    fn ran_healthy(
        &self,
        app: &AppSpec,
        status: &AppStatus,
        syncs: &[crate::model::HistoryEntry],
    ) -> BTreeSet<ImageRef> {
        let mut revisions: Vec<String> = Vec::new();
        if status.sync == SyncStatus::Synced && status.health == HealthStatus::Healthy {
            revisions.push(status.revision.clone());
        }
        for h in syncs.iter().rev().filter(|h| h.result == "Succeeded") {
            if revisions.len() > HISTORY_DEPTH {
                break;
            }
            if !revisions.contains(&h.revision) {
                revisions.push(h.revision.clone());
            }
        }
        revisions
            .iter()
            .filter(|r| r.len() == 40)
            .filter_map(|r| render_app(app, Some(&Revision::Git(r.clone()))).ok())
            .flat_map(|d| images_of(&d.objects))
            .collect()
    }
}

/// A stage whose app is not known.
fn missing(app: &str) -> StageView {
    StageView {
        app: app.to_string(),
        cluster: String::new(),
        revision: String::new(),
        images: Vec::new(),
        live_images: Vec::new(),
        sync: SyncStatus::Unknown.to_string(),
        health: HealthStatus::Unknown.to_string(),
        healthy_since: None,
        gates: Vec::new(),
        pending_changes: None,
        notes: vec![format!("no app named {app:?}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_objects_are_counted_once() {
        let a = vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": "1"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}),
        ];
        let mut b = a.clone();
        b[0]["data"]["x"] = json!("2");
        b.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}));
        assert_eq!(changed_count(&a, &b), 2);
        assert_eq!(changed_count(&a, &a), 0);
    }
}
