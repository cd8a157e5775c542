//! An Argo CD ApplicationSet as a row of the appsets view.

use super::{AppOriginKind, HealthStatus};
use serde::{Deserialize, Serialize};

/// One ApplicationSet: where it lives, what generates its apps, how many
/// of them are listed, and its own state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AppSetStatus {
    pub name: String,
    pub namespace: String,
    /// The context it lives in (live); empty when imported from Git.
    pub cluster: String,
    /// The ref its apps name as their `parent`: `CONTEXT/NAMESPACE/NAME`
    /// (live) or `ApplicationSet/NAMESPACE/NAME` (imported).
    #[serde(rename = "ref")]
    pub reference: String,
    pub origin: AppOriginKind,
    /// Generator kinds in order (`list`, `git`, `clusters`, `matrix`…).
    pub generators: Vec<String>,
    /// Apps listed whose parent it is.
    pub apps: usize,
    /// `status.health.status` (Unknown when the controller sets none).
    pub health: HealthStatus,
    /// The error condition's message, else the newest condition's.
    pub message: String,
}
