//! Which apps the apps table lists: those of one engine (`:argocd`,
//! `:flux`, `:tether`), of one context (`:ctx NAME`), those with policy
//! findings (`:policy`), or several of these at once; `:all` lists every
//! app again.

use crate::model::{AppEngine, AppStatus};
use crate::tui::policy_marks::has_findings;

/// The apps table's scope; the default lists every app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppScope {
    /// Only apps this engine reconciles.
    pub engine: Option<AppEngine>,
    /// Only apps of this cluster (kubeconfig context).
    pub context: Option<String>,
    /// Only apps with an admission policy denial or warning, or whose
    /// policies could not be checked (`:policy`).
    pub policy: bool,
}

impl AppScope {
    /// Whether `app` is listed.
    pub fn admits(&self, app: &AppStatus) -> bool {
        self.engine.is_none_or(|e| app.engine == e)
            && self.context.as_ref().is_none_or(|c| app.cluster == *c)
            && (!self.policy || has_findings(app))
    }

    /// Whether every app is listed.
    pub fn is_all(&self) -> bool {
        self.engine.is_none() && self.context.is_none() && !self.policy
    }

    /// `argocd`, `ctx prod`, `argocd · ctx prod · policy findings`; empty
    /// for all apps.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .engine
            .map(|e| e.as_str().to_string())
            .into_iter()
            .chain(self.context.as_ref().map(|c| format!("ctx {c}")))
            .chain(self.policy.then(|| "policy findings".to_string()))
            .collect();
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_and_context_narrow_together() {
        let app = AppStatus {
            engine: AppEngine::Argocd,
            cluster: "prod".into(),
            ..AppStatus::default()
        };
        let mut scope = AppScope::default();
        assert!(scope.admits(&app) && scope.is_all() && scope.describe().is_empty());
        scope.engine = Some(AppEngine::Argocd);
        assert!(scope.admits(&app));
        scope.context = Some("staging".into());
        assert!(!scope.admits(&app));
        assert_eq!(scope.describe(), "argocd · ctx staging");
        scope.engine = Some(AppEngine::Flux);
        scope.context = Some("prod".into());
        assert!(!scope.admits(&app));
    }

    #[test]
    fn the_policy_scope_lists_apps_with_findings_only() {
        use crate::model::PolicyFindings;
        let scope = AppScope {
            policy: true,
            context: Some("prod".into()),
            ..AppScope::default()
        };
        assert_eq!(scope.describe(), "ctx prod · policy findings");
        assert!(!scope.is_all());
        let mut app = AppStatus {
            cluster: "prod".into(),
            ..AppStatus::default()
        };
        assert!(!scope.admits(&app), "not checked");
        app.policy = Some(PolicyFindings::default());
        assert!(!scope.admits(&app), "passes");
        app.policy = Some(PolicyFindings::failed("bad".into()));
        assert!(scope.admits(&app), "cannot be checked");
        app.cluster = "staging".into();
        assert!(!scope.admits(&app), "another context");
    }
}
