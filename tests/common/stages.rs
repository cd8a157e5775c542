//! A three-stage pipeline in a fresh repository: the `web` base and a
//! dev, staging and prod overlay (name prefix and namespace per stage),
//! with tether.yaml naming them as the `web` pipeline.

use super::{file, signature};
use std::path::{Path, PathBuf};
use tether::source::{Repo, init_repo};

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
          image: ghcr.io/acme/web:1.0.0
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

/// The overlay of `stage` running `tag`, written by hand: comments, a
/// quoted tag and a flow list that a promotion must keep.
pub fn overlay(stage: &str, tag: &str) -> String {
    format!(
        "# {stage} overlay — edited by people and by `tether promote`
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: web-{stage}
namePrefix: {stage}-
resources: [../base]   # shared base
images:
  # the front end
  - name: ghcr.io/acme/web
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
}

impl Stages {
    /// dev runs 1.2.0, staging 1.1.0, prod 1.0.0; `extra` is appended to
    /// the pipeline's entry in tether.yaml (e.g. gates), `context` is the
    /// kubeconfig context of every stage.
    pub fn new(context: &str, extra: &str) -> Stages {
        let dir = tempfile::tempdir().unwrap();
        let repo_path = dir.path().join("gitops");
        let repo = init_repo(&repo_path).unwrap();
        let git_config = repo_path.join(".git/config");
        let mut text = std::fs::read_to_string(&git_config).unwrap();
        text.push_str("[user]\n\tname = Test Author\n\temail = test@example.com\n");
        std::fs::write(&git_config, text).unwrap();
        repo.commit_files(
            "main",
            &[
                file("apps/web/base/deployment.yaml", BASE_DEPLOYMENT),
                file("apps/web/base/configmap.yaml", BASE_CONFIGMAP),
                file(
                    "apps/web/base/kustomization.yaml",
                    "resources: [deployment.yaml, configmap.yaml]\n",
                ),
                file("apps/web/dev/kustomization.yaml", &overlay("dev", "1.2.0")),
                file(
                    "apps/web/staging/kustomization.yaml",
                    &overlay("staging", "1.1.0"),
                ),
                file(
                    "apps/web/prod/kustomization.yaml",
                    &overlay("prod", "1.0.0"),
                ),
            ],
            "Add web stages",
            &signature(1_700_000_000),
        )
        .unwrap();
        let config = dir.path().join("tether.yaml");
        let mut text = String::from("apps:\n");
        for stage in ["dev", "staging", "prod"] {
            text.push_str(&format!(
                "  - name: web-{stage}\n    source: {{repo: ./gitops, path: apps/web/{stage}}}\n    destination: {{context: {context}, namespace: web-{stage}}}\n    syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
            ));
        }
        text.push_str(&format!(
            "pipelines:\n  - name: web\n    stages: [web-dev, web-staging, web-prod]\n    promote:\n      images: [ghcr.io/acme/web]\n{extra}"
        ));
        std::fs::write(&config, text).unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        Stages {
            dir,
            repo,
            repo_path,
            config,
            kubeconfig,
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
