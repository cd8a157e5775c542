//! Newest request wins: one slot per kind of on-demand request. A result
//! is taken only when it answers the request in its slot (same app, same
//! resource where the result names one); anything else is stale and dropped.

use crate::model::ResourceKey;
use std::collections::BTreeMap;

/// The kinds of on-demand requests, one slot each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestKind {
    /// A dry-run sync for the confirmation dialog.
    Plan,
    /// Desired vs live.
    Diff,
    /// The resource tree.
    Tree,
    /// Commits and sync records.
    History,
    /// Kubernetes events.
    Events,
    /// The live YAML of one resource.
    Yaml,
    /// What a revert of a commit would change.
    RevertPreview,
    /// The patches an action on a live Argo CD / Flux app would send.
    LivePlan,
    /// The Argo CD operation of a live app.
    Operation,
    /// A pipeline's stages (the request's `app` is the pipeline's name).
    Pipeline,
    /// Two stages' desired states (the request's `app` is the selected
    /// stage's).
    Compare,
    /// What a promotion into a stage would commit (`app`: the stage's).
    PromotePreview,
}

/// What the slot waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The app asked about.
    pub app: String,
    /// The resource asked about, for events and YAML.
    pub resource: Option<ResourceKey>,
}

/// The slots: at most one outstanding request per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    slots: BTreeMap<RequestKind, Request>,
}

impl Requests {
    /// Records a new request of `kind`, replacing (and so making stale)
    /// the previous one.
    pub fn start(&mut self, kind: RequestKind, app: &str, resource: Option<ResourceKey>) {
        let request = Request {
            app: app.to_string(),
            resource,
        };
        self.slots.insert(kind, request);
    }

    /// Takes a result of `kind` for `app` (and `resource`, when the result
    /// names one): true when it answers the newest request, which is then
    /// done; false when it is stale.
    pub fn accept(&mut self, kind: RequestKind, app: &str, resource: Option<&ResourceKey>) -> bool {
        let fits = self.slots.get(&kind).is_some_and(|r| {
            r.app == app && (resource.is_none() || r.resource.as_ref() == resource)
        });
        if fits {
            self.slots.remove(&kind);
        }
        fits
    }

    /// Like [`Requests::accept`] for results that always name what they
    /// answer (events: `None` is the whole app), so `None` must match too.
    pub fn accept_exact(
        &mut self,
        kind: RequestKind,
        app: &str,
        resource: Option<&ResourceKey>,
    ) -> bool {
        let fits = self
            .slots
            .get(&kind)
            .is_some_and(|r| r.app == app && r.resource.as_ref() == resource);
        if fits {
            self.slots.remove(&kind);
        }
        fits
    }

    /// An error for `app` (the engine reports failed requests as a failed
    /// `CommandDone` naming only the app): ends every request for it and
    /// returns their kinds.
    pub fn fail(&mut self, app: &str) -> Vec<RequestKind> {
        let kinds: Vec<RequestKind> = self
            .slots
            .iter()
            .filter(|(_, r)| r.app == app)
            .map(|(k, _)| *k)
            .collect();
        for kind in &kinds {
            self.slots.remove(kind);
        }
        kinds
    }

    /// Forgets the request of `kind` (its view was closed).
    pub fn cancel(&mut self, kind: RequestKind) {
        self.slots.remove(&kind);
    }

    /// The outstanding request of `kind`.
    pub fn pending(&self, kind: RequestKind) -> Option<&Request> {
        self.slots.get(&kind)
    }

    /// Whether anything is outstanding (the spinner turns then).
    pub fn any_pending(&self) -> bool {
        !self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_request_wins_and_stale_results_are_dropped() {
        let mut r = Requests::default();
        r.start(RequestKind::Diff, "a", None);
        r.start(RequestKind::Diff, "b", None);
        assert!(
            !r.accept(RequestKind::Diff, "a", None),
            "older app is stale"
        );
        assert!(r.accept(RequestKind::Diff, "b", None));
        assert!(!r.accept(RequestKind::Diff, "b", None), "answered once");
        let x = ResourceKey::new("", "ConfigMap", Some("n"), "x");
        let y = ResourceKey::new("", "ConfigMap", Some("n"), "y");
        r.start(RequestKind::Yaml, "a", Some(x.clone()));
        r.start(RequestKind::Yaml, "a", Some(y.clone()));
        assert!(!r.accept(RequestKind::Yaml, "a", Some(&x)));
        assert!(r.accept(RequestKind::Yaml, "a", Some(&y)));
        r.start(RequestKind::Tree, "a", None);
        r.start(RequestKind::Plan, "b", None);
        assert_eq!(r.fail("a"), vec![RequestKind::Tree]);
        r.start(RequestKind::Events, "a", Some(x.clone()));
        assert!(!r.accept_exact(RequestKind::Events, "a", None), "whole app");
        assert!(r.accept_exact(RequestKind::Events, "a", Some(&x)));
        r.start(RequestKind::Events, "a", None);
        assert!(!r.accept_exact(RequestKind::Events, "a", Some(&x)));
        assert!(r.accept_exact(RequestKind::Events, "a", None));
        assert!(r.pending(RequestKind::Plan).is_some());
    }
}
