//! How the objects an app applies are marked as its own, for each engine,
//! as data: the scheme and its label selector. Setting and reading the
//! marks is the engine's (`engine::tracking`), which uses Argo CD's and
//! Flux's own rules.

use super::TrackingMethod;

/// tether's label: `tether.dev/app=<app>`.
pub const TETHER_TRACKING_LABEL: &str = "tether.dev/app";

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

    /// This app's identity as the engine's tracking reads it back from an
    /// object: the app name (tether), the app instance (Argo CD),
    /// `namespace/name` (Flux).
    pub fn owner(&self) -> String {
        match self {
            Tracking::Tether { app } => app.clone(),
            Tracking::Argocd { app_id, .. } => app_id.clone(),
            Tracking::Flux {
                name, namespace, ..
            } => format!("{namespace}/{name}"),
        }
    }
}
