//! Shared helpers of the integration tests: a simulated cluster, a Git
//! repository built by the test, and a tether.yaml pointing at both.
#![allow(dead_code)]

pub mod actions;
pub mod automation;
pub mod faults;
pub mod gitops;
pub mod scenarios;
pub mod stages;
pub mod standins;

use kube::api::{Api, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use std::path::PathBuf;
use std::time::Duration;
use tether::sim::{SimHandle, SimOptions, SimServer, write_kubeconfig};
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
          image: ghcr.io/example/web:1.0.0
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
        let dir = tempfile::tempdir().unwrap();
        let sim = SimServer::start(SimOptions {
            pod_ready_delay: delay,
            name: "test".to_string(),
            ..Default::default()
        })
        .await
        .unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        write_kubeconfig(&kubeconfig, &[("test", sim.url().as_str())], "test").unwrap();
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
    /// `TETHER_E2E_CONTEXT`), or None with a line saying why.
    pub fn real() -> Option<Env> {
        let Ok(path) = std::env::var("TETHER_E2E_KUBECONFIG") else {
            skipped("TETHER_E2E_KUBECONFIG is not set; the real-cluster suite did not run");
            return None;
        };
        let kubeconfig = PathBuf::from(path);
        let context = std::env::var("TETHER_E2E_CONTEXT").ok().unwrap_or_else(|| {
            kube::config::Kubeconfig::read_from(&kubeconfig)
                .unwrap()
                .current_context
                .expect("the e2e kubeconfig needs a current-context or TETHER_E2E_CONTEXT")
        });
        let suffix: String = uuid::Uuid::new_v4().simple().to_string()[..6].to_string();
        let dir = tempfile::tempdir().unwrap();
        Some(Self::with_cluster(
            dir,
            None,
            kubeconfig,
            context,
            format!("tether-e2e-{suffix}"),
            format!("e2e-{suffix}"),
        ))
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
        let kubeconfig = kube::config::Kubeconfig::read_from(&self.kubeconfig).unwrap();
        let options = kube::config::KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .unwrap();
        kube::Client::try_from(config).unwrap()
    }

    /// Deletes the app's namespace and state on a real cluster.
    pub async fn cleanup(&self) {
        if self.sim.is_some() {
            return;
        }
        let client = self.kube().await;
        let ns = ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", "Namespace"));
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &ns);
        let _ = api.delete(&self.namespace, &Default::default()).await;
        let cm = ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", "ConfigMap"));
        let api: Api<DynamicObject> = Api::namespaced_with(client, "tether-system", &cm);
        let _ = api
            .delete(&format!("tether-app-{}", self.app), &Default::default())
            .await;
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
