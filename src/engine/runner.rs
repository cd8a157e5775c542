//! The engine: the configured apps, their clusters, and the loop that keeps
//! a [`Snapshot`] of their states current for clients.

use super::automation::Automation;
use super::compare;
use super::desired::{DesiredCache, render_app};
use super::diff::{AppDiff, diff_app};
use super::metrics::Metrics;
use super::permissions::{object_checks, state_checks, touched_by};
use super::policy_status::PassPolicies;
use super::record::{PendingRecord, save_with};
use super::sync::{SyncMode, SyncReport, sync_app};
use super::{ClusterState, EngineError, Snapshot};
use crate::cluster::{AppStateRecord, ClusterClient, ClusterSet, KubeOptions, Timing, read_state};
use crate::model::{AppSpec, AppStatus, PolicySource, Revision};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the engine talks to clusters and paces its automation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// Timeouts, retries and backoffs of every cluster request.
    pub timing: Timing,
    /// The wait after a failed automated sync (or a Lease that could not be
    /// taken) before the app is tried again, doubling up to
    /// [`Self::automation_backoff_max`]; reset by a success.
    pub automation_backoff_start: Duration,
    pub automation_backoff_max: Duration,
    /// How long a sync waits for its dependencies (`dependsOn`) to be
    /// Synced and Healthy before it fails, applying nothing.
    pub dependency_timeout: Duration,
    /// Server-side applies in flight at once within a sync step and kind
    /// (at least 1).
    pub apply_concurrency: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            timing: Timing::default(),
            automation_backoff_start: Duration::from_secs(5),
            automation_backoff_max: Duration::from_secs(180),
            dependency_timeout: Duration::from_secs(300),
            apply_concurrency: super::sync::DEFAULT_APPLY_CONCURRENCY,
        }
    }
}

/// Options of one sync request.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    pub prune: bool,
    pub dry_run: bool,
    /// Sync this revision instead of the app's own.
    pub revision: Option<Revision>,
    /// Who asks, for the history (default: `user@host`).
    pub by: Option<String>,
    /// Where to report each applied resource as it happens.
    pub progress: Option<tokio::sync::broadcast::Sender<super::EngineEvent>>,
    /// Sync even when a sync window blocks it now (recorded in `by`).
    pub override_window: bool,
}

/// The login name of this process's uid, from /proc and /etc/passwd.
fn user_from_passwd() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}

/// `user@host` of this process, for history records.
pub fn whoami() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .or_else(user_from_passwd)
        .unwrap_or_else(|| "unknown".to_string());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".to_string());
    format!("{user}@{host}")
}

/// The reconcile engine for a set of apps.
pub struct Engine {
    apps: Vec<AppSpec>,
    pub(crate) clusters: ClusterSet,
    pub(crate) automation: Automation,
    metrics: Metrics,
    pub(super) desired: DesiredCache,
    warnings: Vec<String>,
    /// ApplicationSets found in `import:` folders (rows of the appsets view).
    pub(super) imported_appsets: Vec<crate::model::ImportedAppSet>,
    pub(super) live: super::live::LiveScope,
    /// Sync records not saved in their cluster yet, by app.
    unsaved: Mutex<HashMap<String, Vec<PendingRecord>>>,
    pub(crate) options: EngineOptions,
    /// tether.yaml `policies:` (DESIGN.md §7), checked before every sync.
    pub(super) policies: Option<PolicySource>,
    pub(super) policy_cache: super::policies::PolicyCache,
    /// Policy findings of each app's desired state, for its status.
    pub(super) findings_cache: super::policy_status::FindingsCache,
    /// tether.yaml `pipelines:` (DESIGN.md §7).
    pub(super) pipelines: Vec<crate::model::PipelineSpec>,
    /// tether.yaml `syncWindows:`, for every app.
    pub(super) sync_windows: crate::argocd::SyncWindows,
}

impl Engine {
    pub fn new(apps: Vec<AppSpec>, kube: KubeOptions) -> Self {
        let identity = format!(
            "{}/{}",
            whoami(),
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..8)
                .unwrap_or("0")
        );
        Self {
            apps,
            clusters: ClusterSet::new(kube),
            automation: Automation::new(identity),
            metrics: Metrics::default(),
            desired: DesiredCache::default(),
            warnings: Vec::new(),
            imported_appsets: Vec::new(),
            live: Default::default(),
            unsaved: Mutex::new(HashMap::new()),
            options: EngineOptions::default(),
            policies: None,
            policy_cache: Default::default(),
            findings_cache: Default::default(),
            pipelines: Vec::new(),
            sync_windows: Default::default(),
        }
    }

    /// Checks every sync against the admission policies of `policies`
    /// (tether.yaml `policies:`); None checks nothing.
    pub fn with_policies(mut self, policies: Option<PolicySource>) -> Self {
        self.policies = policies;
        self
    }

    /// The pipelines of tether.yaml `pipelines:` (promote, pipeline view).
    pub fn with_pipelines(mut self, pipelines: Vec<crate::model::PipelineSpec>) -> Self {
        self.pipelines = pipelines;
        self
    }

    /// The windows of tether.yaml `syncWindows:` (already checked by
    /// [`crate::config::parse`]; a bad one is dropped here with a warning).
    pub fn with_sync_windows(mut self, specs: &[crate::argocd::SyncWindowSpec]) -> Self {
        match crate::argocd::SyncWindows::new(specs) {
            Ok(windows) => self.sync_windows = windows,
            Err(e) => self.warnings.push(format!("syncWindows: {e}")),
        }
        self
    }

    /// This engine with other timeouts, retries and backoffs (before any
    /// cluster is contacted).
    pub fn with_options(mut self, options: EngineOptions) -> Self {
        self.clusters.set_timing(options.timing.clone());
        self.options = options;
        self
    }

    /// The engine's Prometheus metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn apps(&self) -> &[AppSpec] {
        &self.apps
    }

    /// The app `name` names: its ref (`KIND/NAMESPACE/NAME` for an
    /// imported app, `CONTEXT/NAMESPACE/NAME` for a live one), else its
    /// name when only one app has it. Several apps of one name are an
    /// error listing their refs. A Git-imported app that runs live is
    /// found as the live app (by either ref).
    pub fn app(&self, name: &str) -> Result<Arc<AppSpec>, EngineError> {
        let live = self.live_state();
        let listed = || {
            self.apps
                .iter()
                .filter(|a| !live.twins.contains(&a.reference()))
                .chain(live.apps.iter())
        };
        let by_git_ref = |a: &&AppSpec| {
            a.origin
                .as_ref()
                .is_some_and(|o| o.git_ref.as_deref() == Some(name))
        };
        if let Some(app) = listed().find(|a| a.reference() == name || by_git_ref(a)) {
            return Ok(Arc::new(app.clone()));
        }
        let named: Vec<&AppSpec> = listed().filter(|a| a.name == name).collect();
        match named.as_slice() {
            [app] => Ok(Arc::new((*app).clone())),
            [] => Err(EngineError::UnknownApp(name.to_string())),
            several => Err(EngineError::AmbiguousApp {
                name: name.to_string(),
                candidates: several.iter().map(|a| a.reference()).collect(),
            }),
        }
    }

    /// The app `name` names, when tether may change it: an imported app
    /// must have `manage: true` ([`AppSpec::read_only_reason`]).
    pub fn managed_app(&self, name: &str) -> Result<Arc<AppSpec>, EngineError> {
        let app = self.app(name)?;
        match app.read_only_reason() {
            Some(reason) => Err(EngineError::ReadOnly(reason)),
            None => Ok(app),
        }
    }

    /// Problems of the imports that are no single app's (a folder that
    /// cannot be read, a file that does not parse).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Adds import warnings (see [`Engine::warnings`]).
    pub fn with_warnings(mut self, warnings: Vec<String>) -> Self {
        self.warnings = warnings;
        self
    }

    /// Adds the ApplicationSets found in `import:` folders.
    pub fn with_imported_appsets(mut self, appsets: Vec<crate::model::ImportedAppSet>) -> Self {
        self.imported_appsets = appsets;
        self
    }

    /// The cluster (context) name an app deploys to.
    pub fn cluster_name(&self, app: &AppSpec) -> String {
        app.destination
            .context
            .clone()
            .or_else(|| self.clusters.default_context())
            .unwrap_or_else(|| "(no context)".to_string())
    }

    /// The status of one app. Failures become Unknown with the cause. An
    /// app whose dependencies (`dependsOn`) are not Synced and Healthy
    /// says what it waits for.
    pub async fn status(&self, app: &AppSpec) -> AppStatus {
        let policies = self.pass_policies();
        let mut status = self.own_status(app, &policies).await;
        self.mark_waiting(app, &mut status).await;
        status
    }

    /// The status of one app, its dependencies not looked at, with the
    /// findings of `policies` on its desired state.
    pub(super) async fn own_status(&self, app: &AppSpec, policies: &PassPolicies) -> AppStatus {
        if let Some(row) = self.live_row(app) {
            return row;
        }
        let cluster = self.cluster_name(app);
        let desired = match self.desired.render(app) {
            Ok(d) => d,
            Err(e) => return compare::unknown(app, &cluster, String::new(), e.to_string()),
        };
        let findings = self.policy_findings(app, &desired, policies);
        let mut status = self.compared_status(app, cluster, desired).await;
        status.policy = findings;
        status
    }

    /// The status of one app from its desired state and the cluster.
    async fn compared_status(
        &self,
        app: &AppSpec,
        cluster: String,
        desired: super::Desired,
    ) -> AppStatus {
        let client = match self
            .clusters
            .client(app.destination.context.as_deref())
            .await
        {
            Ok(c) => c,
            Err(e) => return compare::unknown(app, &cluster, desired.revision, e.to_string()),
        };
        if let Err(e) = client.ping().await {
            return compare::unknown(app, &cluster, desired.revision, e.to_string());
        }
        let state = read_state(&client, &app.name).await;
        let inventory = state
            .as_ref()
            .map(|s| s.inventory.as_slice())
            .unwrap_or_default();
        let secrets = desired.secrets.clone();
        let mut status = compare::app_status(app, &cluster, &client, desired, inventory).await;
        if !secrets.is_empty() {
            status.message = secrets.mask_text(&status.message);
            for resource in &mut status.resources {
                resource.message = secrets.mask_text(&resource.message);
            }
        }
        match &state {
            Ok(state) if state.paused => {
                status.paused = true;
                status.message = pause_message(state);
            }
            Ok(_) => {}
            Err(e) => {
                let reason = format!("cannot read the app state: {e}");
                if status.message.is_empty() {
                    status.message = format!("pause state unknown: {reason}");
                }
                status.pause_unknown = Some(reason);
            }
        }
        status
    }

    /// The status of every app, concurrently: tether's and imported apps
    /// (rendered and compared), then the live Argo CD and Flux apps of the
    /// contexts in scope (from their own status). An imported app that
    /// runs live shows once, as the live row. A context that cannot be read
    /// keeps the rows it had, turned Unknown with the cause.
    pub async fn status_all(&self) -> Vec<AppStatus> {
        let live = self.refresh_live().await;
        let own = self
            .apps
            .iter()
            .filter(|a| !live.twins.contains(&a.reference()));
        // A few apps per cluster at a time: each holds its rendered
        // objects while it waits for its cluster, and 5,000 apps started
        // at once all rendered before the first compare. Per cluster, so
        // an unreachable one holds up only its own apps.
        let gates = ClusterGates::default();
        let policies = self.pass_policies();
        let mut rows = futures::future::join_all(own.map(|a| {
            let policies = &policies;
            let gates = &gates;
            async move {
                let gate = gates.of(a.destination.context.as_deref());
                let _permit = gate.acquire().await;
                self.own_status(a, policies).await
            }
        }))
        .await;
        rows.extend(live.apps.iter().filter_map(|a| self.live_row(a)));
        super::depends::mark_all_waiting(&self.apps, &mut rows);
        rows
    }

    /// Applies an app's desired state. Checks first that the user may
    /// apply every object and write the sync record; saves the record
    /// (with any left unsaved before) in the app's state ConfigMap.
    pub async fn sync(&self, name: &str, options: &SyncOptions) -> Result<SyncReport, EngineError> {
        let app = if options.dry_run {
            self.app(name)?
        } else {
            self.managed_app(name)?
        };
        let app = app.as_ref();
        let mut by = options.by.clone().unwrap_or_else(whoami);
        if !options.dry_run {
            let windows = self.window_check(app, true, chrono::Utc::now());
            if !windows.allowed() && !options.override_window {
                return Err(EngineError::Sync {
                    app: app.name.clone(),
                    message: format!(
                        "{}; sync refused (--override-window syncs anyway)",
                        windows.reason()
                    ),
                });
            }
            if !windows.allowed() {
                by = format!("{by}, overriding {}", windows.blocking.join("; "));
            }
        }
        // A Flux Kustomization's CEL expressions are checked before it
        // waits or applies anything.
        super::flux_gate::check_before_sync(app)?;
        if !options.dry_run {
            self.wait_for_dependencies(app, options.progress.as_ref())
                .await?;
        }
        let desired = render_app(app, options.revision.as_ref())?;
        let policies = self.policy_set(&app.name)?;
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        // The checks look at the objects as they will be applied; the sync
        // prepares its own copy (preparing twice is not idempotent: marks
        // would reach objects added unmarked).
        let mut prepared = desired.objects.clone();
        super::compare::prepare_for_cluster(app, &client, &mut prepared).await;
        let touched = touched_by(&client, &prepared).await;
        let mut checks = object_checks(&client, &touched, false).await;
        if !options.dry_run {
            checks.extend(state_checks());
        }
        let action = if options.dry_run {
            "sync (dry-run)"
        } else {
            "sync"
        };
        self.require(&app.name, action, &client, &checks).await?;
        let mode = SyncMode {
            dry_run: options.dry_run,
            prune: options.prune,
            by,
            progress: options.progress.clone(),
            policies,
            apply_concurrency: self.options.apply_concurrency,
            ..Default::default()
        };
        let outcome = sync_app(app, &client, desired, &mode).await;
        if !options.dry_run {
            let result = if outcome.result.is_ok() {
                "Succeeded"
            } else {
                "Failed"
            };
            self.metrics.sync_done(&app.name, result);
        }
        let mut report = outcome.result;
        if let Some(record) = outcome.record {
            self.keep_unsaved(&app.name, record);
            if let Err(e) = self.save_state(&app.name, &client, |_| {}).await {
                let message = format!("the sync record is not saved yet: {e}");
                tracing::warn!(app = app.name, error = %e, "cannot save the sync record");
                match &mut report {
                    Ok(r) => r.record_error = Some(message),
                    Err(EngineError::Sync { message: m, .. }) => {
                        m.push_str(&format!(" (and {message})"));
                    }
                    Err(_) => {}
                }
            }
        }
        report
    }

    fn keep_unsaved(&self, app: &str, record: PendingRecord) {
        if let Ok(mut unsaved) = self.unsaved.lock() {
            unsaved.entry(app.to_string()).or_default().push(record);
        }
    }

    /// Writes the app's state with `change` applied and every unsaved sync
    /// record added; the records are dropped from memory once saved.
    pub(crate) async fn save_state(
        &self,
        app: &str,
        client: &ClusterClient,
        change: impl Fn(&mut AppStateRecord),
    ) -> Result<AppStateRecord, crate::cluster::ClusterError> {
        let records = self
            .unsaved
            .lock()
            .map(|u| u.get(app).cloned().unwrap_or_default())
            .unwrap_or_default();
        let saved = save_with(client, app, &records, change).await?;
        if let Ok(mut unsaved) = self.unsaved.lock()
            && let Some(list) = unsaved.get_mut(app)
        {
            list.drain(..records.len().min(list.len()));
        }
        Ok(saved)
    }

    /// Sync records of `app` not saved in its cluster yet.
    pub fn unsaved_records(&self, app: &str) -> usize {
        self.unsaved
            .lock()
            .map(|u| u.get(app).map_or(0, Vec::len))
            .unwrap_or(0)
    }

    /// Desired (at `revision`, default the app's own) vs live, per resource.
    pub async fn diff(
        &self,
        name: &str,
        revision: Option<&Revision>,
    ) -> Result<AppDiff, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let desired = render_app(app, revision)?;
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        client
            .ping()
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?;
        Ok(diff_app(app, &client, desired).await)
    }

    /// The desired objects of an app exactly as a sync would apply them:
    /// rendered at `revision` (default the app's own), the destination
    /// namespace set and the app's tracking marks added. Namespacing comes
    /// from the cluster's discovery when it answers, else from the table of
    /// kinds every cluster serves alike.
    pub async fn manifests(
        &self,
        name: &str,
        revision: Option<&Revision>,
    ) -> Result<super::Desired, EngineError> {
        let app = self.app(name)?;
        let app = app.as_ref();
        let mut desired = render_app(app, revision)?;
        let client = self
            .clusters
            .client(app.destination.context.as_deref())
            .await;
        match client {
            Ok(client) if client.ping().await.is_ok() => {
                compare::prepare_for_cluster(app, &client, &mut desired.objects).await;
            }
            _ => compare::prepare_offline(app, &mut desired.objects),
        }
        Ok(desired)
    }

    /// Fills each status's `denied`: the write actions the kubeconfig user
    /// may not run on that app, with the missing permission (from access
    /// reviews, kept for a while). Apps whose cluster cannot be reached
    /// are left alone.
    pub async fn fill_denials(&self, statuses: &mut [AppStatus]) {
        // By reference once, not a search of every app per row.
        let live = self.live_state();
        let listed: HashMap<String, &AppSpec> = self
            .apps
            .iter()
            .filter(|a| !live.twins.contains(&a.reference()))
            .chain(live.apps.iter())
            .map(|a| (a.reference(), a))
            .collect();
        for status in statuses.iter_mut() {
            let found;
            let spec: &AppSpec = match listed.get(status.key()) {
                Some(spec) => spec,
                None => match self.app(status.key()) {
                    Ok(spec) => {
                        found = spec;
                        &found
                    }
                    Err(_) => continue,
                },
            };
            let reachable = !(status.health == crate::model::HealthStatus::Unknown
                && status.resources.is_empty());
            if reachable
                && let Ok(client) = self
                    .clusters
                    .client(spec.destination.context.as_deref())
                    .await
            {
                status.denied = self.denials(&client, status).await;
            }
        }
    }

    /// Connection state of every cluster the apps use and every context
    /// watched for live apps.
    pub async fn cluster_states(&self) -> Vec<ClusterState> {
        let names: BTreeSet<String> = self
            .apps
            .iter()
            .map(|a| self.cluster_name(a))
            .chain(self.live.contexts.iter().cloned())
            .collect();
        // Concurrently: with many contexts watched, one slow cluster must
        // not hold up the others.
        futures::future::join_all(names.into_iter().map(|name| self.cluster_state(name))).await
    }

    async fn cluster_state(&self, name: String) -> ClusterState {
        match self.clusters.client(Some(&name)).await {
            Ok(client) => match client.ping().await {
                Ok(_) => ClusterState {
                    name,
                    server: client.server().to_string(),
                    connected: true,
                    message: String::new(),
                },
                Err(e) => ClusterState {
                    name,
                    server: client.server().to_string(),
                    connected: false,
                    message: e.to_string(),
                },
            },
            Err(e) => ClusterState {
                name,
                server: String::new(),
                connected: false,
                message: e.to_string(),
            },
        }
    }

    /// What the engine knows before its first pass: every app of
    /// tether.yaml and the imports, Unknown until compared, so a client
    /// draws the whole list at once instead of an empty table.
    pub(crate) fn pending_snapshot(&self) -> Snapshot {
        let apps = self
            .apps
            .iter()
            .map(|app| {
                let cluster = self.cluster_name(app);
                compare::unknown(app, &cluster, String::new(), PENDING_MESSAGE.into())
            })
            .collect();
        Snapshot {
            apps,
            repos: self.repo_names(),
            freezes: self.freezes(chrono::Utc::now()),
            ..Snapshot::default()
        }
    }

    fn repo_names(&self) -> Vec<String> {
        let repos: BTreeSet<String> = self
            .apps
            .iter()
            .map(|a| a.source.repo.display().to_string())
            .collect();
        repos.into_iter().collect()
    }

    pub(crate) async fn snapshot(&self, generation: u64) -> Snapshot {
        let started = std::time::Instant::now();
        let (mut apps, clusters) = tokio::join!(self.status_all(), self.cluster_states());
        self.metrics.reconciled(started.elapsed(), &apps);
        self.fill_denials(&mut apps).await;
        for status in &mut apps {
            self.automation.annotate(status);
        }
        let appsets = self.appset_rows(&apps);
        Snapshot {
            apps,
            appsets,
            clusters,
            repos: self.repo_names(),
            freezes: self.freezes(chrono::Utc::now()),
            generation,
        }
    }
}

/// `paused by ada@laptop at 2026-11-22T05:00:00Z: incident 42`.
pub fn pause_message(state: &AppStateRecord) -> String {
    let mut text = format!("paused by {} at {}", state.paused_by, state.paused_at);
    if !state.reason.is_empty() {
        text.push_str(": ");
        text.push_str(&state.reason);
    }
    text
}

/// The message of an app the engine has not compared yet.
pub const PENDING_MESSAGE: &str = "not compared yet";

/// How many apps of one cluster [`Engine::status_all`] computes at once.
const STATUS_APPS_PER_CLUSTER: usize = 4;

/// One semaphore per cluster context (None: the current context).
#[derive(Default)]
struct ClusterGates {
    gates: Mutex<HashMap<Option<String>, Arc<tokio::sync::Semaphore>>>,
}

impl ClusterGates {
    fn of(&self, context: Option<&str>) -> Arc<tokio::sync::Semaphore> {
        let mut gates = match self.gates.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        gates
            .entry(context.map(str::to_string))
            .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(STATUS_APPS_PER_CLUSTER)))
            .clone()
    }
}
