//! Starting, addressing and stopping a simulated API server: over
//! HTTP/1.1, or over TLS with HTTP/2 offered as a kube-apiserver does.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::controllers;
use super::error::SimError;
use super::faults::FaultHandle;
use super::handler::{self, Reply, Req};
use super::kubeconfig;
use super::registry::Registry;
use super::state::SimState;
use super::store::Store;
use super::tls::SimTls;

/// resourceVersion the store starts at (older continue tokens and watch
/// versions are "compacted").
const START_RV: u64 = 1000;

/// Options of a simulated server.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Port on 127.0.0.1; 0 picks an ephemeral port.
    pub port: u16,
    /// How long a Pod takes to become Running/Ready.
    pub pod_ready_delay: Duration,
    /// Cluster name, e.g. `staging`.
    pub name: String,
    /// What each request costs the server, to stand in for a real API
    /// server in benchmarks (zero: answered as fast as the sim can).
    pub cost: RequestCost,
    /// Serve `https://` with this identity (HTTP/2 and HTTP/1.1 offered
    /// by ALPN unless it says otherwise); None serves plain HTTP/1.1.
    pub tls: Option<SimTls>,
}

/// A model of a real API server's work: every request (a watch only for
/// its start) occupies one of `slots` workers for `time` before it is
/// answered, so a server with 2 slots does at most 2 requests at once,
/// as an API server and etcd sharing 2 cores would. The sim's own work
/// comes on top (it is small: see docs/PERFORMANCE.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCost {
    /// Time one request takes the server.
    pub time: Duration,
    /// Requests worked on at once; 0 = no limit.
    pub slots: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            port: 0,
            pod_ready_delay: Duration::from_secs(1),
            name: "sim".to_string(),
            cost: RequestCost::default(),
            tls: None,
        }
    }
}

/// Entry point to start a simulated API server.
#[derive(Debug)]
pub struct SimServer;

/// A running simulated server; cheap to clone.
#[derive(Debug, Clone)]
pub struct SimHandle {
    state: Arc<SimState>,
    addr: SocketAddr,
}

impl SimServer {
    /// Binds 127.0.0.1:`opts.port`, bootstraps the cluster (namespaces
    /// `default`, `kube-system`, `kube-public`, node `sim-node`) and serves
    /// until [`SimHandle::shutdown`].
    pub async fn start(opts: SimOptions) -> Result<SimHandle, SimError> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port))
            .await
            .map_err(|source| SimError::Bind {
                port: opts.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            port: opts.port,
            source,
        })?;
        let acceptor = opts.tls.as_ref().map(SimTls::acceptor).transpose()?;
        let watch_cancel = Arc::new(Mutex::new(CancellationToken::new()));
        let workers =
            (opts.cost.slots > 0).then(|| Arc::new(tokio::sync::Semaphore::new(opts.cost.slots)));
        let state = Arc::new(SimState {
            opts,
            workers,
            store: Mutex::new(Store::new(START_RV)),
            registry: RwLock::new(Registry::builtin()?),
            faults: FaultHandle::new(watch_cancel.clone()),
            watch_cancel,
            shutdown: CancellationToken::new(),
        });
        controllers::start(state.clone());
        controllers::bootstrap(&state);
        tokio::spawn(accept_loop(listener, acceptor, state.clone()));
        Ok(SimHandle { state, addr })
    }
}

impl SimHandle {
    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, or `https://` when it serves TLS.
    pub fn url(&self) -> String {
        let scheme = if self.state.opts.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The CA a client must trust (PEM), when it serves TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.state.opts.tls.as_ref().map(SimTls::ca_pem)
    }

    /// A kubeconfig whose cluster, user and context are all named `context`.
    pub fn kubeconfig_yaml(&self, context: &str) -> String {
        kubeconfig::render_with(
            &[(context.to_string(), self.url())],
            context,
            None,
            self.ca_pem(),
        )
    }

    /// The fault injection controls.
    pub fn faults(&self) -> FaultHandle {
        self.state.faults.clone()
    }

    /// Stops accepting requests, ends watches and controllers.
    pub fn shutdown(&self) {
        self.state.shutdown.cancel();
        self.state.drop_watches();
    }
}

async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>, state: Arc<SimState>) {
    loop {
        let accepted = tokio::select! {
            _ = state.shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else { continue };
        // As Go's net package does for every TCP connection (so a real
        // API server too): small writes such as watch events go out at
        // once instead of waiting for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let stopped = state.shutdown.clone();
            let svc = service_fn(move |req| serve(state.clone(), req));
            // A stopped server drops its open connections too, as a dead
            // API server would: kept-alive clients see the failure.
            match tls {
                None => {
                    let connection =
                        http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = connection => {}
                        _ = stopped.cancelled() => {}
                    }
                }
                Some(tls) => {
                    let stream = tokio::select! {
                        accepted = tls.accept(stream) => match accepted {
                            Ok(stream) => stream,
                            Err(_) => return,
                        },
                        _ = stopped.cancelled() => return,
                    };
                    let mut builder = auto::Builder::new(TokioExecutor::new());
                    // Go's default, which a kube-apiserver keeps unless
                    // --http2-max-streams-per-connection says otherwise.
                    builder.http2().max_concurrent_streams(250);
                    let connection = builder.serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = connection => {}
                        _ = stopped.cancelled() => {}
                    }
                }
            }
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

async fn serve(
    state: Arc<SimState>,
    req: Request<Incoming>,
) -> Result<Response<Body>, ConnectionReset> {
    let (parts, body) = req.into_parts();
    let watch = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    state.faults.count_version(parts.version, watch);
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let req = Req {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        accept: header("accept"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
        impersonate: Some(header("impersonate-user")).filter(|u| !u.is_empty()),
        token: header("authorization")
            .strip_prefix("Bearer ")
            .map(str::to_string)
            .filter(|t| !t.is_empty()),
        body,
    };
    match handler::handle(state, req).await {
        // An error from the service makes hyper drop the connection
        // without writing anything: the client sees a reset.
        Reply::Reset => Err(ConnectionReset),
        reply => Ok(to_response(reply)),
    }
}

/// The error that closes a connection on purpose (fault injection).
#[derive(Debug)]
struct ConnectionReset;

impl std::fmt::Display for ConnectionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ConnectionReset {}

fn to_response(reply: Reply) -> Response<Body> {
    let mut retry_after = None;
    let (status, ctype, body): (u16, &str, Body) = match reply {
        Reply::Json(code, v) => (code, "application/json", full(v.to_string())),
        Reply::RetryAfter(code, v, seconds) => {
            retry_after = Some(seconds);
            (code, "application/json", full(v.to_string()))
        }
        Reply::Reset => (500, "text/plain", full(String::new())),
        Reply::Text(code, text, ctype) => (code, ctype, full(text)),
        Reply::Bytes(code, bytes, ctype) => (code, ctype, BodyExt::boxed(Full::new(bytes))),
        Reply::Stream(rx, ctype) => {
            let stream = ReceiverStream::new(rx).map(|b| Ok::<_, Infallible>(Frame::data(b)));
            (200, ctype, BodyExt::boxed(StreamBody::new(stream)))
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = hyper::header::HeaderValue::from_str(ctype) {
        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    if let Some(seconds) = retry_after {
        resp.headers_mut()
            .insert(hyper::header::RETRY_AFTER, seconds.into());
    }
    resp
}

fn full(s: String) -> Body {
    BodyExt::boxed(Full::new(Bytes::from(s)))
}
