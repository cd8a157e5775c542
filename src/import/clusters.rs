//! Argo CD destinations → kubeconfig contexts (DESIGN.md §6): the
//! `clusters:` entries first, then the kubeconfig context whose cluster
//! has the destination's server URL; the in-cluster destination is the
//! current context.

use crate::model::ClusterMapping;

/// The address Argo CD gives the cluster it runs in.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
/// The name Argo CD gives the cluster it runs in.
pub const IN_CLUSTER_NAME: &str = "in-cluster";

/// What is known about clusters when an import is read.
#[derive(Debug, Clone, Default)]
pub struct ClusterIndex {
    pub mappings: Vec<ClusterMapping>,
    /// Every kubeconfig context with its cluster's server URL.
    pub kube_servers: Vec<(String, String)>,
    /// The context of apps that name none.
    pub current: Option<String>,
}

impl ClusterIndex {
    /// The context of an Argo CD destination (`server` and/or `name`), or
    /// why there is none, naming what to add to tether.yaml.
    pub fn argo_destination(&self, server: &str, name: &str) -> Result<Option<String>, String> {
        if !name.is_empty() {
            if let Some(m) = self
                .mappings
                .iter()
                .find(|m| m.name.as_deref() == Some(name))
            {
                return Ok(Some(m.context.clone()));
            }
            if name == IN_CLUSTER_NAME {
                return Ok(self.current.clone());
            }
            return Err(format!(
                "destination.name {name:?} names no cluster: add `clusters: [{{context: CONTEXT, name: {name}}}]` to tether.yaml"
            ));
        }
        if server.is_empty() {
            return Err("the destination names neither a server nor a cluster name".to_string());
        }
        let wanted = trim_url(server);
        if let Some(m) = self
            .mappings
            .iter()
            .find(|m| m.server.as_deref().map(trim_url) == Some(wanted))
        {
            return Ok(Some(m.context.clone()));
        }
        if wanted == IN_CLUSTER_SERVER {
            return Ok(self.current.clone());
        }
        if let Some((context, _)) = self
            .kube_servers
            .iter()
            .find(|(_, s)| trim_url(s) == wanted)
        {
            return Ok(Some(context.clone()));
        }
        Err(format!(
            "destination.server {server} is no cluster of the kubeconfig: add `clusters: [{{context: CONTEXT, server: {server}}}]` to tether.yaml"
        ))
    }
}

fn trim_url(url: &str) -> &str {
    url.trim().trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> ClusterIndex {
        ClusterIndex {
            mappings: vec![ClusterMapping {
                context: "prod".into(),
                server: Some("https://prod.example.com:6443".into()),
                name: Some("prod-eu".into()),
                labels: Default::default(),
            }],
            kube_servers: vec![("kind-dev".into(), "https://127.0.0.1:40000/".into())],
            current: Some("kind-dev".into()),
        }
    }

    #[test]
    fn maps_by_entry_then_kubeconfig_then_in_cluster() {
        let i = index();
        assert_eq!(i.argo_destination("", "prod-eu"), Ok(Some("prod".into())));
        assert_eq!(
            i.argo_destination("https://prod.example.com:6443/", ""),
            Ok(Some("prod".into()))
        );
        assert_eq!(
            i.argo_destination("https://127.0.0.1:40000", ""),
            Ok(Some("kind-dev".into()))
        );
        assert_eq!(
            i.argo_destination(IN_CLUSTER_SERVER, ""),
            Ok(Some("kind-dev".into()))
        );
        assert_eq!(
            i.argo_destination("", "in-cluster"),
            Ok(Some("kind-dev".into()))
        );
    }

    #[test]
    fn an_unmapped_destination_names_the_entry_to_add() {
        let i = index();
        let e = i.argo_destination("https://x.example.com", "").unwrap_err();
        assert!(
            e.contains("clusters: [{context: CONTEXT, server: https://x.example.com}]"),
            "{e}"
        );
        let e = i.argo_destination("", "staging").unwrap_err();
        assert!(e.contains("name: staging"), "{e}");
    }
}
