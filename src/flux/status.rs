//! The state of live Flux objects (DESIGN.md §6): health (see
//! [`crate::health`]), sync, suspension and the message a list shows,
//! from the object and its source.
//!
//! Sync: Synced when Ready=True and the object has handled its source's
//! current artifact — a Kustomization's `lastAppliedRevision` equals the
//! source's `status.artifact.revision`; a HelmRelease's
//! `lastAttemptedRevision` equals its HelmChart's artifact revision (for an
//! OCIRepository or digest-revisioned ExternalArtifact: its
//! `lastAttemptedRevisionDigest` equals the artifact's digest), as
//! helm-controller compares them. Otherwise OutOfSync; Unknown when the
//! source (or its artifact) is not known.

use super::kustomization::ObjectRef;
use crate::health::{self, Health};
use crate::model::SyncStatus;
use serde_json::Value;

/// What a list of Flux apps shows for one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxStatus {
    pub health: Health,
    pub sync: SyncStatus,
    /// `spec.suspend`.
    pub suspended: bool,
    /// `<reason>: <message>` of the Ready condition (empty without one).
    pub message: String,
    /// The revision last applied (Kustomization) or attempted (HelmRelease).
    pub revision: String,
}

/// The status of `object`, given its source object when known (see
/// [`source_ref`]).
pub fn status(object: &Value, source: Option<&Value>) -> FluxStatus {
    let revision = match kind(object) {
        "HelmRelease" => text(object, "/status/lastAttemptedRevision"),
        _ => text(object, "/status/lastAppliedRevision"),
    };
    FluxStatus {
        health: health::assess(object),
        sync: sync_status(object, source),
        suspended: object.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true),
        message: ready_message(object),
        revision: revision.to_string(),
    }
}

/// The source whose artifact `object` applies: a Kustomization's
/// `spec.sourceRef`; a HelmRelease's `spec.chartRef`, or for `spec.chart`
/// the HelmChart helm-controller created (`status.helmChart`, else
/// `<namespace>-<name>` in the chart source's namespace).
pub fn source_ref(object: &Value) -> Option<ObjectRef> {
    let namespace = text(object, "/metadata/namespace");
    let reference = |value: &Value, kind: Option<&str>| {
        let name = text(value, "/name");
        (!name.is_empty()).then(|| ObjectRef {
            kind: kind.unwrap_or(text(value, "/kind")).to_string(),
            name: name.to_string(),
            namespace: Some(text(value, "/namespace"))
                .filter(|n| !n.is_empty())
                .unwrap_or(namespace)
                .to_string(),
        })
    };
    match kind(object) {
        "Kustomization" => reference(object.pointer("/spec/sourceRef")?, None),
        "HelmRelease" => {
            if let Some(r) = object.pointer("/spec/chartRef").filter(|r| !r.is_null()) {
                return reference(r, None);
            }
            // helm-controller records the HelmChart it created.
            if let Some((ns, name)) = text(object, "/status/helmChart").split_once('/') {
                return Some(ObjectRef {
                    kind: "HelmChart".into(),
                    name: name.to_string(),
                    namespace: ns.to_string(),
                });
            }
            let chart_source = object.pointer("/spec/chart/spec/sourceRef")?;
            let source = reference(chart_source, None)?;
            Some(ObjectRef {
                kind: "HelmChart".into(),
                name: format!("{namespace}-{}", text(object, "/metadata/name")),
                namespace: source.namespace,
            })
        }
        _ => None,
    }
}

/// Synced, OutOfSync or Unknown as the module documentation says.
pub fn sync_status(object: &Value, source: Option<&Value>) -> SyncStatus {
    let Some(artifact) = source
        .map(|s| text(s, "/status/artifact/revision"))
        .filter(|r| !r.is_empty())
    else {
        return SyncStatus::Unknown;
    };
    let ready = health::condition(object, "Ready").is_some_and(|c| text(c, "/status") == "True");
    let handled = match kind(object) {
        "HelmRelease" => {
            let by_digest = match source.map(kind) {
                Some("OCIRepository") => true,
                Some("ExternalArtifact") => artifact.contains(':'),
                _ => false,
            };
            if by_digest {
                digest_of(artifact) == text(object, "/status/lastAttemptedRevisionDigest")
            } else {
                artifact == text(object, "/status/lastAttemptedRevision")
            }
        }
        _ => artifact == text(object, "/status/lastAppliedRevision"),
    };
    if ready && handled {
        SyncStatus::Synced
    } else {
        SyncStatus::OutOfSync
    }
}

/// `<reason>: <message>` of the Ready condition.
pub fn ready_message(object: &Value) -> String {
    let Some(c) = health::condition(object, "Ready") else {
        return String::new();
    };
    match (text(c, "/reason"), text(c, "/message")) {
        ("", m) => m.to_string(),
        (r, "") => r.to_string(),
        (r, m) => format!("{r}: {m}"),
    }
}

/// The digest part of an artifact revision: after `@` in
/// `<tag>@<algorithm>:<hex>`, or the whole `<algorithm>:<hex>`.
pub fn digest_of(revision: &str) -> &str {
    revision.split_once('@').map_or(revision, |(_, d)| d)
}

/// The commit or digest hex of a revision, as Flux extracts it: after the
/// last `:` (`main@sha1:<hex>`), else after the last `/` (legacy
/// `main/<hex>`).
pub fn revision_hash(revision: &str) -> &str {
    if let Some((_, hash)) = revision.rsplit_once(':') {
        return hash;
    }
    revision.rsplit_once('/').map_or(revision, |(_, h)| h)
}

fn kind(object: &Value) -> &str {
    text(object, "/kind")
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HealthStatus;
    use serde_json::json;

    fn ks(ready: &str, applied: &str) -> Value {
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system"},
            "spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}},
            "status": {"lastAppliedRevision": applied, "conditions": [
                {"type": "Ready", "status": ready, "reason": "ReconciliationSucceeded",
                 "message": format!("Applied revision: {applied}")}]}})
    }

    fn source(kind: &str, revision: &str) -> Value {
        json!({"kind": kind, "status": {"artifact": {"revision": revision}}})
    }

    #[test]
    fn a_kustomization_is_synced_when_ready_at_its_source_revision() {
        let o = ks("True", "main@sha1:abc");
        assert_eq!(
            sync_status(&o, Some(&source("GitRepository", "main@sha1:abc"))),
            SyncStatus::Synced
        );
        assert_eq!(
            sync_status(&o, Some(&source("GitRepository", "main@sha1:def"))),
            SyncStatus::OutOfSync
        );
        assert_eq!(
            sync_status(
                &ks("False", "main@sha1:abc"),
                Some(&source("GitRepository", "main@sha1:abc"))
            ),
            SyncStatus::OutOfSync
        );
        assert_eq!(sync_status(&o, None), SyncStatus::Unknown);
        let s = status(&o, None);
        assert_eq!(s.health.status, HealthStatus::Healthy);
        assert_eq!(
            s.message,
            "ReconciliationSucceeded: Applied revision: main@sha1:abc"
        );
        assert_eq!(s.revision, "main@sha1:abc");
        assert!(!s.suspended);
        assert_eq!(
            source_ref(&o),
            Some(ObjectRef {
                kind: "GitRepository".into(),
                name: "repo".into(),
                namespace: "flux-system".into()
            })
        );
    }

    #[test]
    fn a_helm_release_compares_chart_versions_or_oci_digests() {
        let hr = |chart: Value| {
            json!({"kind": "HelmRelease",
            "metadata": {"name": "web", "namespace": "apps"}, "spec": chart,
            "status": {"lastAttemptedRevision": "6.5.4", "lastAttemptedRevisionDigest": "sha256:aa",
                       "conditions": [{"type": "Ready", "status": "True", "reason": "UpgradeSucceeded"}]}})
        };
        let from_chart = hr(json!({"chart": {"spec": {"chart": "web",
            "sourceRef": {"kind": "HelmRepository", "name": "charts", "namespace": "flux-system"}}}}));
        assert_eq!(
            source_ref(&from_chart),
            Some(ObjectRef {
                kind: "HelmChart".into(),
                name: "apps-web".into(),
                namespace: "flux-system".into()
            })
        );
        assert_eq!(
            sync_status(&from_chart, Some(&source("HelmChart", "6.5.4"))),
            SyncStatus::Synced
        );
        assert_eq!(
            sync_status(&from_chart, Some(&source("HelmChart", "6.5.5"))),
            SyncStatus::OutOfSync
        );
        let from_oci = hr(json!({"chartRef": {"kind": "OCIRepository", "name": "web"}}));
        assert_eq!(source_ref(&from_oci).unwrap().namespace, "apps");
        assert_eq!(
            sync_status(&from_oci, Some(&source("OCIRepository", "6.5.4@sha256:aa"))),
            SyncStatus::Synced
        );
        assert_eq!(
            sync_status(&from_oci, Some(&source("OCIRepository", "6.5.4@sha256:bb"))),
            SyncStatus::OutOfSync
        );
    }

    #[test]
    fn revisions_split_as_flux_splits_them() {
        assert_eq!(revision_hash("main@sha1:5394cb7f"), "5394cb7f");
        assert_eq!(revision_hash("main/5394cb7f"), "5394cb7f");
        assert_eq!(revision_hash("6.0.3"), "6.0.3");
        assert_eq!(digest_of("latest@sha256:3b6c"), "sha256:3b6c");
        assert_eq!(digest_of("sha256:83a3"), "sha256:83a3");
    }
}
