//! `tether render PATH [--revision REV] [--repo DIR]`.

use super::args::RenderArgs;
use super::output::{CliError, CliResult, print_out};
use crate::engine::{follow_kustomizations, read_sources_with};
use crate::model::{FileTree, RenderLimits, Revision};
use crate::render;
use crate::source::{Repo, read_folder};
use std::path::{Path, PathBuf};

pub fn run(args: &RenderArgs) -> CliResult {
    let limits = RenderLimits {
        load_restrictor: args.load_restrictor.unwrap_or_default(),
        ..RenderLimits::default()
    };
    let (tree, path) = match locate(args)? {
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
    let options = render::RenderOptions {
        limits,
        ..render::RenderOptions::default()
    };
    let objects = render::render_with(&tree, &path, &options).map_err(CliError::new)?;
    print_out(&render::to_yaml_stream(&objects));
    Ok(0)
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

fn locate(args: &RenderArgs) -> Result<Located, CliError> {
    let revision = args.revision.as_deref().map(Revision::parse);
    if let Some(repo) = &args.repo {
        let path = args.path.trim_start_matches("./").trim_end_matches('/');
        return Ok(Located::Git {
            repo: repo.clone(),
            path: path.to_string(),
            revision: revision.unwrap_or(Revision::WorkTree),
        });
    }
    let absolute = std::path::absolute(Path::new(&args.path))
        .map_err(|e| CliError::new(format!("invalid path {}: {e}", args.path)))?;
    if !absolute.exists() {
        return Err(CliError::new(format!(
            "{}: no such file or folder",
            args.path
        )));
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
            "{} is not inside a Git checkout, so --revision cannot apply; pass --repo DIR",
            args.path
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
