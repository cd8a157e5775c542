use super::request::Retry;
use super::timing::doubled;
use super::{ClusterError, LiveCache, Timing, WatchScope};
use crate::model::GroupVersionKind;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{ApiResource, GroupVersionKind as KubeGvk};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The field manager of every write tether makes.
pub const FIELD_MANAGER: &str = "tether";

/// An API resource resolved through discovery.
#[derive(Debug, Clone)]
pub struct ResolvedKind {
    pub resource: ApiResource,
    pub namespaced: bool,
}

/// Objects read from a watch cache, and whether the watch held a
/// complete, current list when they were read.
#[derive(Debug, Clone)]
pub struct CachedObjects {
    pub objects: Vec<Arc<Value>>,
    pub complete: bool,
}

/// What a server-side apply returned.
#[derive(Debug, Clone)]
pub struct ApplyOutcome {
    /// The object as the server stored it (or would, for a dry-run).
    pub object: Value,
}

/// A connection to one cluster (one kubeconfig context).
pub struct ClusterClient {
    name: String,
    server: String,
    client: kube::Client,
    kinds: RwLock<HashMap<GroupVersionKind, ResolvedKind>>,
    pub(super) cache: LiveCache,
    backoff: Backoff,
    pub(super) throttle: super::throttle::Throttle,
    timing: Timing,
    pub(super) access: super::access::AccessCache,
    /// When the last successful reachability check was answered, and the
    /// server's version it gave.
    last_ping: tokio::sync::Mutex<Option<(Instant, String)>>,
}

/// Retry pacing of a cluster that failed: the last error and when to ask
/// again, doubling from `start` to `max`.
#[derive(Debug)]
struct Backoff {
    state: std::sync::Mutex<Option<(Instant, Duration, String)>>,
    start: Duration,
    max: Duration,
}

impl Backoff {
    fn current(&self) -> Option<ClusterError> {
        let state = self.state.lock().ok()?;
        let (until, _, message) = state.as_ref()?;
        let now = Instant::now();
        (now < *until).then(|| ClusterError::BackingOff {
            message: message.clone(),
            retry_in_secs: (*until - now).as_secs().max(1),
        })
    }

    fn failed(&self, error: &ClusterError) {
        if let Ok(mut state) = self.state.lock() {
            let delay = state
                .as_ref()
                .map_or(self.start, |(_, d, _)| doubled(*d, self.max, 1));
            *state = Some((Instant::now() + delay, delay, error.to_string()));
        }
    }

    fn reset(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = None;
        }
    }
}

impl ClusterClient {
    /// A client of the cluster `name`; its live cache bumps `changes`.
    /// Requests follow `timing` (tether retries itself, so the kube
    /// client's own retry layer is off; reads of a silent connection end
    /// after a watch timeout plus a request timeout).
    pub fn new(
        name: &str,
        mut config: kube::Config,
        changes: tokio::sync::watch::Sender<u64>,
        timing: Timing,
    ) -> Result<Self, ClusterError> {
        let server = config.cluster_url.to_string();
        config.default_retry = false;
        config.read_timeout = Some(timing.watch_timeout + timing.request_timeout);
        let clients = super::transport::clients(config).map_err(|e| ClusterError::Unreachable {
            cluster: name.to_string(),
            server: server.clone(),
            message: e.to_string(),
        })?;
        Ok(Self {
            name: name.to_string(),
            server,
            cache: LiveCache::new(name, clients.watches, changes, timing.clone()),
            client: clients.requests,
            kinds: RwLock::new(HashMap::new()),
            backoff: Backoff {
                state: std::sync::Mutex::new(None),
                start: timing.cluster_backoff_start,
                max: timing.cluster_backoff_max,
            },
            access: super::access::AccessCache::default(),
            last_ping: tokio::sync::Mutex::new(None),
            throttle: super::throttle::Throttle::new(timing.qps, timing.burst),
            timing,
        })
    }

    /// The timeouts and retries this client follows.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// The kube client (for the access reviews).
    pub(super) fn kube(&self) -> &kube::Client {
        &self.client
    }

    /// The kubeconfig context name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The API server URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    pub(super) fn error_of(&self, e: kube::Error) -> ClusterError {
        ClusterError::from_kube(&self.name, &self.server, e)
    }

    /// Checks that the API server answers (within the ping timeout);
    /// returns its version. After a failure the cluster is not asked again
    /// until its backoff (by default 1 s doubling to 60 s) has passed:
    /// callers get the last error at once, so one dead cluster never slows
    /// the others.
    pub async fn ping(&self) -> Result<String, ClusterError> {
        if let Some(cached) = self.backoff.current() {
            return Err(cached);
        }
        // One check at a time: callers that asked while one was under way
        // take its answer, which came after they asked (a status pass of
        // thousands of apps sends a few pings, not one per app).
        let asked = Instant::now();
        let mut last = self.last_ping.lock().await;
        if let Some(cached) = self.backoff.current() {
            return Err(cached);
        }
        if let Some((answered, version)) = &*last
            && *answered >= asked
        {
            return Ok(version.clone());
        }
        let limit = self.timing.ping_timeout;
        let answer = tokio::time::timeout(limit, self.client.apiserver_version()).await;
        let result = match answer {
            Ok(Ok(info)) => Ok(info.git_version),
            Ok(Err(e)) => Err(self.error_of(e)),
            Err(_) => Err(ClusterError::Unreachable {
                cluster: self.name.clone(),
                server: self.server.clone(),
                message: format!("no answer within {}s", limit.as_secs_f64().ceil()),
            }),
        };
        match &result {
            Ok(version) => {
                self.backoff.reset();
                *last = Some((Instant::now(), version.clone()));
            }
            Err(e) => self.backoff.failed(e),
        }
        result
    }

    /// Maps apiVersion/kind to the served resource, through discovery of
    /// that group version (cached).
    pub async fn resolve(&self, gvk: &GroupVersionKind) -> Result<ResolvedKind, ClusterError> {
        if let Ok(kinds) = self.kinds.read()
            && let Some(found) = kinds.get(gvk)
        {
            return Ok(found.clone());
        }
        let kube_gvk = KubeGvk::gvk(&gvk.group, &gvk.version, &gvk.kind);
        let what = format!("discovery of {}", gvk.api_version());
        let (resource, caps) = self
            .call(&what, Retry::Idempotent, || {
                kube::discovery::pinned_kind(&self.client, &kube_gvk)
            })
            .await
            .map_err(|e| match e {
                ClusterError::Api { code: 404, .. } => self.unknown_kind(gvk),
                ClusterError::Unreachable { message, .. } if message.contains("Missing") => {
                    self.unknown_kind(gvk)
                }
                other => other,
            })?;
        let resolved = ResolvedKind {
            resource,
            namespaced: caps.scope == kube::discovery::Scope::Namespaced,
        };
        if let Ok(mut kinds) = self.kinds.write() {
            kinds.insert(gvk.clone(), resolved.clone());
        }
        Ok(resolved)
    }

    fn unknown_kind(&self, gvk: &GroupVersionKind) -> ClusterError {
        ClusterError::UnknownKind {
            cluster: self.name.clone(),
            api_version: gvk.api_version(),
            kind: gvk.kind.clone(),
        }
    }

    pub(super) fn api(&self, kind: &ResolvedKind, namespace: Option<&str>) -> Api<DynamicObject> {
        match (kind.namespaced, namespace) {
            (true, Some(ns)) => Api::namespaced_with(self.client.clone(), ns, &kind.resource),
            _ => Api::all_with(self.client.clone(), &kind.resource),
        }
    }

    /// The live object, or None when it does not exist.
    pub async fn get(
        &self,
        gvk: &GroupVersionKind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let api = self.api(&kind, namespace);
        let what = format!("GET {}", describe(&kind, namespace, name));
        let found = self
            .call(&what, Retry::Idempotent, || api.get_opt(name))
            .await?;
        found
            .map(to_value)
            .transpose()
            .map_err(|e| self.invalid(name, e))
    }

    /// The live object from the watch cache (the watch of its kind in its
    /// namespace, started on first use), or None when it does not exist.
    pub async fn cached_get(
        &self,
        gvk: &GroupVersionKind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Arc<Value>>, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let Some(scope) = scope_of(&kind, namespace) else {
            // A namespaced object without a namespace cannot exist.
            return Ok(None);
        };
        let cache = match self.cache.ready(gvk, &kind.resource, &scope).await {
            Ok(cache) => cache,
            // Listing is refused, reading the one object may not be (a
            // RoleBinding allows `get` of its own Namespace object).
            Err(ClusterError::Forbidden { .. }) => {
                return Ok(self.get(gvk, namespace, name).await?.map(Arc::new));
            }
            Err(e) => return Err(e),
        };
        let ns = if kind.namespaced { namespace } else { None };
        Ok(cache.get(ns, name))
    }

    /// Objects of a kind from the watch cache, in one namespace (watched
    /// alone) or in all (a watch of the whole kind), and only those whose
    /// label `label.0` equals `label.1`.
    pub async fn cached_list(
        &self,
        gvk: &GroupVersionKind,
        namespace: Option<&str>,
        label: Option<(&str, &str)>,
    ) -> Result<Vec<Arc<Value>>, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let scope = scope_of(&kind, namespace).unwrap_or(WatchScope::All);
        let cache = self.cache.ready(gvk, &kind.resource, &scope).await?;
        let ns = if kind.namespaced { namespace } else { None };
        Ok(cache.list(ns, |o| label.is_none_or(|l| has_label(o, l))))
    }

    /// The objects of a kind, in every namespace, whose label `label.0`
    /// equals `label.1` (every object of the kind without a label), and
    /// whether that knowledge is complete and current. For a namespaced
    /// kind they come from the watch selected by the label key, which
    /// keeps apiVersion, kind and metadata only.
    pub async fn cached_tracked(
        &self,
        gvk: &GroupVersionKind,
        label: Option<(&str, &str)>,
    ) -> Result<CachedObjects, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let scope = match label {
            Some((key, _)) if kind.namespaced => WatchScope::Labelled(key.to_string()),
            _ => WatchScope::All,
        };
        let cache = self.cache.ready(gvk, &kind.resource, &scope).await?;
        let indexed = label.and_then(|(_, value)| cache.labelled(value));
        Ok(CachedObjects {
            objects: indexed
                .unwrap_or_else(|| cache.list(None, |o| label.is_none_or(|l| has_label(o, l)))),
            complete: cache.is_complete(),
        })
    }

    /// [`Self::cached_tracked`] for a user who may not list the kind in
    /// every namespace (RoleBindings only): of a namespaced kind, the
    /// objects in `namespaces`, from the watch of each; of a
    /// cluster-scoped kind, the objects named `names`, a GET each. What
    /// lies elsewhere is not known, so the caller must look nowhere else
    /// (a prune then deletes less, never more).
    pub async fn tracked_within(
        &self,
        gvk: &GroupVersionKind,
        label: Option<(&str, &str)>,
        namespaces: &[String],
        names: &[String],
    ) -> Result<CachedObjects, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let marked = |o: &Value| label.is_none_or(|l| has_label(o, l));
        let mut objects = Vec::new();
        let mut complete = true;
        if kind.namespaced {
            for ns in namespaces {
                let scope = WatchScope::Namespace(ns.clone());
                let cache = self.cache.ready(gvk, &kind.resource, &scope).await?;
                objects.extend(cache.list(Some(ns), marked));
                complete &= cache.is_complete();
            }
        } else {
            for name in names {
                if let Some(object) = self.get(gvk, None, name).await?
                    && marked(&object)
                {
                    objects.push(Arc::new(object));
                }
            }
        }
        Ok(CachedObjects { objects, complete })
    }

    /// True when the cache of `gvk` in `scope` holds a complete, current
    /// list.
    pub fn cache_complete(&self, gvk: &GroupVersionKind, scope: &WatchScope) -> bool {
        self.cache.is_complete(gvk, scope)
    }

    /// Changes whenever any cached object of this cluster changes.
    pub fn subscribe_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.cache.subscribe()
    }

    /// All objects of a kind, optionally in one namespace and by label selector.
    pub async fn list(
        &self,
        gvk: &GroupVersionKind,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Result<Vec<Value>, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let mut params = ListParams::default();
        if let Some(selector) = label_selector {
            params = params.labels(selector);
        }
        let api = self.api(&kind, namespace);
        let what = format!("LIST {}", describe(&kind, namespace, ""));
        let list = self
            .call(&what, Retry::Idempotent, || api.list(&params))
            .await?;
        let mut out = Vec::with_capacity(list.items.len());
        for mut item in list.items {
            // Lists of built-in kinds carry no per-item apiVersion/kind.
            item.types = Some(kube::core::TypeMeta {
                api_version: gvk.api_version(),
                kind: gvk.kind.clone(),
            });
            out.push(to_value(item).map_err(|e| self.invalid(&gvk.kind, e))?);
        }
        Ok(out)
    }

    pub(super) fn invalid(&self, object: &str, e: impl std::fmt::Display) -> ClusterError {
        ClusterError::InvalidObject {
            cluster: self.name.clone(),
            object: object.to_string(),
            message: e.to_string(),
        }
    }
}

/// The watch that holds objects of `kind` in `namespace`: the watch of
/// that namespace for a namespaced kind, of the whole kind otherwise;
/// None for a namespaced kind without a namespace.
pub(super) fn scope_of(kind: &ResolvedKind, namespace: Option<&str>) -> Option<WatchScope> {
    match (kind.namespaced, namespace) {
        (true, Some(ns)) if !ns.is_empty() => Some(WatchScope::Namespace(ns.to_string())),
        (true, _) => None,
        (false, _) => Some(WatchScope::All),
    }
}

fn has_label(object: &Value, (key, value): (&str, &str)) -> bool {
    super::kind_cache::label_of(object, key) == Some(value)
}

/// `deployments.apps web/api` for messages.
pub(super) fn describe(kind: &ResolvedKind, namespace: Option<&str>, name: &str) -> String {
    let resource = if kind.resource.group.is_empty() {
        kind.resource.plural.clone()
    } else {
        format!("{}.{}", kind.resource.plural, kind.resource.group)
    };
    match (kind.namespaced.then_some(namespace).flatten(), name) {
        (Some(ns), "") => format!("{resource} in {ns}"),
        (Some(ns), name) => format!("{resource} {ns}/{name}"),
        (None, "") => resource,
        (None, name) => format!("{resource} {name}"),
    }
}

/// apiVersion/kind of a JSON object.
pub fn gvk_of(object: &Value) -> Option<GroupVersionKind> {
    let api_version = object.get("apiVersion")?.as_str()?;
    let kind = object.get("kind")?.as_str()?;
    Some(GroupVersionKind::from_api_version(api_version, kind))
}

pub(super) fn to_value(object: DynamicObject) -> Result<Value, serde_json::Error> {
    serde_json::to_value(object)
}
