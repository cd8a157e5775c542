//! Sync: apply the desired state step by step — Namespaces and CRDs, then
//! each sync wave in kind order — with server-side apply (field manager
//! `tether`, conflicts forced), waiting for each step to be healthy before
//! the next; then prune (when asked) and record inventory and history.

use super::EngineError;
use super::compare::compare_resource;
use super::compare::prepare_for_cluster;
use super::desired::Desired;
use super::health_wait::{Wait, wait_healthy};
use super::hooks::{Hooks, finish_hook, in_phase, phase_waves, run_phase, start_hook};
use super::order::{Step, apply_batches, kind_rank, plan_steps};
use super::policies::admit;
use super::prune::prune_extras;
use super::record::{PendingRecord, inventory_of, now};
use super::snapshot::{Snapshot, fingerprint};
use super::sync_progress::{SyncReporter, SyncStep};
use crate::cluster::{ClusterClient, ClusterError, gvk_of, read_state};
use crate::diff::{changed_paths, managers_of, strip_noise};
use crate::model::{AppSpec, ResourceKey, SyncStatus};
use crate::policy::{PolicySet, Violation};
use futures::StreamExt;
use futures::stream::FuturesOrdered;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Server-side applies in flight at once within a step and kind, unless
/// configured (tether.yaml `client.applyConcurrency`).
pub const DEFAULT_APPLY_CONCURRENCY: usize = 8;

/// What a sync did (or, for a dry-run, would do) to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceResult {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// The sync wave (None for Namespaces and CRDs, applied first).
    pub wave: Option<i64>,
    /// `created`, `configured`, `unchanged` or `deleted` (a dry-run
    /// reports what it would do with the same words).
    pub action: String,
    /// Fields this sync takes from other field managers:
    /// `/spec/replicas from kubectl-edit (Update)`.
    pub takeovers: Vec<String>,
}

/// The outcome of a sync of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub app: String,
    pub revision: String,
    pub dry_run: bool,
    pub resources: Vec<ResourceResult>,
    /// Set when the sync record could not be saved in the cluster yet
    /// (the engine keeps it and saves it with the app's next state write).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_error: Option<String>,
    /// What the admission policies found: warnings and audits of a sync;
    /// for a dry-run also the denials that would refuse the sync.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
}

impl SyncReport {
    /// `N created, M configured, K unchanged[, S skipped][, D
    /// deleted][, P policy denials][, W policy warnings]`.
    pub fn summary(&self) -> String {
        let count = |a: &str| self.resources.iter().filter(|r| r.action == a).count();
        let mut text = format!(
            "{} created, {} configured, {} unchanged",
            count("created"),
            count("configured"),
            count("unchanged")
        );
        let skipped = count(super::flux_gate::SKIPPED);
        if skipped > 0 {
            text.push_str(&format!(", {skipped} skipped"));
        }
        let deleted = count("deleted");
        if deleted > 0 {
            text.push_str(&format!(", {deleted} deleted"));
        }
        let denials = self.violations.iter().filter(|v| v.denies()).count();
        let warnings = self.violations.len() - denials;
        if denials > 0 {
            text.push_str(&format!(", {denials} policy denials"));
        }
        if warnings > 0 {
            text.push_str(&format!(", {warnings} policy warnings"));
        }
        text
    }
}

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncMode {
    pub dry_run: bool,
    pub prune: bool,
    /// Who asked, for the history record (`user@host`, `controller`).
    pub by: String,
    /// How long one step may take to become healthy.
    pub step_timeout: Duration,
    /// Server-side applies in flight at once within a step and kind
    /// (at least 1; see [`super::order::apply_batches`]).
    pub apply_concurrency: usize,
    /// Where each step ([`SyncStep`]) is reported as it happens.
    pub progress: Option<tokio::sync::broadcast::Sender<super::EngineEvent>>,
    /// Admission policies checked before anything is applied.
    pub policies: Option<Arc<PolicySet>>,
    /// When the sync started (the progress steps' elapsed time).
    pub started: std::time::Instant,
}

impl Default for SyncMode {
    fn default() -> Self {
        Self {
            dry_run: false,
            prune: false,
            by: String::new(),
            step_timeout: Duration::from_secs(300),
            apply_concurrency: DEFAULT_APPLY_CONCURRENCY,
            progress: None,
            policies: None,
            started: std::time::Instant::now(),
        }
    }
}

/// What a sync did, and the record it leaves for the history (None for a
/// dry-run).
pub struct SyncOutcome {
    pub result: Result<SyncReport, EngineError>,
    pub record: Option<PendingRecord>,
}

/// Applies `desired` to the cluster step by step, then prunes; returns
/// the report and the record to save. When an admission policy denies an
/// object, nothing is applied or recorded (a dry-run reports the denials
/// instead).
pub async fn sync_app(
    app: &AppSpec,
    client: &ClusterClient,
    mut desired: Desired,
    mode: &SyncMode,
) -> SyncOutcome {
    let started = now();
    prepare_for_cluster(app, client, &mut desired.objects).await;
    let violations = match &mode.policies {
        Some(policies) => match admit(app, client, policies, &desired, mode.dry_run).await {
            Ok(violations) => violations,
            Err(e) => {
                return SyncOutcome {
                    result: Err(e),
                    record: None,
                };
            }
        },
        None => Vec::new(),
    };
    let revision = desired.revision.clone();
    let mut prints = HashMap::new();
    let mut carried = Vec::new();
    let result = run(app, client, &desired, mode, &mut prints, &mut carried)
        .await
        .map(|report| SyncReport {
            violations,
            ..report
        });
    let record = (!mode.dry_run).then(|| match &result {
        Ok(report) => PendingRecord::new(
            &revision,
            &started,
            "Succeeded",
            &mode.by,
            &report.summary(),
            Some(
                inventory_of(&desired.objects)
                    .into_iter()
                    .map(|mut entry| {
                        entry.applied = prints.remove(&entry.key);
                        entry
                    })
                    .chain(carried)
                    .collect(),
            ),
        ),
        Err(e) => PendingRecord::new(
            &revision,
            &started,
            "Failed",
            &mode.by,
            &e.to_string(),
            None,
        ),
    });
    SyncOutcome { result, record }
}

/// Runs a sync; `prints` receives the [`fingerprint`] of every object
/// applied.
async fn run(
    app: &AppSpec,
    client: &ClusterClient,
    desired: &Desired,
    mode: &SyncMode,
    prints: &mut HashMap<ResourceKey, String>,
    carried: &mut Vec<crate::cluster::InventoryEntry>,
) -> Result<SyncReport, EngineError> {
    let state = read_state(client, &app.name)
        .await
        .map_err(|e| EngineError::Sync {
            app: app.name.clone(),
            message: format!(
                "cannot read the app state (inventory and history), nothing applied: {e}"
            ),
        })?;
    let hooks = &Hooks::new(&desired.hooks, &desired.revision);
    let mut resources = Vec::with_capacity(desired.objects.len());
    let reporter = SyncReporter::since(&app.name, mode.progress.as_ref(), mode.started);
    // As Argo CD, the namespace CreateNamespace=true creates exists before
    // the PreSync hooks run.
    let (early, rest): (Vec<Value>, Vec<Value>) = desired
        .objects
        .iter()
        .cloned()
        .partition(|o| !hooks.is_empty() && is_created_namespace(app, o));
    let mut outcome = Ok(());
    for namespace in &early {
        match apply_one(app, client, namespace, None, None, None, mode.dry_run).await {
            Ok((result, print)) => {
                prints.extend(print);
                reporter.send(SyncStep::Applied(result.clone()));
                resources.push(result);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    let steps = plan_steps(rest);
    if outcome.is_ok() {
        outcome = run_phase(app, client, hooks, "PreSync", None, mode, &mut resources).await;
    }
    if outcome.is_ok() {
        let recorded = state
            .inventory
            .iter()
            .filter_map(|e| Some((e.key.clone(), e.applied.clone()?)))
            .collect();
        let mut applied = Applied {
            results: &mut resources,
            prints,
            recorded,
        };
        outcome = apply_steps(app, client, &steps, hooks, mode, &reporter, &mut applied).await;
    }
    if outcome.is_ok() && mode.prune {
        outcome = prune_extras(
            app,
            client,
            &desired.objects,
            &state.inventory,
            mode,
            &reporter,
            &mut resources,
        )
        .await;
    }
    if outcome.is_ok() && !mode.dry_run {
        // A Flux Kustomization's `wait` / `healthChecks`.
        outcome =
            super::flux_gate::wait_for_gate(app, client, &desired.objects, &resources, &reporter)
                .await;
    }
    if outcome.is_ok() && !phase_waves(hooks, "PostSync").is_empty() {
        // PostSync hooks run once every object is healthy.
        if !mode.dry_run {
            let all = Step {
                wave: None,
                objects: desired.objects.clone(),
            };
            let wait = Wait {
                step: &all,
                before: Some("PostSync"),
                judge: None,
            };
            outcome = wait_healthy(app, client, wait, mode.step_timeout, &reporter).await;
        }
        if outcome.is_ok() {
            outcome = run_phase(app, client, hooks, "PostSync", None, mode, &mut resources).await;
        }
    }
    if let Err(e) = &mut outcome
        && !hooks.is_empty()
        && let Err(EngineError::Sync { message, .. }) =
            run_phase(app, client, hooks, "SyncFail", None, mode, &mut resources).await
        && let EngineError::Sync { message: first, .. } = e
    {
        first.push_str(&format!(" (and {message})"));
    }
    outcome.map_err(|e| e.masked(&desired.secrets))?;
    *carried = still_tracked(&state.inventory, &desired.objects, mode.prune, &resources);
    Ok(SyncReport {
        app: app.name.clone(),
        revision: desired.revision.clone(),
        dry_run: mode.dry_run,
        resources,
        record_error: None,
        violations: Vec::new(),
    })
}

/// The entries of the last inventory that Git no longer describes and
/// whose objects may still be live: all of them after a sync without
/// prune, those a prune found and kept (`Prune=false`, …) after one. They
/// stay in the inventory (without a fingerprint), so later statuses and
/// prunes still look for their kinds and namespaces; an object a prune
/// deleted, or did not find, leaves it.
fn still_tracked(
    inventory: &[crate::cluster::InventoryEntry],
    desired: &[Value],
    pruned: bool,
    results: &[ResourceResult],
) -> Vec<crate::cluster::InventoryEntry> {
    let desired: std::collections::HashSet<ResourceKey> = desired
        .iter()
        .filter_map(ResourceKey::from_object)
        .collect();
    inventory
        .iter()
        .filter(|e| !desired.contains(&e.key))
        .filter(|e| {
            !pruned
                || results.iter().any(|r| {
                    r.action != "deleted"
                        && r.group == e.key.group
                        && r.kind == e.key.kind
                        && r.name == e.key.name
                        && r.namespace == e.key.namespace.as_deref().unwrap_or_default()
                })
        })
        .map(|e| crate::cluster::InventoryEntry {
            applied: None,
            ..e.clone()
        })
        .collect()
}

/// What a sync's steps applied so far: the results and fingerprints.
struct Applied<'a> {
    results: &'a mut Vec<ResourceResult>,
    prints: &'a mut HashMap<ResourceKey, String>,
    /// The fingerprints the last sync recorded in the inventory.
    recorded: HashMap<ResourceKey, String>,
}

/// Applies the steps in order, each waited on until healthy before the
/// next. The Sync-phase hooks of a wave are created among the wave's
/// objects in kind order (Argo CD sorts a wave's tasks by kind, then
/// name), then waited on until done before the wave is; hooks of a wave
/// without objects run at their place in the order.
async fn apply_steps(
    app: &AppSpec,
    client: &ClusterClient,
    steps: &[Step],
    hooks: &Hooks<'_>,
    mode: &SyncMode,
    reporter: &SyncReporter<'_>,
    applied: &mut Applied<'_>,
) -> Result<(), EngineError> {
    let total: usize = steps.iter().map(|s| s.objects.len()).sum();
    let mut hook_waves = phase_waves(hooks, "Sync").into_iter().peekable();
    for (i, step) in steps.iter().enumerate() {
        while let (Some(wave), Some(hook_wave)) = (step.wave, hook_waves.peek().copied())
            && hook_wave < wave
        {
            run_phase(
                app,
                client,
                hooks,
                "Sync",
                Some(hook_wave),
                mode,
                applied.results,
            )
            .await?;
            hook_waves.next();
        }
        let mut wave_hooks = match step.wave {
            Some(wave) if hook_waves.peek() == Some(&wave) => {
                hook_waves.next();
                in_phase(hooks, "Sync", Some(wave))
            }
            _ => Vec::new(),
        }
        .into_iter()
        .peekable();
        reporter.send(SyncStep::Wave {
            wave: step.wave,
            resources: step.objects.len(),
        });
        let mut started = Vec::new();
        for batch in apply_batches(&step.objects) {
            let rank = kind_rank(batch[0].get("kind").and_then(Value::as_str).unwrap_or(""));
            while let Some(hook) = wave_hooks.next_if(|h| h.order().0 <= rank) {
                started
                    .extend(start_hook(app, client, &hook, "Sync", mode, applied.results).await?);
            }
            apply_batch(app, client, step, batch, total, mode, reporter, applied).await?;
        }
        for hook in wave_hooks {
            started.extend(start_hook(app, client, &hook, "Sync", mode, applied.results).await?);
        }
        for hook in started {
            finish_hook(app, client, hook, mode).await?;
        }
        let more = i + 1 < steps.len();
        if more && !mode.dry_run {
            let wait = Wait {
                step,
                before: None,
                judge: None,
            };
            wait_healthy(app, client, wait, mode.step_timeout, reporter).await?;
        }
    }
    for wave in hook_waves {
        run_phase(
            app,
            client,
            hooks,
            "Sync",
            Some(wave),
            mode,
            applied.results,
        )
        .await?;
    }
    Ok(())
}

/// Applies one batch of a step (objects of one kind), at most
/// `apply_concurrency` at once, results in apply order.
#[allow(clippy::too_many_arguments)]
async fn apply_batch(
    app: &AppSpec,
    client: &ClusterClient,
    step: &Step,
    batch: &[Value],
    total: usize,
    mode: &SyncMode,
    reporter: &SyncReporter<'_>,
    applied: &mut Applied<'_>,
) -> Result<(), EngineError> {
    // One LIST reads the batch's live objects instead of a GET each.
    let mut snapshot = Snapshot::read(client, batch).await;
    let mut waiting = batch.iter();
    let mut applies = FuturesOrdered::new();
    loop {
        while applies.len() < mode.apply_concurrency.max(1) {
            let Some(object) = waiting.next() else { break };
            let key = ResourceKey::from_object(object);
            let known = key.as_ref().and_then(|k| snapshot.take(k));
            let recorded = key.as_ref().and_then(|k| applied.recorded.get(k));
            applies.push_back(apply_one(
                app,
                client,
                object,
                known,
                recorded,
                step.wave,
                mode.dry_run,
            ));
        }
        let Some(result) = applies.next().await else {
            return Ok(());
        };
        let (result, print) = result.map_err(|e| EngineError::Sync {
            app: app.name.clone(),
            message: format!(
                "{}: {}; {} of {total} resources applied before it, later steps not started",
                step_name(step),
                e.detail(),
                applied.results.len()
            ),
        })?;
        applied.prints.extend(print);
        reporter.send(SyncStep::Applied(result.clone()));
        applied.results.push(result);
    }
}

/// The destination namespace, when `CreateNamespace=true` creates it.
fn is_created_namespace(app: &AppSpec, object: &Value) -> bool {
    app.has_sync_option("CreateNamespace=true")
        && object.get("kind").and_then(Value::as_str) == Some("Namespace")
        && object.pointer("/metadata/name").and_then(Value::as_str)
            == app.destination.namespace.as_deref()
}

/// `wave 2`, or `Namespaces and CRDs` for the first step.
fn step_name(step: &Step) -> String {
    super::sync_progress::step_label(step.wave)
}

/// Applies one object; `known` is its live state when a LIST of its
/// batch already read it (else it is read with a GET). Returns what was
/// done and the object's [`fingerprint`] after the apply.
///
/// An object whose fingerprint equals `recorded` (the last sync's) is
/// verified unchanged and not applied again: the same object would be
/// applied over the same fields tether owns, which changes nothing.
async fn apply_one(
    app: &AppSpec,
    client: &ClusterClient,
    object: &Value,
    known: Option<Option<Value>>,
    recorded: Option<&String>,
    wave: Option<i64>,
    dry_run: bool,
) -> Result<(ResourceResult, Option<(ResourceKey, String)>), EngineError> {
    let key = ResourceKey::from_object(object).ok_or_else(|| EngineError::Sync {
        app: app.name.clone(),
        message: "a manifest has no apiVersion, kind or metadata.name".to_string(),
    })?;
    let gvk = gvk_of(object).unwrap_or_default();
    let before = match known {
        Some(found) => found,
        None => match client.get(&gvk, key.namespace.as_deref(), &key.name).await {
            Ok(found) => found,
            // Served only once a CRD of an earlier step is established.
            Err(ClusterError::UnknownKind { .. }) => None,
            Err(e) => return Err(EngineError::cluster(&app.name, e)),
        },
    };
    if super::flux_gate::skip_reason(app, object, before.as_ref()).is_some() {
        return Ok((super::flux_gate::skipped_result(key, wave), None));
    }
    let cleaned = match &before {
        Some(live) if !dry_run => super::flux_apply::clean_up(app, client, object, live).await?,
        _ => false,
    };
    if let Some(live) = &before {
        if app.sync_option("FailOnSharedResource") == Some("true")
            && let Some(owner) = tracked_by_other(live, &app.tracking())
        {
            return Err(EngineError::Sync {
                app: app.name.clone(),
                message: format!("{key} belongs to app {owner} (FailOnSharedResource=true)"),
            });
        }
        let print = fingerprint(object, live);
        let verified = print.is_some() && print.as_ref() == recorded;
        if !cleaned
            && (verified
                || app.sync_option("ApplyOutOfSyncOnly") == Some("true")
                    && compare_resource(object, Some(live), &app.ignore_differences).sync
                        == SyncStatus::Synced)
        {
            let print = print.map(|p| (key.clone(), p));
            let result = ResourceResult {
                group: key.group,
                kind: key.kind,
                namespace: key.namespace.unwrap_or_default(),
                name: key.name,
                wave,
                action: "unchanged".to_string(),
                takeovers: Vec::new(),
            };
            return Ok((result, print));
        }
    }
    let applied = match client.apply(object, dry_run).await {
        Ok(outcome) => Some(outcome.object),
        // A dry-run cannot create into a namespace or kind that an earlier
        // step of the same (dry) sync would create first.
        Err(e)
            if dry_run
                && before.is_none()
                && (e.is_not_found() || matches!(e, ClusterError::UnknownKind { .. })) =>
        {
            None
        }
        Err(e) => {
            if let Some(live) = &before
                && super::flux_apply::recreates(app, object, live, &e)
            {
                return super::flux_apply::recreate(app, client, object, &key, wave, dry_run).await;
            }
            return Err(EngineError::Sync {
                app: app.name.clone(),
                message: format!("cannot apply {key}: {e}"),
            });
        }
    };
    let (action, takeovers) = match (&before, &applied) {
        (None, _) => ("created", Vec::new()),
        (Some(live), Some(after)) => {
            let (old, new) = (strip_noise(live), strip_noise(after));
            let changed = changed_paths(&old, &new);
            let takeovers = takeovers(live, &changed);
            (
                if changed.is_empty() {
                    "unchanged"
                } else {
                    "configured"
                },
                takeovers,
            )
        }
        (Some(_), None) => ("configured", Vec::new()),
    };
    let print = applied
        .as_ref()
        .filter(|_| !dry_run)
        .and_then(|after| fingerprint(object, after))
        .map(|p| (key.clone(), p));
    let result = ResourceResult {
        group: key.group,
        kind: key.kind,
        namespace: key.namespace.unwrap_or_default(),
        name: key.name,
        wave,
        action: action.to_string(),
        takeovers,
    };
    Ok((result, print))
}

/// The app whose mark (of the same scheme) `live` carries, when it is
/// not this one.
fn tracked_by_other(live: &Value, tracking: &crate::model::Tracking) -> Option<String> {
    let owner = super::tracking::owner_of(tracking, live)?;
    (owner != tracking.owner()).then_some(owner)
}

/// Changed fields that another manager owned before this apply.
fn takeovers(live: &Value, changed: &[String]) -> Vec<String> {
    changed
        .iter()
        .flat_map(|path| {
            managers_of(live, path)
                .into_iter()
                .filter(|m| !m.starts_with(&format!("{} ", crate::cluster::FIELD_MANAGER)))
                .map(move |m| format!("{path} from {m}"))
        })
        .collect()
}
