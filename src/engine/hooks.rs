//! Argo CD resource hooks of an imported app that tether manages: the
//! objects annotated `argocd.argoproj.io/hook` (or Helm hooks, mapped as
//! Argo CD maps them) run around a sync — PreSync before anything is
//! applied, Sync hooks in their wave after that wave's objects, PostSync
//! once the objects are all healthy, SyncFail when any step fails — in
//! wave order, each waited on
//! until it is done (a Job or Pod finished, anything else healthy). Their
//! `hook-delete-policy` is honoured: `BeforeHookCreation` (the default)
//! deletes the previous run first, `HookSucceeded` / `HookFailed` delete
//! the hook after it succeeded / failed. Hooks are never compared or
//! pruned.

use super::EngineError;
use super::sync::{ResourceResult, SyncMode};
use crate::argocd::app::object_policy;
use crate::cluster::{ClusterClient, ClusterError, gvk_of};
use crate::health;
use crate::model::{AppSpec, HealthStatus, ResourceKey};
use serde_json::Value;

/// The waves of the hooks that run in `phase`, in order, once each.
pub(crate) fn phase_waves(hooks: &[Value], phase: &str) -> Vec<i64> {
    let mut waves: Vec<i64> = hooks
        .iter()
        .filter_map(|h| object_policy(h).ok())
        .filter(|p| p.hooks.iter().any(|h| h == phase))
        .map(|p| p.wave)
        .collect();
    waves.sort_unstable();
    waves.dedup();
    waves
}

/// The hooks of `hooks` that run in `phase`, in wave order (stable).
fn in_phase<'a>(hooks: &'a [Value], phase: &str) -> Vec<(&'a Value, i64, Vec<String>)> {
    let mut out: Vec<(i64, &Value, Vec<String>)> = hooks
        .iter()
        .filter_map(|hook| {
            let policy = object_policy(hook).ok()?;
            if !policy.hooks.iter().any(|h| h == phase) {
                return None;
            }
            let mut delete = policy.delete_policies;
            if delete.is_empty() {
                delete.push("BeforeHookCreation".to_string());
            }
            Some((policy.wave, hook, delete))
        })
        .collect();
    out.sort_by_key(|(wave, _, _)| *wave);
    out.into_iter().map(|(w, h, d)| (h, w, d)).collect()
}

/// Runs the hooks of `phase` (`PreSync`, `Sync`, `PostSync`, `SyncFail`)
/// — only those of `wave` when given — one after another; the first that
/// fails stops the phase. A dry-run applies them as a server dry-run and
/// waits for nothing.
pub(crate) async fn run_phase(
    app: &AppSpec,
    client: &ClusterClient,
    hooks: &[Value],
    phase: &str,
    wave: Option<i64>,
    mode: &SyncMode,
    results: &mut Vec<ResourceResult>,
) -> Result<(), EngineError> {
    let selected = in_phase(hooks, phase)
        .into_iter()
        .filter(|(_, w, _)| wave.is_none_or(|wanted| *w == wanted));
    for (hook, hook_wave, delete_policies) in selected {
        let fail = |message: String| EngineError::Sync {
            app: app.name.clone(),
            message: format!("{phase} hook {message}"),
        };
        // The render refused objects without a name (generateName).
        let Some(key) = ResourceKey::from_object(hook) else {
            return Err(fail(
                "without apiVersion, kind or metadata.name".to_string(),
            ));
        };
        let gvk = gvk_of(hook).unwrap_or_default();
        let has = |p: &str| delete_policies.iter().any(|d| d == p);
        if !mode.dry_run && has("BeforeHookCreation") {
            delete_and_wait(client, &key, &gvk.version, mode)
                .await
                .map_err(|m| fail(format!("{key}: cannot delete the previous run: {m}")))?;
        }
        match client.apply(hook, mode.dry_run).await {
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
            wave: Some(hook_wave),
            action: format!("{phase} hook"),
            takeovers: Vec::new(),
        });
        if mode.dry_run {
            continue;
        }
        let outcome = wait_done(client, &key, &gvk, mode).await;
        let cleanup = match &outcome {
            Ok(()) => has("HookSucceeded"),
            Err(_) => has("HookFailed"),
        };
        if cleanup {
            client
                .delete(&key, &gvk.version, "background")
                .await
                .map_err(|e| fail(format!("{key}: cannot delete after its run: {e}")))?;
        }
        outcome.map_err(|m| fail(format!("{key} failed: {m}")))?;
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
    let gvk = crate::model::GroupVersionKind {
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
    gvk: &crate::model::GroupVersionKind,
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
    gvk: &crate::model::GroupVersionKind,
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

    #[test]
    fn phases_run_in_wave_order_with_before_hook_creation_by_default() {
        let hooks = [
            hook("late", "PreSync", "2", None),
            hook("post", "PostSync", "0", Some("HookSucceeded")),
            hook("early", "PreSync", "-1", Some("HookFailed,HookSucceeded")),
        ];
        let pre = in_phase(&hooks, "PreSync");
        let names: Vec<&str> = pre
            .iter()
            .map(|(h, _, _)| h["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["early", "late"]);
        assert_eq!(pre[0].2, ["HookFailed", "HookSucceeded"]);
        assert_eq!(pre[1].2, ["BeforeHookCreation"]);
        assert_eq!(phase_waves(&hooks, "PreSync"), [-1, 2]);
        assert_eq!(in_phase(&hooks, "PostSync").len(), 1);
        assert!(in_phase(&hooks, "SyncFail").is_empty());
    }
}
