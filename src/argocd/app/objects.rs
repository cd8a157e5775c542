//! The Argo CD annotations that change how one object is synced, read as
//! data for the engine: hooks and their delete policies (Argo CD's and
//! Helm's), sync waves, sync options and compare options.

use serde_json::Value;

pub const HOOK_ANNOTATION: &str = "argocd.argoproj.io/hook";
pub const HOOK_DELETE_POLICY_ANNOTATION: &str = "argocd.argoproj.io/hook-delete-policy";
pub const SYNC_WAVE_ANNOTATION: &str = "argocd.argoproj.io/sync-wave";
pub const SYNC_OPTIONS_ANNOTATION: &str = "argocd.argoproj.io/sync-options";
pub const COMPARE_OPTIONS_ANNOTATION: &str = "argocd.argoproj.io/compare-options";

const HOOK_TYPES: &[&str] = &[
    "PreSync",
    "Sync",
    "PostSync",
    "SyncFail",
    "PreDelete",
    "PostDelete",
    "Skip",
];
const DELETE_POLICIES: &[&str] = &["HookSucceeded", "HookFailed", "BeforeHookCreation"];

/// How one object takes part in a sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectPolicy {
    /// Hook phases (`PreSync`, `Sync`, `PostSync`, `SyncFail`,
    /// `PreDelete`, `PostDelete`) or `Skip`; empty for ordinary objects.
    /// Helm hooks map as Argo CD maps them (`pre-install`/`pre-upgrade` →
    /// PreSync, `post-install`/`post-upgrade` → PostSync; any other value
    /// but `crd-install` → `Skip`, a hook Argo CD never runs).
    pub hooks: Vec<String>,
    /// For hooks: when to delete them (default `BeforeHookCreation`).
    pub delete_policies: Vec<String>,
    /// `argocd.argoproj.io/sync-wave` (Helm hooks: `helm.sh/hook-weight`).
    pub wave: i64,
    /// `argocd.argoproj.io/sync-options` entries (`Prune=false`, …).
    pub sync_options: Vec<String>,
    /// `argocd.argoproj.io/compare-options` entries (`IgnoreExtraneous`, …).
    pub compare_options: Vec<String>,
}

impl ObjectPolicy {
    /// A hook (not an ordinary object, not skipped).
    pub fn is_hook(&self) -> bool {
        !self.hooks.is_empty() && !self.is_skipped()
    }

    /// `Skip`: never applied.
    pub fn is_skipped(&self) -> bool {
        self.hooks.iter().any(|h| h == "Skip")
    }

    /// `Prune=false`: never pruned.
    pub fn prune_disabled(&self) -> bool {
        self.sync_options.iter().any(|o| o == "Prune=false")
    }

    /// `IgnoreExtraneous`: does not make the app OutOfSync when extra.
    pub fn ignore_extraneous(&self) -> bool {
        self.compare_options.iter().any(|o| o == "IgnoreExtraneous")
    }
}

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations")?.get(key)?.as_str()
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The sync policy of one rendered object; an unknown hook type, delete
/// policy or a wave that is not an integer is an error.
pub fn object_policy(obj: &Value) -> Result<ObjectPolicy, String> {
    let mut policy = ObjectPolicy::default();
    let mut helm_hook = false;
    if let Some(hooks) = annotation(obj, HOOK_ANNOTATION) {
        for h in list(hooks) {
            if !HOOK_TYPES.contains(&h.as_str()) {
                return Err(format!("{HOOK_ANNOTATION}: unknown hook type {h:?}"));
            }
            policy.hooks.push(h);
        }
    } else if let Some(hooks) = annotation(obj, "helm.sh/hook") {
        for h in list(hooks) {
            let mapped = match h.as_str() {
                "pre-install" | "pre-upgrade" => "PreSync",
                "post-install" | "post-upgrade" => "PostSync",
                _ => continue,
            };
            if !policy.hooks.iter().any(|x| x == mapped) {
                policy.hooks.push(mapped.to_string());
            }
            helm_hook = true;
        }
        // Any other value but `crd-install` (test, pre-/post-rollback,
        // pre-/post-delete) still makes the object a Helm hook, of no
        // phase Argo CD runs: it is never applied nor compared.
        if !helm_hook && hooks != "crd-install" {
            policy.hooks.push("Skip".to_string());
        }
    }
    if let Some(p) = annotation(obj, HOOK_DELETE_POLICY_ANNOTATION) {
        for d in list(p) {
            if !DELETE_POLICIES.contains(&d.as_str()) {
                return Err(format!(
                    "{HOOK_DELETE_POLICY_ANNOTATION}: unknown policy {d:?}"
                ));
            }
            policy.delete_policies.push(d);
        }
    } else if let Some(p) = annotation(obj, "helm.sh/hook-delete-policy") {
        for d in list(p) {
            policy.delete_policies.push(
                match d.as_str() {
                    "hook-succeeded" => "HookSucceeded",
                    "hook-failed" => "HookFailed",
                    "before-hook-creation" => "BeforeHookCreation",
                    other => {
                        return Err(format!(
                            "helm.sh/hook-delete-policy: unknown policy {other:?}"
                        ));
                    }
                }
                .to_string(),
            );
        }
    }
    if policy.is_hook() && policy.delete_policies.is_empty() {
        policy.delete_policies.push("BeforeHookCreation".into());
    }
    let wave = match (annotation(obj, SYNC_WAVE_ANNOTATION), helm_hook) {
        (Some(w), _) => Some((SYNC_WAVE_ANNOTATION, w)),
        (None, true) => annotation(obj, "helm.sh/hook-weight").map(|w| ("helm.sh/hook-weight", w)),
        _ => None,
    };
    if let Some((key, w)) = wave {
        policy.wave = w
            .trim()
            .parse()
            .map_err(|_| format!("{key}: {w:?} is not an integer"))?;
    }
    policy.sync_options = annotation(obj, SYNC_OPTIONS_ANNOTATION)
        .map(list)
        .unwrap_or_default();
    policy.compare_options = annotation(obj, COMPARE_OPTIONS_ANNOTATION)
        .map(list)
        .unwrap_or_default();
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(annotations: Value) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "annotations": annotations}})
    }

    #[test]
    fn hooks_waves_and_options() {
        let p = object_policy(&with(
            json!({HOOK_ANNOTATION: "PreSync,PostSync", SYNC_WAVE_ANNOTATION: "-2"}),
        ))
        .unwrap();
        assert_eq!(p.hooks, ["PreSync", "PostSync"]);
        assert_eq!(p.delete_policies, ["BeforeHookCreation"]);
        assert_eq!(p.wave, -2);
        let helm = object_policy(&with(
            json!({"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "5",
                                                "helm.sh/hook-delete-policy": "hook-succeeded"}),
        ))
        .unwrap();
        assert_eq!(
            (helm.hooks, helm.delete_policies, helm.wave),
            (
                vec!["PreSync".to_string()],
                vec!["HookSucceeded".to_string()],
                5
            )
        );
        let opts = object_policy(&with(json!({SYNC_OPTIONS_ANNOTATION: "Prune=false, Replace=true", COMPARE_OPTIONS_ANNOTATION: "IgnoreExtraneous"}))).unwrap();
        assert!(opts.prune_disabled() && opts.ignore_extraneous() && !opts.is_hook());
        assert!(object_policy(&with(json!({HOOK_ANNOTATION: "PreSnyc"}))).is_err());
        assert!(object_policy(&with(json!({SYNC_WAVE_ANNOTATION: "first"}))).is_err());
        assert!(
            object_policy(&with(json!({HOOK_ANNOTATION: "Skip"})))
                .unwrap()
                .is_skipped()
        );
    }

    #[test]
    fn helm_hooks_of_no_argo_phase_are_never_applied_but_crd_install_is_a_resource() {
        for value in [
            "test",
            "test-success",
            "pre-rollback,post-rollback",
            "pre-delete",
            "",
        ] {
            let p = object_policy(&with(json!({"helm.sh/hook": value}))).unwrap();
            assert!(p.is_skipped() && !p.is_hook(), "{value:?}: {p:?}");
        }
        let crd = object_policy(&with(json!({"helm.sh/hook": "crd-install"}))).unwrap();
        assert!(!crd.is_skipped() && !crd.is_hook());
        // A mapped phase next to an unmapped one: the hook runs in it.
        let mixed = object_policy(&with(json!({"helm.sh/hook": "test,post-install"}))).unwrap();
        assert_eq!(mixed.hooks, ["PostSync"]);
        // An Argo CD hook annotation wins over Helm's.
        let argo = object_policy(&with(
            json!({HOOK_ANNOTATION: "Sync", "helm.sh/hook": "test"}),
        ))
        .unwrap();
        assert_eq!(argo.hooks, ["Sync"]);
    }
}
