//! `tether demo`: two simulated clusters (staging, prod), a demo Git
//! repository with history, and the UI on top — or, with `--no-ui`, the
//! simulated API alone.

use super::args::DemoArgs;
use super::output::{CliError, CliResult, print_out};
use crate::cluster::KubeOptions;
use crate::engine::{Engine, SyncOptions};
use crate::model::Revision;
use crate::sim::{
    RequestCost, SimHandle, SimOptions, SimServer, SimTls, write_kubeconfig,
    write_kubeconfig_trusting,
};
use crate::source::{Repo, Signature, init_repo};
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const DEMO_CONFIG: &str = include_str!("../../assets/demo/tether.yaml");
const DEMO_HISTORY: &str = include_str!("../../assets/demo/history.yaml");
/// The admission policy the demo enforces (`policies:` of its tether.yaml),
/// committed with the first commit: images need a pinned tag.
const DEMO_POLICY: (&str, &str) = (
    "policies/image-tags.yaml",
    include_str!("../../assets/policies/image-tags.yaml"),
);
/// Demo commits are dated one day apart, ending at this Unix time.
const DEMO_EPOCH: i64 = 1_763_700_000;

#[derive(Deserialize)]
struct History {
    commits: Vec<DemoCommit>,
}

#[derive(Deserialize)]
struct DemoCommit {
    message: String,
    author: String,
    files: BTreeMap<String, String>,
}

/// A running demo environment: its folder, clusters and config.
pub struct Demo {
    /// The demo folder; removed when the demo ends.
    pub dir: tempfile::TempDir,
    pub sims: Vec<(String, SimHandle)>,
    pub config: PathBuf,
    pub kubeconfig: PathBuf,
    /// Commit ids of the demo history, oldest first.
    pub commits: Vec<String>,
    /// Their messages, in the same order.
    pub messages: Vec<String>,
}

impl Demo {
    /// Starts the clusters and writes the repository, config and kubeconfig.
    pub async fn start(first_port: u16) -> Result<Self, CliError> {
        let (dir, sims, kubeconfig) =
            start_clusters(first_port, RequestCost::default(), None).await?;
        let (commits, messages) = write_repo(&dir.path().join("gitops"))?.into_iter().unzip();
        let config = dir.path().join("tether.yaml");
        std::fs::write(&config, DEMO_CONFIG)
            .map_err(|e| CliError::new(format!("cannot write {}: {e}", config.display())))?;
        Ok(Self {
            dir,
            sims,
            config,
            kubeconfig,
            commits,
            messages,
        })
    }

    /// The demo folder (repository, config, kubeconfig).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// An engine on the demo's apps and clusters.
    pub fn engine(&self) -> Result<Engine, CliError> {
        let kube = KubeOptions {
            kubeconfig: Some(self.kubeconfig.clone()),
            context: None,
        };
        super::load_engine(Some(&self.config), kube, &Default::default())
    }

    /// Brings the demo into its story: most apps synced, web-prod one
    /// commit behind, payments-prod never synced (its `latest` image is
    /// denied by the demo's policy), worker crash-looping, billing-prod
    /// paused with a reason, checkout-staging's canary Rollout stepping
    /// (driven by [`super::demo_canary`]), and the catalog pipeline:
    /// catalog-staging crash-looping on a newer image than prod, so the
    /// gate into catalog-prod fails.
    pub async fn seed(&self, engine: &Engine) -> Result<(), CliError> {
        let behind = self
            .commits
            .len()
            .checked_sub(2)
            .and_then(|i| self.commits.get(i));
        // catalog-staging ran the catalog's first version (2.2.1, what
        // prod runs) before its newest one.
        let catalog_added = self.commit_titled("Add catalog");
        for app in engine.apps() {
            let revision = match app.name.as_str() {
                "payments-prod" => continue,
                "web-prod" => behind.map(|c| Revision::Git(c.clone())),
                _ => None,
            };
            if let (Some(first), "catalog-staging") = (&catalog_added, app.name.as_str()) {
                let options = SyncOptions {
                    revision: Some(first.clone()),
                    by: Some("demo setup".to_string()),
                    ..Default::default()
                };
                engine
                    .sync(&app.name, &options)
                    .await
                    .map_err(CliError::new)?;
            }
            // The demo's prod-weekend window would refuse catalog-prod's
            // first sync on a weekend.
            let options = SyncOptions {
                revision,
                by: Some("demo setup".to_string()),
                override_window: true,
                ..Default::default()
            };
            engine
                .sync(&app.name, &options)
                .await
                .map_err(CliError::new)?;
        }
        engine
            .pause(
                "billing-prod",
                "change freeze: quarter close (FIN-1234)",
                "margaret@finance",
            )
            .await
            .map_err(CliError::new)?;
        Ok(())
    }

    /// The commit whose message starts with `title`.
    fn commit_titled(&self, title: &str) -> Option<Revision> {
        self.messages
            .iter()
            .position(|m| m.starts_with(title))
            .and_then(|i| self.commits.get(i))
            .map(|id| Revision::Git(id.clone()))
    }

    /// Every [`DRIFT_EVERY`], someone scales search-prod by hand; self-heal
    /// puts it back.
    pub fn start_drift(&self) {
        let kubeconfig = self.kubeconfig.clone();
        tokio::spawn(async move {
            let Ok(client) = demo_client(&kubeconfig, "prod").await else {
                return;
            };
            let resource =
                ApiResource::from_gvk(&GroupVersionKind::gvk("apps", "v1", "Deployment"));
            let api: Api<DynamicObject> = Api::namespaced_with(client, "search", &resource);
            let mut replicas = 3;
            loop {
                tokio::time::sleep(DRIFT_EVERY).await;
                let params = PatchParams {
                    field_manager: Some("kubectl-edit".to_string()),
                    ..Default::default()
                };
                let patch = Patch::Merge(serde_json::json!({"spec": {"replicas": replicas}}));
                let _ = api.patch("search", &params, &patch).await;
                replicas = if replicas == 3 { 4 } else { 3 };
            }
        });
    }
}

/// The demo's simulated clusters (staging, prod) on `first_port` and the
/// next (0: any free ports), each request costing `cost`, serving TLS
/// with `tls` when given, and a kubeconfig naming both in a new temp
/// folder.
async fn start_clusters(
    first_port: u16,
    cost: RequestCost,
    tls: Option<SimTls>,
) -> Result<(tempfile::TempDir, Vec<(String, SimHandle)>, PathBuf), CliError> {
    let dir = tempfile::Builder::new()
        .prefix("tether-demo-")
        .tempdir()
        .map_err(|e| CliError::new(format!("cannot create the demo folder: {e}")))?;
    let mut sims = Vec::new();
    for (i, name) in ["staging", "prod"].iter().enumerate() {
        let port = if first_port == 0 {
            0
        } else {
            first_port + i as u16
        };
        let options = SimOptions {
            port,
            name: name.to_string(),
            cost,
            tls: tls.clone(),
            ..Default::default()
        };
        let handle = SimServer::start(options)
            .await
            .map_err(|e| CliError::new(format!("cannot start simulated cluster {name}: {e}")))?;
        sims.push((name.to_string(), handle));
    }
    let kubeconfig = dir.path().join("kubeconfig");
    let urls: Vec<(String, String)> = sims.iter().map(|(n, h)| (n.clone(), h.url())).collect();
    let clusters: Vec<(&str, &str)> = urls.iter().map(|(n, u)| (n.as_str(), u.as_str())).collect();
    match &tls {
        Some(tls) => write_kubeconfig_trusting(&kubeconfig, &clusters, "staging", tls.ca_pem()),
        None => write_kubeconfig(&kubeconfig, &clusters, "staging"),
    }
    .map_err(|e| CliError::new(format!("cannot write the demo kubeconfig: {e}")))?;
    Ok((dir, sims, kubeconfig))
}

/// `tether demo --bare`: the simulated clusters alone, empty, with the
/// request cost asked for, until Ctrl-C.
async fn run_bare(args: &DemoArgs) -> CliResult {
    let cost = RequestCost {
        time: Duration::from_secs_f64(args.request_ms.max(0.0) / 1000.0),
        slots: args.request_slots,
    };
    let tls = if args.tls {
        Some(SimTls::generate().map_err(|e| CliError::new(e.to_string()))?)
    } else {
        None
    };
    let (dir, sims, kubeconfig) = start_clusters(args.port, cost, tls).await?;
    print_out(&format!(
        "tether demo: simulated clusters {}\nkubeconfig: {}\nPress Ctrl-C to stop.\n",
        urls_of(&sims),
        kubeconfig.display(),
    ));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::new(format!("cannot wait for Ctrl-C: {e}")))?;
    drop(dir);
    Ok(0)
}

fn urls_of(sims: &[(String, SimHandle)]) -> String {
    sims.iter()
        .map(|(n, h)| format!("{n}={}", h.url()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How often the demo's search-prod drifts out of band.
const DRIFT_EVERY: Duration = Duration::from_secs(30);

pub(super) async fn demo_client(kubeconfig: &Path, context: &str) -> Result<kube::Client, String> {
    let config = kube::config::Kubeconfig::read_from(kubeconfig).map_err(|e| e.to_string())?;
    let options = kube::config::KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(config, &options)
        .await
        .map_err(|e| e.to_string())?;
    kube::Client::try_from(config).map_err(|e| e.to_string())
}

/// Writes the demo history; returns each commit's id and message.
fn write_repo(path: &Path) -> Result<Vec<(String, String)>, CliError> {
    let mut history: History = serde_yaml::from_str(DEMO_HISTORY)
        .map_err(|e| CliError::new(format!("the embedded demo history is invalid: {e}")))?;
    if let Some(first) = history.commits.first_mut() {
        first
            .files
            .insert(DEMO_POLICY.0.to_string(), DEMO_POLICY.1.to_string());
    }
    let repo: Repo = init_repo(path).map_err(CliError::new)?;
    set_local_identity(path)?;
    let total = history.commits.len() as i64;
    let mut ids = Vec::new();
    for (i, commit) in history.commits.into_iter().enumerate() {
        let (name, email) = split_author(&commit.author);
        let signature = Signature {
            name,
            email,
            time: DEMO_EPOCH - (total - 1 - i as i64) * 86_400,
        };
        let changes: Vec<(String, Option<Vec<u8>>)> = commit
            .files
            .into_iter()
            .map(|(p, c)| (p, Some(c.into_bytes())))
            .collect();
        let id = repo
            .commit_files("main", &changes, &commit.message, &signature)
            .map_err(CliError::new)?;
        ids.push((id, commit.message));
    }
    Ok(ids)
}

/// Gives the demo repository its own Git identity, so reverting from the
/// demo works on machines without a global Git config.
fn set_local_identity(repo: &Path) -> Result<(), CliError> {
    let config = repo.join(".git").join("config");
    let mut text = std::fs::read_to_string(&config)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", config.display())))?;
    text.push_str("[user]\n\tname = tether demo\n\temail = demo@tether.invalid\n");
    std::fs::write(&config, text)
        .map_err(|e| CliError::new(format!("cannot write {}: {e}", config.display())))
}

fn split_author(author: &str) -> (String, String) {
    match author.split_once(" <") {
        Some((name, rest)) => (name.to_string(), rest.trim_end_matches('>').to_string()),
        None => (author.to_string(), String::new()),
    }
}

pub async fn run(args: DemoArgs) -> CliResult {
    if args.bare {
        return run_bare(&args).await;
    }
    let demo = Demo::start(args.port).await?;
    let engine = Arc::new(demo.engine()?);
    if args.no_ui {
        demo.seed(&engine).await?;
        demo.start_drift();
        super::demo_canary::start(demo.kubeconfig.clone());
        print_out(&format!(
            "tether demo: simulated clusters {}\nfolder: {}\nkubeconfig: {}\nconfig: {}\nPress Ctrl-C to stop.\n",
            urls_of(&demo.sims),
            demo.path().display(),
            demo.kubeconfig.display(),
            demo.config.display(),
        ));
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| CliError::new(format!("cannot wait for Ctrl-C: {e}")))?;
        return Ok(0);
    }
    // The UI comes up at once and watches the demo converge.
    let seeding = engine.clone();
    let demo = Arc::new(demo);
    let story = demo.clone();
    tokio::spawn(async move {
        if story.seed(&seeding).await.is_ok() {
            story.start_drift();
            super::demo_canary::start(story.kubeconfig.clone());
        }
    });
    let code = run_ui(engine, args).await;
    drop(demo);
    code
}

#[cfg(feature = "tui")]
async fn run_ui(engine: Arc<Engine>, args: DemoArgs) -> CliResult {
    super::ui::run(engine, args.ui, "tether demo").await
}

#[cfg(not(feature = "tui"))]
async fn run_ui(_engine: Arc<Engine>, _args: DemoArgs) -> CliResult {
    Err(CliError::new(
        "this build has no terminal UI; run `tether demo --no-ui` and use the subcommands",
    ))
}
