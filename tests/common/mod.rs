//! Shared helpers of the integration tests: a simulated cluster, a Git
//! repository built by the test, and a tether.yaml pointing at both.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
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

/// A test environment: one simulated cluster `test`, a repository with the
/// `web` app under apps/web, and tether.yaml + kubeconfig in a temp dir.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub sim: SimHandle,
    pub repo: Repo,
    pub repo_path: PathBuf,
    pub config: PathBuf,
    pub kubeconfig: PathBuf,
}

pub fn signature(time: i64) -> Signature {
    Signature {
        name: "Test Author".to_string(),
        email: "test@example.com".to_string(),
        time,
    }
}

impl Env {
    pub async fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimServer::start(SimOptions {
            pod_ready_delay: Duration::from_millis(200),
            name: "test".to_string(),
            ..Default::default()
        })
        .await
        .unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        write_kubeconfig(&kubeconfig, &[("test".to_string(), sim.url())], "test").unwrap();
        let repo_path = dir.path().join("gitops");
        let repo = init_repo(&repo_path).unwrap();
        repo.commit_files(
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
            "apps:\n  - name: web\n    project: shop\n    source: {repo: ./gitops, path: apps/web}\n    destination: {context: test, namespace: web}\n    syncPolicy: {syncOptions: [CreateNamespace=true]}\n",
        )
        .unwrap();
        Env {
            dir,
            sim,
            repo,
            repo_path,
            config,
            kubeconfig,
        }
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
    }

    /// A kube client straight at the sim, for out-of-band changes.
    pub async fn kube(&self) -> kube::Client {
        let kubeconfig = kube::config::Kubeconfig::read_from(&self.kubeconfig).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .unwrap();
        kube::Client::try_from(config).unwrap()
    }
}

pub fn file(path: &str, content: &str) -> (String, Option<Vec<u8>>) {
    (path.to_string(), Some(content.as_bytes().to_vec()))
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}
