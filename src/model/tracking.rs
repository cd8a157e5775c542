//! How the objects an app applies are marked as its own, for each engine:
//! the mark set on every desired object, the test prune candidates must
//! pass, and the label selector that lists them when there is one.

use super::TrackingMethod;
use serde_json::{Map, Value};

/// tether's label: `tether.dev/app=<app>`.
pub const TETHER_TRACKING_LABEL: &str = "tether.dev/app";
/// Argo CD's tracking annotation.
pub const ARGOCD_TRACKING_ANNOTATION: &str = "argocd.argoproj.io/tracking-id";

/// An app's tracking scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tracking {
    /// tether's label `tether.dev/app=<app>`.
    Tether { app: String },
    /// Argo CD: the tracking-id annotation `<app-id>:<group>/<kind>:<ns>/<name>`
    /// and/or the instance label, per `method`.
    Argocd {
        method: TrackingMethod,
        /// `<app>` or `<appNamespace>_<app>`.
        app_id: String,
        instance_label_key: String,
        /// The destination namespace (for namespaced objects without one).
        namespace: String,
    },
    /// Flux: owner labels `<prefix>/name` and `<prefix>/namespace`, with
    /// prefix `kustomize.toolkit.fluxcd.io` or `helm.toolkit.fluxcd.io`.
    Flux {
        prefix: &'static str,
        name: String,
        namespace: String,
    },
}

impl Tracking {
    /// The label selector (key, value) that lists the app's objects, when
    /// the scheme has a label.
    pub fn selector(&self) -> Option<(String, String)> {
        match self {
            Tracking::Tether { app } => Some((TETHER_TRACKING_LABEL.to_string(), app.clone())),
            Tracking::Argocd {
                method: TrackingMethod::Label,
                app_id,
                instance_label_key,
                ..
            } => Some((instance_label_key.clone(), app_id.clone())),
            Tracking::Argocd { .. } => None,
            Tracking::Flux { prefix, name, .. } => Some((format!("{prefix}/name"), name.clone())),
        }
    }

    /// Which app of this scheme `object` belongs to (`app_id` for Argo CD,
    /// `namespace/name` for Flux), if any.
    pub fn owner_of(&self, object: &Value) -> Option<String> {
        let label = |k: &str| object.pointer("/metadata/labels")?.get(k)?.as_str();
        let annotation = |k: &str| object.pointer("/metadata/annotations")?.get(k)?.as_str();
        match self {
            Tracking::Tether { .. } => label(TETHER_TRACKING_LABEL).map(str::to_string),
            Tracking::Argocd {
                method: TrackingMethod::Label,
                instance_label_key,
                ..
            } => label(instance_label_key).map(str::to_string),
            Tracking::Argocd { .. } => annotation(ARGOCD_TRACKING_ANNOTATION)
                .and_then(|id| id.split_once(':'))
                .map(|(app, _)| app.to_string()),
            Tracking::Flux { prefix, .. } => Some(format!(
                "{}/{}",
                label(&format!("{prefix}/namespace"))?,
                label(&format!("{prefix}/name"))?
            )),
        }
    }

    /// This app's identity as [`Tracking::owner_of`] reports it.
    pub fn owner(&self) -> String {
        match self {
            Tracking::Tether { app } => app.clone(),
            Tracking::Argocd { app_id, .. } => app_id.clone(),
            Tracking::Flux {
                name, namespace, ..
            } => format!("{namespace}/{name}"),
        }
    }

    /// Whether `object` carries this app's mark.
    pub fn owns(&self, object: &Value) -> bool {
        self.owner_of(object).is_some_and(|o| o == self.owner())
    }

    /// Sets this app's mark on `object` (already in its final namespace).
    pub fn mark(&self, object: &mut Value) {
        match self {
            Tracking::Tether { app } => set(object, "labels", TETHER_TRACKING_LABEL, app),
            Tracking::Argocd {
                method,
                app_id,
                instance_label_key,
                namespace,
            } => {
                if *method != TrackingMethod::Label {
                    let id = argocd_tracking_id(app_id, object, namespace);
                    set(object, "annotations", ARGOCD_TRACKING_ANNOTATION, &id);
                }
                match method {
                    TrackingMethod::Annotation => {}
                    TrackingMethod::Label => set(object, "labels", instance_label_key, app_id),
                    // Informational next to the annotation, so cut to what
                    // a label value may hold.
                    TrackingMethod::AnnotationAndLabel => {
                        let value: String = app_id.chars().take(63).collect();
                        set(object, "labels", instance_label_key, &value);
                    }
                }
            }
            Tracking::Flux {
                prefix,
                name,
                namespace,
            } => {
                set(object, "labels", &format!("{prefix}/name"), name);
                set(object, "labels", &format!("{prefix}/namespace"), namespace);
            }
        }
    }
}

/// `<app-id>:<group>/<kind>:<namespace>/<name>`: the object's namespace, or
/// `default_ns` when it has none.
pub fn argocd_tracking_id(app_id: &str, object: &Value, default_ns: &str) -> String {
    let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    let group = text("/apiVersion").split_once('/').map_or("", |(g, _)| g);
    let namespace = match text("/metadata/namespace") {
        "" => default_ns,
        ns => ns,
    };
    format!(
        "{app_id}:{group}/{}:{namespace}/{}",
        text("/kind"),
        text("/metadata/name")
    )
}

fn set(object: &mut Value, field: &str, key: &str, value: &str) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let entries = meta
        .entry(field)
        .or_insert_with(|| Value::Object(Map::new()));
    if !entries.is_object() {
        *entries = Value::Object(Map::new());
    }
    if let Some(entries) = entries.as_object_mut() {
        entries.insert(key.to_string(), Value::String(value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn argo_annotation_tracking_marks_and_recognises() {
        let t = Tracking::Argocd {
            method: TrackingMethod::Annotation,
            app_id: "web".into(),
            instance_label_key: "app.kubernetes.io/instance".into(),
            namespace: "shop".into(),
        };
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        t.mark(&mut cm);
        assert_eq!(
            cm["metadata"]["annotations"][ARGOCD_TRACKING_ANNOTATION],
            "web:/ConfigMap:shop/c"
        );
        assert!(t.owns(&cm));
        assert_eq!(t.selector(), None);
        let mut dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "x"}});
        t.mark(&mut dep);
        assert_eq!(
            dep["metadata"]["annotations"][ARGOCD_TRACKING_ANNOTATION],
            "web:apps/Deployment:x/d"
        );
    }

    #[test]
    fn flux_labels_name_and_namespace() {
        let t = Tracking::Flux {
            prefix: "kustomize.toolkit.fluxcd.io",
            name: "apps".into(),
            namespace: "flux-system".into(),
        };
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        t.mark(&mut cm);
        assert_eq!(
            cm["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"],
            "apps"
        );
        assert!(t.owns(&cm));
        assert_eq!(t.owner_of(&cm).as_deref(), Some("flux-system/apps"));
    }
}
