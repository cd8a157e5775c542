//! Making two stages' manifests comparable (DESIGN.md §7 `tether
//! compare`): what differs between stages by design — the namespace, the
//! Kustomize name prefix/suffix, the tracking labels and annotations — is
//! taken out so that only real differences remain.

use serde_json::Value;
use std::collections::HashMap;

/// Tracking marks tether, Argo CD and Flux put on objects.
pub const TRACKING_LABELS: &[&str] = &[
    "tether.dev/app",
    "app.kubernetes.io/instance",
    "applications.argoproj.io/app-name",
    "kustomize.toolkit.fluxcd.io/name",
    "kustomize.toolkit.fluxcd.io/namespace",
    "helm.toolkit.fluxcd.io/name",
    "helm.toolkit.fluxcd.io/namespace",
];

/// Tracking annotations tether, Argo CD and Flux put on objects.
pub const TRACKING_ANNOTATIONS: &[&str] = &[
    "argocd.argoproj.io/tracking-id",
    "argocd.argoproj.io/installation-id",
];

/// What is taken out before two stages are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageBlindness {
    /// `metadata.namespace`, and every `namespace:` field naming one of
    /// the stage's namespaces.
    pub namespace: bool,
    /// The stage's name prefix and suffix, wherever a name of one of its
    /// objects is written.
    pub names: bool,
    /// [`TRACKING_LABELS`] and [`TRACKING_ANNOTATIONS`].
    pub tracking: bool,
    /// More label keys to drop (e.g. `env`).
    pub labels: Vec<String>,
    /// More annotation keys to drop.
    pub annotations: Vec<String>,
}

impl Default for StageBlindness {
    fn default() -> Self {
        Self {
            namespace: true,
            names: true,
            tracking: true,
            labels: Vec::new(),
            annotations: Vec::new(),
        }
    }
}

/// A stage's name prefix and suffix (Kustomize `namePrefix`/`nameSuffix`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameAffix {
    pub prefix: String,
    pub suffix: String,
}

impl NameAffix {
    /// `name` without the prefix and suffix, when it carries both.
    pub fn strip<'n>(&self, name: &'n str) -> Option<&'n str> {
        let core = name
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        (!core.is_empty()).then_some(core)
    }
}

/// Takes out of `objects` (one stage's rendered manifests) what
/// `blind` says, in place. `namespaces`: the stage's namespaces beyond
/// those its objects name (its destination).
pub fn make_comparable(
    objects: &mut [Value],
    affix: &NameAffix,
    namespaces: &[String],
    blind: &StageBlindness,
) {
    let mut known: Vec<String> = namespaces.to_vec();
    known.extend(
        objects
            .iter()
            .filter_map(|o| o.pointer("/metadata/namespace").and_then(Value::as_str))
            .map(str::to_string),
    );
    let renames: HashMap<String, String> = if blind.names && *affix != NameAffix::default() {
        objects
            .iter()
            .filter_map(|o| o.pointer("/metadata/name").and_then(Value::as_str))
            .filter_map(|n| affix.strip(n).map(|core| (n.to_string(), core.to_string())))
            .collect()
    } else {
        HashMap::new()
    };
    for object in objects.iter_mut() {
        if blind.namespace {
            drop_namespaces(object, &known);
        }
        if !renames.is_empty() {
            rename(object, &renames);
        }
        let mut labels: Vec<&str> = blind.labels.iter().map(String::as_str).collect();
        let mut annotations: Vec<&str> = blind.annotations.iter().map(String::as_str).collect();
        if blind.tracking {
            labels.extend(TRACKING_LABELS);
            annotations.extend(TRACKING_ANNOTATIONS);
        }
        drop_keys(object, "labels", &labels);
        drop_keys(object, "annotations", &annotations);
    }
}

/// Removes every `namespace:` string field naming one of `known`.
fn drop_namespaces(value: &mut Value, known: &[String]) {
    match value {
        Value::Object(map) => {
            let ours = map
                .get("namespace")
                .and_then(Value::as_str)
                .is_some_and(|ns| known.iter().any(|k| k == ns));
            if ours {
                map.remove("namespace");
            }
            map.values_mut().for_each(|v| drop_namespaces(v, known));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| drop_namespaces(v, known)),
        _ => {}
    }
}

/// Replaces every string equal to a renamed object's name.
fn rename(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::String(s) => {
            if let Some(core) = renames.get(s.as_str()) {
                *s = core.clone();
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| rename(v, renames)),
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, renames)),
        _ => {}
    }
}

/// Drops `keys` from `metadata.<field>`, and the field when left empty.
fn drop_keys(object: &mut Value, field: &str, keys: &[&str]) {
    let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let empty = match metadata.get_mut(field).and_then(Value::as_object_mut) {
        Some(map) => {
            keys.iter().for_each(|k| {
                map.remove(*k);
            });
            map.is_empty()
        }
        None => false,
    };
    if empty {
        metadata.remove(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn by_design_differences_are_taken_out() {
        let mut objects = vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "dev-web", "namespace": "web-dev",
                    "labels": {"tether.dev/app": "web-dev", "env": "dev", "app": "web"},
                    "annotations": {"argocd.argoproj.io/tracking-id": "x"}},
                "spec": {"template": {"spec": {"volumes": [{"configMap": {"name": "dev-web-config"}}]}}}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "dev-web-config", "namespace": "web-dev"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "dev-web"},
                "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "web-dev"},
                             {"kind": "ServiceAccount", "name": "x", "namespace": "kube-system"}]}),
        ];
        let affix = NameAffix {
            prefix: "dev-".into(),
            suffix: String::new(),
        };
        let blind = StageBlindness {
            labels: vec!["env".into()],
            ..Default::default()
        };
        make_comparable(&mut objects, &affix, &[], &blind);
        assert_eq!(
            objects[0],
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"template": {"spec": {"volumes": [{"configMap": {"name": "web-config"}}]}}}})
        );
        assert_eq!(objects[1]["metadata"], json!({"name": "web-config"}));
        assert_eq!(
            objects[2]["subjects"],
            json!([{"kind": "ServiceAccount", "name": "default"},
                   {"kind": "ServiceAccount", "name": "x", "namespace": "kube-system"}])
        );
    }

    #[test]
    fn what_is_kept_can_be_chosen() {
        let original = json!({"kind": "ConfigMap",
            "metadata": {"name": "dev-a", "namespace": "n", "labels": {"tether.dev/app": "a"}}});
        let mut objects = vec![original.clone()];
        let blind = StageBlindness {
            namespace: false,
            names: false,
            tracking: false,
            ..Default::default()
        };
        let affix = NameAffix {
            prefix: "dev-".into(),
            suffix: String::new(),
        };
        make_comparable(&mut objects, &affix, &["n".into()], &blind);
        assert_eq!(objects[0], original);
        assert_eq!(affix.strip("dev-"), None);
        assert_eq!(affix.strip("prod-a"), None);
    }
}
