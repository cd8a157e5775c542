//! Setting and reading the marks that say which app an object belongs to
//! ([`Tracking`]): tether's label, Argo CD's tracking annotation / instance
//! label exactly as [`crate::argocd::set_tracking`] writes them and
//! [`crate::argocd::tracked_app`] reads them, Flux's owner labels
//! ([`crate::flux::metadata::owner_labels`]). The one implementation the
//! engine's prepare, prune and shared-resource checks use.

use crate::argocd::{TrackingSettings, set_tracking, tracked_app};
use crate::model::{TETHER_TRACKING_LABEL, Tracking};
use serde_json::{Map, Value};

/// Argo CD's tracking settings of an app's scheme.
fn argo_settings(tracking: &Tracking) -> Option<(TrackingSettings, &str, &str)> {
    match tracking {
        Tracking::Argocd {
            method,
            app_id,
            instance_label_key,
            namespace,
        } => Some((
            TrackingSettings {
                method: *method,
                instance_label_key: instance_label_key.clone(),
                installation_id: None,
            },
            app_id,
            namespace,
        )),
        _ => None,
    }
}

/// Marks `object` (already in its final namespace) as the app's. For
/// Argo CD the result is exactly what the repo-server writes (CRDs are
/// left unmarked, as Argo CD leaves them); the error is Argo CD's (a
/// label value that cannot be shortened to 63 characters).
pub fn mark(tracking: &Tracking, object: &mut Value) -> Result<(), String> {
    if let Some((settings, app_id, namespace)) = argo_settings(tracking) {
        return set_tracking(object, app_id, namespace, &settings);
    }
    match tracking {
        Tracking::Tether { app } => {
            if let Some(labels) = labels(object) {
                labels.insert(TETHER_TRACKING_LABEL.into(), Value::String(app.clone()));
            }
        }
        Tracking::Flux {
            prefix,
            name,
            namespace,
        } => {
            // The controllers' build stamps these before `commonMetadata`,
            // which may override them: an existing value is Flux's.
            if let Some(labels) = labels(object) {
                for (key, value) in crate::flux::metadata::owner_labels(prefix, name, namespace) {
                    labels.entry(key).or_insert(Value::String(value));
                }
            }
        }
        Tracking::Argocd { .. } => {}
    }
    Ok(())
}

/// Which app of this scheme `object` belongs to (the app's name for
/// tether, its instance name for Argo CD, `namespace/name` for Flux).
pub fn owner_of(tracking: &Tracking, object: &Value) -> Option<String> {
    if let Some((settings, _, _)) = argo_settings(tracking) {
        return tracked_app(object, &settings);
    }
    let label = |k: &str| {
        object
            .pointer("/metadata/labels")?
            .get(k)?
            .as_str()
            .map(str::to_string)
    };
    match tracking {
        Tracking::Tether { .. } => label(TETHER_TRACKING_LABEL),
        Tracking::Flux { prefix, .. } => Some(format!(
            "{}/{}",
            label(&format!("{prefix}/namespace"))?,
            label(&format!("{prefix}/name"))?
        )),
        Tracking::Argocd { .. } => None,
    }
}

/// Whether `object` carries this app's mark.
pub fn owns(tracking: &Tracking, object: &Value) -> bool {
    owner_of(tracking, object).is_some_and(|o| o == tracking.owner())
}

/// `metadata.labels`, created when missing or not a mapping; None when
/// the object itself is not a mapping.
fn labels(object: &mut Value) -> Option<&mut Map<String, Value>> {
    let meta = object
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let labels = meta
        .as_object_mut()?
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if !labels.is_object() {
        *labels = Value::Object(Map::new());
    }
    labels.as_object_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrackingMethod;
    use serde_json::json;

    fn argo(method: TrackingMethod) -> Tracking {
        Tracking::Argocd {
            method,
            app_id: "web".into(),
            instance_label_key: "app.kubernetes.io/instance".into(),
            namespace: "shop".into(),
        }
    }

    #[test]
    fn argo_marks_are_set_trackings_result() {
        for method in [
            TrackingMethod::Annotation,
            TrackingMethod::Label,
            TrackingMethod::AnnotationAndLabel,
        ] {
            let object =
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
            let mut ours = object.clone();
            mark(&argo(method), &mut ours).unwrap();
            let mut theirs = object.clone();
            let settings = TrackingSettings {
                method,
                instance_label_key: "app.kubernetes.io/instance".into(),
                installation_id: None,
            };
            set_tracking(&mut theirs, "web", "shop", &settings).unwrap();
            assert_eq!(ours, theirs, "{method:?}");
            assert!(owns(&argo(method), &ours), "{method:?}");
        }
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        mark(&argo(TrackingMethod::Annotation), &mut cm).unwrap();
        assert_eq!(
            cm["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
            "web:/ConfigMap:shop/c"
        );
        assert_eq!(argo(TrackingMethod::Annotation).selector(), None);
    }

    #[test]
    fn flux_labels_name_and_namespace_and_keep_flux_values() {
        let t = Tracking::Flux {
            prefix: "kustomize.toolkit.fluxcd.io",
            name: "apps".into(),
            namespace: "flux-system".into(),
        };
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        mark(&t, &mut cm).unwrap();
        assert_eq!(
            cm["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"],
            "apps"
        );
        assert!(owns(&t, &cm));
        assert_eq!(owner_of(&t, &cm).as_deref(), Some("flux-system/apps"));
    }

    #[test]
    fn tether_label() {
        let web = Tracking::Tether { app: "web".into() };
        let api = Tracking::Tether { app: "api".into() };
        let mut o = json!({"kind": "ConfigMap", "metadata": {"name": "c", "labels": null}});
        mark(&web, &mut o).unwrap();
        assert!(owns(&web, &o));
        assert!(!owns(&api, &o));
        assert!(!owns(&web, &json!({"metadata": {}})));
    }
}
