//! How Argo CD marks the objects of an Application
//! (`util/argo/resource_tracking.go`): the tracking-id annotation
//! `<app>:<group>/<kind>:<namespace>/<name>`, the instance label, or both.

use super::ArgoError;
use serde_json::{Map, Value};
use std::fmt;

/// Annotation holding the tracking id.
pub const TRACKING_ID_ANNOTATION: &str = "argocd.argoproj.io/tracking-id";
/// Annotation naming the Argo CD installation (argocd-cm `installationID`).
pub const INSTALLATION_ID_ANNOTATION: &str = "argocd.argoproj.io/installation-id";
/// Default label key of the `label` method (argocd-cm `application.instanceLabelKey`).
pub const DEFAULT_INSTANCE_LABEL_KEY: &str = "app.kubernetes.io/instance";
/// The legacy label key, for which Argo CD also labels pod templates.
pub const LEGACY_INSTANCE_LABEL_KEY: &str = "applications.argoproj.io/app-name";
/// Longest label value Kubernetes accepts.
pub const LABEL_MAX_LENGTH: usize = 63;

/// argocd-cm `application.resourceTrackingMethod`: the one type tether
/// uses everywhere (tether.yaml `argocd.trackingMethod` reads into it).
pub use crate::model::TrackingMethod;

/// What argocd-cm says about tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingSettings {
    pub method: TrackingMethod,
    /// `application.instanceLabelKey`.
    pub instance_label_key: String,
    /// `installationID`; when set, the annotation is written and only
    /// objects carrying the same id are considered tracked.
    pub installation_id: Option<String>,
}

impl Default for TrackingSettings {
    fn default() -> Self {
        Self {
            method: TrackingMethod::Annotation,
            instance_label_key: DEFAULT_INSTANCE_LABEL_KEY.to_string(),
            installation_id: None,
        }
    }
}

/// The parts of a tracking id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingId {
    /// The app instance name (see [`instance_name`]).
    pub app: String,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for TrackingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}/{}:{}/{}",
            self.app, self.group, self.kind, self.namespace, self.name
        )
    }
}

impl TrackingId {
    /// Parses `<app>:<group>/<kind>:<namespace>/<name>` as Argo CD does:
    /// split on the first two `:`, then each of the last two parts into
    /// exactly two on `/`.
    ///
    /// ```
    /// use tether::argocd::TrackingId;
    /// let id = TrackingId::parse("my-app:apps/Deployment:default/web").unwrap();
    /// assert_eq!((id.app.as_str(), id.kind.as_str()), ("my-app", "Deployment"));
    /// assert_eq!(id.to_string(), "my-app:apps/Deployment:default/web");
    /// ```
    pub fn parse(value: &str) -> Result<Self, ArgoError> {
        let bad = || ArgoError::TrackingId {
            value: value.to_string(),
        };
        let parts: Vec<&str> = value.splitn(3, ':').collect();
        let [app, group_kind, ns_name] = parts.as_slice() else {
            return Err(bad());
        };
        let group_kind: Vec<&str> = group_kind.split('/').collect();
        let ns_name: Vec<&str> = ns_name.split('/').collect();
        let ([group, kind], [namespace, name]) = (group_kind.as_slice(), ns_name.as_slice()) else {
            return Err(bad());
        };
        Ok(Self {
            app: app.to_string(),
            group: group.to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        })
    }

    /// The id of `object` for app instance `app`; an object without a
    /// namespace (cluster-scoped ones included) gets `dest_namespace`.
    pub fn of_object(object: &Value, app: &str, dest_namespace: &str) -> Self {
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let api_version = text("/apiVersion");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let namespace = match text("/metadata/namespace") {
            "" => dest_namespace,
            ns => ns,
        };
        Self {
            app: app.to_string(),
            group: group.to_string(),
            kind: text("/kind").to_string(),
            namespace: namespace.to_string(),
            name: text("/metadata/name").to_string(),
        }
    }
}

/// The name Argo CD tracks an Application by (`InstanceName`): its name,
/// or `<namespace>_<name>` when it lives outside the controller's namespace.
///
/// ```
/// use tether::argocd::instance_name;
/// assert_eq!(instance_name("web", "argocd", "argocd"), "web");
/// assert_eq!(instance_name("web", "", "argocd"), "web");
/// assert_eq!(instance_name("web", "team-a", "argocd"), "team-a_web");
/// ```
pub fn instance_name(app: &str, app_namespace: &str, controller_namespace: &str) -> String {
    if app_namespace.is_empty() || app_namespace == controller_namespace {
        app.to_string()
    } else {
        format!("{app_namespace}_{app}")
    }
}

/// Argo CD's `TruncateLabel`: values up to 63 characters stay; longer ones
/// are cut to 63 and then shortened until they end in a letter or digit.
pub fn truncate_label(value: &str) -> Result<String, String> {
    if value.len() <= LABEL_MAX_LENGTH {
        return Ok(value.to_string());
    }
    let mut cut = floor_char_boundary(value, LABEL_MAX_LENGTH);
    loop {
        let head = &value[..cut];
        if head
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return Ok(head.to_string());
        }
        if head.len() <= 1 {
            return Err(format!(
                "unable to truncate label {value:?} to not end with a special character"
            ));
        }
        cut = floor_char_boundary(value, cut - 1);
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether Argo CD leaves the object untracked: CustomResourceDefinitions
/// get no tracking annotation or label.
pub fn is_crd(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && object
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
}

/// Marks `object` as belonging to app instance `app` the way the
/// repo-server does before returning manifests (`SetAppInstance`); CRDs
/// are left alone. `dest_namespace` fills the namespace of the id when the
/// object has none.
pub fn set_tracking(
    object: &mut Value,
    app: &str,
    dest_namespace: &str,
    settings: &TrackingSettings,
) -> Result<(), String> {
    if is_crd(object) {
        return Ok(());
    }
    match settings.method {
        TrackingMethod::Label => set_label(object, &settings.instance_label_key, app),
        TrackingMethod::Annotation => {
            set_annotation(object, app, dest_namespace, settings);
            Ok(())
        }
        TrackingMethod::AnnotationAndLabel => {
            set_annotation(object, app, dest_namespace, settings);
            let value = truncate_label(app)
                .map_err(|e| format!("failed to set app instance label: {e}"))?;
            set_label(object, &settings.instance_label_key, &value)
        }
    }
}

fn set_annotation(
    object: &mut Value,
    app: &str,
    dest_namespace: &str,
    settings: &TrackingSettings,
) {
    let id = TrackingId::of_object(object, app, dest_namespace).to_string();
    let Some(annotations) = metadata_map(object, "annotations") else {
        return;
    };
    match &settings.installation_id {
        Some(installation) => {
            annotations.insert(
                INSTALLATION_ID_ANNOTATION.into(),
                Value::String(installation.clone()),
            );
        }
        None => {
            annotations.remove(INSTALLATION_ID_ANNOTATION);
        }
    }
    annotations.insert(TRACKING_ID_ANNOTATION.into(), Value::String(id));
}

/// Sets the instance label; with the legacy key also on the pod template
/// of Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs.
fn set_label(object: &mut Value, key: &str, value: &str) -> Result<(), String> {
    let Some(labels) = metadata_map(object, "labels") else {
        return Err("metadata is not a mapping".to_string());
    };
    labels.insert(key.to_string(), Value::String(value.to_string()));
    if key != LEGACY_INSTANCE_LABEL_KEY {
        return Ok(());
    }
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let templated = matches!(
        (group, kind),
        (
            "apps" | "extensions",
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
        ) | ("batch", "Job")
    );
    if templated
        && let Some(template) = object.pointer_mut("/spec/template")
        && let Some(template) = template.as_object_mut()
    {
        let meta = template
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(meta) = meta.as_object_mut() {
            let labels = meta
                .entry("labels")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(labels) = labels.as_object_mut() {
                labels.insert(key.to_string(), Value::String(value.to_string()));
            }
        }
    }
    Ok(())
}

/// `metadata.<field>` as a mapping, created when missing or null.
fn metadata_map<'a>(object: &'a mut Value, field: &str) -> Option<&'a mut Map<String, Value>> {
    let meta = object
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let meta = meta.as_object_mut()?;
    let entry = meta
        .entry(field)
        .or_insert_with(|| Value::Object(Map::new()));
    if entry.is_null() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

/// The app instance an object belongs to under `settings` (`GetAppName`):
/// the label value for `label`, else the app of a parseable tracking id
/// (and, with an installation id, only when the object carries the same).
pub fn tracked_app(object: &Value, settings: &TrackingSettings) -> Option<String> {
    let meta = object.get("metadata")?;
    if settings.method == TrackingMethod::Label {
        return meta
            .pointer(&format!(
                "/labels/{}",
                escape_pointer(&settings.instance_label_key)
            ))
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
    }
    let annotations = meta.get("annotations")?;
    if let Some(installation) = &settings.installation_id
        && annotations
            .get(INSTALLATION_ID_ANNOTATION)
            .and_then(Value::as_str)
            != Some(installation)
    {
        return None;
    }
    let value = annotations.get(TRACKING_ID_ANNOTATION)?.as_str()?;
    TrackingId::parse(value).ok().map(|id| id.app)
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
#[path = "tracking_tests.rs"]
mod tests;
