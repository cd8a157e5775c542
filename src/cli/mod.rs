//! One module per subcommand, each printing for people (table) or scripts
//! (JSON/YAML). `run` dispatches and turns errors into one sentence on
//! stderr and an exit code.

mod args;
mod controller;
mod demo;
mod diff;
mod history;
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
    let kustomize = cli.kustomize.map(crate::model::KustomizeMode::from);
    // Every command that loads the engine gets `--kustomize`.
    let load_engine = |config: Option<&std::path::Path>, kube: KubeOptions| {
        load_engine_with(config, kube, kustomize)
    };
    match command {
        Command::Render(args) => render::run(&args, cli.config.as_deref(), kustomize),
        Command::Demo(args) => demo::run(args).await,
        Command::Ui(args) => ui_command(load_engine(cli.config.as_deref(), kube)?, args).await,
        Command::Apps(args) | Command::Status(args) => {
            status::run(&load_engine(cli.config.as_deref(), kube)?, &args).await
        }
        Command::Sync(args) => sync::run(&load_engine(cli.config.as_deref(), kube)?, &args).await,
        Command::Diff(args) => diff::run(&load_engine(cli.config.as_deref(), kube)?, &args).await,
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

/// Loads tether.yaml and builds an engine on it.
pub fn load_engine(
    config: Option<&std::path::Path>,
    kube: KubeOptions,
) -> Result<Engine, CliError> {
    load_engine_with(config, kube, None)
}

/// [`load_engine`], with every app's Kustomize mode set when `kustomize`
/// is given (`--kustomize`).
pub fn load_engine_with(
    config: Option<&std::path::Path>,
    kube: KubeOptions,
    kustomize: Option<crate::model::KustomizeMode>,
) -> Result<Engine, CliError> {
    let mut config = crate::config::load(config).map_err(CliError::new)?;
    if let Some(mode) = kustomize {
        config
            .apps
            .iter_mut()
            .for_each(|app| app.set_kustomize_mode(mode));
    }
    Ok(Engine::new(config.apps, kube))
}
