//! Which apps the apps table lists: those of one engine (`:argocd`,
//! `:flux`, `:tether`), of one context (`:ctx NAME`), or both; `:all`
//! lists every app again.

use crate::model::{AppEngine, AppStatus};

/// The apps table's scope; the default lists every app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppScope {
    /// Only apps this engine reconciles.
    pub engine: Option<AppEngine>,
    /// Only apps of this cluster (kubeconfig context).
    pub context: Option<String>,
}

impl AppScope {
    /// Whether `app` is listed.
    pub fn admits(&self, app: &AppStatus) -> bool {
        self.engine.is_none_or(|e| app.engine == e)
            && self.context.as_ref().is_none_or(|c| app.cluster == *c)
    }

    /// Whether every app is listed.
    pub fn is_all(&self) -> bool {
        self.engine.is_none() && self.context.is_none()
    }

    /// `argocd`, `ctx prod`, `argocd · ctx prod`; empty for all apps.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .engine
            .map(|e| e.as_str().to_string())
            .into_iter()
            .chain(self.context.as_ref().map(|c| format!("ctx {c}")))
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
}
