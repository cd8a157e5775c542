//! A three-stage pipeline in a fresh repository: the `web` base and a
//! dev, staging and prod overlay (name prefix and namespace per stage),
//! with tether.yaml naming them as the `web` pipeline — on no cluster, on
//! a fresh sim, or on the real cluster of `TETHER_E2E_KUBECONFIG`.
//!
//! The stages run `registry.k8s.io/pause` (dev 3.10, staging 3.9, prod
//! 3.8): small, and pullable by a real cluster, so its Deployments become
//! Healthy there as the sim's do. On a real cluster the apps and their
//! namespaces are `tether-e2e-<suffix>-web-<stage>`, deleted afterwards.

use super::target::{Cleanup, RealCluster};
use super::{file, signature};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tether::sim::{SimHandle, SimOptions, SimServer, write_kubeconfig};
use tether::source::{Repo, init_repo};

/// The image the stages promote.
pub const IMAGE: &str = "registry.k8s.io/pause";

pub const BASE_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.k8s.io/pause:3.8
          envFrom:
            - configMapRef: {name: web-config}
";

pub const BASE_CONFIGMAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
";

/// The overlay of `stage` in `namespace` running `tag`, written by hand:
/// comments, a quoted tag and a flow list that a promotion must keep.
fn overlay_in(namespace: &str, stage: &str, tag: &str) -> String {
    format!(
        "# {stage} overlay — edited by people and by `tether promote`
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {namespace}
namePrefix: {stage}-
resources: [../base]   # shared base
images:
  # the front end
  - name: {IMAGE}
    newTag: \"{tag}\"   # promoted
"
    )
}

/// The repository and tether.yaml of the pipeline.
pub struct Stages {
    pub dir: tempfile::TempDir,
    pub repo: Repo,
    pub repo_path: PathBuf,
    pub config: PathBuf,
    pub kubeconfig: PathBuf,
    /// The kubeconfig context of every stage.
    pub context: String,
    /// The sim the stages run on (none on a real cluster or no cluster).
    pub sim: Option<SimHandle>,
    /// Prepended to the stages' app and namespace names: empty but on a
    /// real cluster.
    pub prefix: String,
    /// On a real cluster: deletes the stages' namespaces and state.
    cleanup: Option<Cleanup>,
}

impl Stages {
    /// dev runs 3.10, staging 3.9, prod 3.8; `extra` is appended to the
    /// pipeline's entry in tether.yaml (e.g. gates), `context` is the
    /// kubeconfig context of every stage. No kubeconfig is written: the
    /// stages' cluster cannot be reached.
    pub fn new(context: &str, extra: &str) -> Stages {
        Self::build(context, "", extra)
    }

    /// The stages on a fresh sim (context `test`), whose Pods become
    /// ready 100 ms after they are created.
    pub async fn sim(extra: &str) -> Stages {
        let sim = SimServer::start(SimOptions {
            pod_ready_delay: Duration::from_millis(100),
            name: "test".to_string(),
            ..Default::default()
        })
        .await
        .unwrap();
        let mut stages = Self::build("test", "", extra);
        write_kubeconfig(&stages.kubeconfig, &[("test", sim.url().as_str())], "test").unwrap();
        stages.sim = Some(sim);
        stages
    }

    /// The stages on the real cluster of `TETHER_E2E_KUBECONFIG`, or None
    /// after a SKIPPED line.
    pub fn real(extra: &str) -> Option<Stages> {
        let cluster = RealCluster::from_env()?;
        let prefix = format!("tether-e2e-{}-", cluster.suffix);
        let mut stages = Self::build(&cluster.context, &prefix, extra);
        stages.kubeconfig = cluster.kubeconfig.clone();
        let cleanup = Cleanup::new(&cluster);
        for stage in ["dev", "staging", "prod"] {
            cleanup.namespace(&stages.namespace(stage));
            cleanup.app(&stages.app(stage));
        }
        stages.cleanup = Some(cleanup);
        Some(stages)
    }

    fn build(context: &str, prefix: &str, extra: &str) -> Stages {
        let dir = tempfile::tempdir().unwrap();
        let repo_path = dir.path().join("gitops");
        let repo = init_repo(&repo_path).unwrap();
        let git_config = repo_path.join(".git/config");
        let mut text = std::fs::read_to_string(&git_config).unwrap();
        text.push_str("[user]\n\tname = Test Author\n\temail = test@example.com\n");
        std::fs::write(&git_config, text).unwrap();
        let ns = |stage: &str| format!("{prefix}web-{stage}");
        repo.commit_files(
            "main",
            &[
                file("apps/web/base/deployment.yaml", BASE_DEPLOYMENT),
                file("apps/web/base/configmap.yaml", BASE_CONFIGMAP),
                file(
                    "apps/web/base/kustomization.yaml",
                    "resources: [deployment.yaml, configmap.yaml]\n",
                ),
                file(
                    "apps/web/dev/kustomization.yaml",
                    &overlay_in(&ns("dev"), "dev", "3.10"),
                ),
                file(
                    "apps/web/staging/kustomization.yaml",
                    &overlay_in(&ns("staging"), "staging", "3.9"),
                ),
                file(
                    "apps/web/prod/kustomization.yaml",
                    &overlay_in(&ns("prod"), "prod", "3.8"),
                ),
            ],
            "Add web stages",
            &signature(1_700_000_000),
        )
        .unwrap();
        let config = dir.path().join("tether.yaml");
        let mut text = String::from("apps:\n");
        for stage in ["dev", "staging", "prod"] {
            let name = ns(stage);
            text.push_str(&format!(
                "  - name: {name}\n    source: {{repo: ./gitops, path: apps/web/{stage}}}\n    destination: {{context: {context}, namespace: {name}}}\n    syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
            ));
        }
        let [dev, staging, prod] = ["dev", "staging", "prod"].map(ns);
        text.push_str(&format!(
            "pipelines:\n  - name: web\n    stages: [{dev}, {staging}, {prod}]\n    promote:\n      images: [{IMAGE}]\n{extra}"
        ));
        std::fs::write(&config, text).unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        Stages {
            dir,
            repo,
            repo_path,
            config,
            kubeconfig,
            context: context.to_string(),
            sim: None,
            prefix: prefix.to_string(),
            cleanup: None,
        }
    }

    /// The app of `stage` (`web-dev` on the sim).
    pub fn app(&self, stage: &str) -> String {
        format!("{}web-{stage}", self.prefix)
    }

    /// The namespace of `stage` (the app's name).
    pub fn namespace(&self, stage: &str) -> String {
        self.app(stage)
    }

    /// The overlay of `stage` running `tag`, as committed.
    pub fn overlay(&self, stage: &str, tag: &str) -> String {
        overlay_in(&self.namespace(stage), stage, tag)
    }

    /// Whether the stages run on a real cluster.
    pub fn is_real(&self) -> bool {
        self.cleanup.is_some()
    }

    /// How long to wait for a stage to become Healthy.
    pub fn patience(&self) -> Duration {
        if self.is_real() {
            Duration::from_secs(300)
        } else {
            Duration::from_secs(10)
        }
    }

    /// Deletes the stages' namespaces and state on a real cluster now
    /// (dropping the Stages does it too).
    pub async fn cleanup(&self) {
        if let Some(cleanup) = &self.cleanup {
            cleanup.run().await;
        }
    }

    /// Runs the tether binary on this tether.yaml.
    pub fn tether(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_tether"))
            .arg("--config")
            .arg(&self.config)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .output()
            .unwrap()
    }

    /// A file of the checkout.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.repo_path.join(path)).unwrap()
    }

    /// Writes a file of the checkout without committing it.
    pub fn write(&self, path: &str, text: &str) {
        let file = self.repo_path.join(path);
        std::fs::create_dir_all(file.parent().unwrap_or(Path::new("."))).unwrap();
        std::fs::write(file, text).unwrap();
    }

    /// The commit id of HEAD.
    pub fn head(&self) -> String {
        self.repo
            .resolve(&tether::model::Revision::Git("HEAD".into()))
            .unwrap()
            .id
    }
}
