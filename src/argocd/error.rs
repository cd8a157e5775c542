//! Errors of the Argo CD layer, each naming the object it is about.

/// What went wrong, and in which Argo CD object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgoError {
    /// An ApplicationSet could not generate its Applications; `generator`
    /// says which one (`generators[0].matrix.generators[1].git`), empty
    /// when the error is not about one generator.
    #[error("ApplicationSet {appset}{}: {message}", at(generator))]
    AppSet {
        appset: String,
        generator: String,
        message: String,
    },
    /// An Application's spec is invalid or cannot be rendered.
    #[error("Application {app}: {message}")]
    App { app: String, message: String },
    /// An AppProject's spec is invalid.
    #[error("AppProject {project}: {message}")]
    Project { project: String, message: String },
    /// A sync window cannot be read (bad kind, schedule, duration or zone).
    #[error("sync window {index} ({schedule:?}): {message}")]
    Window {
        index: usize,
        schedule: String,
        message: String,
    },
    /// A value of `argocd.argoproj.io/tracking-id` that does not parse.
    #[error(
        "tracking id {value:?}: wrong resource tracking format, should be <application-name>:<group>/<kind>:<namespace>/<name>"
    )]
    TrackingId { value: String },
    /// Settings of argocd-cm (tether.yaml `argocd:`) that are invalid.
    #[error("argocd settings: {0}")]
    Settings(String),
}

fn at(generator: &str) -> String {
    if generator.is_empty() {
        String::new()
    } else {
        format!(" ({generator})")
    }
}

impl ArgoError {
    pub(crate) fn project(project: &str, message: impl Into<String>) -> Self {
        ArgoError::Project {
            project: project.to_string(),
            message: message.into(),
        }
    }
}
