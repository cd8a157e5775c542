//! Small simulated controllers, driven by the store's change feed: the
//! namespace and garbage collectors, CRD establishment, the workload
//! controllers and a stand-in kubelet.

mod conditions;
mod crd;
mod ctl;
mod daemonset;
mod deployment;
mod endpoints;
mod events;
mod gc;
mod job;
mod kubelet;
mod namespace;
mod replicaset;
mod statefulset;
mod template;

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;

use super::meta;
use super::state::SimState;
use super::store::{Change, ChangeType};

pub(crate) use ctl::Ctl;

/// The node every Pod is bound to.
pub(crate) const NODE: &str = "sim-node";
/// The manager name of controller writes.
pub(crate) const MANAGER: &str = "kube-controller-manager";

/// Starts the controller loop of a server.
pub(crate) fn start(state: Arc<SimState>) {
    let mut rx = state.store().subscribe();
    let ctl = Ctl::new(state);
    tokio::spawn(async move {
        loop {
            let change = tokio::select! {
                _ = ctl.state.shutdown.cancelled() => return,
                c = rx.recv() => c,
            };
            match change {
                Ok(c) => dispatch(&ctl, &c),
                Err(RecvError::Lagged(_)) => resync(&ctl),
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Creates the objects every cluster starts with.
pub(crate) fn bootstrap(state: &Arc<SimState>) {
    let ctl = Ctl::new(state.clone());
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        namespace::create(&ctl, ns);
    }
    kubelet::register_node(&ctl);
}

fn dispatch(ctl: &Ctl, c: &Change) {
    let ns = meta::namespace(&c.object).to_string();
    let name = meta::name(&c.object).to_string();
    route(ctl, c, &ns, &name);
    if c.kind == ChangeType::Deleted {
        gc::owner_gone(ctl, &c.object);
        gc::dependent_gone(ctl, &c.object);
        if !ns.is_empty() {
            namespace::reconcile(ctl, &ns);
        }
    } else if meta::deleting(&c.object) {
        gc::finalize(ctl, &c.resource, &c.object);
    }
}

/// Hands a change to the controller of its kind (before garbage collection,
/// so owners still see a dependent's deletion).
fn route(ctl: &Ctl, c: &Change, ns: &str, name: &str) {
    match c.resource.as_str() {
        "/namespaces" => namespace::on_change(ctl, c.kind, name),
        "/services" => endpoints::on_change(ctl, c.kind, &c.object),
        "apiextensions.k8s.io/customresourcedefinitions" => crd::on_change(ctl, c.kind, &c.object),
        "apps/deployments" if c.kind != ChangeType::Deleted => deployment::reconcile(ctl, ns, name),
        "apps/replicasets" => {
            if c.kind != ChangeType::Deleted {
                replicaset::reconcile(ctl, ns, name);
            }
            reconcile_owner(ctl, &c.object);
        }
        "apps/statefulsets" if c.kind != ChangeType::Deleted => {
            statefulset::reconcile(ctl, ns, name)
        }
        "apps/daemonsets" if c.kind != ChangeType::Deleted => daemonset::reconcile(ctl, ns, name),
        "batch/jobs" if c.kind != ChangeType::Deleted => job::reconcile(ctl, ns, name),
        "/pods" => {
            kubelet::on_change(ctl, c.kind, &c.object);
            reconcile_owner(ctl, &c.object);
        }
        _ => {}
    }
}

/// Reconciles the controller owner of a changed dependent.
fn reconcile_owner(ctl: &Ctl, obj: &serde_json::Value) {
    let ns = meta::namespace(obj);
    let refs = obj
        .pointer("/metadata/ownerReferences")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    for r in refs {
        let kind = r.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        let name = r.get("name").and_then(|k| k.as_str()).unwrap_or("");
        match kind {
            "Deployment" => deployment::reconcile(ctl, ns, name),
            "ReplicaSet" => replicaset::reconcile(ctl, ns, name),
            "StatefulSet" => statefulset::reconcile(ctl, ns, name),
            "DaemonSet" => daemonset::reconcile(ctl, ns, name),
            "Job" => job::reconcile(ctl, ns, name),
            _ => {}
        }
    }
}

/// After a lagged feed: reconcile everything once.
fn resync(ctl: &Ctl) {
    let all = ctl
        .state
        .store()
        .all()
        .into_iter()
        .map(|(r, o)| (r, o.clone()))
        .collect::<Vec<_>>();
    for (resource, object) in all {
        let c = Change {
            kind: ChangeType::Modified,
            resource,
            rv: 0,
            object,
        };
        dispatch(ctl, &c);
    }
}
