//! App of apps: an Application whose source renders Applications. Each
//! child becomes an app of its own (its parent named), recursively; the
//! parent keeps the child Applications as its resources, as Argo CD shows
//! them.

use super::{Context, map_application};
use crate::model::{AppEngine, AppOrigin, AppSpec};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// The children of every Argo CD app of `apps` (and theirs), each with its
/// parent's ref. Parents that fail to render are skipped here: their own
/// status reports the error. A child already listed (found in an import
/// folder too, or under a cycle) is not added twice.
pub fn expand(apps: &[AppSpec], cx: &Context, warnings: &mut Vec<String>) -> Vec<AppSpec> {
    let mut seen: HashSet<String> = apps.iter().map(AppSpec::reference).collect();
    let mut queue: Vec<AppSpec> = apps.to_vec();
    let mut out = Vec::new();
    while let Some(parent) = queue.pop() {
        let Some(origin) = parent.origin.as_deref() else {
            continue;
        };
        if origin.engine != AppEngine::Argocd || origin.problem.is_some() || !may_hold_apps(&parent)
        {
            continue;
        }
        let objects = match crate::engine::render_app(&parent, None) {
            Ok(desired) => desired.objects,
            Err(e) => {
                warnings.push(format!(
                    "{}: its child apps are not listed: {e}",
                    parent.reference()
                ));
                continue;
            }
        };
        for child in objects.iter().filter(|o| is_application(o)) {
            let mapped = map_application(
                child,
                &format!("rendered by {}", parent.reference()),
                origin.manage,
                cx,
            );
            let mut child_origin: AppOrigin = mapped.origin;
            child_origin.parent = Some(parent.reference());
            let app = AppSpec {
                origin: Some(Arc::new(child_origin)),
                ..mapped.spec
            };
            if seen.insert(app.reference()) {
                queue.push(app.clone());
                out.push(app);
            }
        }
    }
    out
}

fn is_application(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Application")
        && object
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("argoproj.io/"))
}

/// Whether the app's folder mentions Applications at all (a cheap test
/// before a render): only then is it rendered at import time.
fn may_hold_apps(app: &AppSpec) -> bool {
    let Ok(repo) = crate::source::Repo::open(&app.source.repo) else {
        return false;
    };
    let Ok(tree) = crate::engine::read_sources(&repo, &app.source.revision, &app.source.path)
    else {
        return false;
    };
    tree.paths().filter_map(|p| tree.get(p)).any(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        text.contains("argoproj.io") && text.contains("Application")
    })
}
