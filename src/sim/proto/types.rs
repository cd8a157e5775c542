//! Which protobuf message carries a given apiVersion and kind: the built-in
//! group versions the simulated server serves, the subresource and review
//! types they use, and the `meta.k8s.io` kinds (Status, lists, options)
//! that every group version shares.

use std::sync::LazyLock;

use protobuf::Message;
use protobuf::descriptor::FileDescriptorSet;
use protobuf::reflect::{FileDescriptor, MessageDescriptor};

/// The descriptor set build.rs compiled from the Kubernetes `.proto` files.
const DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/k8s-descriptors.pb"));

static FILES: LazyLock<Vec<FileDescriptor>> = LazyLock::new(|| {
    let built = FileDescriptorSet::parse_from_bytes(DESCRIPTORS)
        .and_then(|set| FileDescriptor::new_dynamic_fds(set.file, &[]));
    built.unwrap_or_else(|e| {
        tracing::error!(error = %e, "sim: the built-in protobuf descriptors do not load");
        Vec::new()
    })
});

/// The protobuf package of a built-in group version.
fn package_of(group: &str, version: &str) -> Option<String> {
    let base = match group {
        "" => "api.core",
        "apps" => "api.apps",
        "batch" => "api.batch",
        "networking.k8s.io" => "api.networking",
        "rbac.authorization.k8s.io" => "api.rbac",
        "autoscaling" => "api.autoscaling",
        "policy" => "api.policy",
        "coordination.k8s.io" => "api.coordination",
        "events.k8s.io" => "api.events",
        "authorization.k8s.io" => "api.authorization",
        "authentication.k8s.io" => "api.authentication",
        "apiextensions.k8s.io" => "apiextensions_apiserver.pkg.apis.apiextensions",
        "meta.k8s.io" => "apimachinery.pkg.apis.meta",
        _ => return None,
    };
    Some(format!("{base}.{version}"))
}

/// The protobuf file of a built-in group version.
fn file_of(group: &str, version: &str) -> Option<&'static FileDescriptor> {
    let package = package_of(group, version)?;
    FILES.iter().find(|f| f.package() == package)
}

fn meta() -> Option<&'static FileDescriptor> {
    file_of("meta.k8s.io", "v1")
}

/// Kinds of `meta.k8s.io/v1` that appear under any group version.
const SHARED_KINDS: &[&str] = &[
    "Status",
    "List",
    "WatchEvent",
    "DeleteOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
    "GetOptions",
    "ListOptions",
    "APIVersions",
    "APIGroupList",
    "APIGroup",
    "APIResourceList",
    "PartialObjectMetadata",
    "PartialObjectMetadataList",
];

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The message of `kind` in `api_version`, if it is a built-in type.
pub(crate) fn message_of(api_version: &str, kind: &str) -> Option<MessageDescriptor> {
    if kind.is_empty() {
        return None;
    }
    let (group, version) = split_api_version(api_version);
    if SHARED_KINDS.contains(&kind) {
        return meta()?.message_by_package_relative_name(kind);
    }
    file_of(group, version)?.message_by_package_relative_name(kind)
}

/// A message by its full protobuf name, among the files known here.
pub(crate) fn message_by_full_name(full_name: &str) -> Option<MessageDescriptor> {
    let dotted = format!(".{full_name}");
    FILES.iter().find_map(|f| f.message_by_full_name(&dotted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_resolve_to_their_group_messages() {
        let d = message_of("apps/v1", "Deployment").unwrap();
        assert_eq!(d.full_name(), "api.apps.v1.Deployment");
        let s = message_of("v1", "Status").unwrap();
        assert_eq!(s.full_name(), "apimachinery.pkg.apis.meta.v1.Status");
        let scale = message_of("autoscaling/v1", "Scale").unwrap();
        assert_eq!(scale.full_name(), "api.autoscaling.v1.Scale");
        let crd = message_of("apiextensions.k8s.io/v1", "CustomResourceDefinition").unwrap();
        assert!(
            crd.full_name()
                .ends_with("apiextensions.v1.CustomResourceDefinition")
        );
        assert!(message_of("golden.example.com/v1", "Widget").is_none());
        assert!(message_of("v1", "NoSuchKind").is_none());
    }
}
