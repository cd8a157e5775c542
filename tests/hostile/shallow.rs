//! Finding "`history` fails on a shallow clone" (git-sync, which the
//! shipped controller manifest runs, clones with depth 1): history stops at
//! the shallow boundary and says so; resolve, render and revert work.

use super::support::*;
use std::path::Path;
use tether::model::Revision;
use tether::source::{Repo, SourceError};

/// An upstream repository with four commits changing app/cm.yaml, and
/// a clone of it `depth` commits deep.
fn shallow_clone(depth: usize) -> Option<(tempfile::TempDir, tempfile::TempDir)> {
    if !has_git("shallow clones") {
        return None;
    }
    let up = tempfile::tempdir().unwrap();
    git(up.path(), &["init", "-q"])?;
    for i in 1..=4 {
        write(up.path(), &[("app/cm.yaml", &configmap(&format!("v{i}")))]);
        git(up.path(), &["add", "-A"])?;
        git(up.path(), &["commit", "-qm", &format!("v{i}")])?;
    }
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", up.path().display());
    let depth = depth.to_string();
    git(clone.path(), &["clone", "-q", "--depth", &depth, &url, "."])?;
    Some((up, clone))
}

fn head() -> Revision {
    Revision::Git("HEAD".into())
}

fn summaries(repo: &Repo) -> (Vec<String>, Option<String>) {
    let log = repo.log_path_bounded(&head(), "app", 50).unwrap();
    let names = log.commits.into_iter().map(|c| c.summary).collect();
    (names, log.shallow_boundary)
}

fn head_id(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).unwrap().trim().to_string()
}

#[test]
fn history_of_a_depth_one_clone_is_empty_and_names_the_boundary() {
    let Some((_up, clone)) = shallow_clone(1) else {
        return;
    };
    let repo = Repo::open(clone.path()).unwrap();
    let (names, boundary) = summaries(&repo);
    assert!(names.is_empty(), "{names:?}");
    assert_eq!(boundary, Some(head_id(clone.path())));
    // Resolving and rendering HEAD need no history.
    assert_eq!(repo.resolve(&head()).unwrap().id, head_id(clone.path()));
    let tree = tether::engine::read_sources(&repo, &head(), "app").unwrap();
    assert_eq!(tether::render::render(&tree, "app").unwrap().len(), 1);
    // Reverting the boundary commit needs its parent, which is not there.
    let me = tether::source::Signature::new("T", "t@example.com", 1_700_000_000);
    let err = repo.revert("HEAD", "app", &me).unwrap_err();
    assert!(matches!(err, SourceError::ShallowParent { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("shallow clone; fetch more history"),
        "{err}"
    );
}

#[test]
fn history_of_a_deeper_clone_stops_at_the_boundary_and_revert_works() {
    let Some((_up, clone)) = shallow_clone(3) else {
        return;
    };
    let repo = Repo::open(clone.path()).unwrap();
    let (names, boundary) = summaries(&repo);
    assert_eq!(
        names,
        vec!["v4", "v3"],
        "v2 is the boundary, v1 is not cloned"
    );
    assert!(boundary.is_some());
    let me = tether::source::Signature::new("T", "t@example.com", 1_700_000_000);
    let reverted = repo.revert("HEAD", "app", &me).unwrap();
    assert!(!reverted.id.is_empty());
    let cm = std::fs::read_to_string(clone.path().join("app/cm.yaml")).unwrap();
    assert!(cm.contains("name: v3"), "{cm}");
}

#[test]
fn history_json_carries_the_boundary() {
    let history = tether::model::AppHistory {
        app: "web".into(),
        shallow: Some("abc".into()),
        ..Default::default()
    };
    let json = serde_json::to_value(&history).unwrap();
    assert_eq!(json["shallow"], "abc");
    let full = tether::model::AppHistory::default();
    assert!(
        serde_json::to_value(&full)
            .unwrap()
            .get("shallow")
            .is_none()
    );
}
