//! `tether controller`: the engine headless for every app of tether.yaml —
//! automated sync and self-heal under Leases — with JSON-line logs, and
//! `/metrics` (Prometheus text) and `/healthz` over HTTP. SIGTERM or
//! Ctrl-C: start nothing new, let running syncs finish, release Leases.

use super::args::ControllerArgs;
use super::output::{CliError, CliResult};
use crate::engine::{Engine, EngineEvent};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How often the controller re-reads Git sources.
const REFRESH: Duration = Duration::from_secs(10);
/// How long a shutdown waits for running syncs.
const DRAIN: Duration = Duration::from_secs(60);

pub async fn run(engine: Engine, args: &ControllerArgs) -> CliResult {
    init_json_logs();
    let addr: SocketAddr = args
        .metrics_addr
        .parse()
        .map_err(|e| CliError::new(format!("invalid --metrics-addr {}: {e}", args.metrics_addr)))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::new(format!("cannot listen on {addr}: {e}")))?;
    let engine = Arc::new(engine);
    tracing::info!(apps = engine.apps().len(), %addr, "controller started");
    let handle = engine.clone().spawn(REFRESH);
    let mut events = handle.events.subscribe();
    tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            log_event(&event);
        }
    });
    let server = tokio::spawn(serve(listener, engine.clone()));
    shutdown_signal().await;
    tracing::info!("shutting down: finishing running syncs and releasing leases");
    engine.shutdown(DRAIN).await;
    server.abort();
    tracing::info!("controller stopped");
    Ok(0)
}

fn init_json_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TETHER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn log_event(event: &EngineEvent) {
    match event {
        EngineEvent::CommandDone {
            app,
            ok: true,
            message,
        } => tracing::info!(app, message, "sync finished"),
        EngineEvent::CommandDone {
            app,
            ok: false,
            message,
        } => tracing::error!(app, message, "sync failed"),
        EngineEvent::Warning { message } => tracing::warn!(message, "warning"),
        _ => {}
    }
}

async fn serve(listener: tokio::net::TcpListener, engine: Arc<Engine>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let engine = engine.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| respond(req, engine.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn respond(
    req: Request<hyper::body::Incoming>,
    engine: Arc<Engine>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, content_type, body) = match req.uri().path() {
        "/metrics" => (
            StatusCode::OK,
            "text/plain; version=0.0.4",
            engine.metrics().render(),
        ),
        "/healthz" => (StatusCode::OK, "text/plain", "ok\n".to_string()),
        _ => (
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found\n".to_string(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    Ok(response)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
