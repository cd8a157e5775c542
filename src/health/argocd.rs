//! Health of Argo CD's own kinds as Argo CD's documented app-of-apps
//! health check (`resource.customizations.health.argoproj.io_Application`)
//! assesses them: an Application is as healthy as its `status.health`
//! says, Progressing until it has one.

use super::{Health, text};
use crate::model::HealthStatus;
use serde_json::Value;

/// The health of an `argoproj.io/Application` object.
pub fn application(app: &Value) -> Health {
    let status = match text(app, "/status/health/status") {
        "" => return Health::new(HealthStatus::Progressing, ""),
        s => s,
    };
    let code = HealthStatus::parse(status);
    Health::new(code, text(app, "/status/health/message"))
}
