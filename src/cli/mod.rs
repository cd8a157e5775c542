//! One module per subcommand, each printing for people (table) or scripts
//! (JSON/YAML). `run` dispatches and turns errors into one sentence on
//! stderr and an exit code.

mod action;
mod args;
mod check;
mod compare;
mod controller;
pub mod demo;
mod demo_canary;
mod diff;
mod history;
mod live;
mod manifests;
mod output;
mod pipeline;
mod progress;
mod promote;
mod render;
mod stage_args;
mod status;
mod sync;
#[cfg(feature = "tui")]
mod ui;

pub use args::{Cli, Command, OutputFormat};
pub use output::{CliError, CliResult, table};

use crate::cluster::KubeOptions;
use crate::engine::Engine;

/// Runs a parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    match dispatch(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tether: {}", e.message);
            e.code
        }
    }
}

async fn dispatch(cli: Cli) -> CliResult {
    let kube = KubeOptions {
        kubeconfig: cli.kubeconfig.clone(),
        context: cli.context.clone(),
    };
    let options = LoadOptions {
        all_contexts: cli.all_contexts,
        kustomize: cli.kustomize.map(crate::model::KustomizeMode::from),
        qps: cli.qps,
        burst: cli.burst,
    };
    let config = cli.config.as_deref();
    // Every command that loads the engine gets `--kustomize` and the live
    // apps of the watched contexts.
    let engine = || ready_engine(config, kube.clone(), &options);
    let command = cli.command.unwrap_or(Command::Ui(Default::default()));
    match command {
        Command::Render(args) => render::run(&args, config, options.kustomize),
        Command::Demo(args) => demo::run(args).await,
        Command::Ui(args) => ui_command(engine().await?, args).await,
        Command::Apps(args) | Command::Status(args) => status::run(&engine().await?, &args).await,
        Command::Sync(args) => sync::run(&engine().await?, &args).await,
        Command::Check(args) => check::run(&engine().await?, &args),
        Command::Compare(args) => compare::run(&engine().await?, &args),
        Command::Promote(args) => promote::run(&engine().await?, &args).await,
        Command::Pipeline(args) => pipeline::run(&engine().await?, &args).await,
        Command::Windows(args) => pipeline::windows(&engine().await?, &args),
        Command::Diff(args) => diff::run(&engine().await?, &args).await,
        Command::Manifests(args) => manifests::run(&engine().await?, &args).await,
        Command::Pause(args) => history::pause(&engine().await?, &args).await,
        Command::Refresh(args) => history::refresh(&engine().await?, &args).await,
        Command::Terminate(args) => history::terminate(&engine().await?, &args).await,
        Command::Resume(args) => history::resume(&engine().await?, &args).await,
        Command::History(args) => history::history(&engine().await?, &args).await,
        Command::Revert(args) => history::revert(&engine().await?, &args).await,
        Command::Rollback(args) => history::rollback(&engine().await?, &args).await,
        Command::Action(args) => action::run(&engine().await?, &args).await,
        Command::Controller(args) => controller::run(engine().await?, &args).await,
    }
}

#[cfg(feature = "tui")]
async fn ui_command(engine: Engine, args: args::UiArgs) -> CliResult {
    ui::run(std::sync::Arc::new(engine), args, "tether").await
}

#[cfg(not(feature = "tui"))]
async fn ui_command(_engine: Engine, _args: args::UiArgs) -> CliResult {
    Err(CliError::new(
        "this build has no terminal UI (built without the `tui` feature); use the subcommands",
    ))
}

/// What loading the engine takes from the command line.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--all-contexts`: watch every context for live apps.
    pub all_contexts: bool,
    /// `--kustomize`: how every app's Kustomize roots are built.
    pub kustomize: Option<crate::model::KustomizeMode>,
    /// `--qps` and `--burst`, over tether.yaml `client:`.
    pub qps: Option<u32>,
    pub burst: Option<u32>,
}

/// Loads tether.yaml, reads its `import:` folders, and builds an engine on
/// the apps of both, watching the contexts of `clusters:` (every context
/// with `all_contexts`) for live Argo CD and Flux apps. Without a
/// tether.yaml (and no `--config`), the engine shows the live apps of the
/// current context (or all). Import problems that are no single app's are
/// printed as warnings (and kept for the UI).
pub fn load_engine(
    config: Option<&std::path::Path>,
    kube: KubeOptions,
    options: &LoadOptions,
) -> Result<Engine, CliError> {
    let clusters = crate::cluster::ClusterSet::new(kube.clone());
    let mut config = match crate::config::load(config) {
        Ok(config) => config,
        Err(crate::config::ConfigError::NotFound { .. }) if config.is_none() => {
            crate::config::Config::default()
        }
        Err(e) => return Err(CliError::new(e)),
    };
    if let Some(mode) = options.kustomize {
        config
            .apps
            .iter_mut()
            .for_each(|app| app.set_kustomize_mode(mode));
    }
    let index = crate::import::ClusterIndex {
        mappings: config.clusters.clone(),
        kube_servers: clusters.context_servers(),
        current: clusters.default_context(),
    };
    let mut apps = config.apps.clone();
    let mut warnings = Vec::new();
    let mut appsets = Vec::new();
    if !config.import.is_empty() {
        let imported = crate::import::import_apps(&config, index.clone());
        let defaults = config.render.clone();
        apps.extend(imported.apps.into_iter().map(|mut app| {
            app.render = app.render.over(&defaults);
            if let Some(mode) = options.kustomize {
                app.set_kustomize_mode(mode);
            }
            app
        }));
        warnings = imported.warnings;
        appsets = imported.appsets;
    }
    for warning in &warnings {
        eprintln!("tether: warning: {warning}");
    }
    let contexts = live_contexts(&config, &clusters, options.all_contexts);
    let mapping = crate::import::mapping_context(&config, index);
    let client = config.client.with_flags(options.qps, options.burst);
    Ok(Engine::new(apps, kube)
        .with_options(engine_options(&client))
        .with_warnings(warnings)
        .with_imported_appsets(appsets)
        .with_policies(config.policies.clone())
        .with_pipelines(config.pipelines.clone())
        .with_sync_windows(&config.sync_windows)
        .with_live(contexts, mapping))
}

/// The engine options of tether.yaml `client:` (with the flags over it);
/// everything else default. The burst defaults to the QPS.
fn engine_options(client: &crate::config::ClientSettings) -> crate::engine::EngineOptions {
    let defaults = crate::engine::EngineOptions::default();
    let qps = client.qps.unwrap_or(defaults.timing.qps);
    crate::engine::EngineOptions {
        timing: crate::cluster::Timing {
            qps,
            burst: client.burst.unwrap_or(qps).max(1),
            ..defaults.timing.clone()
        },
        apply_concurrency: client
            .apply_concurrency
            .map_or(defaults.apply_concurrency, std::num::NonZeroUsize::get),
        ..defaults
    }
}

/// [`load_engine`], with the live apps of the watched contexts read, so
/// commands can name them.
async fn ready_engine(
    config: Option<&std::path::Path>,
    kube: KubeOptions,
    options: &LoadOptions,
) -> Result<Engine, CliError> {
    let engine = load_engine(config, kube, options)?;
    let live = engine.refresh_live().await;
    for note in &live.view.notes {
        eprintln!("tether: warning: {note}");
    }
    for (_, cause) in &live.view.down {
        eprintln!("tether: warning: {cause}");
    }
    Ok(engine)
}

/// The contexts watched for live apps: every one with `--all-contexts`,
/// else those of `clusters:`, else (no tether apps or imports either) the
/// current context.
fn live_contexts(
    config: &crate::config::Config,
    clusters: &crate::cluster::ClusterSet,
    all: bool,
) -> Vec<String> {
    if all {
        return clusters.contexts();
    }
    if !config.clusters.is_empty() {
        return config.clusters.iter().map(|c| c.context.clone()).collect();
    }
    if config.apps.is_empty() && config.import.is_empty() {
        return clusters.default_context().into_iter().collect();
    }
    Vec::new()
}
