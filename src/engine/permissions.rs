//! What an action on an app needs the kubeconfig user to be allowed,
//! checked through access reviews before the action starts and shown with
//! each app's status, so a read-only user learns which verb on which
//! resource is missing instead of meeting a failure halfway:
//! `web-prod: cannot sync: user "alice" may not patch deployments.apps in
//! namespace web (forbidden)`.
//!
//! | action | needs |
//! |---|---|
//! | sync, rollback | `patch` of every desired object's resource in its namespace, `create` where it does not exist yet; `get`, `create`, `update` of ConfigMaps in `tether-system` (the sync record) |
//! | prune | `delete` of every extra object's resource in its namespace |
//! | pause, resume | `get`, `create`, `update` of ConfigMaps in `tether-system` |
//! | automation | the sync rights, and `get`, `create`, `update` of Leases in `tether-system` |
//!
//! Reading (status, diff, tree, history) needs `get`, `list` and `watch`.

use super::EXTRA_MESSAGE;
use super::{Engine, EngineError};
use crate::cluster::{AccessCheck, ClusterClient, Denial, STATE_NAMESPACE, gvk_of};
use crate::model::{AppStatus, GroupVersionKind, HealthStatus, ResourceKey};
use serde_json::Value;
use std::collections::BTreeMap;

/// The actions that change something, by the names the status uses.
pub const WRITE_ACTIONS: [&str; 5] = ["sync", "prune", "pause", "resume", "rollback"];

/// One object an action touches.
#[derive(Debug, Clone)]
pub(crate) struct Touched {
    pub gvk: GroupVersionKind,
    pub namespace: Option<String>,
    pub name: String,
    /// It exists live (an apply updates it rather than creating it).
    pub exists: bool,
    /// Tracked but no longer desired: a prune deletes it.
    pub extra: bool,
}

/// Writing the app's state ConfigMap (pause, sync records).
pub(crate) fn state_checks() -> Vec<AccessCheck> {
    ["get", "create", "update"]
        .iter()
        .map(|verb| AccessCheck::new(verb, "", "configmaps", Some(STATE_NAMESPACE)))
        .collect()
}

/// Taking and renewing the app's Lease (automation).
pub(crate) fn lease_checks() -> Vec<AccessCheck> {
    ["get", "create", "update"]
        .iter()
        .map(|verb| AccessCheck::new(verb, "coordination.k8s.io", "leases", Some(STATE_NAMESPACE)))
        .collect()
}

/// Applying (`delete = false`) or pruning (`delete = true`) `touched`.
pub(crate) async fn object_checks(
    client: &ClusterClient,
    touched: &[Touched],
    delete: bool,
) -> Vec<AccessCheck> {
    let mut checks: Vec<AccessCheck> = Vec::new();
    for t in touched.iter().filter(|t| t.extra == delete) {
        // A kind the cluster does not serve yet (a CRD of the same app)
        // cannot be asked about; its apply reports any refusal itself.
        let Ok(kind) = client.resolve(&t.gvk).await else {
            continue;
        };
        // The API server authorizes a request on a Namespace object as
        // one in that namespace (so a RoleBinding there may allow it).
        let namespace = if kind.namespaced {
            t.namespace.as_deref()
        } else if kind.resource.group.is_empty() && kind.resource.plural == "namespaces" {
            Some(t.name.as_str())
        } else {
            None
        };
        let verbs: &[&str] = match (delete, t.exists) {
            (true, _) => &["delete"],
            (false, true) => &["patch"],
            (false, false) => &["patch", "create"],
        };
        for verb in verbs {
            let check =
                AccessCheck::new(verb, &kind.resource.group, &kind.resource.plural, namespace);
            if !checks.contains(&check) {
                checks.push(check);
            }
        }
    }
    checks
}

/// What applying `objects` touches (whether each exists, from the cache).
pub(crate) async fn touched_by(client: &ClusterClient, objects: &[Value]) -> Vec<Touched> {
    let mut out = Vec::with_capacity(objects.len());
    for object in objects {
        let (Some(gvk), Some(key)) = (gvk_of(object), ResourceKey::from_object(object)) else {
            continue;
        };
        let exists = matches!(
            client
                .cached_get(&gvk, key.namespace.as_deref(), &key.name)
                .await,
            Ok(Some(_))
        );
        out.push(Touched {
            gvk,
            namespace: key.namespace,
            name: key.name,
            exists,
            extra: false,
        });
    }
    out
}

/// What the resources of a status touch.
fn touched_by_status(status: &AppStatus) -> Vec<Touched> {
    status
        .resources
        .iter()
        .map(|r| Touched {
            gvk: GroupVersionKind {
                group: r.group.clone(),
                version: r.version.clone(),
                kind: r.kind.clone(),
            },
            namespace: (!r.namespace.is_empty()).then(|| r.namespace.clone()),
            name: r.name.clone(),
            exists: r.health != HealthStatus::Missing,
            extra: r.message == EXTRA_MESSAGE,
        })
        .collect()
}

impl Engine {
    /// Fails with [`EngineError::Denied`] when the user may not do one of
    /// `checks`.
    pub(crate) async fn require(
        &self,
        app: &str,
        action: &str,
        client: &ClusterClient,
        checks: &[AccessCheck],
    ) -> Result<(), EngineError> {
        match client.first_denied(checks).await {
            None => Ok(()),
            Some(denial) => Err(denied(app, action, &denial)),
        }
    }

    /// Every write action the user may not run on the app of `status`,
    /// with why (from cached access reviews).
    pub(crate) async fn denials(
        &self,
        client: &ClusterClient,
        status: &AppStatus,
    ) -> BTreeMap<String, String> {
        let touched = touched_by_status(status);
        let state = client.first_denied(&state_checks()).await;
        let objects = client
            .first_denied(&object_checks(client, &touched, false).await)
            .await;
        let deletes = client
            .first_denied(&object_checks(client, &touched, true).await)
            .await;
        let mut out = BTreeMap::new();
        let mut note = |action: &str, denial: Option<&Denial>| {
            if let Some(d) = denial {
                out.insert(action.to_string(), d.to_string());
            }
        };
        let sync = objects.as_ref().or(state.as_ref());
        note("sync", sync);
        note("rollback", sync);
        note("prune", sync.or(deletes.as_ref()));
        note("pause", state.as_ref());
        note("resume", state.as_ref());
        out
    }
}

/// The error of an action the user may not run.
pub(crate) fn denied(app: &str, action: &str, denial: &Denial) -> EngineError {
    EngineError::Denied {
        app: app.to_string(),
        action: action.to_string(),
        reason: denial.to_string(),
    }
}
