//! `tether render PATH [--revision REV] [--repo DIR] [--check]` and
//! `tether render --app APP [--revision REV] [--check]`.
//!
//! `--check` renders Kustomize roots both ways — tether's own Kustomize
//! and the kustomize binary — and prints a unified diff of the two YAML
//! streams (exit 0 identical, 1 different, 2 error): a CI guard for users
//! who switch between the modes.

use super::args::RenderArgs;
use super::output::{CliError, CliResult, print_out};
use crate::engine::{follow_kustomizations, read_sources_with, render_app};
use crate::model::{AppSpec, FileTree, KustomizeMode, RenderLimits, Revision};
use crate::render::{self, RenderOptions};
use crate::source::{Repo, read_folder};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn run(args: &RenderArgs, config: Option<&Path>, mode: Option<KustomizeMode>) -> CliResult {
    if let Some(name) = &args.app {
        return run_app(args, name, config, mode);
    }
    let limits = RenderLimits {
        load_restrictor: args.load_restrictor.unwrap_or_default(),
        ..RenderLimits::default()
    };
    let path_arg = args.path.as_deref().unwrap_or(".");
    let (tree, path) = match locate(args, path_arg)? {
        Located::Git {
            repo,
            path,
            revision,
        } => {
            let repo = Repo::open(&repo).map_err(CliError::new)?;
            (
                read_sources_with(&repo, &revision, &path, &limits).map_err(CliError::new)?,
                path,
            )
        }
        Located::Disk { root, path } => (disk_tree(&root, &path, &limits)?, path),
    };
    let with = |kustomize: KustomizeMode| {
        let options = RenderOptions {
            kustomize,
            limits,
            ..Default::default()
        };
        render::render_with(&tree, &path, &options).map_err(CliError::new)
    };
    if args.check {
        if render::detect(&tree, path.trim_matches('/')) != render::SourceKind::Kustomize {
            eprintln!(
                "tether: {path_arg} is not a Kustomize root; both modes render it the same way"
            );
            return Ok(0);
        }
        return Ok(report_check(
            path_arg,
            &with(KustomizeMode::Native)?,
            &with(KustomizeMode::Binary)?,
            |text| text.to_string(),
        ));
    }
    let objects = with(mode.unwrap_or_default())?;
    print_out(&render::to_yaml_stream(&objects));
    Ok(0)
}

/// `render --app APP`: the app's own repository, path, revision (or
/// `--revision`) and renderer options.
fn run_app(
    args: &RenderArgs,
    name: &str,
    config: Option<&Path>,
    mode: Option<KustomizeMode>,
) -> CliResult {
    let config = crate::config::load(config).map_err(CliError::new)?;
    let mut app: AppSpec = config
        .apps
        .into_iter()
        .find(|a| a.name == name)
        .ok_or_else(|| CliError::new(format!("no app named {name:?} in the configuration")))?;
    let revision = args.revision.as_deref().map(Revision::parse);
    if let Some(restrictor) = args.load_restrictor {
        app.render.load_restrictor = Some(restrictor);
    }
    let mut render = |kustomize: Option<KustomizeMode>| {
        if let Some(kustomize) = kustomize {
            app.set_kustomize_mode(kustomize);
        }
        render_app(&app, revision.as_ref()).map_err(CliError::new)
    };
    if args.check {
        let native = render(Some(KustomizeMode::Native))?;
        let binary = render(Some(KustomizeMode::Binary))?;
        // A diff is a display: values the app marks secret stay hidden.
        return Ok(report_check(
            &format!("app {name}"),
            &native.objects,
            &binary.objects,
            |text| native.secrets.mask_text(text),
        ));
    }
    let desired = render(mode)?;
    print_out(&render::to_yaml_stream(&desired.objects));
    Ok(0)
}

/// Prints the unified diff from the native to the binary render (masked
/// by `mask`); the exit code: 0 identical, 1 different.
fn report_check(
    what: &str,
    native: &[Value],
    binary: &[Value],
    mask: impl Fn(&str) -> String,
) -> i32 {
    let (native, binary) = (
        render::to_yaml_stream(native),
        render::to_yaml_stream(binary),
    );
    if native == binary {
        eprintln!("tether: {what}: native and binary Kustomize renders are identical");
        return 0;
    }
    let diff = similar::TextDiff::from_lines(&native, &binary)
        .unified_diff()
        .context_radius(3)
        .header("native", "binary")
        .to_string();
    print_out(&mask(&diff));
    eprintln!("tether: {what}: native and binary Kustomize renders differ");
    1
}

/// Where the files come from.
enum Located {
    /// A Git checkout, a path inside it and a revision (WORKTREE without --revision).
    Git {
        repo: PathBuf,
        path: String,
        revision: Revision,
    },
    /// A folder outside Git, read below `root` (which kustomizations may
    /// reach into with `../`).
    Disk { root: PathBuf, path: String },
}

fn locate(args: &RenderArgs, path_arg: &str) -> Result<Located, CliError> {
    let revision = args.revision.as_deref().map(Revision::parse);
    if let Some(repo) = &args.repo {
        let path = path_arg.trim_start_matches("./").trim_end_matches('/');
        return Ok(Located::Git {
            repo: repo.clone(),
            path: path.to_string(),
            revision: revision.unwrap_or(Revision::WorkTree),
        });
    }
    let absolute = std::path::absolute(Path::new(path_arg))
        .map_err(|e| CliError::new(format!("invalid path {path_arg}: {e}")))?;
    if !absolute.exists() {
        return Err(CliError::new(format!("{path_arg}: no such file or folder")));
    }
    if let Some(root) = absolute.ancestors().find(|dir| dir.join(".git").exists()) {
        return Ok(Located::Git {
            repo: root.to_path_buf(),
            path: relative(&absolute, root)?,
            revision: revision.unwrap_or(Revision::WorkTree),
        });
    }
    if revision.is_some() {
        return Err(CliError::new(format!(
            "{path_arg} is not inside a Git checkout, so --revision cannot apply; pass --repo DIR"
        )));
    }
    // Outside Git: the current folder is the root when PATH is inside it,
    // else PATH's parent.
    let cwd = std::env::current_dir().map_err(CliError::new)?;
    let root = if absolute.starts_with(&cwd) {
        cwd
    } else {
        absolute.parent().unwrap_or(&absolute).to_path_buf()
    };
    Ok(Located::Disk {
        path: relative(&absolute, &root)?,
        root,
    })
}

fn relative(path: &Path, root: &Path) -> Result<String, CliError> {
    Ok(path
        .strip_prefix(root)
        .map_err(CliError::new)?
        .to_string_lossy()
        .replace('\\', "/"))
}

fn disk_tree(root: &Path, path: &str, limits: &RenderLimits) -> Result<FileTree, CliError> {
    let mut folder = read_folder(root, path).map_err(CliError::new)?;
    folder.set_read_limit(limits.max_read_bytes);
    Ok(follow_kustomizations(folder, |p| read_folder(root, p).ok()))
}
