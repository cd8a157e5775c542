//! Kubeconfig files pointing at simulated servers.

use serde_json::json;

use super::error::SimError;

/// Renders a kubeconfig with one cluster/user/context per `(name, url)`.
#[cfg(test)]
pub(crate) fn render(clusters: &[(String, String)], current: &str) -> String {
    render_with(clusters, current, None, None)
}

/// [`render`] with every user authenticating by the bearer token `user`
/// (which the sim takes as the user's name) when given, and the servers'
/// certificates checked against the CA `ca_pem` when given.
pub(crate) fn render_with(
    clusters: &[(String, String)],
    current: &str,
    user: Option<&str>,
    ca_pem: Option<&str>,
) -> String {
    use base64::Engine;
    let trust = match ca_pem {
        Some(pem) => json!({
            "certificate-authority-data": base64::engine::general_purpose::STANDARD.encode(pem)
        }),
        None => json!({"insecure-skip-tls-verify": true}),
    };
    let cluster_entries: Vec<_> = clusters
        .iter()
        .map(|(n, url)| {
            let mut cluster = trust.clone();
            cluster["server"] = json!(url);
            json!({"name": n, "cluster": cluster})
        })
        .collect();
    // kubectl asks for a user name and password at a prompt when an
    // https:// server's user has no credentials: a TLS sim's admin gets a
    // token (any user the sim was not told to restrict may do anything).
    let user = user.or(ca_pem.map(|_| "admin"));
    let credentials = match user {
        Some(token) => json!({"token": token}),
        None => json!({}),
    };
    let users: Vec<_> = clusters
        .iter()
        .map(|(n, _)| json!({"name": n, "user": credentials}))
        .collect();
    let contexts: Vec<_> = clusters
        .iter()
        .map(|(n, _)| json!({"name": n, "context": {"cluster": n, "user": n}}))
        .collect();
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": cluster_entries,
        "users": users,
        "contexts": contexts,
        "current-context": current,
        "preferences": {},
    });
    serde_yaml::to_string(&doc).unwrap_or_default()
}

/// Writes a kubeconfig for several simulated clusters: one cluster, user
/// and context per `(context_name, url)`, with `current` selected.
pub fn write_kubeconfig(
    path: &std::path::Path,
    clusters: &[(&str, &str)],
    current: &str,
) -> Result<(), SimError> {
    write(path, clusters, current, None, None)
}

/// [`write_kubeconfig`] for servers serving TLS with certificates of the
/// CA `ca_pem` (see [`super::SimTls`]).
pub fn write_kubeconfig_trusting(
    path: &std::path::Path,
    clusters: &[(&str, &str)],
    current: &str,
    ca_pem: &str,
) -> Result<(), SimError> {
    write(path, clusters, current, None, Some(ca_pem))
}

/// [`write_kubeconfig`] for the sim user `user` (a bearer token of that
/// name), whom [`super::FaultHandle::restrict_user`] can limit.
pub fn write_kubeconfig_as(
    path: &std::path::Path,
    clusters: &[(&str, &str)],
    current: &str,
    user: &str,
) -> Result<(), SimError> {
    write(path, clusters, current, Some(user), None)
}

fn write(
    path: &std::path::Path,
    clusters: &[(&str, &str)],
    current: &str,
    user: Option<&str>,
    ca_pem: Option<&str>,
) -> Result<(), SimError> {
    let owned: Vec<(String, String)> = clusters
        .iter()
        .map(|(n, u)| (n.to_string(), u.to_string()))
        .collect();
    std::fs::write(path, render_with(&owned, current, user, ca_pem)).map_err(|source| {
        SimError::Kubeconfig {
            path: path.display().to_string(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_names_cluster_user_and_context() {
        let y = render(
            &[("staging".into(), "http://127.0.0.1:1".into())],
            "staging",
        );
        let v: serde_json::Value = serde_yaml::from_str(&y).unwrap();
        assert_eq!(v["current-context"], "staging");
        assert_eq!(v["clusters"][0]["cluster"]["server"], "http://127.0.0.1:1");
        assert_eq!(v["contexts"][0]["context"]["user"], "staging");
    }
}
