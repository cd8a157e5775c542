//! Kustomize roots built by the real kustomize, for users who must have
//! its exact behaviour (`render: {kustomize: binary}`): the app's files —
//! the same tree the native build reads from Git — are written to a
//! private temporary folder (0700, removed afterwards) and built there
//! with `kustomize build` or `kubectl kustomize`, always with
//! `--enable-helm` (and `--helm-command` when tether finds helm). The
//! output is read by tether's manifest reader, so the rest of the engine
//! sees the same objects as from a native build.
//!
//! Which program: `$TETHER_KUSTOMIZE` when set (a name starting with
//! `kubectl` is called as `kubectl kustomize`, anything else as
//! `kustomize build`); else `kustomize` on PATH — the standalone binary
//! is the version its user chose, and what Argo CD runs — else `kubectl`.

use super::RenderError;
use super::documents::parse_file;
use super::process::{self, ProcessError, ProcessLimits};
use crate::model::{FileTree, LoadRestrictor, RenderLimits, TreeError};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Environment variable naming the kustomize (or kubectl) binary.
pub const KUSTOMIZE_ENV: &str = "TETHER_KUSTOMIZE";

/// Environment variable with the deadline of one build, in seconds.
pub const TIMEOUT_ENV: &str = "TETHER_KUSTOMIZE_TIMEOUT";

/// A kustomize program and how it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KustomizeProgram {
    /// `kubectl kustomize DIR`.
    Kubectl(PathBuf),
    /// `kustomize build DIR`.
    Kustomize(PathBuf),
}

impl KustomizeProgram {
    /// The program for a binary path, by its file name.
    pub fn for_binary(path: PathBuf) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("kubectl") {
            KustomizeProgram::Kubectl(path)
        } else {
            KustomizeProgram::Kustomize(path)
        }
    }

    /// `$TETHER_KUSTOMIZE`, else `kustomize` on PATH, else `kubectl`.
    pub fn find() -> Result<Self, RenderError> {
        if let Some(path) = std::env::var_os(KUSTOMIZE_ENV).filter(|p| !p.is_empty()) {
            return Ok(Self::for_binary(PathBuf::from(path)));
        }
        if let Some(path) = on_path("kustomize") {
            return Ok(KustomizeProgram::Kustomize(path));
        }
        if let Some(path) = on_path("kubectl") {
            return Ok(KustomizeProgram::Kubectl(path));
        }
        Err(RenderError::KustomizeBinary(format!(
            "the kustomize binary mode needs `kustomize` or `kubectl` on PATH, or {KUSTOMIZE_ENV} naming one; neither was found"
        )))
    }

    /// `kustomize build` or `kubectl kustomize`, for messages.
    pub fn describe(&self) -> String {
        match self {
            KustomizeProgram::Kubectl(p) => format!("{} kustomize", p.display()),
            KustomizeProgram::Kustomize(p) => format!("{} build", p.display()),
        }
    }

    fn command(&self, dir: &Path) -> Command {
        let mut command = match self {
            KustomizeProgram::Kubectl(p) => {
                let mut c = Command::new(p);
                c.arg("kustomize");
                c
            }
            KustomizeProgram::Kustomize(p) => {
                let mut c = Command::new(p);
                c.arg("build");
                c
            }
        };
        command.arg(dir).arg("--enable-helm");
        command
    }
}

/// The deadline of one build: [`TIMEOUT_ENV`] seconds when set, else
/// `render.timeout` (`configured`).
pub fn timeout(configured: Duration) -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(configured, Duration::from_secs_f64)
}

/// Builds the kustomization in folder `dir` of `tree` with the program
/// [`KustomizeProgram::find`] picks, helm from [`super::helm::helm_binary`]
/// when there is one, within `limits` (deadline: [`timeout`]; the load
/// restrictor is passed on).
pub fn build(tree: &FileTree, dir: &str, limits: &RenderLimits) -> Result<Vec<Value>, RenderError> {
    let helm = super::helm::helm_binary().ok();
    let mut process = ProcessLimits::from(limits);
    process.timeout = timeout(limits.timeout);
    build_with(
        &KustomizeProgram::find()?,
        helm.as_deref(),
        tree,
        dir,
        &process,
        limits.load_restrictor,
    )
}

/// [`build`] with an explicit program, helm, process limits and load
/// restrictor.
pub fn build_with(
    program: &KustomizeProgram,
    helm: Option<&Path>,
    tree: &FileTree,
    dir: &str,
    limits: &ProcessLimits,
    restrictor: LoadRestrictor,
) -> Result<Vec<Value>, RenderError> {
    let failed = |message: String| {
        RenderError::KustomizeBinary(format!(
            "{}: {} failed: {message}",
            shown(dir),
            program.describe()
        ))
    };
    let work =
        private_dir().map_err(|e| failed(format!("cannot create a temporary folder: {e}")))?;
    let root = work.path().join("repo");
    materialise(tree, &root).map_err(|e| failed(format!("cannot write the app's files: {e}")))?;
    let target = if dir.is_empty() {
        root.clone()
    } else {
        root.join(dir)
    };
    let mut command = program.command(&target);
    if let Some(helm) = helm {
        command.arg("--helm-command").arg(helm);
    }
    if restrictor == LoadRestrictor::None {
        command.arg("--load-restrictor").arg("LoadRestrictionsNone");
    }
    // Helm's configuration and caches stay out of the user's home.
    command
        .current_dir(&root)
        .env("HELM_CONFIG_HOME", work.path().join("helm"))
        .env("HELM_CACHE_HOME", work.path().join("helm/.cache"))
        .env("HELM_DATA_HOME", work.path().join("helm/.data"));
    let done = process::run(command, limits).map_err(|e| match e {
        ProcessError::Timeout { timeout, .. } => failed(format!(
            "it did not finish within {}s and was stopped with its child processes (render.timeout, or {TIMEOUT_ENV})",
            timeout.as_secs_f32()
        )),
        other => failed(other.to_string()),
    })?;
    // Paths in kustomize's messages read as paths of the repository.
    let root_prefix = format!("{}/", root.display());
    if !done.status.success() {
        let stderr = String::from_utf8_lossy(&done.stderr).replace(&root_prefix, "");
        let message = stderr.trim();
        let message = message
            .strip_prefix("Error: ")
            .or_else(|| message.strip_prefix("error: "))
            .unwrap_or(message)
            .trim();
        let message = if message.is_empty() {
            format!("it exited with {}", done.status)
        } else {
            message.to_string()
        };
        return Err(failed(message));
    }
    parse_file(
        &format!("{} ({})", shown(dir), program.describe()),
        &done.stdout,
    )
}

/// `dir` for messages (`.` for the root).
fn shown(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}

/// A temporary folder only the current user can enter, removed on drop.
fn private_dir() -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("tether-kustomize-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// Writes every file of `tree` below `root`; paths that would leave it
/// (`..`, absolute, empty components) are skipped.
fn materialise(tree: &FileTree, root: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root)?;
    for file in tree.paths() {
        if file
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            continue;
        }
        // Links inside the tree are written as the files they lead to;
        // links to folders and submodules are not files to write.
        let bytes = match tree.read(file) {
            Ok(bytes) => bytes,
            Err(TreeError::Folder { .. } | TreeError::Submodule { .. }) => continue,
            Err(e) => return Err(std::io::Error::other(e)),
        };
        let target = root.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, bytes)?;
    }
    Ok(())
}

/// `name` in a folder of PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_follows_the_binary_name() {
        assert_eq!(
            KustomizeProgram::for_binary("/usr/bin/kubectl".into()),
            KustomizeProgram::Kubectl("/usr/bin/kubectl".into())
        );
        assert_eq!(
            KustomizeProgram::for_binary("/opt/kustomize-5.4".into()),
            KustomizeProgram::Kustomize("/opt/kustomize-5.4".into())
        );
    }

    #[test]
    fn files_that_would_leave_the_folder_are_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut tree = FileTree::new();
        tree.insert("a/k.yaml", "x");
        tree.insert("../escape", "x");
        tree.insert("a/../../escape2", "x");
        materialise(&tree, &dir.path().join("repo")).unwrap();
        assert!(dir.path().join("repo/a/k.yaml").is_file());
        assert!(!dir.path().join("escape").exists());
        assert!(!dir.path().join("escape2").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_work_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = private_dir().unwrap();
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
