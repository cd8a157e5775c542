//! Live Argo CD and Flux apps inside the engine: the contexts in scope are
//! read from their watch caches on every refresh; each live object becomes
//! an app (its spec mapped as an imported one, origin `cluster`) so that
//! tree, events, YAML, diff and history work as for every app, while its
//! row comes from the object's own status. A Git-imported app that also
//! runs live is one row: the live one, naming its Git ref.

use super::Engine;
use crate::import::{Context, map_application, map_flux_app};
use crate::live::{LiveApp, LiveView, read_contexts};
use crate::model::{AppEngine, AppOrigin, AppOriginKind, AppSpec, Revision};
use std::collections::HashSet;
use std::sync::{Arc, RwLock};

/// What the engine knows of the live GitOps apps.
#[derive(Debug, Default)]
pub(crate) struct LiveScope {
    /// Contexts watched for live apps.
    pub(crate) contexts: Vec<String>,
    /// How to map live objects to checkouts and clusters.
    pub(crate) mapping: Option<Context>,
    pub(crate) last: RwLock<Arc<LiveState>>,
}

/// The last read of the live apps.
#[derive(Debug, Default)]
pub struct LiveState {
    pub view: LiveView,
    /// One app per live object (origin `cluster`).
    pub apps: Vec<AppSpec>,
    /// Refs of Git-imported apps that run live (shown as the live row).
    pub twins: HashSet<String>,
}

impl Engine {
    /// Watches `contexts` for live Argo CD and Flux apps; `mapping` maps
    /// their sources to local checkouts (for diff and history).
    pub fn with_live(mut self, contexts: Vec<String>, mapping: Context) -> Self {
        self.live.contexts = contexts;
        self.live.mapping = Some(mapping);
        self
    }

    /// The contexts watched for live apps.
    pub fn live_contexts(&self) -> &[String] {
        &self.live.contexts
    }

    /// Reads the live apps of every context in scope (from the watch
    /// caches) and keeps the result for name lookups.
    pub async fn refresh_live(&self) -> Arc<LiveState> {
        if self.live.contexts.is_empty() {
            return self.live_state();
        }
        let view = read_contexts(&self.clusters, &self.live.contexts).await;
        let before = self.live_state();
        let mut state = LiveState {
            apps: Vec::with_capacity(view.apps.len()),
            ..LiveState::default()
        };
        // A context that cannot be read keeps the apps it had: their rows
        // turn Unknown with the cause instead of vanishing.
        for (context, _) in &view.down {
            state.apps.extend(
                before
                    .apps
                    .iter()
                    .filter(|a| {
                        a.origin.as_ref().and_then(|o| o.home_context.as_deref()) == Some(context)
                    })
                    .cloned(),
            );
            state.twins.extend(before.twins.iter().cloned());
        }
        for live in &view.apps {
            let mut spec = self.live_spec(live, &view);
            if let Some(twin) = self.git_twin(live) {
                state.twins.insert(twin.clone());
                if let Some(origin) = spec.origin.as_mut().map(Arc::make_mut) {
                    origin.git_ref = Some(twin);
                }
            }
            state.apps.push(spec);
        }
        state.view = view;
        let state = Arc::new(state);
        if let Ok(mut last) = self.live.last.write() {
            *last = Arc::clone(&state);
        }
        state
    }

    /// The last read of the live apps (empty before the first).
    pub fn live_state(&self) -> Arc<LiveState> {
        self.live
            .last
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default()
    }

    /// The row of a live app (origin `cluster`): from the object's status
    /// as of the last read. None for other apps.
    pub(crate) fn live_row(&self, app: &AppSpec) -> Option<crate::model::AppStatus> {
        let origin = app.origin.as_deref()?;
        if origin.origin != AppOriginKind::Cluster {
            return None;
        }
        let state = self.live_state();
        let context = origin.home_context.clone().unwrap_or_default();
        let live = state.view.apps.iter().find(|l| {
            l.context == context
                && l.kind.kind == origin.kind
                && l.namespace() == origin.namespace
                && l.name() == origin.name
        });
        let Some(live) = live else {
            let cause = state
                .view
                .down
                .iter()
                .find(|(c, _)| *c == context)
                .map_or_else(
                    || format!("cluster {context}: the object is no longer there"),
                    |(_, why)| why.clone(),
                );
            let mut row = super::compare::identity(app, &context, String::new());
            row.message = cause;
            row.git_ref = origin.git_ref.clone();
            return Some(row);
        };
        let mut row = crate::live::live_status(live, &state.view);
        row.git_ref = origin.git_ref.clone();
        Some(row)
    }

    /// The ref of the Git-imported app this live object is, if any: same
    /// kind, namespace and name, in the import's context when it names one.
    fn git_twin(&self, live: &LiveApp) -> Option<String> {
        self.apps().iter().find_map(|app| {
            let origin = app.origin.as_deref()?;
            let same = origin.origin == AppOriginKind::Git
                && origin.kind == live.kind.kind
                && origin.namespace == live.namespace()
                && origin.name == live.name()
                && origin
                    .home_context
                    .as_deref()
                    .is_none_or(|c| c == live.context);
            same.then(|| origin.reference())
        })
    }

    /// A live object as an app: mapped like an imported one (its in-cluster
    /// destination is the cluster it lives in), at the revision it runs.
    fn live_spec(&self, live: &LiveApp, view: &LiveView) -> AppSpec {
        let mut cx = self.live.mapping.clone().unwrap_or_else(|| Context {
            repos: Default::default(),
            clusters: Default::default(),
            argocd: Default::default(),
            related: Default::default(),
            home_context: None,
        });
        cx.clusters.current = Some(live.context.clone());
        cx.home_context = Some(live.context.clone());
        let found_in = format!("cluster {}", live.context);
        let object = live.object.as_ref();
        let mapped = match live.kind.engine {
            AppEngine::Flux => {
                cx.related = Arc::new(
                    view.sources
                        .iter()
                        .filter(|s| s.context == live.context)
                        .map(|s| s.object.as_ref().clone())
                        .collect(),
                );
                map_flux_app(object, &found_in, false, Some(live.context.clone()), &cx)
            }
            _ => map_application(object, &found_in, false, &cx),
        };
        let mut spec = mapped.spec;
        if let Some(revision) = running_revision(live) {
            spec.source.revision = Revision::Git(revision);
        }
        let origin = AppOrigin {
            origin: AppOriginKind::Cluster,
            ..mapped.origin
        };
        AppSpec {
            origin: Some(Arc::new(origin)),
            ..spec
        }
    }
}

/// The commit a live app runs: Argo CD's `status.sync.revision`, Flux's
/// `lastAppliedRevision` (`main@sha1:<hex>` → `<hex>`); None when it has
/// not synced yet (its spec's revision is used).
fn running_revision(live: &LiveApp) -> Option<String> {
    let text = |p: &str| {
        live.object
            .pointer(p)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match live.kind.engine {
        AppEngine::Flux => {
            let revision = text("/status/lastAppliedRevision")?;
            let hash = crate::flux::status::revision_hash(revision);
            (hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| hash.to_string())
        }
        _ => text("/status/sync/revision").map(str::to_string),
    }
}
