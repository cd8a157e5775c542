use thiserror::Error;

/// A failure talking to one cluster. Every variant names the cluster
/// (kubeconfig context) so a message is useful on its own.
#[derive(Debug, Error)]
pub enum ClusterError {
    #[error("cannot read kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("kubeconfig has no context {context:?} (known: {known})")]
    UnknownContext { context: String, known: String },
    #[error("cluster {cluster}: cannot connect to {server}: {message}")]
    Unreachable {
        cluster: String,
        server: String,
        message: String,
    },
    /// The last failure of a cluster that is waiting out its backoff.
    #[error("{message} (next retry in {retry_in_secs}s)")]
    BackingOff { message: String, retry_in_secs: u64 },
    #[error("cluster {cluster}: forbidden: {message}")]
    Forbidden { cluster: String, message: String },
    #[error("cluster {cluster}: the server does not serve {api_version} {kind}")]
    UnknownKind {
        cluster: String,
        api_version: String,
        kind: String,
    },
    #[error("cluster {cluster}: {message} ({reason}, HTTP {code})")]
    Api {
        cluster: String,
        code: u16,
        reason: String,
        message: String,
    },
    #[error("cluster {cluster}: the live state of {kind} is incomplete: {message}")]
    Incomplete {
        cluster: String,
        kind: String,
        message: String,
    },
    #[error("cluster {cluster}: invalid object {object}: {message}")]
    InvalidObject {
        cluster: String,
        object: String,
        message: String,
    },
}

impl ClusterError {
    /// Converts a kube client error, naming the cluster and its server.
    pub(crate) fn from_kube(cluster: &str, server: &str, err: kube::Error) -> Self {
        match err {
            kube::Error::Api(status) if status.code == 403 => ClusterError::Forbidden {
                cluster: cluster.to_string(),
                message: status.message.clone(),
            },
            kube::Error::Api(status) => ClusterError::Api {
                cluster: cluster.to_string(),
                code: status.code,
                reason: status.reason.clone(),
                message: status.message.clone(),
            },
            other => ClusterError::Unreachable {
                cluster: cluster.to_string(),
                server: server.to_string(),
                message: root_cause(&other),
            },
        }
    }

    /// True when the API server answered 404 for the object.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ClusterError::Api { code: 404, .. })
    }

    /// True when the cluster could not be reached at all.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            ClusterError::Unreachable { .. } | ClusterError::BackingOff { .. }
        )
    }
}

/// The innermost message of an error chain: "connection refused" rather
/// than "client error (Connect)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
