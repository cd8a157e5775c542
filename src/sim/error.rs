//! Errors of starting and running the simulated API server.

use thiserror::Error;

/// Errors returned by the simulator's public API.
#[derive(Debug, Error)]
pub enum SimError {
    /// The listening socket could not be bound.
    #[error("cannot bind the simulated API server to 127.0.0.1:{port}: {source}")]
    Bind {
        /// The requested port (0 = ephemeral).
        port: u16,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The embedded discovery data is malformed (a build defect).
    #[error("embedded discovery data is invalid: {0}")]
    Data(String),
    /// The TLS identity could not be made or used.
    #[error("cannot set up TLS for the simulated API server: {0}")]
    Tls(String),
    /// Writing a kubeconfig file failed.
    #[error("cannot write kubeconfig {path}: {source}")]
    Kubeconfig {
        /// The file that was being written.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}
