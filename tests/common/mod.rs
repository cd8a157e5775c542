//! Shared helpers of the integration tests: a simulated cluster, a Git
//! repository built by the test, and a tether.yaml pointing at both.
#![allow(dead_code)]

pub mod actions;
pub mod automation;
pub mod depends;
pub mod faults;
pub mod gitops;
pub mod pipeline_scenarios;
pub mod policy_scenarios;
pub mod progressive;
pub mod scenarios;
pub mod stages;
pub mod standins;
pub mod target;

use kube::api::{Api, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use std::path::PathBuf;
use std::time::Duration;
use tether::sim::{SimHandle, SimOptions, SimServer, write_kubeconfig, write_kubeconfig_trusting};
use tether::source::{Repo, Signature, init_repo};

pub const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.k8s.io/pause:3.9
          ports:
            - containerPort: 8080
";

pub const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
";

pub const CONFIGMAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
";

/// A test environment: a cluster (a fresh sim, or the real one of
/// `TETHER_E2E_KUBECONFIG`), a repository with the `web` app under
/// apps/web, and tether.yaml + kubeconfig in a temp dir.
/// Runs the tether binary with `env`'s tether.yaml and kubeconfig.
pub fn tether(env: &Env, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
        .arg("--config")
        .arg(&env.config)
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(args)
        .output()
        .unwrap()
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub sim: Option<SimHandle>,
    pub repo: Repo,
    pub repo_path: PathBuf,
    pub config: PathBuf,
    pub kubeconfig: PathBuf,
    /// kubeconfig context of the app.
    pub context: String,
    /// Namespace of the app (unique per environment on a real cluster).
    pub namespace: String,
    /// Name of the app (unique per environment on a real cluster).
    pub app: String,
    /// Commit id of the first commit.
    pub first_commit: String,
    /// On a real cluster: deletes what the test made there, at the latest
    /// when the Env is dropped.
    pub real_cleanup: Option<target::Cleanup>,
}

pub fn signature(time: i64) -> Signature {
    Signature {
        name: "Test Author".to_string(),
        email: "test@example.com".to_string(),
        time,
    }
}

impl Env {
    /// Makes tether.yaml import the Argo CD / Flux objects under `path`
    /// of the checkout (its remote URL mapped to it) and manage them.
    pub fn manage_imports(&self, path: &str) {
        std::fs::write(
            &self.config,
            format!(
                "repos:\n  - {{url: https://github.com/acme/gitops.git, path: ./gitops}}\nimport:\n  - {{repo: ./gitops, path: {path}, context: {}, manage: true}}\n",
                self.context
            ),
        )
        .unwrap();
    }

    /// A fresh simulated cluster.
    pub async fn new() -> Env {
        Self::with_pod_ready_delay(Duration::from_millis(200)).await
    }

    /// A fresh simulated cluster whose Pods become ready `delay` after
    /// they are created.
    pub async fn with_pod_ready_delay(delay: Duration) -> Env {
        Self::with_sim(SimOptions {
            pod_ready_delay: delay,
            name: "test".to_string(),
            ..Default::default()
        })
        .await
    }

    /// A fresh simulated cluster started with `options` (its kubeconfig
    /// trusts the sim's CA when it serves TLS).
    pub async fn with_sim(options: SimOptions) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimServer::start(options).await.unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let clusters = [("test", sim.url())];
        let clusters: Vec<(&str, &str)> = clusters.iter().map(|(n, u)| (*n, u.as_str())).collect();
        match sim.ca_pem() {
            Some(ca) => write_kubeconfig_trusting(&kubeconfig, &clusters, "test", ca).unwrap(),
            None => write_kubeconfig(&kubeconfig, &clusters, "test").unwrap(),
        }
        Self::with_cluster(
            dir,
            Some(sim),
            kubeconfig,
            "test".to_string(),
            "web".to_string(),
            "web".to_string(),
        )
    }

    /// The real cluster of `TETHER_E2E_KUBECONFIG` (its current context, or
    /// `TETHER_E2E_CONTEXT`), or None with a line saying why. The app and
    /// its namespace are named uniquely for the run and deleted afterwards.
    pub fn real() -> Option<Env> {
        let cluster = target::RealCluster::from_env()?;
        let suffix = cluster.suffix.clone();
        let dir = tempfile::tempdir().unwrap();
        let mut env = Self::with_cluster(
            dir,
            None,
            cluster.kubeconfig.clone(),
            cluster.context.clone(),
            format!("tether-e2e-{suffix}"),
            format!("e2e-{suffix}"),
        );
        let cleanup = target::Cleanup::new(&cluster);
        cleanup.namespace(&env.namespace);
        cleanup.app(&env.app);
        env.real_cleanup = Some(cleanup);
        Some(env)
    }

    /// Whether this runs against a real cluster.
    pub fn is_real(&self) -> bool {
        self.sim.is_none()
    }

    /// How long to wait for what the sim does in `sim`: on a real cluster
    /// at least 5 minutes (images are pulled, Pods scheduled).
    pub fn patience(&self, sim: Duration) -> Duration {
        if self.is_real() {
            sim.max(Duration::from_secs(300))
        } else {
            sim
        }
    }

    /// The name of another app of the test: `name` on the sim, unique to
    /// the run on a real cluster (where it is deleted afterwards).
    pub fn other_app(&self, name: &str) -> String {
        match &self.real_cleanup {
            None => name.to_string(),
            Some(cleanup) => {
                let unique = format!("{}-{name}", self.app);
                cleanup.app(&unique);
                unique
            }
        }
    }

    /// A namespace the test creates besides the app's: deleted afterwards
    /// on a real cluster.
    pub fn other_namespace(&self, suffix: &str) -> String {
        let ns = format!("{}-{suffix}", self.namespace);
        if let Some(cleanup) = &self.real_cleanup {
            cleanup.namespace(&ns);
        }
        ns
    }

    /// A CRD the test installs on a real cluster, deleted afterwards.
    pub fn installed_crd(&self, name: &str) {
        if let Some(cleanup) = &self.real_cleanup {
            cleanup.crd(name);
        }
    }

    fn with_cluster(
        dir: tempfile::TempDir,
        sim: Option<SimHandle>,
        kubeconfig: PathBuf,
        context: String,
        namespace: String,
        app: String,
    ) -> Env {
        let repo_path = dir.path().join("gitops");
        let repo = init_repo(&repo_path).unwrap();
        // A local identity, so reverts work without a global Git config.
        let git_config = repo_path.join(".git/config");
        let mut text = std::fs::read_to_string(&git_config).unwrap();
        text.push_str("[user]\n\tname = Test Author\n\temail = test@example.com\n");
        std::fs::write(&git_config, text).unwrap();
        let first_commit = repo
            .commit_files(
                "main",
                &[
                    file("apps/web/deployment.yaml", DEPLOYMENT),
                    file("apps/web/service.yaml", SERVICE),
                    file("apps/web/configmap.yaml", CONFIGMAP),
                ],
                "Add web",
                &signature(1_700_000_000),
            )
            .unwrap();
        let config = dir.path().join("tether.yaml");
        std::fs::write(
            &config,
            format!(
                "apps:\n  - name: {app}\n    project: shop\n    source: {{repo: ./gitops, path: apps/web}}\n    destination: {{context: {context}, namespace: {namespace}}}\n    syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
            ),
        )
        .unwrap();
        Env {
            dir,
            sim,
            repo,
            repo_path,
            config,
            kubeconfig,
            context,
            namespace,
            app,
            first_commit,
            real_cleanup: None,
        }
    }

    /// Rewrites tether.yaml with another syncPolicy (YAML flow mapping).
    pub fn set_sync_policy(&self, policy: &str) {
        let text = std::fs::read_to_string(&self.config).unwrap();
        let start = text.find("    syncPolicy:").unwrap();
        let end = text[start..].find('\n').map(|i| start + i).unwrap();
        let updated = format!("{}    syncPolicy: {policy}{}", &text[..start], &text[end..]);
        std::fs::write(&self.config, updated).unwrap();
    }

    pub fn engine(&self) -> tether::engine::Engine {
        let config = tether::config::load(Some(&self.config)).unwrap();
        tether::engine::Engine::new(
            config.apps,
            tether::cluster::KubeOptions {
                kubeconfig: Some(self.kubeconfig.clone()),
                context: None,
            },
        )
        .with_policies(config.policies)
    }

    /// Commits `files` (path, text) under policies/ and points tether.yaml's
    /// `policies:` at that folder.
    pub fn add_policies(&self, files: &[(&str, &str)]) -> String {
        let changes: Vec<_> = files
            .iter()
            .map(|(name, text)| file(&format!("policies/{name}"), text))
            .collect();
        let commit = self.commit(&changes, "Add admission policies");
        let mut text = std::fs::read_to_string(&self.config).unwrap();
        if !text.contains("policies:") {
            text.push_str("policies: {repo: ./gitops, path: policies}\n");
            std::fs::write(&self.config, text).unwrap();
        }
        commit
    }

    /// Commits changes to the app's repository.
    pub fn commit(&self, changes: &[(String, Option<Vec<u8>>)], message: &str) -> String {
        self.repo
            .commit_files("main", changes, message, &signature(1_700_000_100))
            .unwrap()
    }

    /// A kube client straight at the cluster, for out-of-band changes.
    pub async fn kube(&self) -> kube::Client {
        self.kube_for(&self.context).await
    }

    /// A client of `context` of the env's kubeconfig.
    pub async fn kube_for(&self, context: &str) -> kube::Client {
        target::client_for(&self.kubeconfig, context).await
    }

    /// On a real cluster, deletes the namespaces, tether's state
    /// (ConfigMaps and Leases) and CRDs the test made; nothing on the sim.
    /// Dropping the Env does the same for what is left.
    pub async fn cleanup(&self) {
        if let Some(cleanup) = &self.real_cleanup {
            cleanup.run().await;
        }
    }

    /// An API for one kind in `namespace`.
    pub async fn api_in(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
    ) -> Api<DynamicObject> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        Api::namespaced_with(self.kube().await, namespace, &resource)
    }

    /// An API for one kind in the app's namespace.
    pub async fn api(&self, api_version: &str, kind: &str) -> Api<DynamicObject> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        Api::namespaced_with(self.kube().await, &self.namespace, &resource)
    }
}

/// `rel` (e.g. `interop/cases`) inside the project's read-only `shared/`
/// folder, a sibling of the checkout (`../shared`) or of its parent (a
/// worktree one level deeper), or under `$TETHER_SHARED`; None when absent.
/// Tests that need it print [`skipped`] and return.
pub fn shared_dir(rel: &str) -> Option<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("TETHER_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([base.join("../shared"), base.join("../../shared")])
        .map(|s| s.join(rel))
        .find(|p| p.exists())
}

/// Prints a loud SKIPPED line that `cargo test` does not capture.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

pub fn file(path: &str, content: &str) -> (String, Option<Vec<u8>>) {
    (path.to_string(), Some(content.as_bytes().to_vec()))
}

pub fn removed(path: &str) -> (String, Option<Vec<u8>>) {
    (path.to_string(), None)
}
