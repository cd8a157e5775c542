//! ApplicationSets as rows, and the parent of a live Application: the
//! ApplicationSet that generated it (its owner reference) or the
//! app-of-apps Application whose tracking id it carries.

use super::LiveApp;
use crate::model::{AppOriginKind, AppSetStatus};
use serde_json::Value;

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The row of a live ApplicationSet (`apps` is counted by the caller).
pub fn appset_status(appset: &LiveApp) -> AppSetStatus {
    let object = appset.object.as_ref();
    let generators = crate::model::generator_kinds(object);
    let health = crate::model::HealthStatus::parse(text(object, "/status/health/status"));
    AppSetStatus {
        name: appset.name().to_string(),
        namespace: appset.namespace().to_string(),
        cluster: appset.context.clone(),
        reference: appset.reference(),
        origin: AppOriginKind::Cluster,
        generators,
        apps: 0,
        health,
        message: appset_message(object),
    }
}

/// A true `ErrorOccurred` condition's message, else the first condition
/// with a message, else the health message.
fn appset_message(object: &Value) -> String {
    let conditions = object
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let error = conditions
        .iter()
        .find(|c| text(c, "/type") == "ErrorOccurred" && text(c, "/status") == "True");
    let chosen = error.or_else(|| conditions.iter().find(|c| !text(c, "/message").is_empty()));
    match chosen {
        Some(c) => text(c, "/message").to_string(),
        None => text(object, "/status/health/message").to_string(),
    }
}

/// The parent of a live app as a ref of the same context: for an
/// Application, the ApplicationSet owning it, else the Application named
/// by its Argo CD tracking id (`<app>:<group>/<kind>:<ns>/<name>`, `<app>`
/// being `<namespace>_<name>` for an Application outside the control
/// plane's namespace, else the name alone: then the child's namespace is
/// taken); for a Flux object, the Kustomization that applied it (its
/// `kustomize.toolkit.fluxcd.io/name` and `/namespace` labels).
pub fn parent_of(app: &LiveApp) -> Option<String> {
    let object = app.object.as_ref();
    if app.kind.engine == crate::model::AppEngine::Flux {
        let labels = object.pointer("/metadata/labels")?;
        let label = |k: &str| {
            labels
                .get(k)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let name = label("kustomize.toolkit.fluxcd.io/name")?;
        let namespace = label("kustomize.toolkit.fluxcd.io/namespace")?;
        return Some(format!("{}/{namespace}/{name}", app.context));
    }
    if let Some(appset) = super::patches::owning_appset(object) {
        return Some(format!("{}/{}/{appset}", app.context, app.namespace()));
    }
    let tracking = object
        .pointer("/metadata/annotations")?
        .get(crate::argocd::TRACKING_ID_ANNOTATION)?
        .as_str()?;
    let (owner, _) = tracking.split_once(':')?;
    if owner.is_empty() {
        return None;
    }
    let (namespace, name) = owner.split_once('_').unwrap_or((app.namespace(), owner));
    let reference = format!("{}/{namespace}/{name}", app.context);
    (reference != app.reference()).then_some(reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{APPLICATION, APPLICATION_SET};
    use crate::model::HealthStatus;
    use serde_json::json;
    use std::sync::Arc;

    fn live(kind: crate::live::LiveKind, object: Value) -> LiveApp {
        LiveApp {
            context: "prod".into(),
            kind,
            object: Arc::new(object),
        }
    }

    #[test]
    fn appset_row_names_generators_and_the_error() {
        let appset = live(
            APPLICATION_SET,
            json!({"metadata": {"name": "guestbook", "namespace": "argocd"},
                   "spec": {"generators": [{"list": {"elements": []}},
                                           {"clusters": {}, "selector": {}}]},
                   "status": {"conditions": [
                       {"type": "ResourcesUpToDate", "status": "False", "message": "stale"},
                       {"type": "ErrorOccurred", "status": "True", "message": "bad template"}],
                              "health": {"status": "Degraded"}}}),
        );
        let row = appset_status(&appset);
        assert_eq!(row.reference, "prod/argocd/guestbook");
        assert_eq!(row.generators, ["list", "clusters"]);
        assert_eq!(row.health, HealthStatus::Degraded);
        assert_eq!(row.message, "bad template");
    }

    #[test]
    fn parent_from_owner_then_tracking_id() {
        let owned = live(
            APPLICATION,
            json!({"metadata": {"name": "web-a", "namespace": "argocd",
                   "ownerReferences": [{"kind": "ApplicationSet", "name": "web"}]}}),
        );
        assert_eq!(parent_of(&owned).as_deref(), Some("prod/argocd/web"));
        let child = live(
            APPLICATION,
            json!({"metadata": {"name": "wf", "namespace": "argocd", "annotations": {
                "argocd.argoproj.io/tracking-id": "app-of-apps:argoproj.io/Application:argocd/wf"}}}),
        );
        assert_eq!(
            parent_of(&child).as_deref(),
            Some("prod/argocd/app-of-apps")
        );
        let elsewhere = live(
            APPLICATION,
            json!({"metadata": {"name": "wf", "namespace": "team", "annotations": {
                "argocd.argoproj.io/tracking-id": "team_root:argoproj.io/Application:team/wf"}}}),
        );
        assert_eq!(parent_of(&elsewhere).as_deref(), Some("prod/team/root"));
        let plain = live(
            APPLICATION,
            json!({"metadata": {"name": "x", "namespace": "argocd"}}),
        );
        assert_eq!(parent_of(&plain), None);
        let flux = live(
            crate::live::KUSTOMIZATION,
            json!({"metadata": {"name": "apps", "namespace": "flux-system", "labels": {
                "kustomize.toolkit.fluxcd.io/name": "infra",
                "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}}}),
        );
        assert_eq!(parent_of(&flux).as_deref(), Some("prod/flux-system/infra"));
    }
}
