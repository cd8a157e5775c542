//! Command-line arguments (DESIGN.md §3).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// GitOps from the terminal: live app trees, sync and health, diffs and
/// history across clusters, with a headless engine behind every action.
#[derive(Debug, Parser)]
#[command(name = "tether", version, about, long_about = None)]
pub struct Cli {
    /// tether.yaml to use (default: ./tether.yaml, then the user config dir).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// kubeconfig context for apps that name none (default: current context).
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Watch every kubeconfig context for live Argo CD and Flux apps (not
    /// only those of `clusters:` in tether.yaml).
    #[arg(long, global = true)]
    pub all_contexts: bool,
    /// How Kustomize roots are built, for every app: tether's own
    /// (native) or the kustomize binary (overrides `render.kustomize`).
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub kustomize: Option<KustomizeArg>,
    /// Requests per second to each API server (default: no limit; overrides
    /// `client.qps`).
    #[arg(long, global = true, value_name = "N")]
    pub qps: Option<u32>,
    /// Requests at once before `--qps` paces them (default: the QPS;
    /// overrides `client.burst`).
    #[arg(long, global = true, value_name = "N")]
    pub burst: Option<u32>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output format of read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

/// `--kustomize native|binary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KustomizeArg {
    /// tether's own Kustomize.
    Native,
    /// `kustomize build` (or `kubectl kustomize`) from PATH or $TETHER_KUSTOMIZE.
    Binary,
}

impl From<KustomizeArg> for crate::model::KustomizeMode {
    fn from(arg: KustomizeArg) -> Self {
        match arg {
            KustomizeArg::Native => crate::model::KustomizeMode::Native,
            KustomizeArg::Binary => crate::model::KustomizeMode::Binary,
        }
    }
}

#[derive(Debug, Args, Clone, Copy)]
pub struct OutputArg {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The full-screen UI on the configured apps (the default command).
    Ui(UiArgs),
    /// The UI on the embedded demo: two simulated clusters and a demo Git repository.
    Demo(DemoArgs),
    /// Print an app folder's rendered manifests as a YAML stream.
    Render(RenderArgs),
    /// Sync and health of every app (same as `status` without names).
    Apps(StatusArgs),
    /// Sync and health per app, and per resource when apps are named.
    Status(StatusArgs),
    /// Desired vs live state of an app (exit 0 in sync, 1 differs, 2 error).
    Diff(DiffArgs),
    /// The desired state of an app exactly as a sync would apply it
    /// (namespaces and tracking marks included; Secret values masked).
    Manifests(ManifestsArgs),
    /// Apply an app's desired state to its cluster (refused when an
    /// admission policy of tether.yaml `policies:` denies it).
    Sync(SyncArgs),
    /// Check an app's desired state against the admission policies of
    /// tether.yaml `policies:`, offline (exit 0 pass, 1 denied, 2 error).
    Check(CheckArgs),
    /// Diff two apps' desired states without what differs between stages
    /// by design (namespace, name prefix/suffix, tracking marks); exit 0
    /// same, 1 differs, 2 error.
    Compare(super::stage_args::CompareArgs),
    /// Commit the previous stage's versions (images, Helm values, files)
    /// into a stage of a pipeline, keeping the files' comments and
    /// layout; prints the commit id.
    Promote(super::stage_args::PromoteArgs),
    /// Pipelines stage by stage: what each runs, sync, health, gates and
    /// what the next promotion would change.
    Pipeline(super::stage_args::PipelineArgs),
    /// Sync windows of tether.yaml and the apps each blocks now.
    Windows(super::stage_args::WindowsArgs),
    /// Stop automated sync and self-heal of an app for everyone (recorded in the cluster).
    Pause(PauseArgs),
    /// Restart automated sync of a paused app.
    Resume(AppArg),
    /// Commits touching the app path, and sync records.
    History(HistoryArgs),
    /// Ask Argo CD to refresh a live app, or Flux to reconcile it.
    Refresh(RefreshArgs),
    /// Terminate the running Argo CD sync operation of a live app.
    Terminate(LiveArgs),
    /// Commit a revert of COMMIT (default: the newest touching the app path); prints its id.
    Revert(RevertArgs),
    /// Sync the revision of history entry ID and pause the app.
    Rollback(RollbackArgs),
    /// Run a resource action (Rollout promote/abort/…, Canary suspend/…,
    /// Deployment restart/pause/resume) on an object the app deploys.
    Action(ActionArgs),
    /// The headless engine for all apps (automated sync, self-heal), with /metrics and /healthz.
    Controller(ControllerArgs),
}

#[derive(Debug, Args, Default)]
pub struct UiArgs {
    /// Colour theme (themes/*.yaml or the user config dir).
    #[arg(long)]
    pub theme: Option<String>,
    /// Key bindings (keymaps/*.yaml or the user config dir).
    #[arg(long)]
    pub keymap: Option<String>,
    /// Hide and refuse actions that change anything (sync, prune, revert).
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Serve the simulated API only, printing a kubeconfig path; no UI.
    #[arg(long)]
    pub no_ui: bool,
    /// Port of the first simulated cluster with --no-ui (0 = any free port;
    /// the second cluster takes the next port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// With --no-ui: empty clusters only, without the demo repository
    /// and apps (for benchmarks and experiments).
    #[arg(long, requires = "no_ui")]
    pub bare: bool,
    /// With --bare: milliseconds each request costs the simulated server,
    /// standing in for a real API server (see docs/PERFORMANCE.md).
    #[arg(long, default_value_t = 0.0, value_name = "MS", requires = "bare")]
    pub request_ms: f64,
    /// With --bare: requests the simulated server works on at once (its
    /// cores); 0 = no limit.
    #[arg(long, default_value_t = 0, value_name = "N", requires = "bare")]
    pub request_slots: usize,
    /// With --bare: serve https:// with a CA of its own (written into the
    /// kubeconfig) and HTTP/2 offered, as a kube-apiserver does.
    #[arg(long, requires = "bare")]
    pub tls: bool,
    #[command(flatten)]
    pub ui: UiArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Folder to render (relative to --repo when given).
    #[arg(required_unless_present = "app")]
    pub path: Option<String>,
    /// Render this app of tether.yaml (its repository, path, revision and
    /// Helm options) instead of a folder.
    #[arg(long, value_name = "APP", conflicts_with_all = ["path", "repo"])]
    pub app: Option<String>,
    /// Git revision to render from (branch, tag, commit, HEAD, WORKTREE).
    #[arg(long)]
    pub revision: Option<String>,
    /// Git checkout to read from (default: the repository around PATH when
    /// --revision is given, else the files on disk).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Render Kustomize roots both ways (native and the kustomize binary)
    /// and print a unified diff of the two outputs: exit 0 identical, 1
    /// different, 2 error.
    #[arg(long)]
    pub check: bool,
    /// kustomize's load restrictor: rootOnly (LoadRestrictionsRootOnly, the
    /// default) or none (LoadRestrictionsNone: files anywhere in the repository).
    #[arg(long, value_name = "RESTRICTOR", value_parser = parse_load_restrictor)]
    pub load_restrictor: Option<crate::model::LoadRestrictor>,
}

fn parse_load_restrictor(s: &str) -> Result<crate::model::LoadRestrictor, String> {
    serde_yaml::from_str(&format!("{s:?}")).map_err(|e| crate::yaml::YamlError::Serde(e).message())
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Apps to show (default: all).
    pub apps: Vec<String>,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    pub app: String,
    /// Diff this revision (branch, tag, commit) against live instead of the app's own.
    #[arg(long)]
    pub revision: Option<String>,
    /// Diff the working tree (uncommitted files) against live.
    #[arg(long)]
    pub local: bool,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct ManifestsArgs {
    /// The app (its name, or KIND/NAMESPACE/NAME for an imported one).
    pub app: String,
    /// Render this revision (branch, tag, commit, WORKTREE) instead of the app's own.
    #[arg(long)]
    pub revision: Option<String>,
    /// Output format: a YAML stream (table, the default), or json/yaml lists.
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    pub app: String,
    /// Also delete tracked objects the app no longer renders (never untracked
    /// ones, never those annotated tether.dev/prune=false).
    #[arg(long)]
    pub prune: bool,
    /// Show what would change; change nothing (server-side dry-run).
    #[arg(long)]
    pub dry_run: bool,
    /// Sync this revision instead of the app's own.
    #[arg(long)]
    pub revision: Option<String>,
    /// Sync even though the app is paused (someone stopped its automation
    /// on purpose; `status` says who and why).
    #[arg(long)]
    pub paused_ok: bool,
    /// Sync even though a sync window blocks the app now (recorded in
    /// the history as who overrode which window).
    #[arg(long)]
    pub override_window: bool,
    /// Live Argo CD apps: sync only this resource (KIND/NAMESPACE/NAME or
    /// GROUP/KIND/NAMESPACE/NAME; repeatable).
    #[arg(long = "resource", value_name = "KIND/NAMESPACE/NAME")]
    pub resources: Vec<String>,
    /// Live Flux apps: reconcile the source first.
    #[arg(long)]
    pub with_source: bool,
    /// Live Flux HelmReleases: a one-off upgrade even without changes.
    #[arg(long)]
    pub force: bool,
    /// Print each step as it happens: to stderr (the default when stderr
    /// is a terminal), or with `-o json` as JSON lines on stdout.
    #[arg(long)]
    pub progress: bool,
    #[command(flatten)]
    pub live: LiveFlags,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct AppArg {
    pub app: String,
    #[command(flatten)]
    pub live: LiveFlags,
}

/// How an action on a live Argo CD or Flux app runs.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveFlags {
    /// Return once the request is sent, without waiting for the controller.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controller, in seconds (default 300).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    pub app: String,
    /// Print the patch only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub live: LiveFlags,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    pub app: String,
    /// Argo CD: also drop the manifest cache. Flux HelmRelease: force an upgrade.
    #[arg(long)]
    pub hard: bool,
    /// Flux: reconcile the app's source first.
    #[arg(long)]
    pub with_source: bool,
    /// Print the patch only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub live: LiveFlags,
}

#[derive(Debug, Args)]
pub struct PauseArgs {
    pub app: String,
    /// Why, shown to everyone who looks at the app.
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub live: LiveFlags,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    pub app: String,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct RevertArgs {
    pub app: String,
    pub commit: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    pub app: String,
    /// The sync record's ID (the ID column of `tether history APP`).
    pub id: String,
    /// Live Argo CD apps: prune during the rollback sync.
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub live: LiveFlags,
}

#[derive(Debug, Args)]
pub struct ActionArgs {
    pub app: String,
    /// The object: KIND/NAME or KIND/NAMESPACE/NAME (Rollout, Canary, Deployment).
    pub target: String,
    /// Rollout: promote, promote-full, skip-current-step, abort, retry,
    /// pause, resume, restart. Canary: suspend, resume, skip-analysis.
    /// Deployment: restart, pause, resume.
    pub action: String,
    /// Send without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the patches only; send nothing.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ControllerArgs {
    /// Where /metrics and /healthz are served.
    #[arg(long, default_value = "127.0.0.1:9464")]
    pub metrics_addr: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The app (its name, or KIND/NAMESPACE/NAME for an imported one).
    pub app: String,
    /// Check this revision (branch, tag, commit, WORKTREE) instead of the app's own.
    #[arg(long)]
    pub revision: Option<String>,
    #[command(flatten)]
    pub output: OutputArg,
}
