//! One module per subcommand, each printing for people (table) or scripts
//! (JSON/YAML). `run` dispatches and turns errors into one sentence on
//! stderr and an exit code.

mod args;
mod check;
mod controller;
mod demo;
mod diff;
mod history;
mod manifests;
mod output;
mod render;
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
    let command = cli.command.unwrap_or(Command::Ui(Default::default()));
    match command {
        Command::Render(args) => render::run(&args),
        Command::Demo(args) => demo::run(args).await,
        Command::Ui(args) => ui_command(load_engine(cli.config.as_deref(), kube)?, args).await,
        Command::Apps(args) | Command::Status(args) => {
            status::run(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Sync(args) => sync::run(&load_engine(cli.config.as_deref(), kube)?, &args).await,
        Command::Check(args) => check::run(&load_engine(cli.config.as_deref(), kube)?, &args),
        Command::Diff(args) => diff::run(&load_engine(cli.config.as_deref(), kube)?, &args).await,
        Command::Manifests(args) => {
            manifests::run(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Pause(args) => {
            history::pause(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Resume(args) => {
            history::resume(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::History(args) => {
            history::history(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Revert(args) => {
            history::revert(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Rollback(args) => {
            history::rollback(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Controller(args) => {
            controller::run(load_engine(cli.config.as_deref(), kube)?, &args).await
        }
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

/// Loads tether.yaml, reads its `import:` folders, and builds an engine on
/// the apps of both. Import problems that are no single app's are printed
/// as warnings (and kept for the UI).
pub fn load_engine(
    config: Option<&std::path::Path>,
    kube: KubeOptions,
) -> Result<Engine, CliError> {
    let config = crate::config::load(config).map_err(CliError::new)?;
    let mut apps = config.apps.clone();
    let mut warnings = Vec::new();
    if !config.import.is_empty() {
        let clusters = crate::cluster::ClusterSet::new(kube.clone());
        let index = crate::import::ClusterIndex {
            mappings: config.clusters.clone(),
            kube_servers: clusters.context_servers(),
            current: clusters.default_context(),
        };
        let imported = crate::import::import_apps(&config, index);
        apps.extend(imported.apps);
        warnings = imported.warnings;
    }
    for warning in &warnings {
        eprintln!("tether: warning: {warning}");
    }
    Ok(Engine::new(apps, kube)
        .with_warnings(warnings)
        .with_policies(config.policies.clone()))
}
