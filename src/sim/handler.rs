//! Request dispatch: routing, registry lookup, impersonation and faults,
//! then GET/LIST/WATCH here and writes in their own modules.

use std::collections::HashMap;
use std::sync::Arc;

use hyper::body::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

use super::access;
use super::apierror::ApiError;
use super::delete;
use super::discovery;
use super::faults::FaultEffect;
use super::list::{self, ListQuery};
use super::media::{self, Answer, Encoding};
use super::proto;
use super::registry::ResourceType;
use super::review;
use super::router::{ResourcePath, Route, route};
use super::scale;
use super::selector::{FieldSelector, LabelSelector};
use super::state::SimState;
use super::table;
use super::verbs;
use super::watch;

/// One HTTP request, reduced to what the handlers read.
#[derive(Debug)]
pub(crate) struct Req {
    pub method: String,
    pub path: String,
    pub query: String,
    pub accept: String,
    pub content_type: String,
    pub user_agent: String,
    pub impersonate: Option<String>,
    /// The bearer token of `Authorization`, which names the user.
    pub token: Option<String>,
    pub body: Bytes,
}

impl Req {
    /// Decoded query parameters (last value wins).
    pub fn params(&self) -> HashMap<String, String> {
        form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The field manager: `?fieldManager=` or the User-Agent up to `/`.
    pub fn manager(&self) -> String {
        if let Some(m) = self.params().get("fieldManager").filter(|m| !m.is_empty()) {
            return m.clone();
        }
        self.user_agent
            .split('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("unknown")
            .to_string()
    }

    /// Whether `dryRun=All` was given.
    pub fn dry_run(&self) -> bool {
        self.params().get("dryRun").is_some_and(|v| v == "All")
    }
}

/// A response before it becomes HTTP.
#[derive(Debug)]
pub(crate) enum Reply {
    Json(u16, Value),
    /// JSON with a `Retry-After` header of so many seconds.
    RetryAfter(u16, Value, u64),
    Text(u16, String, &'static str),
    /// An encoded body with its Content-Type.
    Bytes(u16, Bytes, &'static str),
    /// A watch stream with its Content-Type.
    Stream(mpsc::Receiver<Bytes>, &'static str),
    /// No answer: the connection is closed.
    Reset,
}

impl Reply {
    /// The Status body (or plain text) of an error.
    pub fn error(e: &ApiError) -> Self {
        if e.plain {
            return Reply::Text(e.code, e.message.clone(), "text/plain; charset=utf-8");
        }
        match e.retry_after {
            Some(seconds) => Reply::RetryAfter(e.code, e.to_json(), seconds),
            None => Reply::Json(e.code, e.to_json()),
        }
    }

    fn from(r: Result<Reply, ApiError>) -> Self {
        r.unwrap_or_else(|e| Reply::error(&e))
    }

    /// The reply in the negotiated encoding: JSON objects of built-in types
    /// (Status included) become protobuf when protobuf was negotiated.
    pub fn encoded(self, encoding: Encoding) -> Self {
        match (encoding, self) {
            (Encoding::Protobuf, Reply::Json(code, v)) => match proto::encode(&v) {
                Ok(bytes) => Reply::Bytes(code, Bytes::from(bytes), proto::MEDIA_TYPE),
                Err(e) => {
                    tracing::warn!(error = %e, "sim: answering JSON, the object has no protobuf form");
                    Reply::Json(code, v)
                }
            },
            (_, reply) => reply,
        }
    }
}

/// Handles one request.
pub(crate) async fn handle(state: Arc<SimState>, req: Req) -> Reply {
    let latency = state.faults.current_latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let cost = state.opts.cost.time;
    if !cost.is_zero() {
        let worker = match &state.workers {
            Some(workers) => workers.clone().acquire_owned().await.ok(),
            None => None,
        };
        // A thread's sleep keeps sub-millisecond times exact (tokio's
        // timer rounds up to whole milliseconds).
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(cost)).await;
        drop(worker);
    }
    let reg = state.registry().clone();
    // Discovery documents and errors of the built-in codecs follow the
    // Accept header like resources do; unacceptable ones are answered JSON.
    let builtin = media::negotiate(&req.accept, true)
        .unwrap_or(Answer::JSON)
        .encoding;
    match route(&req.path) {
        Route::Version => {
            state.faults.count("/version", "get");
            discovery::version(&reg)
        }
        Route::Healthz => Reply::Text(200, "ok".into(), "text/plain; charset=utf-8"),
        Route::Api => discovery::api(&reg).encoded(builtin),
        Route::Apis => discovery::apis(&reg).encoded(builtin),
        Route::Group(g) => discovery::group(&reg, &g).encoded(builtin),
        Route::GroupVersion(g, v) => discovery::group_version(&reg, &g, &v).encoded(builtin),
        Route::OpenApiV3(rest) => discovery::openapi_v3(&reg, &rest),
        Route::OpenApiV2 => discovery::openapi_v2(),
        Route::NotFound => Reply::error(&ApiError::page_not_found()),
        Route::Resource(p) if p.name.is_none() && req.method == "POST" && is_review(&p) => {
            let user = state.faults.identity(req.token.as_deref());
            state.faults.count(&p.plural, "create");
            if p.plural == "selfsubjectreviews" {
                access::self_review(&user).encoded(builtin)
            } else {
                access::access_review(&state.faults, &req, &user).encoded(builtin)
            }
        }
        Route::Resource(p) => {
            let known = if p.group.is_empty() {
                p.version == "v1"
            } else {
                reg.serves_version(&p.group, &p.version)
            };
            if !known {
                return Reply::error(&ApiError::page_not_found());
            }
            let Some(rt) = reg.lookup(&p.group, &p.version, &p.plural) else {
                return Reply::error(&ApiError::no_resource()).encoded(builtin);
            };
            drop(reg);
            resource(state, req, rt, p).await
        }
    }
}

/// The review APIs every authenticated user may call about itself.
fn is_review(p: &ResourcePath) -> bool {
    (p.group == "authorization.k8s.io" && p.plural == "selfsubjectaccessreviews")
        || (p.group == "authentication.k8s.io" && p.plural == "selfsubjectreviews")
}

fn verb_of(req: &Req, p: &ResourcePath) -> &'static str {
    let watching = req
        .params()
        .get("watch")
        .is_some_and(|w| w == "1" || w == "true");
    match (req.method.as_str(), p.name.is_some()) {
        ("GET", true) => "get",
        ("GET", false) if watching => "watch",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "unknown",
    }
}

async fn resource(state: Arc<SimState>, req: Req, rt: Arc<ResourceType>, p: ResourcePath) -> Reply {
    let answer = media::negotiate(&req.accept, !rt.is_custom());
    let encoding = answer.map_or(Encoding::Json, |a| a.encoding);
    respond(state, req, rt, p, answer).await.encoded(encoding)
}

async fn respond(
    state: Arc<SimState>,
    req: Req,
    rt: Arc<ResourceType>,
    p: ResourcePath,
    answer: Option<Answer>,
) -> Reply {
    let verb = verb_of(&req, &p);
    state.faults.count(&rt.plural, verb);
    if matches!(verb, "list" | "watch") {
        let selector = req.params().remove("labelSelector");
        let selector = selector.as_deref().filter(|s| !s.is_empty());
        state
            .faults
            .count_read(&rt.plural, verb, p.namespace.as_deref(), selector);
    }
    if let Some(user) = &req.impersonate {
        return Reply::error(&ApiError::forbidden(
            &rt,
            p.name.as_deref(),
            p.namespace.as_deref(),
            user,
            verb,
        ));
    }
    if let Some(denied) = authorize(&state, &req, &rt, &p, verb) {
        return denied;
    }
    let namespace = p.namespace.as_deref();
    if let Some(f) = state.faults.check(&rt.plural, verb, namespace) {
        match f.effect {
            FaultEffect::Status {
                code,
                message,
                retry_after,
            } => {
                let err = match (code, retry_after) {
                    (403, _) if message.is_empty() => ApiError::forbidden(
                        &rt,
                        p.name.as_deref(),
                        namespace,
                        &state.faults.identity(req.token.as_deref()),
                        verb,
                    ),
                    (_, Some(seconds)) => ApiError::too_many_requests(message, seconds),
                    _ => ApiError::from_code(code, message),
                };
                return Reply::error(&err);
            }
            FaultEffect::Reset => return Reply::Reset,
            FaultEffect::Gone if verb == "watch" => return watch::gone(),
            FaultEffect::Gone if verb == "list" => return Reply::error(&ApiError::list_expired()),
            FaultEffect::Gone => return Reply::error(&ApiError::from_code(410, "gone".into())),
            FaultEffect::Delay(d) => tokio::time::sleep(d).await,
            FaultEffect::Hang => {
                while state.faults.is_active(f.rule) && !state.shutdown.is_cancelled() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }
    let Some(answer) = answer else {
        return Reply::error(&media::not_acceptable());
    };
    if p.subresource.is_some() && !p.subresource.as_deref().is_some_and(|s| rt.has_sub(s)) {
        return Reply::error(&ApiError::no_resource());
    }
    if review::is_review(&rt) {
        return Reply::from(review::create(&req, &rt, verb));
    }
    if p.subresource.as_deref() == Some("scale") {
        return Reply::from(scale::handle(&state, &req, &rt, &p));
    }
    match verb {
        "get" => Reply::from(get(&state, answer, &rt, &p)),
        "list" => Reply::from(list_objects(&state, &req, answer, &rt, &p)),
        "watch" => Reply::from(watch::start(&state, &req, answer, &rt, &p)),
        "create" => Reply::from(verbs::post(&state, &req, &rt, &p)),
        "update" => Reply::from(verbs::put(&state, &req, &rt, &p)),
        "patch" => Reply::from(verbs::patch(&state, &req, &rt, &p)),
        "delete" => Reply::from(delete::delete(&state, &req, &rt, &p)),
        "deletecollection" => Reply::from(delete::delete_collection(&state, &req, &rt, &p)),
        _ => Reply::error(&ApiError::method_not_allowed()),
    }
}

/// The Forbidden reply when the request's user may not do this: the
/// verb itself, or for an apply that would create the object, `create`
/// as well (as the API server checks).
fn authorize(
    state: &SimState,
    req: &Req,
    rt: &ResourceType,
    p: &ResourcePath,
    verb: &'static str,
) -> Option<Reply> {
    let user = state.faults.identity(req.token.as_deref());
    let resource = match &p.subresource {
        Some(sub) => format!("{}/{sub}", rt.plural),
        None => rt.plural.clone(),
    };
    let ask = |verb: &'static str| access::Request {
        verb,
        group: &rt.group,
        resource: &resource,
        namespace: access::request_namespace(
            &rt.plural,
            &rt.group,
            p.namespace.as_deref(),
            p.name.as_deref(),
        ),
        name: p.name.as_deref(),
    };
    let creates = verb == "patch"
        && req.content_type.starts_with("application/apply-patch")
        && p.subresource.is_none()
        && p.name
            .as_deref()
            .is_some_and(|name| state.store().get(&rt.key(), &ns_of(rt, p), name).is_none());
    let refused = [Some(verb), creates.then_some("create")]
        .into_iter()
        .flatten()
        .find(|v| !state.faults.allows(&user, &ask(v)))?;
    Some(Reply::error(&ApiError::forbidden(
        rt,
        p.name.as_deref(),
        p.namespace.as_deref(),
        &user,
        refused,
    )))
}

/// The namespace an object path addresses ("" for cluster-scoped types).
pub(crate) fn ns_of(rt: &ResourceType, p: &ResourcePath) -> String {
    if rt.namespaced {
        p.namespace.clone().unwrap_or_default()
    } else {
        String::new()
    }
}

fn get(
    state: &SimState,
    answer: Answer,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let name = p.name.clone().unwrap_or_default();
    let store = state.store();
    let obj = store
        .get(&rt.key(), &ns_of(rt, p), &name)
        .ok_or_else(|| ApiError::not_found(rt, &name))?;
    if answer.table {
        return Ok(Reply::Json(
            200,
            table::from_object(rt, obj, &store.current_rv().to_string()),
        ));
    }
    Ok(Reply::Json(200, obj.clone()))
}

/// Parses label/field selectors of a LIST or WATCH.
pub(crate) fn selectors(
    params: &HashMap<String, String>,
) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(
        params
            .get("labelSelector")
            .map(String::as_str)
            .unwrap_or(""),
    )
    .map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(
        params
            .get("fieldSelector")
            .map(String::as_str)
            .unwrap_or(""),
    )
    .map_err(ApiError::bad_request)?;
    Ok((labels, fields))
}

fn list_objects(
    state: &SimState,
    req: &Req,
    answer: Answer,
    rt: &ResourceType,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let params = req.params();
    let (labels, fields) = selectors(&params)?;
    let q = ListQuery {
        labels,
        fields,
        limit: params.get("limit").and_then(|l| l.parse().ok()),
        continue_token: params.get("continue").filter(|c| !c.is_empty()).cloned(),
    };
    let ns = if rt.namespaced {
        p.namespace.clone()
    } else {
        None
    };
    let store = state.store();
    let objects = store.list(&rt.key(), ns.as_deref());
    let body = list::build(
        rt,
        objects,
        &q,
        store.current_rv(),
        store.oldest_rv(&rt.key()),
        ns.is_none(),
    )?;
    drop(store);
    if answer.table {
        return Ok(Reply::Json(200, table::from_list(rt, &body)));
    }
    Ok(Reply::Json(200, body))
}
