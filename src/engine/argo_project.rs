//! AppProject enforcement for imported Argo CD Applications, as Argo CD's
//! controller checks an app before it compares or syncs it: the project
//! (found with the app in the import folders; `default` allows
//! everything) must accept the app's namespace, every source repository,
//! the destination, and every rendered object's kind and namespace. A
//! denial fails the render: status shows it, diff and sync refuse with
//! nothing applied.

use crate::argocd::appset::{IN_CLUSTER_NAME, IN_CLUSTER_SERVER};
use crate::argocd::{AppProject, Destination};
use crate::model::AppOrigin;
use serde_json::Value;

/// The app's AppProject: the one found with it, or the implicit
/// `default`; any other missing project is an error naming it.
fn project_of(origin: &AppOrigin) -> Result<AppProject, String> {
    match origin.app_project() {
        Some(object) => AppProject::from_object(object).map_err(|e| e.to_string()),
        None if origin.project_name() == "default" => Ok(AppProject::default_project()),
        None => Err(format!(
            "application references project {} which does not exist: no AppProject {} (namespace {}) in the import folders",
            origin.project_name(),
            origin.project_name(),
            origin.argocd.namespace
        )),
    }
}

/// The `repoURL` of every source (`spec.sources` wins over `spec.source`).
fn repo_urls(object: &Value) -> Vec<&str> {
    fn url(source: &Value) -> &str {
        source.get("repoURL").and_then(Value::as_str).unwrap_or("")
    }
    match object.pointer("/spec/sources").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => list.iter().map(url).collect(),
        _ => object
            .pointer("/spec/source")
            .map(url)
            .into_iter()
            .collect(),
    }
}

/// Checks an imported Application and what it renders (`objects` and its
/// hooks) against its AppProject; the error names the project and rule.
pub(crate) fn check_project(
    origin: &AppOrigin,
    objects: &[Value],
    is_namespaced: &dyn Fn(&str, &str) -> bool,
) -> Result<(), String> {
    let project = project_of(origin)?;
    if !project.is_app_namespace_permitted(&origin.namespace, &origin.argocd.namespace) {
        return Err(format!(
            "AppProject {} (sourceNamespaces): app is not allowed in project \"{}\", or the project does not exist: namespace {} is not among its sourceNamespaces",
            project.name, project.name, origin.namespace
        ));
    }
    let text = |p: &str| {
        origin
            .object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    // Argo CD knows both the name and the server of a destination; the
    // in-cluster one is known to tether too.
    let (mut server, mut name) = (
        text("/spec/destination/server"),
        text("/spec/destination/name"),
    );
    if server.is_empty() && name == IN_CLUSTER_NAME {
        server = IN_CLUSTER_SERVER;
    }
    if name.is_empty() && server.trim_end_matches('/') == IN_CLUSTER_SERVER {
        name = IN_CLUSTER_NAME;
    }
    let destination = Destination {
        server,
        name,
        namespace: text("/spec/destination/namespace"),
    };
    project
        .check_app(
            &repo_urls(&origin.object),
            &destination,
            objects,
            is_namespaced,
        )
        .map_err(|denial| denial.to_string())
}
