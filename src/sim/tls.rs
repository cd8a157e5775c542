//! TLS for a simulated server, as a kube-apiserver serves: a certificate
//! for `127.0.0.1` and `localhost` signed by a CA of its own (generated
//! at start, never written but into the kubeconfig as
//! `certificate-authority-data`), and ALPN offering `h2` before
//! `http/1.1`, so clients that speak HTTP/2 get it.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use super::error::SimError;

/// A CA and a serving certificate it signed; cheap to clone, so several
/// simulated servers can share one CA (one kubeconfig trusts them all).
#[derive(Clone)]
pub struct SimTls {
    inner: Arc<Identity>,
    http2: bool,
}

struct Identity {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
}

impl std::fmt::Debug for SimTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimTls")
            .field("http2", &self.http2)
            .finish_non_exhaustive()
    }
}

impl SimTls {
    /// A fresh CA and a serving certificate for 127.0.0.1 and localhost.
    pub fn generate() -> Result<Self, SimError> {
        let tls = |e: rcgen::Error| SimError::Tls(e.to_string());
        let ca_key = KeyPair::generate().map_err(tls)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "tether-sim-ca");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).map_err(tls)?;
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().map_err(tls)?;
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .map_err(tls)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kube-apiserver");
        let cert = params.signed_by(&key, &issuer).map_err(tls)?;
        Ok(SimTls {
            inner: Arc::new(Identity {
                ca_pem: ca_cert.pem(),
                chain: vec![cert.der().clone(), ca_cert.der().clone()],
                key_der: key.serialize_der(),
            }),
            http2: true,
        })
    }

    /// The same identity, offering only HTTP/1.1 (as a server behind a
    /// proxy that does not speak HTTP/2).
    pub fn http1_only(mut self) -> Self {
        self.http2 = false;
        self
    }

    /// The CA certificate (PEM) a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.inner.ca_pem
    }

    /// Whether ALPN offers `h2`.
    pub fn offers_http2(&self) -> bool {
        self.http2
    }

    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, SimError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.inner.key_der.clone()));
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth()
                    .with_single_cert(self.inner.chain.clone(), key)
            })
            .map_err(|e| SimError::Tls(e.to_string()))?;
        config.alpn_protocols = if self.http2 {
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        } else {
            vec![b"http/1.1".to_vec()]
        };
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}
