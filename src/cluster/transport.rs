//! The HTTP stack under the kube client: kube-rs's own, changed where a
//! Go client (kubectl, client-go) behaves otherwise than kube-rs 5.
//!
//! - **HTTP/2 where the server offers it.** The requests client's TLS
//!   connections offer `h2` and `http/1.1` by ALPN; a kube-apiserver
//!   picks `h2`, and every request to it then shares one connection, each
//!   its own stream, as client-go's do. The connection is pinged after
//!   30 s without a frame and dropped when the ping is not answered within
//!   15 s (client-go's `ReadIdleTimeout` and `PingTimeout`). A server
//!   that offers only HTTP/1.1, and plain `http://` servers, get HTTP/1.1.
//! - **Watches on HTTP/1.1**, one connection each, on a client of their
//!   own. A watch holds its stream for minutes, and an HTTP/2 client
//!   does not open a second connection when the server's stream limit
//!   (250 by Go's default) is reached: with many namespaces watched,
//!   requests would queue behind watches that never end. Go's transport
//!   opens another connection instead; hyper's does not.
//! - **`TCP_NODELAY`**, as Go sets on every connection: a request's
//!   small writes are sent at once instead of waiting for the server's
//!   delayed ACK.
//!
//! Everything else comes from kube-rs unchanged: the TLS settings of the
//! kubeconfig (CA, client certificates, `insecure-skip-tls-verify`,
//! `tls-server-name`), the authentication layer (tokens, exec plugins and
//! their refresh, shared by both clients so an exec plugin runs once per
//! token), impersonation and extra headers, and the connect, read and
//! write timeouts. A kubeconfig with a `proxy-url` keeps kube-rs's stack
//! whole (HTTP/1.1 through the proxy).

use http_body_util::BodyExt;
use hyper_timeout::TimeoutConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use kube::client::middleware::AuthLayer;
use kube::client::{Body, ClientBuilder, ConfigExt, DynBody};
use std::time::Duration;
use tower::{BoxError, ServiceBuilder, ServiceExt};

/// How long an HTTP/2 connection may go without a frame before it is
/// pinged (client-go's `ReadIdleTimeout`).
pub const H2_PING_AFTER: Duration = Duration::from_secs(30);
/// How long a ping may go unanswered before the connection is dropped
/// (client-go's `PingTimeout`).
pub const H2_PING_TIMEOUT: Duration = Duration::from_secs(15);

/// The clients of one cluster: for requests, and for watches.
pub struct Clients {
    /// Requests: HTTP/2 when the server offers it.
    pub requests: kube::Client,
    /// Watches: HTTP/1.1, a connection each.
    pub watches: kube::Client,
}

/// The clients of the cluster of `config`.
pub fn clients(config: kube::Config) -> Result<Clients, kube::Error> {
    if config.proxy_url.is_some() {
        return Ok(Clients {
            requests: kube::Client::try_from(config.clone())?,
            watches: kube::Client::try_from(config)?,
        });
    }
    let auth = config.auth_layer()?;
    Ok(Clients {
        requests: client(&config, true, auth.as_ref())?,
        watches: client(&config, false, auth.as_ref())?,
    })
}

/// A kube client for `config` authenticating with `auth`, offering
/// HTTP/2 when `http2`.
fn client(
    config: &kube::Config,
    http2: bool,
    auth: Option<&AuthLayer>,
) -> Result<kube::Client, kube::Error> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let mut https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config.rustls_client_config()?)
        .https_or_http();
    if let Some(name) = &config.tls_server_name {
        let name = rustls::pki_types::ServerName::try_from(name.clone()).map_err(|e| {
            kube::Error::RustlsTls(kube::client::RustlsTlsError::InvalidServerName(e))
        })?;
        https = https.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name));
    }
    let https = if http2 {
        https.enable_all_versions().wrap_connector(http)
    } else {
        https.enable_http1().wrap_connector(http)
    };
    let mut connector = TimeoutConnector::new(https);
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    let http_client: hyper_util::client::legacy::Client<_, Body> =
        hyper_util::client::legacy::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .http2_keep_alive_interval(H2_PING_AFTER)
            .http2_keep_alive_timeout(H2_PING_TIMEOUT)
            .http2_keep_alive_while_idle(true)
            .build(connector);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(auth)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .service(http_client)
        .map_response(|response| {
            response.map(|body| Box::new(body.map_err(BoxError::from)) as Box<DynBody>)
        });
    Ok(ClientBuilder::new(service.boxed(), config.default_namespace.clone()).build())
}
