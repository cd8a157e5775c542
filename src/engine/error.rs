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
    #[error("no app named {0:?} in the configuration")]
    UnknownApp(String),
}

impl EngineError {
    pub(crate) fn cluster(app: &str, source: ClusterError) -> Self {
        EngineError::Cluster {
            app: app.to_string(),
            source,
        }
    }
}
