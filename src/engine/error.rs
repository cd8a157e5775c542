use crate::cluster::ClusterError;
use thiserror::Error;

/// A failure of one app's reconcile step; always names the app.
#[derive(Debug, Error)]
pub enum EngineError {
    #[error("app {app}: {message}")]
    Source { app: String, message: String },
    #[error("app {app}: {message}")]
    Render { app: String, message: String },
    #[error("app {app}: {source}")]
    Cluster {
        app: String,
        #[source]
        source: ClusterError,
    },
    #[error("app {app}: {message}")]
    Sync { app: String, message: String },
    /// The kubeconfig user lacks a permission the action needs:
    /// `web-prod: cannot sync: user "alice" may not patch deployments.apps
    /// in namespace web (forbidden)`.
    #[error("{app}: cannot {action}: {reason}")]
    Denied {
        app: String,
        action: String,
        reason: String,
    },
    /// The admission policies cannot be read, or they deny the sync.
    #[error("app {app}: {message}")]
    Policy { app: String, message: String },
    #[error("no app named {0:?} in the configuration")]
    UnknownApp(String),
    #[error("{name:?} names {} apps; say which: {}", candidates.len(), candidates.join(", "))]
    AmbiguousApp {
        name: String,
        candidates: Vec<String>,
    },
    /// An action tether may not take on an app another engine manages.
    #[error("{0}")]
    ReadOnly(String),
    /// A pipeline (DESIGN.md §7) that is unknown, or a promotion that
    /// cannot be made: `pipeline web: …`.
    #[error("pipeline {pipeline}: {message}")]
    Pipeline { pipeline: String, message: String },
}

impl EngineError {
    /// This error with the app's secret values taken out of its text (an
    /// API server's validation error may quote the value it refused).
    pub(crate) fn masked(self, secrets: &crate::diff::SecretStrings) -> Self {
        let text = self.to_string();
        if secrets.mask_text(&text) == text {
            return self;
        }
        match self {
            EngineError::Source { app, message } => EngineError::Source {
                app,
                message: secrets.mask_text(&message),
            },
            EngineError::Render { app, message } => EngineError::Render {
                app,
                message: secrets.mask_text(&message),
            },
            EngineError::Sync { app, message } => EngineError::Sync {
                app,
                message: secrets.mask_text(&message),
            },
            EngineError::Policy { app, message } => EngineError::Policy {
                app,
                message: secrets.mask_text(&message),
            },
            EngineError::Cluster { app, source } => EngineError::Sync {
                message: secrets.mask_text(&source.to_string()),
                app,
            },
            other => other,
        }
    }

    /// The text without the `app NAME: ` prefix, for wrapping in context.
    pub(crate) fn detail(&self) -> String {
        match self {
            EngineError::Source { message, .. }
            | EngineError::Render { message, .. }
            | EngineError::Sync { message, .. } => message.clone(),
            EngineError::Cluster { source, .. } => source.to_string(),
            other => other.to_string(),
        }
    }

    pub(crate) fn cluster(app: &str, source: ClusterError) -> Self {
        EngineError::Cluster {
            app: app.to_string(),
            source,
        }
    }
}
