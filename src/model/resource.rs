use super::{HealthStatus, SyncStatus};
use serde::{Deserialize, Serialize};

/// One node of an app's resource tree: a resource the app renders (with a
/// sync state) or a live descendant found by ownerReferences (without).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceNode {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// None for descendants, which Git does not describe.
    pub sync: Option<SyncStatus>,
    pub health: HealthStatus,
    /// Why it is not Healthy (or why it is out of sync), empty otherwise.
    pub message: String,
    /// Progress of a Rollout or Canary (`health::details`), empty for
    /// other kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub info: String,
    /// Resource actions that apply to the live object now (`promote`,
    /// `restart`…; `crate::live::actions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Kubernetes Events about this object, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
    pub children: Vec<ResourceNode>,
}

/// A Kubernetes Event about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
    pub message: String,
    /// `Kind/name` of the object the event is about.
    pub object: String,
    pub count: i64,
    /// RFC 3339.
    pub last_seen: String,
}

/// A commit that touched an app's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    pub id: String,
    pub author: String,
    /// RFC 3339.
    pub time: String,
    pub summary: String,
}

/// Git history of an app's path and its sync records (DESIGN.md §3
/// `history` JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AppHistory {
    pub app: String,
    pub commits: Vec<CommitRecord>,
    pub syncs: Vec<super::HistoryEntry>,
    /// In a shallow clone: the clone's oldest commit, where `commits`
    /// stops (whether that commit changed the path cannot be told).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shallow: Option<String>,
}
