//! Fault injection: added latency, failure rules per resource, verb and
//! namespace (error responses, hung requests, reset connections, expired
//! watches), per-user access limits (see [`super::access`]), and a count
//! of the requests served, checked on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::access::{AccessRule, UserAccess};

/// What a matching request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultEffect {
    /// A `Status` failure with this HTTP code. An empty message on a 403
    /// becomes the RBAC Forbidden message naming the user; a 429 carries
    /// `Retry-After` when `retry_after` is set.
    Status {
        code: u16,
        message: String,
        retry_after: Option<u64>,
    },
    /// No answer until the rule is removed ([`FaultHandle::clear`]) or the
    /// server stops: a server that hangs.
    Hang,
    /// The normal answer, this much later: a slow server.
    Delay(Duration),
    /// The connection is closed without an answer.
    Reset,
    /// `410 Expired`: on a watch, an ERROR event as the first line (the
    /// watch's resourceVersion was compacted); on a list, the Status.
    Gone,
}

/// One failure rule: which requests it matches, what they get, how often.
#[derive(Debug, Clone)]
pub struct Fault {
    resource: String,
    verb: String,
    namespace: Option<String>,
    /// Only requests addressed to no namespace (cluster-wide).
    cluster_wide: bool,
    effect: FaultEffect,
    /// Requests left to fail; None = every matching request.
    times: Option<u32>,
}

impl Fault {
    fn new(effect: FaultEffect) -> Self {
        Fault {
            resource: "*".to_string(),
            verb: "*".to_string(),
            namespace: None,
            cluster_wide: false,
            effect,
            times: None,
        }
    }

    /// A `Status` failure with `code` and `message` (see [`FaultEffect::Status`]).
    pub fn status(code: u16, message: &str) -> Self {
        Self::new(FaultEffect::Status {
            code,
            message: message.to_string(),
            retry_after: None,
        })
    }

    /// `429 TooManyRequests` asking to come back in `seconds`, as the API
    /// server's Status errors do: `details.retryAfterSeconds` and the
    /// `Retry-After` header.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self::new(FaultEffect::Status {
            code: 429,
            message: "Too many requests, please try again later.".to_string(),
            retry_after: Some(seconds),
        })
    }

    /// `403` as a validating admission webhook denies a request:
    /// `admission webhook "<webhook>" denied the request: <message>`.
    pub fn admission_denied(webhook: &str, message: &str) -> Self {
        Self::status(
            403,
            &format!("admission webhook \"{webhook}\" denied the request: {message}"),
        )
    }

    /// No answer until cleared (see [`FaultEffect::Hang`]).
    pub fn hang() -> Self {
        Self::new(FaultEffect::Hang)
    }

    /// The normal answer, `d` later.
    pub fn delay(d: Duration) -> Self {
        Self::new(FaultEffect::Delay(d))
    }

    /// The connection closed without an answer.
    pub fn reset() -> Self {
        Self::new(FaultEffect::Reset)
    }

    /// `410 Expired` (see [`FaultEffect::Gone`]).
    pub fn gone() -> Self {
        Self::new(FaultEffect::Gone)
    }

    /// Only requests for `resource` (plural, or `*`) with `verb` (`get`,
    /// `list`, `watch`, `create`, `update`, `patch`, `delete`, or `*`).
    pub fn on(mut self, resource: &str, verb: &str) -> Self {
        self.resource = resource.to_string();
        self.verb = verb.to_string();
        self
    }

    /// Only requests addressed to `namespace`.
    pub fn in_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string());
        self
    }

    /// Only requests addressed to no namespace: cluster-wide lists and
    /// watches of namespaced kinds, and cluster-scoped kinds.
    pub fn cluster_wide(mut self) -> Self {
        self.cluster_wide = true;
        self
    }

    /// Only the next `n` matching requests; the rule is gone afterwards.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn matches(&self, resource: &str, verb: &str, namespace: Option<&str>) -> bool {
        (self.resource == "*" || self.resource == resource)
            && (self.verb == "*" || self.verb == verb)
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| namespace == Some(ns))
            && (!self.cluster_wide || namespace.is_none())
    }
}

#[derive(Debug, Default)]
struct Faults {
    latency: Duration,
    /// Rules with the id a hung request waits on.
    rules: Vec<(u64, Fault)>,
    next_id: u64,
    user: Option<String>,
    access: HashMap<String, UserAccess>,
    /// Requests served, by (resource plural, verb).
    requests: HashMap<(String, String), u64>,
    /// Lists and watches served, by (resource plural, verb, namespace,
    /// label selector); empty strings for cluster-wide and no selector.
    reads: HashMap<(String, String, String, String), u64>,
    /// Requests received, by HTTP version (`HTTP/1.1`, `HTTP/2.0`) and
    /// whether they were watches.
    versions: HashMap<(String, bool), u64>,
    /// Watches streaming now, by (resource plural, namespace, label
    /// selector); empty strings for cluster-wide and no selector.
    open: HashMap<(String, String, String), u64>,
}

/// One watch streaming, counted in [`FaultHandle::open_watches`] until it
/// is dropped.
pub(crate) struct OpenWatch {
    faults: FaultHandle,
    key: (String, String, String),
}

impl OpenWatch {
    pub(crate) fn new(
        faults: &FaultHandle,
        resource: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Self {
        let key = (
            resource.to_string(),
            namespace.unwrap_or_default().to_string(),
            label_selector.unwrap_or_default().to_string(),
        );
        *faults.lock().open.entry(key.clone()).or_default() += 1;
        OpenWatch {
            faults: faults.clone(),
            key,
        }
    }
}

impl Drop for OpenWatch {
    fn drop(&mut self) {
        let mut faults = self.faults.lock();
        if let Some(n) = faults.open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                faults.open.remove(&self.key);
            }
        }
    }
}

/// The lists or watches of one resource at one address, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    /// `list` or `watch`.
    pub verb: String,
    /// None for a cluster-wide request.
    pub namespace: Option<String>,
    /// The `labelSelector` query parameter, when one was sent.
    pub label_selector: Option<String>,
    pub count: u64,
}

/// A failure chosen for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InjectedFault {
    pub effect: FaultEffect,
    /// The rule's id, for [`FaultHandle::is_active`].
    pub rule: u64,
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
        self.inject(Fault::status(code, message).on(resource, verb));
    }

    /// Adds a failure rule. Rules are checked in the order they were added.
    pub fn inject(&self, fault: Fault) {
        let mut f = self.lock();
        f.next_id += 1;
        let id = f.next_id;
        f.rules.push((id, fault));
    }

    /// Sets the user named in Forbidden messages for requests without a
    /// bearer token (default `system:anonymous`).
    pub fn user(&self, user: &str) {
        self.lock().user = Some(user.to_string());
    }

    /// Limits `user` — the bearer token of its kubeconfig (see
    /// [`super::write_kubeconfig_as`]), or for requests without one the
    /// identity set by [`FaultHandle::user`] (kubectl sends no token over
    /// plain HTTP) — to exactly `rules`, as a ClusterRole bound
    /// cluster-wide would. Users without limits may do anything.
    pub fn restrict_user(&self, user: &str, rules: Vec<AccessRule>) {
        self.lock()
            .access
            .entry(user.to_string())
            .or_default()
            .rules = Some(rules);
    }

    /// Limits `user` to get, list and watch of every resource.
    pub fn read_only_user(&self, user: &str) {
        self.restrict_user(user, vec![AccessRule::read_only()]);
    }

    /// Limits `user` to `namespaces`, as RoleBindings there and no
    /// ClusterRoleBinding would: every request cluster-wide, on a
    /// cluster-scoped kind or in another namespace is refused (the
    /// Namespace objects of `namespaces` may be read).
    pub fn restrict_to_namespaces(&self, user: &str, namespaces: &[&str]) {
        self.lock()
            .access
            .entry(user.to_string())
            .or_default()
            .only_namespaces = Some(namespaces.iter().map(|n| n.to_string()).collect());
    }

    /// Takes every right in `namespace` (and on the Namespace object of
    /// that name) from `user`, whatever else it may do.
    pub fn deny_namespace(&self, user: &str, namespace: &str) {
        self.lock()
            .access
            .entry(user.to_string())
            .or_default()
            .denied_namespaces
            .push(namespace.to_string());
    }

    /// Removes latency, every failure rule and every user limit (hung
    /// requests go on); request counts stay.
    pub fn clear(&self) {
        let mut f = self.lock();
        f.latency = Duration::ZERO;
        f.rules.clear();
        f.access.clear();
    }

    /// Ends all open watch streams (clients see the stream close).
    pub fn drop_watches(&self) {
        let mut tok = self.drop_watches.lock().unwrap_or_else(|e| e.into_inner());
        tok.cancel();
        *tok = CancellationToken::new();
    }

    /// Requests served for `resource` (plural, or `*`) with `verb` (or
    /// `*`) since the server started, faults included.
    pub fn requests(&self, resource: &str, verb: &str) -> u64 {
        self.lock()
            .requests
            .iter()
            .filter(|((r, v), _)| (resource == "*" || r == resource) && (verb == "*" || v == verb))
            .map(|(_, n)| n)
            .sum()
    }

    /// The lists and watches of `resource` (plural) served since the
    /// server started, by verb, namespace and label selector.
    pub fn reads(&self, resource: &str) -> Vec<ReadScope> {
        let mut reads: Vec<ReadScope> = self
            .lock()
            .reads
            .iter()
            .filter(|((r, ..), _)| r == resource)
            .map(|((_, verb, ns, selector), count)| ReadScope {
                verb: verb.clone(),
                namespace: (!ns.is_empty()).then(|| ns.clone()),
                label_selector: (!selector.is_empty()).then(|| selector.clone()),
                count: *count,
            })
            .collect();
        reads.sort_by(|a, b| {
            (&a.verb, &a.namespace, &a.label_selector).cmp(&(
                &b.verb,
                &b.namespace,
                &b.label_selector,
            ))
        });
        reads
    }

    /// Counts one list or watch of `resource` in `namespace` (None:
    /// cluster-wide) with `label_selector`.
    pub(crate) fn count_read(
        &self,
        resource: &str,
        verb: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) {
        let key = (
            resource.to_string(),
            verb.to_string(),
            namespace.unwrap_or_default().to_string(),
            label_selector.unwrap_or_default().to_string(),
        );
        *self.lock().reads.entry(key).or_default() += 1;
    }

    pub(crate) fn current_latency(&self) -> Duration {
        self.lock().latency
    }

    /// Requests other than watches received over HTTP `version`
    /// (`HTTP/1.1` or `HTTP/2.0`) since the server started, discovery
    /// included.
    pub fn requests_over(&self, version: &str) -> u64 {
        let key = (version.to_string(), false);
        self.lock().versions.get(&key).copied().unwrap_or(0)
    }

    /// The watches of `resource` (plural) streaming now, by namespace and
    /// label selector (`verb` is `watch`, `count` how many).
    pub fn open_watches(&self, resource: &str) -> Vec<ReadScope> {
        let mut open: Vec<ReadScope> = self
            .lock()
            .open
            .iter()
            .filter(|((r, ..), _)| r == resource)
            .map(|((_, ns, selector), count)| ReadScope {
                verb: "watch".to_string(),
                namespace: (!ns.is_empty()).then(|| ns.clone()),
                label_selector: (!selector.is_empty()).then(|| selector.clone()),
                count: *count,
            })
            .collect();
        open.sort_by(|a, b| {
            (&a.namespace, &a.label_selector).cmp(&(&b.namespace, &b.label_selector))
        });
        open
    }

    /// Watches received over HTTP `version` since the server started.
    pub fn watches_over(&self, version: &str) -> u64 {
        let key = (version.to_string(), true);
        self.lock().versions.get(&key).copied().unwrap_or(0)
    }

    /// Counts one request (a watch when `watch`) received over `version`.
    pub(crate) fn count_version(&self, version: hyper::Version, watch: bool) {
        *self
            .lock()
            .versions
            .entry((format!("{version:?}"), watch))
            .or_default() += 1;
    }

    /// Counts one request.
    pub(crate) fn count(&self, resource: &str, verb: &str) {
        *self
            .lock()
            .requests
            .entry((resource.to_string(), verb.to_string()))
            .or_default() += 1;
    }

    /// The user a request acts as: its bearer token, else the configured
    /// default identity.
    pub(crate) fn identity(&self, token: Option<&str>) -> String {
        match token {
            Some(t) => t.to_string(),
            None => self
                .lock()
                .user
                .clone()
                .unwrap_or_else(|| "system:anonymous".to_string()),
        }
    }

    /// Whether `user` may `verb` `resource` (plural, `plural/sub` for a
    /// subresource) of `group`, named `name`, in `namespace`.
    pub(crate) fn allows(&self, user: &str, request: &super::access::Request<'_>) -> bool {
        self.lock()
            .access
            .get(user)
            .is_none_or(|access| access.allows(request))
    }

    /// The fault for a request on `resource` with `verb` in `namespace`,
    /// if any; a rule with a count left uses one up.
    pub(crate) fn check(
        &self,
        resource: &str,
        verb: &str,
        namespace: Option<&str>,
    ) -> Option<InjectedFault> {
        let mut f = self.lock();
        let index = f
            .rules
            .iter()
            .position(|(_, r)| r.matches(resource, verb, namespace))?;
        let (rule, fault) = f.rules[index].clone();
        if let Some(left) = fault.times {
            if left <= 1 {
                f.rules.remove(index);
            } else if let Some((_, r)) = f.rules.get_mut(index) {
                r.times = Some(left - 1);
            }
        }
        Some(InjectedFault {
            effect: fault.effect,
            rule,
        })
    }

    /// Whether rule `id` still exists (a hung request waits until it does not).
    pub(crate) fn is_active(&self, id: u64) -> bool {
        self.lock().rules.iter().any(|(r, _)| *r == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_resource_verb_and_namespace() {
        let f = FaultHandle::new(Arc::default());
        f.fail("configmaps", "list", 403, "");
        assert!(f.check("configmaps", "list", None).is_some());
        assert!(f.check("configmaps", "get", None).is_none());
        f.fail("*", "delete", 500, "boom");
        let hit = f.check("pods", "delete", Some("web")).map(|x| x.effect);
        assert!(matches!(hit, Some(FaultEffect::Status { code: 500, .. })));
        f.inject(
            Fault::hang()
                .on("leases", "get")
                .in_namespace("tether-system"),
        );
        assert!(f.check("leases", "get", Some("web")).is_none());
        assert!(f.check("leases", "get", Some("tether-system")).is_some());
        f.clear();
        assert!(f.check("configmaps", "list", None).is_none());
    }

    #[test]
    fn counted_rules_run_out() {
        let f = FaultHandle::new(Arc::default());
        f.inject(Fault::reset().on("deployments", "patch").times(2));
        assert!(f.check("deployments", "patch", None).is_some());
        let second = f.check("deployments", "patch", None);
        assert!(second.is_some());
        assert!(!f.is_active(second.map(|s| s.rule).unwrap_or_default()));
        assert!(f.check("deployments", "patch", None).is_none());
    }

    #[test]
    fn requests_are_counted_by_resource_and_verb() {
        let f = FaultHandle::new(Arc::default());
        f.count("configmaps", "get");
        f.count("configmaps", "get");
        f.count("leases", "get");
        assert_eq!(f.requests("configmaps", "get"), 2);
        assert_eq!(f.requests("*", "get"), 3);
        assert_eq!(f.requests("leases", "*"), 1);
    }

    #[test]
    fn reads_are_counted_by_namespace_and_selector() {
        let f = FaultHandle::new(Arc::default());
        f.count_read("configmaps", "list", Some("web"), None);
        f.count_read("configmaps", "list", Some("web"), None);
        f.count_read("configmaps", "watch", None, Some("app"));
        f.count_read("secrets", "list", None, None);
        let reads = f.reads("configmaps");
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[0].verb, "list");
        assert_eq!(reads[0].namespace.as_deref(), Some("web"));
        assert_eq!(reads[0].count, 2);
        assert_eq!(reads[1].namespace, None);
        assert_eq!(reads[1].label_selector.as_deref(), Some("app"));
    }
}
