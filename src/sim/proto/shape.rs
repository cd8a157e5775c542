//! Where the JSON form of a built-in type differs from its protobuf
//! message: field names, embedded structs whose fields JSON flattens into
//! the parent, and which zero values JSON writes out.
//!
//! The Go serializer writes every non-pointer field into protobuf, zero or
//! not, while `encoding/json` drops zero values of `omitempty` fields. So a
//! decoded `""`, `0` or `false` is only kept where the Go field is a pointer
//! (set explicitly, e.g. `replicas: 0`) or has no `omitempty`; those fields
//! are listed in `zero_fields.txt` (one message per line: full name, then
//! its field names), taken from the Go types of Kubernetes 1.37.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use protobuf::reflect::{FieldDescriptor, MessageDescriptor};

const ZERO_FIELDS: &str = include_str!("zero_fields.txt");

static KEEPS_ZERO: LazyLock<HashMap<&'static str, HashSet<&'static str>>> = LazyLock::new(|| {
    ZERO_FIELDS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect()
});

/// Embedded Go structs (`json:""`): their fields sit in the parent's JSON.
const INLINE: &[(&str, &str)] = &[
    ("api.core.v1.Volume", "volumeSource"),
    ("api.core.v1.PersistentVolumeSpec", "persistentVolumeSource"),
    ("api.core.v1.Probe", "handler"),
    ("api.core.v1.EphemeralContainer", "ephemeralContainerCommon"),
    ("api.core.v1.SecretProjection", "localObjectReference"),
    ("api.core.v1.ConfigMapVolumeSource", "localObjectReference"),
    ("api.core.v1.ConfigMapProjection", "localObjectReference"),
    ("api.core.v1.ConfigMapKeySelector", "localObjectReference"),
    ("api.core.v1.SecretKeySelector", "localObjectReference"),
    ("api.core.v1.ConfigMapEnvSource", "localObjectReference"),
    ("api.core.v1.SecretEnvSource", "localObjectReference"),
    ("api.networking.v1.IngressRule", "ingressRuleValue"),
];

/// Struct fields tagged `omitzero`: JSON leaves their zero value out
/// instead of writing `null`.
const OMIT_ZERO: &[(&str, &str)] = &[(
    "apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "creationTimestamp",
)];

/// Protobuf field names that are not the JSON names.
const RENAMED: &[(&str, &str, &str)] = &[
    (
        "api.networking.v1.IngressClassParametersReference",
        "aPIGroup",
        "apiGroup",
    ),
    ("api.authentication.v1.BoundObjectReference", "uID", "uid"),
    (SCHEMA_PROPS, "ref", "$ref"),
    (SCHEMA_PROPS, "schema", "$schema"),
];

const SCHEMA_PROPS: &str = "apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

/// The JSON name of a field.
pub(crate) fn json_name(msg: &MessageDescriptor, field: &FieldDescriptor) -> String {
    let full = msg.full_name();
    let name = field.name();
    if let Some((_, _, json)) = RENAMED
        .iter()
        .find(|(m, proto, _)| *m == full && *proto == name)
    {
        return (*json).to_string();
    }
    if full == SCHEMA_PROPS
        && let Some(rest) = name.strip_prefix("xKubernetes")
    {
        return format!("x-kubernetes{}", kebab(rest));
    }
    name.to_string()
}

/// `PreserveUnknownFields` → `-preserve-unknown-fields`.
fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the field is an embedded struct flattened into the parent.
pub(crate) fn is_inline(msg: &MessageDescriptor, field: &FieldDescriptor) -> bool {
    let full = msg.full_name();
    INLINE.iter().any(|(m, f)| *m == full && *f == field.name())
}

/// Whether a zero (null) value of this struct field is left out of JSON.
pub(crate) fn omits_zero(msg: &MessageDescriptor, field: &FieldDescriptor) -> bool {
    let full = msg.full_name();
    OMIT_ZERO
        .iter()
        .any(|(m, f)| *m == full && *f == field.name())
}

/// Whether a zero value of this scalar field appears in the JSON form.
pub(crate) fn keeps_zero(msg: &MessageDescriptor, field: &FieldDescriptor) -> bool {
    KEEPS_ZERO
        .get(msg.full_name())
        .is_some_and(|fields| fields.contains(field.name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::proto::types::{message_by_full_name, message_of};

    fn field(api_version: &str, kind: &str, path: &[&str]) -> (MessageDescriptor, FieldDescriptor) {
        let mut msg = message_of(api_version, kind).unwrap();
        let mut f = msg.field_by_name(path[0]).unwrap();
        for name in &path[1..] {
            msg = match f.singular_runtime_type() {
                protobuf::reflect::RuntimeType::Message(m) => m,
                other => panic!("{other:?}"),
            };
            f = msg.field_by_name(name).unwrap();
        }
        (msg, f)
    }

    #[test]
    fn pointers_and_fields_without_omitempty_keep_zero() {
        let (m, f) = field("apps/v1", "Deployment", &["spec", "replicas"]);
        assert!(keeps_zero(&m, &f));
        let (m, f) = field("apps/v1", "Deployment", &["spec", "minReadySeconds"]);
        assert!(!keeps_zero(&m, &f));
        let (m, f) = field("v1", "ConfigMap", &["metadata", "generateName"]);
        assert!(!keeps_zero(&m, &f));
        let (m, f) = field("v1", "ConfigMap", &["immutable"]);
        assert!(keeps_zero(&m, &f));
    }

    #[test]
    fn every_listed_field_exists() {
        for (msg, fields) in KEEPS_ZERO.iter() {
            let d = message_by_full_name(msg).unwrap_or_else(|| panic!("{msg} is unknown"));
            for f in fields {
                assert!(d.field_by_name(f).is_some(), "{msg}.{f} does not exist");
            }
        }
        for (msg, f) in INLINE {
            let d = message_by_full_name(msg).unwrap();
            assert!(d.field_by_name(f).is_some(), "{msg}.{f} does not exist");
        }
    }

    #[test]
    fn json_names_of_renamed_fields() {
        let props = message_by_full_name(SCHEMA_PROPS).unwrap();
        let name = |n: &str| json_name(&props, &props.field_by_name(n).unwrap());
        assert_eq!(name("ref"), "$ref");
        assert_eq!(
            name("xKubernetesPreserveUnknownFields"),
            "x-kubernetes-preserve-unknown-fields"
        );
        assert_eq!(name("xKubernetesListMapKeys"), "x-kubernetes-list-map-keys");
        assert_eq!(name("type"), "type");
    }
}
