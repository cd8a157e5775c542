//! `tether render PATH [--revision REV] [--repo DIR]`.

use super::args::RenderArgs;
use super::output::{CliError, CliResult, print_out};
use crate::model::Revision;
use crate::render;
use crate::source::Repo;
use std::path::{Path, PathBuf};

pub fn run(args: &RenderArgs) -> CliResult {
    let (repo_dir, path, revision) = locate(args)?;
    let repo = Repo::open(&repo_dir).map_err(CliError::new)?;
    let tree = repo.read_tree(&revision, &path).map_err(CliError::new)?;
    let objects = render::render(&tree, &path).map_err(CliError::new)?;
    print_out(&render::to_yaml_stream(&objects));
    Ok(0)
}

/// The repository, the path inside it, and the revision to read. Without
/// --repo the repository is the one around PATH; without --revision the
/// files on disk are read (WORKTREE).
fn locate(args: &RenderArgs) -> Result<(PathBuf, String, Revision), CliError> {
    let revision = args
        .revision
        .as_deref()
        .map(Revision::parse)
        .unwrap_or(Revision::WorkTree);
    if let Some(repo) = &args.repo {
        let path = args.path.trim_start_matches("./").trim_end_matches('/');
        return Ok((repo.clone(), path.to_string(), revision));
    }
    let absolute = std::path::absolute(Path::new(&args.path))
        .map_err(|e| CliError::new(format!("invalid path {}: {e}", args.path)))?;
    let root = absolute
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .ok_or_else(|| {
            CliError::new(format!(
                "{} is not inside a Git checkout; pass --repo DIR",
                args.path
            ))
        })?;
    let relative = absolute
        .strip_prefix(root)
        .map_err(CliError::new)?
        .to_string_lossy()
        .replace('\\', "/");
    Ok((root.to_path_buf(), relative, revision))
}
