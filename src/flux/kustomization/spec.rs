//! A `kustomize.toolkit.fluxcd.io/v1` Kustomization as data.

use crate::flux::FluxError;
use crate::flux::metadata::CommonMetadata;
use crate::flux::object::{ObjectMeta, describe};
use crate::flux::postbuild::PostBuild;
use serde_json::Value;

/// A reference to another Flux object (`sourceRef`, `dependsOn`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectRef {
    /// Empty for `dependsOn` (always a Kustomization).
    pub kind: String,
    pub name: String,
    /// The referring object's namespace when not given.
    pub namespace: String,
}

/// An `images` entry (kustomize's image override).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
}

/// A `patches` entry: an inline strategic-merge or JSON 6902 patch and an
/// optional target selector (kept as the mapping written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub patch: String,
    pub target: Option<Value>,
}

/// A Flux Kustomization: what renders (path, overlays, post-build) and
/// what the engine may honour (prune, suspend, force, wait, dependsOn,
/// drift-ignore rules, decryption, remote cluster).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    pub meta: ObjectMeta,
    pub source_ref: ObjectRef,
    /// `spec.path` as written (resolved inside the artifact at build time).
    pub path: String,
    /// `targetNamespace`; `Some("")` clears the kustomization's namespace.
    pub target_namespace: Option<String>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
    pub components: Vec<String>,
    pub ignore_missing_components: bool,
    pub build_metadata: Vec<String>,
    pub common_metadata: CommonMetadata,
    /// None when `spec.postBuild` is absent (no substitution at all).
    pub post_build: Option<PostBuild>,
    pub prune: bool,
    pub suspend: bool,
    pub force: bool,
    pub wait: bool,
    pub depends_on: Vec<ObjectRef>,
    /// `spec.ignore` drift rules (`paths` JSON pointers + `target`), as written.
    pub ignore: Vec<Value>,
    /// `spec.decryption.provider` (`sops`).
    pub decryption: Option<String>,
    /// `spec.kubeConfig` is set: the objects go to another cluster.
    pub remote_cluster: bool,
    pub service_account_name: Option<String>,
}

impl Kustomization {
    /// Reads a Kustomization object; the error names the object and field.
    pub fn from_object(object: &Value) -> Result<Self, FluxError> {
        let meta = ObjectMeta::read(
            object,
            "kustomize.toolkit.fluxcd.io",
            &["v1"],
            "Kustomization",
        )?;
        let object_name = describe(&meta);
        read_spec(object.get("spec").unwrap_or(&Value::Null), meta).map_err(|message| {
            FluxError::Spec {
                object: object_name,
                message,
            }
        })
    }
}

fn read_spec(spec: &Value, meta: ObjectMeta) -> Result<Kustomization, String> {
    let text = |field: &str| -> Result<Option<String>, String> {
        match spec.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("spec.{field} must be a string")),
        }
    };
    let flag = |field: &str| spec.get(field).and_then(Value::as_bool).unwrap_or(false);
    let list = |field: &str| {
        spec.get(field)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let source = spec.get("sourceRef").ok_or("spec.sourceRef is required")?;
    let source_ref = object_ref(source, &meta.namespace, "spec.sourceRef")?;
    if !matches!(
        source_ref.kind.as_str(),
        "GitRepository" | "OCIRepository" | "Bucket" | "ExternalArtifact"
    ) {
        return Err(format!(
            "spec.sourceRef.kind must be GitRepository, OCIRepository, Bucket or ExternalArtifact, not {:?}",
            source_ref.kind
        ));
    }
    let patches = read_patches(&list("patches"), "spec.patches")?;
    let images = read_images(&list("images"), "spec.images")?;
    let strings = |field: &str| -> Result<Vec<String>, String> {
        list(field)
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("spec.{field} must be a list of strings"))
    };
    let depends_on = list("dependsOn")
        .iter()
        .map(|d| object_ref(d, &meta.namespace, "spec.dependsOn"))
        .collect::<Result<Vec<_>, _>>()?;
    let post_build = match spec.get("postBuild").filter(|v| !v.is_null()) {
        Some(pb) => Some(PostBuild::from_spec(pb)?),
        None => None,
    };
    let decryption = spec
        .pointer("/decryption/provider")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Kustomization {
        source_ref,
        path: text("path")?.unwrap_or_default(),
        target_namespace: text("targetNamespace")?,
        name_prefix: text("namePrefix")?,
        name_suffix: text("nameSuffix")?,
        patches,
        images,
        components: strings("components")?,
        ignore_missing_components: flag("ignoreMissingComponents"),
        build_metadata: strings("buildMetadata")?,
        common_metadata: CommonMetadata::read(spec.get("commonMetadata"), "spec.commonMetadata")?,
        post_build,
        prune: flag("prune"),
        suspend: flag("suspend"),
        force: flag("force"),
        wait: flag("wait"),
        depends_on,
        ignore: list("ignore"),
        decryption,
        remote_cluster: spec.get("kubeConfig").is_some_and(|v| !v.is_null()),
        service_account_name: text("serviceAccountName")?,
        meta,
    })
}

/// Kustomize patches (`patch` and an optional `target`); `field` names
/// the list in errors.
pub(crate) fn read_patches(list: &[Value], field: &str) -> Result<Vec<Patch>, String> {
    let mut patches = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let patch = p
            .get("patch")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{field}[{i}].patch is required"))?;
        patches.push(Patch {
            patch: patch.to_string(),
            target: p.get("target").filter(|t| !t.is_null()).cloned(),
        });
    }
    Ok(patches)
}

/// Kustomize image overrides; `field` names the list in errors.
pub(crate) fn read_images(list: &[Value], field: &str) -> Result<Vec<Image>, String> {
    let mut images = Vec::new();
    for (i, im) in list.iter().enumerate() {
        let f = |name: &str| {
            im.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        if f("name").is_empty() {
            return Err(format!("{field}[{i}].name is required"));
        }
        images.push(Image {
            name: f("name"),
            new_name: f("newName"),
            new_tag: f("newTag"),
            digest: f("digest"),
        });
    }
    Ok(images)
}

/// `{kind, name, namespace}`; the namespace defaults to `namespace`.
pub(crate) fn object_ref(value: &Value, namespace: &str, field: &str) -> Result<ObjectRef, String> {
    let f = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or_default();
    if f("name").is_empty() {
        return Err(format!("{field}.name is required"));
    }
    Ok(ObjectRef {
        kind: f("kind").to_string(),
        name: f("name").to_string(),
        namespace: if f("namespace").is_empty() {
            namespace.to_string()
        } else {
            f("namespace").to_string()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ks(spec: Value) -> Result<Kustomization, FluxError> {
        Kustomization::from_object(&json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system"}, "spec": spec}))
    }

    #[test]
    fn reads_the_fields_that_shape_the_build() {
        let k = ks(
            json!({"sourceRef": {"kind": "GitRepository", "name": "repo"}, "path": "./apps",
            "prune": true, "targetNamespace": "web", "namePrefix": "p-",
            "patches": [{"patch": "- op: remove\n  path: /x", "target": {"kind": "Deployment"}}],
            "images": [{"name": "nginx", "newTag": "1.25"}], "components": ["../c"],
            "postBuild": {"substitute": {"a": "b"}},
            "dependsOn": [{"name": "infra"}], "decryption": {"provider": "sops"}}),
        )
        .unwrap();
        assert_eq!(k.source_ref.namespace, "flux-system");
        assert_eq!(k.target_namespace.as_deref(), Some("web"));
        assert_eq!(k.patches[0].target, Some(json!({"kind": "Deployment"})));
        assert_eq!(k.images[0].new_tag, "1.25");
        assert!(k.prune && k.post_build.is_some());
        assert_eq!(k.depends_on[0].name, "infra");
        assert_eq!(k.decryption.as_deref(), Some("sops"));
    }

    #[test]
    fn malformed_specs_are_errors_naming_the_field() {
        let e = ks(json!({"path": "./x"})).unwrap_err().to_string();
        assert_eq!(
            e,
            "Kustomization flux-system/apps: spec.sourceRef is required"
        );
        let e = ks(json!({"sourceRef": {"kind": "HelmRepository", "name": "r"}}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("spec.sourceRef.kind must be"), "{e}");
        let e = ks(json!({"sourceRef": {"kind": "GitRepository", "name": "r"},
                          "postBuild": {"substitute": {"n": 1}}}))
        .unwrap_err()
        .to_string();
        assert!(
            e.ends_with("spec.postBuild.substitute.n must be a string (quote it)"),
            "{e}"
        );
    }
}
