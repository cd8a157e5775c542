//! The kustomize binary mode (`render: {kustomize: binary}`,
//! `--kustomize binary`) and `tether render --check`, through the real
//! `kubectl kustomize` / `kustomize` (without either these tests print a
//! loud SKIPPED line). Differences are made on purpose with a wrapper
//! script named by TETHER_KUSTOMIZE.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{file, signature, skipped};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tether::model::{FileTree, KustomizeMode, Revision};
use tether::render::kustomize_binary::KustomizeProgram;
use tether::render::{RenderOptions, render_with, to_yaml_stream};
use tether::source::init_repo;

/// The kustomize program the binary mode would use, or None (SKIPPED).
fn program() -> Option<KustomizeProgram> {
    match KustomizeProgram::find() {
        Ok(p) => Some(p),
        Err(_) => {
            skipped(
                "neither kustomize nor kubectl on PATH; the kustomize binary mode was not tested",
            );
            None
        }
    }
}

const BASE_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0.0
";

/// A repository whose overlay reaches a base and a component in other
/// folders, plus files the build does not need; tether.yaml with the
/// app `web` on the overlay (and `broken`, whose resource is missing).
struct Repo {
    dir: tempfile::TempDir,
    path: PathBuf,
    config: PathBuf,
}

fn repo(render: &str) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gitops");
    let repo = init_repo(&path).unwrap();
    repo.commit_files(
        "main",
        &[
            file("bases/web/kustomization.yaml", "resources: [deploy.yaml]\n"),
            file("bases/web/deploy.yaml", BASE_DEPLOY),
            file(
                "components/probe/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n  - pairs: {probe: enabled}\n",
            ),
            file(
                "apps/web/prod/kustomization.yaml",
                "resources: [../../../bases/web, cm.yaml]\ncomponents: [../../../components/probe]\nnamePrefix: prod-\nnamespace: shop\nimages:\n  - {name: ghcr.io/example/web, newTag: 2.0.0}\nconfigMapGenerator:\n  - {name: flags, literals: [MODE=prod]}\n",
            ),
            file(
                "apps/web/prod/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {LOG_LEVEL: info}\n",
            ),
            file("apps/broken/kustomization.yaml", "resources: [missing.yaml]\n"),
            file("unrelated/notes.yaml", "not: [needed\n"),
        ],
        "Add web",
        &signature(1_700_000_000),
    )
    .unwrap();
    let config = dir.path().join("tether.yaml");
    std::fs::write(
        &config,
        format!(
            "{render}apps:\n  - name: web\n    source: {{repo: ./gitops, path: apps/web/prod}}\n  - name: broken\n    source: {{repo: ./gitops, path: apps/broken}}\n"
        ),
    )
    .unwrap();
    Repo { dir, path, config }
}

fn tether(repo: &Repo, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tether"));
    command
        .arg("--config")
        .arg(&repo.config)
        .args(args)
        .current_dir(repo.dir.path())
        .env_remove("TETHER_KUSTOMIZE");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// A TETHER_KUSTOMIZE wrapper around the real program running `body`
/// (a shell fragment; `$REAL` runs the real build of the folder "$2").
fn wrapper(repo: &Repo, name: &str, body: &str) -> PathBuf {
    let real = match program().unwrap() {
        KustomizeProgram::Kubectl(p) => format!("{} kustomize", p.display()),
        KustomizeProgram::Kustomize(p) => format!("{} build", p.display()),
    };
    let path = repo.dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\nREAL=\"{real}\"\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn binary_mode_builds_an_overlay_with_bases_from_other_folders() {
    let Some(program) = program() else { return };
    let r = repo("");
    let git = tether::source::Repo::open(&r.path).unwrap();
    let tree: FileTree =
        tether::engine::read_sources(&git, &Revision::default(), "apps/web/prod").unwrap();
    assert!(
        !tree.contains("unrelated/notes.yaml"),
        "only what the build needs is read from Git"
    );
    let binary = tether::render::kustomize_binary::build_with(
        &program,
        None,
        &tree,
        "apps/web/prod",
        &tether::render::process::ProcessLimits::default(),
        tether::model::LoadRestrictor::RootOnly,
    )
    .unwrap();
    let native = render_with(&tree, "apps/web/prod", &RenderOptions::default()).unwrap();
    assert_eq!(to_yaml_stream(&binary), to_yaml_stream(&native));
    let deploy = binary.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(deploy["metadata"]["name"], "prod-web");
    assert_eq!(
        deploy["metadata"]["labels"]["probe"], "enabled",
        "the component applied"
    );
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/example/web:2.0.0"
    );
    let flags = binary
        .iter()
        .find(|o| o["kind"] == "ConfigMap" && o["data"]["MODE"] == "prod");
    assert!(
        flags.unwrap()["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("prod-flags-"),
        "generated names carry kustomize's hash"
    );

    // Through the options the engine passes (render.kustomize: binary).
    let options = RenderOptions {
        kustomize: KustomizeMode::Binary,
        ..Default::default()
    };
    let via_options = render_with(&tree, "apps/web/prod", &options).unwrap();
    assert_eq!(via_options, binary);
}

#[test]
fn render_app_in_binary_mode_runs_in_a_private_folder_removed_afterwards() {
    if program().is_none() {
        return;
    }
    let r = repo("render: {kustomize: binary}\n");
    let log = r.dir.path().join("wrapper.log");
    let spy = wrapper(
        &r,
        "kustomize",
        &format!(
            "stat -c %a .. > {log}\npwd >> {log}\necho \"$@\" >> {log}\nexec $REAL \"$2\" --enable-helm",
            log = log.display()
        ),
    );
    let out = tether(
        &r,
        &["render", "--app", "web"],
        &[("TETHER_KUSTOMIZE", &spy)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("name: prod-web"));
    let log = std::fs::read_to_string(&log).unwrap();
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some("700"), "the work folder is private");
    let cwd = lines.next().unwrap();
    assert!(
        !Path::new(cwd).exists(),
        "the materialised tree {cwd} was not removed"
    );
    let args = lines.next().unwrap();
    assert!(
        args.starts_with("build ") && args.contains("/apps/web/prod --enable-helm"),
        "{args}"
    );
}

#[test]
fn check_is_quiet_when_both_modes_agree_and_prints_a_diff_when_not() {
    if program().is_none() {
        return;
    }
    let r = repo("");
    let out = tether(&r, &["render", "--app", "web", "--check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("identical"));

    let out = tether(&r, &["render", "gitops/apps/web/prod", "--check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A kustomize that renames one object and changes one value.
    let different = wrapper(
        &r,
        "kustomize",
        "$REAL \"$2\" | sed -e 's/prod-web-config/prod-web-settings/' -e 's/LOG_LEVEL: info/LOG_LEVEL: debug/'",
    );
    for args in [
        &["render", "--app", "web", "--check"][..],
        &["render", "gitops/apps/web/prod", "--check"][..],
    ] {
        let out = tether(&r, args, &[("TETHER_KUSTOMIZE", &different)]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let diff = text(&out.stdout);
        assert!(diff.starts_with("--- native\n+++ binary\n"), "{diff}");
        for line in [
            "-  LOG_LEVEL: info",
            "+  LOG_LEVEL: debug",
            "-  name: prod-web-config",
            "+  name: prod-web-settings",
        ] {
            assert!(
                diff.lines().any(|l| l == line),
                "{line:?} missing from\n{diff}"
            );
        }
        assert!(text(&out.stderr).contains("differ"));
    }
}

#[test]
fn binary_errors_name_the_app_and_carry_the_binary_message() {
    if program().is_none() {
        return;
    }
    let r = repo("");
    // The real binary on a kustomization whose resource is missing.
    let out = tether(
        &r,
        &["--kustomize", "binary", "render", "--app", "broken"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("tether: app broken: apps/broken: "),
        "{stderr}"
    );
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    assert!(
        !stderr.contains("tether-kustomize-"),
        "temporary paths leak: {stderr}"
    );

    let failing = wrapper(
        &r,
        "kustomize",
        "echo 'Error: boom from kustomize' >&2\nexit 1",
    );
    let out = tether(
        &r,
        &["render", "--app", "web", "--kustomize", "binary"],
        &[("TETHER_KUSTOMIZE", &failing)],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("tether: app web: apps/web/prod: ")
            && stderr.contains(" build failed: boom from kustomize"),
        "{stderr}"
    );
    let out = tether(
        &r,
        &["render", "--app", "web", "--check"],
        &[("TETHER_KUSTOMIZE", &failing)],
    );
    assert_eq!(out.status.code(), Some(2), "an error in --check is exit 2");

    let slow = wrapper(&r, "kustomize", "sleep 30");
    let started = std::time::Instant::now();
    let out = tether(
        &r,
        &["render", "--app", "web", "--kustomize", "binary"],
        &[
            ("TETHER_KUSTOMIZE", &slow),
            ("TETHER_KUSTOMIZE_TIMEOUT", Path::new("0.5")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("did not finish within 0.5s"), "{stderr}");
}

/// kustomize inflates helmCharts with the helm tether found
/// (`--helm-command`), here through TETHER_HELM with no helm on PATH.
#[test]
fn helm_charts_inflate_with_the_helm_tether_finds() {
    let Some(program) = program() else { return };
    let Ok(helm) = tether::render::helm::helm_binary() else {
        skipped("helm not on PATH (nor TETHER_HELM); helmCharts in binary mode were not tested");
        return;
    };
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize/helm-chart-basic");
    let binary = match &program {
        KustomizeProgram::Kubectl(p) | KustomizeProgram::Kustomize(p) => p.clone(),
    };
    // PATH without any folder holding a helm.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let without_helm: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("helm").exists())
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_tether"))
        .args(["render", ".", "--check"])
        .current_dir(&case)
        .env("PATH", std::env::join_paths(without_helm).unwrap())
        .env("TETHER_KUSTOMIZE", &binary)
        .env("TETHER_HELM", &helm)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("identical"));
}
