//! Argo CD's rules for the automated sync of an imported Application that
//! tether manages, read from `spec.syncPolicy.automated`:
//! with `prune: true` and `allowEmpty` unset or false, an automated sync
//! whose desired state is empty — every resource of the app would be
//! pruned — is refused, as Argo CD's controller refuses it
//! (`Skipping sync attempt to <revision>: auto-sync will wipe out all
//! resources`). A manual sync is not affected.
//!
//! `spec.syncPolicy.retry` sets how a failed automated sync is tried
//! again at the same revision ([`RetryPolicy`]): at most `limit` more
//! times (negative: without end; no `retry`: never, as Argo CD does not
//! auto-sync a revision whose sync failed), waiting `backoff.duration`
//! (default 5 s) × `factor`^n (default 2), at most `maxDuration`
//! (default 3 min). A new revision starts over.

use crate::model::{AppEngine, AppSpec};
use serde_json::Value;
use std::time::Duration;

/// How a failed automated sync of an imported Argo CD app is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RetryPolicy {
    /// Retries allowed after the first failure; negative: no limit.
    pub limit: i64,
    pub duration: Duration,
    pub factor: u32,
    pub max_duration: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first).
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = self.factor.saturating_pow(retry.min(64));
        self.duration.saturating_mul(factor).min(self.max_duration)
    }

    /// Whether a sync that failed `failures` times in a row may be tried again.
    pub fn allows(&self, failures: u32) -> bool {
        self.limit < 0 || i64::from(failures) <= self.limit
    }
}

/// The retry policy of an imported Argo CD app (no `retry`: limit 0);
/// None for other apps, which keep tether's own backoff. A malformed
/// value is the error, naming the field.
pub(super) fn retry_policy(app: &AppSpec) -> Option<Result<RetryPolicy, String>> {
    let origin = app.origin.as_deref()?;
    if origin.engine != AppEngine::Argocd {
        return None;
    }
    Some(read_retry(origin.object.pointer("/spec/syncPolicy/retry")))
}

fn read_retry(retry: Option<&Value>) -> Result<RetryPolicy, String> {
    let mut policy = RetryPolicy {
        limit: 0,
        duration: Duration::from_secs(5),
        factor: 2,
        max_duration: Duration::from_secs(180),
    };
    let Some(retry) = retry.filter(|r| !r.is_null()) else {
        return Ok(policy);
    };
    if let Some(limit) = retry.get("limit") {
        policy.limit = limit
            .as_i64()
            .ok_or("spec.syncPolicy.retry.limit must be an integer")?;
    }
    let backoff = retry.get("backoff").unwrap_or(&Value::Null);
    let duration = |field: &str| -> Result<Option<Duration>, String> {
        let Some(text) = backoff.get(field).and_then(Value::as_str) else {
            return Ok(None);
        };
        // Argo CD reads a bare number as seconds.
        if let Ok(seconds) = text.parse::<u64>() {
            return Ok(Some(Duration::from_secs(seconds)));
        }
        let nanos = crate::argocd::parse_go_duration(text)
            .map_err(|e| format!("spec.syncPolicy.retry.backoff.{field}: {e}"))?;
        Ok(Some(Duration::from_nanos(
            u64::try_from(nanos).unwrap_or(0),
        )))
    };
    if let Some(d) = duration("duration")? {
        policy.duration = d;
    }
    if let Some(d) = duration("maxDuration")? {
        policy.max_duration = d;
    }
    if let Some(factor) = backoff.get("factor") {
        policy.factor = factor
            .as_u64()
            .and_then(|f| u32::try_from(f).ok())
            .ok_or("spec.syncPolicy.retry.backoff.factor must be a positive integer")?;
    }
    Ok(policy)
}

/// Why the automated sync of `app` to `revision`, whose desired objects
/// are `desired`, must not run; None when it may.
pub(super) fn wipe_out_refusal(app: &AppSpec, revision: &str, desired: &[Value]) -> Option<String> {
    let origin = app.origin.as_deref()?;
    if origin.engine != AppEngine::Argocd {
        return None;
    }
    refusal(
        origin.object.pointer("/spec/syncPolicy/automated")?,
        revision,
        desired,
    )
}

/// [`wipe_out_refusal`] given `spec.syncPolicy.automated`.
fn refusal(automated: &Value, revision: &str, desired: &[Value]) -> Option<String> {
    let flag = |k: &str| automated.get(k).and_then(Value::as_bool) == Some(true);
    (flag("prune") && !flag("allowEmpty") && desired.is_empty()).then(|| {
        format!("Skipping sync attempt to {revision}: auto-sync will wipe out all resources")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retry_reads_argo_cd_defaults_and_backs_off() {
        let none = read_retry(None).unwrap();
        assert!(
            none.allows(0) && !none.allows(1),
            "no retry after a failure"
        );
        let policy = read_retry(Some(&json!({
            "limit": 2,
            "backoff": {"duration": "1s", "factor": 3, "maxDuration": "5"}
        })))
        .unwrap();
        assert_eq!(policy.backoff(0), Duration::from_secs(1));
        assert_eq!(policy.backoff(1), Duration::from_secs(3));
        assert_eq!(policy.backoff(2), Duration::from_secs(5), "capped");
        assert!(policy.allows(2) && !policy.allows(3));
        let endless = read_retry(Some(&json!({"limit": -1}))).unwrap();
        assert!(endless.allows(1000));
        assert_eq!(endless.backoff(1), Duration::from_secs(10));
        assert!(read_retry(Some(&json!({"backoff": {"duration": "soon"}}))).is_err());
    }

    #[test]
    fn an_empty_automated_prune_is_refused_unless_allowed() {
        let object = [json!({"kind": "ConfigMap"})];
        let prune = json!({"prune": true});
        assert_eq!(
            refusal(&prune, "abc", &[]).as_deref(),
            Some("Skipping sync attempt to abc: auto-sync will wipe out all resources")
        );
        assert_eq!(refusal(&prune, "abc", &object), None);
        let allowed = json!({"prune": true, "allowEmpty": true});
        assert_eq!(refusal(&allowed, "abc", &[]), None);
        assert_eq!(refusal(&json!({}), "abc", &[]), None);
    }
}
