use regex::Regex;
use std::sync::LazyLock;
use thiserror::Error;

/// What a user may not do, as RBAC decided: `user "alice" may not patch
/// deployments.apps in namespace web (forbidden)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// Empty when the server did not say who the user is.
    pub user: String,
    pub verb: String,
    /// Plural, `plural/subresource` for a subresource.
    pub resource: String,
    /// API group, empty for the core group.
    pub group: String,
    /// None at the cluster scope.
    pub namespace: Option<String>,
}

impl std::fmt::Display for Denial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resource = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        let scope = match &self.namespace {
            Some(ns) => format!("in namespace {ns}"),
            None => "at the cluster scope".to_string(),
        };
        if self.user.is_empty() {
            write!(f, "the kubeconfig user")?;
        } else {
            write!(f, "user {:?}", self.user)?;
        }
        write!(f, " may not {} {resource} {scope} (forbidden)", self.verb)
    }
}

/// The RBAC authorizer's wording of a refusal.
static RBAC_MESSAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)")?"#,
    )
    .ok()
});

impl Denial {
    /// Reads an API server's RBAC Forbidden message; None for any other
    /// 403 (an admission webhook or policy refusing the object).
    pub fn parse(message: &str) -> Option<Denial> {
        let caps = RBAC_MESSAGE.as_ref()?.captures(message)?;
        let text = |i: usize| caps.get(i).map_or("", |m| m.as_str()).to_string();
        Some(Denial {
            user: text(1),
            verb: text(2),
            resource: text(3),
            group: text(4),
            namespace: caps.get(5).map(|m| m.as_str().to_string()),
        })
    }
}

/// A failure talking to one cluster. Every variant names the cluster
/// (kubeconfig context) or the user and what was refused, so a message is
/// useful on its own.
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
    /// RBAC refused a request of this user.
    #[error("{denial}")]
    Forbidden {
        cluster: String,
        denial: Box<Denial>,
    },
    /// A 403 that is not RBAC: an admission webhook or policy refused it.
    #[error("cluster {cluster}: refused: {message}")]
    Refused { cluster: String, message: String },
    /// A request got no answer in time.
    #[error("cluster {cluster}: no answer within {seconds}s to {what}")]
    Timeout {
        cluster: String,
        what: String,
        seconds: u64,
    },
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
            kube::Error::Api(status) => Self::from_status(cluster, &status),
            other => {
                let mut message = root_cause(&other);
                if tls_failure(&other).is_some() {
                    message.push_str(
                        " (TLS: check the cluster's certificate-authority, \
                         tls-server-name and client certificate in the kubeconfig)",
                    );
                }
                ClusterError::Unreachable {
                    cluster: cluster.to_string(),
                    server: server.to_string(),
                    message,
                }
            }
        }
    }

    /// Converts a failure Status of the API server.
    pub(crate) fn from_status(cluster: &str, status: &kube::core::Status) -> Self {
        if status.code == 403 {
            return match Denial::parse(&status.message) {
                Some(denial) => ClusterError::Forbidden {
                    cluster: cluster.to_string(),
                    denial: Box::new(denial),
                },
                None => ClusterError::Refused {
                    cluster: cluster.to_string(),
                    message: status.message.clone(),
                },
            };
        }
        ClusterError::Api {
            cluster: cluster.to_string(),
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
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

    /// The RBAC refusal, when that is what this is.
    pub fn denial(&self) -> Option<&Denial> {
        match self {
            ClusterError::Forbidden { denial, .. } => Some(denial),
            _ => None,
        }
    }
}

/// The TLS handshake failure in an error chain (an untrusted or invalid
/// certificate, no protocol in common): a setting to fix, which asking
/// again cannot mend.
pub(crate) fn tls_failure<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // An I/O error shows its inner error's message, but its source()
        // skips that error (and the timeout layer wraps the TLS layer's
        // I/O error in another).
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(tls) = tls_failure(inner) {
                return Some(tls);
            }
        }
        current = e.source();
    }
    None
}

/// The innermost message of an error chain: "connection refused" rather
/// than "client error (Connect)".
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rbac_messages_become_denials() {
        let namespaced = "deployments.apps \"web\" is forbidden: User \"alice\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"web\"";
        let d = Denial::parse(namespaced).unwrap();
        assert_eq!(
            d.to_string(),
            "user \"alice\" may not patch deployments.apps in namespace web (forbidden)"
        );
        let cluster = "namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope: RBAC: clusterrole not found";
        assert_eq!(
            Denial::parse(cluster).unwrap().to_string(),
            "user \"bob\" may not list namespaces at the cluster scope (forbidden)"
        );
        let webhook = "admission webhook \"deny.example.com\" denied the request: no";
        assert!(Denial::parse(webhook).is_none());
    }
}
