//! Fault injection: added latency and error responses per resource and
//! verb, checked on every request.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// One configured failure.
#[derive(Debug, Clone)]
struct FaultRule {
    resource: String,
    verb: String,
    code: u16,
    message: String,
}

#[derive(Debug, Default)]
struct Faults {
    latency: Duration,
    rules: Vec<FaultRule>,
    user: Option<String>,
}

/// A failure chosen for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InjectedFault {
    pub code: u16,
    /// Empty for 403: the handler words the RBAC message.
    pub message: String,
    pub user: String,
}

/// Controls the faults of one simulated server; cheap to clone.
#[derive(Debug, Clone)]
pub struct FaultHandle {
    inner: Arc<Mutex<Faults>>,
    drop_watches: Arc<Mutex<CancellationToken>>,
}

impl FaultHandle {
    pub(crate) fn new(drop_watches: Arc<Mutex<CancellationToken>>) -> Self {
        FaultHandle {
            inner: Arc::default(),
            drop_watches,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Faults> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delays every request by `d`.
    pub fn latency(&self, d: Duration) {
        self.lock().latency = d;
    }

    /// Fails requests for `resource` (plural, or `*`) and `verb` (`get`,
    /// `list`, `watch`, `create`, `update`, `patch`, `delete`, or `*`) with
    /// `code`. For 403 with an empty `message`, the body is the RBAC
    /// Forbidden Status naming the user (see [`FaultHandle::user`]).
    pub fn fail(&self, resource: &str, verb: &str, code: u16, message: &str) {
        self.lock().rules.push(FaultRule {
            resource: resource.to_string(),
            verb: verb.to_string(),
            code,
            message: message.to_string(),
        });
    }

    /// Sets the user named in Forbidden messages (default `system:anonymous`).
    pub fn user(&self, user: &str) {
        self.lock().user = Some(user.to_string());
    }

    /// Removes latency and every failure rule.
    pub fn clear(&self) {
        let mut f = self.lock();
        f.latency = Duration::ZERO;
        f.rules.clear();
    }

    /// Ends all open watch streams (clients see the stream close).
    pub fn drop_watches(&self) {
        let mut tok = self.drop_watches.lock().unwrap_or_else(|e| e.into_inner());
        tok.cancel();
        *tok = CancellationToken::new();
    }

    pub(crate) fn current_latency(&self) -> Duration {
        self.lock().latency
    }

    /// The fault for a request on `resource` with `verb`, if any.
    pub(crate) fn check(&self, resource: &str, verb: &str) -> Option<InjectedFault> {
        let f = self.lock();
        let rule = f.rules.iter().find(|r| {
            (r.resource == "*" || r.resource == resource) && (r.verb == "*" || r.verb == verb)
        })?;
        Some(InjectedFault {
            code: rule.code,
            message: rule.message.clone(),
            user: f
                .user
                .clone()
                .unwrap_or_else(|| "system:anonymous".to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_resource_and_verb() {
        let f = FaultHandle::new(Arc::default());
        f.fail("configmaps", "list", 403, "");
        assert!(f.check("configmaps", "list").is_some());
        assert!(f.check("configmaps", "get").is_none());
        f.fail("*", "delete", 500, "boom");
        assert_eq!(f.check("pods", "delete").map(|x| x.code), Some(500));
        f.clear();
        assert!(f.check("configmaps", "list").is_none());
    }
}
