//! Resource names and scopes of kinds, for matching `resourceRules`
//! (which name plural resources, `deployments`) and for finding params:
//! what the cluster's discovery said when the engine asked it, else the
//! CRDs among the objects at hand, else the built-in kinds (plural by
//! kube's rules, which match every built-in kind; scope from the table of
//! cluster-scoped kinds below).

use kube::core::{ApiResource, GroupVersionKind};
use serde_json::Value;
use std::collections::HashMap;

/// What a kind is served as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    /// The plural resource name (`deployments`).
    pub plural: String,
    pub namespaced: bool,
}

/// Kinds known beyond the built-in ones, by (group, kind).
#[derive(Debug, Clone, Default)]
pub struct Kinds {
    known: HashMap<(String, String), KindInfo>,
}

impl Kinds {
    /// The built-in kinds only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds what discovery (or anything authoritative) says of a kind.
    pub fn insert(&mut self, group: &str, kind: &str, info: KindInfo) {
        self.known
            .insert((group.to_string(), kind.to_string()), info);
    }

    /// Adds the kinds the CustomResourceDefinitions among `objects` define.
    pub fn add_crds(&mut self, objects: &[Value]) {
        for crd in objects {
            if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
                continue;
            }
            let text = |p: &str| crd.pointer(p).and_then(Value::as_str);
            let (Some(group), Some(kind), Some(plural)) = (
                text("/spec/group"),
                text("/spec/names/kind"),
                text("/spec/names/plural"),
            ) else {
                continue;
            };
            let namespaced = text("/spec/scope") != Some("Cluster");
            self.insert(
                group,
                kind,
                KindInfo {
                    plural: plural.to_string(),
                    namespaced,
                },
            );
        }
    }

    /// The kinds added, as (group, kind, info).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &KindInfo)> {
        self.known
            .iter()
            .map(|((g, k), info)| (g.as_str(), k.as_str(), info))
    }

    /// The plural and scope of `group`/`version`/`kind`.
    pub fn info(&self, group: &str, version: &str, kind: &str) -> KindInfo {
        if let Some(info) = self.known.get(&(group.to_string(), kind.to_string())) {
            return info.clone();
        }
        let gvk = GroupVersionKind::gvk(group, version, kind);
        KindInfo {
            plural: ApiResource::from_gvk(&gvk).plural,
            namespaced: !crate::model::is_cluster_scoped_builtin(group, kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agrees_with_the_discovery_of_a_real_api_server() {
        // The sim serves discovery recorded from a Kubernetes API server.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/data/discovery.json");
        let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let kinds = Kinds::new();
        let mut checked = 0;
        for (group_version, list) in data["resources"].as_object().unwrap() {
            let (group, version) = group_version
                .rsplit_once('/')
                .unwrap_or(("", group_version));
            for resource in list["resources"].as_array().unwrap() {
                let name = resource["name"].as_str().unwrap();
                if name.contains('/') {
                    continue;
                }
                let info = kinds.info(group, version, resource["kind"].as_str().unwrap());
                assert_eq!(info.plural, name, "{group_version} {resource}");
                assert_eq!(
                    info.namespaced, resource["namespaced"],
                    "{group_version} {name}"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked}");
    }

    #[test]
    fn built_in_and_custom_kinds() {
        let mut kinds = Kinds::new();
        let deployment = kinds.info("apps", "v1", "Deployment");
        assert_eq!(
            (deployment.plural.as_str(), deployment.namespaced),
            ("deployments", true)
        );
        assert_eq!(
            kinds.info("networking.k8s.io", "v1", "Ingress").plural,
            "ingresses"
        );
        assert_eq!(kinds.info("", "v1", "Endpoints").plural, "endpoints");
        assert!(!kinds.info("", "v1", "Namespace").namespaced);
        kinds.add_crds(&[json!({
            "kind": "CustomResourceDefinition",
            "spec": {"group": "acme.io", "scope": "Cluster",
                     "names": {"kind": "Octopus", "plural": "octopi"}}
        })]);
        let octopus = kinds.info("acme.io", "v1", "Octopus");
        assert_eq!(
            (octopus.plural.as_str(), octopus.namespaced),
            ("octopi", false)
        );
    }
}
