use super::{ClusterClient, ClusterError, Timing};
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Where the kubeconfig comes from and which context is the default.
#[derive(Debug, Clone, Default)]
pub struct KubeOptions {
    /// `--kubeconfig`; None = `KUBECONFIG` or ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; None = the kubeconfig's current context.
    pub context: Option<String>,
}

/// Clients for every context apps use, connected lazily and shared.
pub struct ClusterSet {
    options: KubeOptions,
    kubeconfig: Result<Kubeconfig, String>,
    clients: Mutex<HashMap<String, Arc<ClusterClient>>>,
    changes: tokio::sync::watch::Sender<u64>,
    timing: Timing,
}

impl ClusterSet {
    /// Reads the kubeconfig once. A missing or broken kubeconfig is not an
    /// error here: every later `client()` call reports it, so commands that
    /// need no cluster (render) keep working.
    pub fn new(options: KubeOptions) -> Self {
        let kubeconfig = match &options.kubeconfig {
            Some(path) => check_yaml(std::slice::from_ref(path))
                .and_then(|()| Kubeconfig::read_from(path).map_err(|e| describe(path, &e))),
            None => check_yaml(&default_files()).and_then(|()| {
                Kubeconfig::read().map_err(|e| format!("cannot read kubeconfig: {e}"))
            }),
        };
        Self {
            options,
            kubeconfig,
            clients: Mutex::new(HashMap::new()),
            changes: tokio::sync::watch::channel(0).0,
            timing: Timing::default(),
        }
    }

    /// Sets the timeouts and retries of the clients created from now on.
    pub fn set_timing(&mut self, timing: Timing) {
        self.timing = timing;
    }

    /// Every client created so far.
    pub async fn connected(&self) -> Vec<Arc<ClusterClient>> {
        self.clients.lock().await.values().cloned().collect()
    }

    /// Changes whenever the live cache of any cluster sees a change.
    pub fn subscribe_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The context an app with no explicit context uses: `--context`, the
    /// kubeconfig's current context, or `in-cluster` inside a Pod without
    /// a kubeconfig.
    pub fn default_context(&self) -> Option<String> {
        self.options
            .context
            .clone()
            .or_else(|| match &self.kubeconfig {
                Ok(k) => k.current_context.clone(),
                Err(_) if in_cluster() => Some(IN_CLUSTER.to_string()),
                Err(_) => None,
            })
    }

    /// Names of all contexts in the kubeconfig.
    pub fn contexts(&self) -> Vec<String> {
        match &self.kubeconfig {
            Ok(k) => k.contexts.iter().map(|c| c.name.clone()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Each context with the API server URL of its cluster, in kubeconfig
    /// order (contexts whose cluster is missing are left out).
    pub fn context_servers(&self) -> Vec<(String, String)> {
        let Ok(k) = &self.kubeconfig else {
            return Vec::new();
        };
        k.contexts
            .iter()
            .filter_map(|c| {
                let cluster_name = &c.context.as_ref()?.cluster;
                let cluster = k.clusters.iter().find(|n| &n.name == cluster_name)?;
                let server = cluster.cluster.as_ref()?.server.clone()?;
                Some((c.name.clone(), server))
            })
            .collect()
    }

    /// The client of `context` (None = default), created on first use.
    pub async fn client(&self, context: Option<&str>) -> Result<Arc<ClusterClient>, ClusterError> {
        let name = match context {
            Some(c) => c.to_string(),
            None => self
                .default_context()
                .ok_or_else(|| ClusterError::Kubeconfig {
                    path: self.kubeconfig_path(),
                    message: "no context given and no current-context set".to_string(),
                })?,
        };
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(&name) {
            return Ok(client.clone());
        }
        let client = Arc::new(self.connect(&name).await?);
        clients.insert(name, client.clone());
        Ok(client)
    }

    async fn connect(&self, context: &str) -> Result<ClusterClient, ClusterError> {
        if context == IN_CLUSTER && self.kubeconfig.is_err() && in_cluster() {
            let config = kube::Config::incluster().map_err(|e| ClusterError::Kubeconfig {
                path: "(in-cluster service account)".to_string(),
                message: e.to_string(),
            })?;
            return ClusterClient::new(context, config, self.changes.clone(), self.timing.clone());
        }
        let kubeconfig = self
            .kubeconfig
            .clone()
            .map_err(|message| ClusterError::Kubeconfig {
                path: self.kubeconfig_path(),
                message,
            })?;
        if !kubeconfig.contexts.iter().any(|c| c.name == context) {
            let known: Vec<_> = kubeconfig
                .contexts
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            return Err(ClusterError::UnknownContext {
                context: context.to_string(),
                known: known.join(", "),
            });
        }
        let options = KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| ClusterError::Kubeconfig {
                path: self.kubeconfig_path(),
                message: format!("context {context}: {e}"),
            })?;
        ClusterClient::new(context, config, self.changes.clone(), self.timing.clone())
    }

    fn kubeconfig_path(&self) -> String {
        match &self.options.kubeconfig {
            Some(p) => p.display().to_string(),
            None => std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".to_string()),
        }
    }
}

/// The context name of the cluster a Pod runs in (service account).
pub const IN_CLUSTER: &str = "in-cluster";

fn in_cluster() -> bool {
    std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

/// The files kube reads without `--kubeconfig`: `$KUBECONFIG`'s, else
/// `~/.kube/config`.
fn default_files() -> Vec<PathBuf> {
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(list) => std::env::split_paths(&list).collect(),
        None => std::env::var_os("HOME")
            .map(|home| vec![PathBuf::from(home).join(".kube/config")])
            .unwrap_or_default(),
    }
}

/// The YAML limits of [`crate::yaml::check`] on each kubeconfig file
/// before kube's reader (which has none) sees it; unreadable files are
/// left to kube to report.
fn check_yaml(files: &[PathBuf]) -> Result<(), String> {
    for file in files {
        if let Ok(text) = std::fs::read_to_string(file) {
            crate::yaml::check(&text)
                .map_err(|e| format!("{}:{}: {}", file.display(), e.line, e.message))?;
        }
    }
    Ok(())
}

fn describe(path: &std::path::Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot read kubeconfig {}: {err}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deeply_nested_kubeconfig_is_refused_before_kube_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let deep = format!("apiVersion: v1\nclusters: {}\n", "[".repeat(50_000));
        std::fs::write(&path, deep).unwrap();
        let err = check_yaml(std::slice::from_ref(&path)).unwrap_err();
        assert_eq!(
            err,
            format!(
                "{}:2: nested more than 255 levels deep in [ ] or {{ }}; tether reads at most 255",
                path.display()
            )
        );
        std::fs::write(&path, "apiVersion: v1\nclusters: []\n").unwrap();
        assert!(check_yaml(&[path, dir.path().join("missing")]).is_ok());
    }
}
