//! Argo CD resource hooks of an imported app that tether manages: the
//! objects annotated `argocd.argoproj.io/hook` (or Helm hooks, mapped as
//! Argo CD maps them) run around a sync — PreSync before anything is
//! applied, Sync hooks in their wave among that wave's objects (ordered
//! by kind, then name, as Argo CD orders a wave's tasks), PostSync once
//! the objects are all healthy, SyncFail when any step fails — in wave
//! order, each waited on until it is done (a Job or Pod finished,
//! anything else healthy). Their `hook-delete-policy` is honoured:
//! `BeforeHookCreation` (the default) deletes the previous run first,
//! `HookSucceeded` / `HookFailed` delete the hook after it succeeded /
//! failed. A hook with `metadata.generateName` and no name is created as
//! Argo CD creates it: named `<generateName><revision[:7]>-<phase>-<unix
//! time the sync started>` (lower case), so each sync makes a new one and
//! `BeforeHookCreation` has no previous run to delete. Hooks are never
//! compared or pruned. PreDelete / PostDelete hooks never run: tether
//! has no operation that deletes an app.

use super::EngineError;
use super::order::kind_rank;
use super::sync::{ResourceResult, SyncMode};
use super::sync_progress::{SyncReporter, SyncStep};
use crate::argocd::app::object_policy;
use crate::cluster::{ClusterClient, ClusterError, gvk_of};
use crate::health;
use crate::model::{AppSpec, GroupVersionKind, HealthStatus, ResourceKey};
use serde_json::Value;

/// The hooks of one sync: the rendered hook objects, and what names the
/// `generateName` ones (the sync's revision and start time).
pub(crate) struct Hooks<'a> {
    pub objects: &'a [Value],
    revision: &'a str,
    started_unix: i64,
}

impl<'a> Hooks<'a> {
    /// The hooks of a sync of `revision` starting now.
    pub(crate) fn new(objects: &'a [Value], revision: &'a str) -> Self {
        let started_unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Hooks {
            objects,
            revision,
            started_unix,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// `hook` as it is created in `phase`: a `generateName` hook without
    /// a name gets Argo CD's name for this sync.
    fn instance(&self, hook: &Value, phase: &str) -> Value {
        let named = hook
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        let generate = hook
            .pointer("/metadata/generateName")
            .and_then(Value::as_str);
        match (named, generate) {
            (false, Some(prefix)) => {
                let revision: String = self.revision.chars().take(7).collect();
                let suffix =
                    format!("{revision}-{phase}-{}", self.started_unix).to_ascii_lowercase();
                let mut instance = hook.clone();
                instance["metadata"]["name"] = Value::String(format!("{prefix}{suffix}"));
                instance
            }
            _ => hook.clone(),
        }
    }
}

/// The waves of the hooks that run in `phase`, in order, once each.
pub(crate) fn phase_waves(hooks: &Hooks<'_>, phase: &str) -> Vec<i64> {
    let mut waves: Vec<i64> = hooks
        .objects
        .iter()
        .filter_map(|h| object_policy(h).ok())
        .filter(|p| p.hooks.iter().any(|h| h == phase))
        .map(|p| p.wave)
        .collect();
    waves.sort_unstable();
    waves.dedup();
    waves
}

/// One hook of a phase: the object to create, its wave, delete policies.
pub(crate) struct PhaseHook {
    pub object: Value,
    pub wave: i64,
    delete: Vec<String>,
}

impl PhaseHook {
    /// Argo CD's order within a wave: kind, then name.
    pub(crate) fn order(&self) -> (usize, String) {
        let text = |p: &str| self.object.pointer(p).and_then(Value::as_str).unwrap_or("");
        (kind_rank(text("/kind")), text("/metadata/name").to_string())
    }
}

/// The hooks of `hooks` that run in `phase` (only those of `wave` when
/// given), in wave order, then kind, then name.
pub(crate) fn in_phase(hooks: &Hooks<'_>, phase: &str, wave: Option<i64>) -> Vec<PhaseHook> {
    let mut out: Vec<PhaseHook> = hooks
        .objects
        .iter()
        .filter_map(|hook| {
            let policy = object_policy(hook).ok()?;
            if !policy.hooks.iter().any(|h| h == phase) || wave.is_some_and(|w| w != policy.wave) {
                return None;
            }
            let mut delete = policy.delete_policies;
            if delete.is_empty() {
                delete.push("BeforeHookCreation".to_string());
            }
            Some(PhaseHook {
                object: hooks.instance(hook, phase),
                wave: policy.wave,
                delete,
            })
        })
        .collect();
    out.sort_by_cached_key(|h| (h.wave, h.order()));
    out
}

/// A hook created and not yet finished.
pub(crate) struct StartedHook {
    key: ResourceKey,
    gvk: GroupVersionKind,
    delete: Vec<String>,
    phase: String,
}

fn hook_error(app: &AppSpec, phase: &str, message: String) -> EngineError {
    EngineError::Sync {
        app: app.name.clone(),
        message: format!("{phase} hook {message}"),
    }
}

/// Creates one hook of `phase` (after deleting its previous run when its
/// policy says `BeforeHookCreation`), without waiting for it. A dry-run
/// applies it as a server dry-run and returns None.
pub(crate) async fn start_hook(
    app: &AppSpec,
    client: &ClusterClient,
    hook: &PhaseHook,
    phase: &str,
    mode: &SyncMode,
    results: &mut Vec<ResourceResult>,
) -> Result<Option<StartedHook>, EngineError> {
    let fail = |message: String| hook_error(app, phase, message);
    let Some(key) = ResourceKey::from_object(&hook.object) else {
        return Err(fail(
            "without apiVersion, kind, or metadata.name or generateName".to_string(),
        ));
    };
    let gvk = gvk_of(&hook.object).unwrap_or_default();
    let has = |p: &str| hook.delete.iter().any(|d| d == p);
    if !mode.dry_run && has("BeforeHookCreation") {
        delete_and_wait(client, &key, &gvk.version, mode)
            .await
            .map_err(|m| fail(format!("{key}: cannot delete the previous run: {m}")))?;
    }
    match client.apply(&hook.object, mode.dry_run).await {
        Ok(_) => {}
        // A dry-run cannot create into a namespace or kind the same
        // (dry) sync would create first.
        Err(e)
            if mode.dry_run
                && (e.is_not_found() || matches!(e, ClusterError::UnknownKind { .. })) => {}
        Err(e) => return Err(fail(format!("{key}: cannot apply: {e}"))),
    }
    results.push(ResourceResult {
        group: key.group.clone(),
        kind: key.kind.clone(),
        namespace: key.namespace.clone().unwrap_or_default(),
        name: key.name.clone(),
        wave: Some(hook.wave),
        action: format!("{phase} hook"),
        takeovers: Vec::new(),
    });
    Ok((!mode.dry_run).then(|| StartedHook {
        key,
        gvk,
        delete: hook.delete.clone(),
        phase: phase.to_string(),
    }))
}

/// Waits until a started hook is done, then deletes it when its policy
/// says so for that outcome (`HookSucceeded`, `HookFailed`).
pub(crate) async fn finish_hook(
    app: &AppSpec,
    client: &ClusterClient,
    hook: StartedHook,
    mode: &SyncMode,
) -> Result<(), EngineError> {
    let StartedHook {
        key,
        gvk,
        delete,
        phase,
    } = hook;
    let fail = |message: String| hook_error(app, &phase, message);
    let outcome = wait_done(client, &key, &gvk, mode).await;
    let wanted = match &outcome {
        Ok(()) => "HookSucceeded",
        Err(_) => "HookFailed",
    };
    if delete.iter().any(|d| d == wanted) {
        client
            .delete(&key, &gvk.version, "background")
            .await
            .map_err(|e| fail(format!("{key}: cannot delete after its run: {e}")))?;
    }
    outcome.map_err(|m| fail(format!("{key} failed: {m}")))
}

/// Runs the hooks of `phase` (`PreSync`, `Sync`, `PostSync`, `SyncFail`)
/// — only those of `wave` when given — one after another; the first that
/// fails stops the phase. A dry-run applies them as a server dry-run and
/// waits for nothing.
pub(crate) async fn run_phase(
    app: &AppSpec,
    client: &ClusterClient,
    hooks: &Hooks<'_>,
    phase: &str,
    wave: Option<i64>,
    mode: &SyncMode,
    results: &mut Vec<ResourceResult>,
) -> Result<(), EngineError> {
    // Each hook is reported as it is created, as the sync's objects are.
    let reporter = SyncReporter::since(&app.name, mode.progress.as_ref(), mode.started);
    for hook in in_phase(hooks, phase, wave) {
        let before = results.len();
        let started = start_hook(app, client, &hook, phase, mode, results).await?;
        for result in &results[before..] {
            reporter.send(SyncStep::Applied(result.clone()));
        }
        if let Some(started) = started {
            finish_hook(app, client, started, mode).await?;
        }
    }
    Ok(())
}

/// Deletes the object if it exists and waits until it is gone.
async fn delete_and_wait(
    client: &ClusterClient,
    key: &ResourceKey,
    version: &str,
    mode: &SyncMode,
) -> Result<(), String> {
    let gvk = GroupVersionKind {
        group: key.group.clone(),
        version: version.to_string(),
        kind: key.kind.clone(),
    };
    if !exists(client, &gvk, key).await? {
        return Ok(());
    }
    client
        .delete(key, version, "foreground")
        .await
        .map_err(|e| e.to_string())?;
    let deadline = tokio::time::Instant::now() + mode.step_timeout;
    while exists(client, &gvk, key).await? {
        if tokio::time::Instant::now() >= deadline {
            return Err(format!(
                "still there after {}s",
                mode.step_timeout.as_secs()
            ));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn exists(
    client: &ClusterClient,
    gvk: &GroupVersionKind,
    key: &ResourceKey,
) -> Result<bool, String> {
    client
        .get(gvk, key.namespace.as_deref(), &key.name)
        .await
        .map(|o| o.is_some())
        .map_err(|e| e.to_string())
}

/// Waits until the hook is done: healthy (a Job complete, a Pod
/// succeeded, anything else ready), or failed (Degraded).
async fn wait_done(
    client: &ClusterClient,
    key: &ResourceKey,
    gvk: &GroupVersionKind,
    mode: &SyncMode,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + mode.step_timeout;
    let mut changes = client.subscribe_changes();
    loop {
        let live = client
            .cached_get(gvk, key.namespace.as_deref(), &key.name)
            .await
            .map_err(|e| e.to_string())?;
        let verdict = match &live {
            Some(l) => health::assess(l),
            None => health::Health::new(HealthStatus::Missing, "not found after apply"),
        };
        match verdict.status {
            HealthStatus::Healthy => return Ok(()),
            HealthStatus::Degraded => return Err(verdict.message),
            _ => {}
        }
        if tokio::time::timeout_at(deadline, changes.changed())
            .await
            .is_err()
        {
            return Err(format!(
                "not done after {}s ({}: {})",
                mode.step_timeout.as_secs(),
                verdict.status,
                verdict.message
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hook(name: &str, phase: &str, wave: &str, delete: Option<&str>) -> Value {
        let mut annotations =
            json!({"argocd.argoproj.io/hook": phase, "argocd.argoproj.io/sync-wave": wave});
        if let Some(d) = delete {
            annotations["argocd.argoproj.io/hook-delete-policy"] = json!(d);
        }
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "annotations": annotations}})
    }

    fn names(hooks: &[PhaseHook]) -> Vec<&str> {
        hooks
            .iter()
            .map(|h| h.object["metadata"]["name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn phases_run_in_wave_order_with_before_hook_creation_by_default() {
        let objects = [
            hook("late", "PreSync", "2", None),
            hook("post", "PostSync", "0", Some("HookSucceeded")),
            hook("early", "PreSync", "-1", Some("HookFailed,HookSucceeded")),
        ];
        let hooks = Hooks::new(&objects, "0123456789abcdef");
        let pre = in_phase(&hooks, "PreSync", None);
        assert_eq!(names(&pre), ["early", "late"]);
        assert_eq!(pre[0].delete, ["HookFailed", "HookSucceeded"]);
        assert_eq!(pre[1].delete, ["BeforeHookCreation"]);
        assert_eq!(phase_waves(&hooks, "PreSync"), [-1, 2]);
        assert_eq!(in_phase(&hooks, "PostSync", None).len(), 1);
        assert!(in_phase(&hooks, "SyncFail", None).is_empty());
        assert_eq!(names(&in_phase(&hooks, "PreSync", Some(2))), ["late"]);
    }

    #[test]
    fn a_wave_orders_its_hooks_by_kind_then_name() {
        let mut job = hook("a-job", "Sync", "0", None);
        job["apiVersion"] = json!("batch/v1");
        job["kind"] = json!("Job");
        let objects = [
            job,
            hook("z-config", "Sync", "0", None),
            hook("b-config", "Sync", "0", None),
        ];
        let hooks = Hooks::new(&objects, "rev");
        assert_eq!(
            names(&in_phase(&hooks, "Sync", Some(0))),
            ["b-config", "z-config", "a-job"]
        );
    }

    #[test]
    fn generate_name_hooks_are_named_as_argo_cd_names_them() {
        let mut generated = hook("", "PreSync,PostSync", "0", None);
        generated["metadata"] = json!({"generateName": "migrate-", "annotations": generated["metadata"]["annotations"].clone()});
        let objects = [generated];
        let hooks = Hooks {
            objects: &objects,
            revision: "ABCDEF0123456789",
            started_unix: 1_700_000_000,
        };
        assert_eq!(
            names(&in_phase(&hooks, "PreSync", None)),
            ["migrate-abcdef0-presync-1700000000"]
        );
        assert_eq!(
            names(&in_phase(&hooks, "PostSync", None)),
            ["migrate-abcdef0-postsync-1700000000"]
        );
    }
}
