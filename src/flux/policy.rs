//! Per-object apply policies kustomize-controller honours, read from an
//! object's labels or annotations (either works; values compare without
//! case, as the controller's selectors do):
//!
//! - `kustomize.toolkit.fluxcd.io/reconcile: disabled` — never applied.
//! - `kustomize.toolkit.fluxcd.io/ssa: Ignore` — never applied;
//!   `IfNotPresent` — created when missing, never updated; `Merge` —
//!   applied without removing fields other managers set; `Override`
//!   (default) — applied as the desired state.
//! - `kustomize.toolkit.fluxcd.io/force: enabled` — recreated when an
//!   immutable field changes.
//! - `kustomize.toolkit.fluxcd.io/prune: disabled` — never deleted.
//!
//! The engine decides what to do with them; this module only reads them.

use serde_json::Value;

pub const RECONCILE_KEY: &str = "kustomize.toolkit.fluxcd.io/reconcile";
pub const SSA_KEY: &str = "kustomize.toolkit.fluxcd.io/ssa";
pub const FORCE_KEY: &str = "kustomize.toolkit.fluxcd.io/force";
pub const PRUNE_KEY: &str = "kustomize.toolkit.fluxcd.io/prune";

/// How an object is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApplyPolicy {
    /// Applied as the desired state (`ssa: Override`, the default).
    #[default]
    Override,
    /// Applied, keeping fields other field managers own.
    Merge,
    /// Created when absent, left alone when present.
    IfNotPresent,
    /// Never applied (`ssa: Ignore` or `reconcile: disabled`).
    Ignore,
}

/// What the controller does with one object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectPolicy {
    pub apply: ApplyPolicy,
    /// Recreate on an immutable-field conflict.
    pub force: bool,
    /// Never delete it, even when it leaves the desired state.
    pub prune_disabled: bool,
    /// The object is SOPS-encrypted (a top-level `sops` mapping): Flux
    /// decrypts it with `spec.decryption`; tether cannot, so its content
    /// is not the content Flux applies.
    pub sops_encrypted: bool,
}

/// The policy of `object`.
pub fn object_policy(object: &Value) -> ObjectPolicy {
    let has = |key: &str, value: &str| any_in_metadata(object, key, value);
    let apply = if has(RECONCILE_KEY, "disabled") || has(SSA_KEY, "Ignore") {
        ApplyPolicy::Ignore
    } else if has(SSA_KEY, "IfNotPresent") {
        ApplyPolicy::IfNotPresent
    } else if has(SSA_KEY, "Merge") {
        ApplyPolicy::Merge
    } else {
        ApplyPolicy::Override
    };
    ObjectPolicy {
        apply,
        force: has(FORCE_KEY, "enabled"),
        prune_disabled: has(PRUNE_KEY, "disabled"),
        sops_encrypted: object.get("sops").is_some_and(Value::is_object),
    }
}

/// Why kustomize-controller skips applying `desired` (fluxcd/pkg/ssa's
/// rule), given the live object when it exists: `reconcile: disabled` or
/// `ssa: Ignore` on the desired object or on the live one, or
/// `ssa: IfNotPresent` on the desired object when the live one exists.
/// None when it is applied. A skipped object stays in the inventory
/// (never pruned) and is not health-checked.
pub fn skip_reason(desired: &Value, live: Option<&Value>) -> Option<String> {
    let excluded = |object: &Value| {
        [(RECONCILE_KEY, "disabled"), (SSA_KEY, "Ignore")]
            .into_iter()
            .find(|(key, value)| any_in_metadata(object, key, value))
    };
    if let Some((key, value)) = excluded(desired) {
        return Some(format!("{key}: {value}"));
    }
    if let Some((key, value)) = live.and_then(excluded) {
        return Some(format!("{key}: {value} on the live object"));
    }
    (live.is_some() && any_in_metadata(desired, SSA_KEY, "IfNotPresent"))
        .then(|| format!("{SSA_KEY}: IfNotPresent and it exists"))
}

/// Whether the label or the annotation `key` is `value` (ignoring case).
pub(crate) fn any_in_metadata(object: &Value, key: &str, value: &str) -> bool {
    ["labels", "annotations"].iter().any(|field| {
        object
            .get("metadata")
            .and_then(|m| m.get(field))
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty() && v.eq_ignore_ascii_case(value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(labels: Value, annotations: Value) -> Value {
        json!({"kind": "ConfigMap", "metadata": {"name": "x", "labels": labels, "annotations": annotations}})
    }

    #[test]
    fn reads_policies_from_labels_or_annotations() {
        let o = with(json!({SSA_KEY: "merge"}), json!({PRUNE_KEY: "Disabled"}));
        let p = object_policy(&o);
        assert_eq!(p.apply, ApplyPolicy::Merge);
        assert!(p.prune_disabled);
        assert!(!p.force);
        let o = with(
            json!({}),
            json!({SSA_KEY: "IfNotPresent", FORCE_KEY: "enabled"}),
        );
        assert_eq!(object_policy(&o).apply, ApplyPolicy::IfNotPresent);
        assert!(object_policy(&o).force);
    }

    #[test]
    fn skipped_as_the_controller_skips() {
        let plain = with(json!({}), json!({}));
        let live = with(json!({}), json!({RECONCILE_KEY: "disabled"}));
        assert_eq!(skip_reason(&plain, None), None);
        assert_eq!(skip_reason(&plain, Some(&plain)), None);
        assert_eq!(
            skip_reason(&plain, Some(&live)).as_deref(),
            Some("kustomize.toolkit.fluxcd.io/reconcile: disabled on the live object")
        );
        let ignore = with(json!({SSA_KEY: "ignore"}), json!({}));
        assert_eq!(
            skip_reason(&ignore, None).as_deref(),
            Some("kustomize.toolkit.fluxcd.io/ssa: Ignore")
        );
        let once = with(json!({}), json!({SSA_KEY: "IfNotPresent"}));
        assert_eq!(skip_reason(&once, None), None, "created when missing");
        assert_eq!(
            skip_reason(&once, Some(&plain)).as_deref(),
            Some("kustomize.toolkit.fluxcd.io/ssa: IfNotPresent and it exists")
        );
    }

    #[test]
    fn ignore_and_reconcile_disabled_win() {
        let o = with(
            json!({SSA_KEY: "Merge"}),
            json!({RECONCILE_KEY: "disabled"}),
        );
        assert_eq!(object_policy(&o).apply, ApplyPolicy::Ignore);
        assert_eq!(
            object_policy(&json!({"kind": "X"})),
            ObjectPolicy::default()
        );
        let sops = json!({"kind": "Secret", "sops": {"mac": "x"}});
        assert!(object_policy(&sops).sops_encrypted);
    }
}
