#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Git layer on repositories built by the tests in temp dirs. Commits
//! carry explicit signatures; no global Git configuration is relied upon.
//! Where a `git` binary is on PATH it cross-checks history and status.

use std::path::Path;
use std::process::Command;
use tether::model::Revision;
use tether::source::{Repo, Signature, SourceError, init_repo};

const T0: i64 = 1_700_000_000;

fn ann(minute: i64) -> Signature {
    Signature::new("Ann Example", "ann@example.com", T0 + minute * 60)
}

fn put(path: &str, content: &str) -> (String, Option<Vec<u8>>) {
    (path.to_string(), Some(content.as_bytes().to_vec()))
}

fn del(path: &str) -> (String, Option<Vec<u8>>) {
    (path.to_string(), None)
}

fn git(rev: &str) -> Revision {
    Revision::Git(rev.to_string())
}

/// main: c1 (web v1, api v1, README) → c2 (web v2) → c3 (api v2) → c5 (api deleted)
/// feature: c3 → c4 (web v3). Tags: v1 (light, c1), release-1 (annotated, c2).
struct Fixture {
    dir: tempfile::TempDir,
    repo: Repo,
    c: [String; 5],
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path()).unwrap();
    let c1 = repo
        .commit_files(
            "main",
            &[
                put("apps/web/deploy.yaml", "web: v1\n"),
                put("apps/api/cm.yaml", "api: v1\n"),
                put("README.md", "# demo\n"),
            ],
            "initial apps",
            &ann(1),
        )
        .unwrap();
    let c2 = repo
        .commit_files(
            "main",
            &[put("apps/web/deploy.yaml", "web: v2\n")],
            "web v2\n\nbody",
            &ann(2),
        )
        .unwrap();
    let c3 = repo
        .commit_files(
            "main",
            &[put("apps/api/cm.yaml", "api: v2\n")],
            "api v2",
            &ann(3),
        )
        .unwrap();
    // feature branches off c3: create it from main's tip via a gix ref.
    let gix_repo = gix::open(dir.path()).unwrap();
    let c3_id = gix::ObjectId::from_hex(c3.as_bytes()).unwrap();
    gix_repo
        .reference(
            "refs/heads/feature",
            c3_id,
            gix::refs::transaction::PreviousValue::MustNotExist,
            "branch",
        )
        .unwrap();
    let c4 = repo
        .commit_files(
            "feature",
            &[put("apps/web/deploy.yaml", "web: v3\n")],
            "web v3 on feature",
            &ann(4),
        )
        .unwrap();
    let c5 = repo
        .commit_files("main", &[del("apps/api/cm.yaml")], "remove api", &ann(5))
        .unwrap();
    let c1_id = gix::ObjectId::from_hex(c1.as_bytes()).unwrap();
    let c2_id = gix::ObjectId::from_hex(c2.as_bytes()).unwrap();
    gix_repo
        .tag_reference(
            "v1",
            c1_id,
            gix::refs::transaction::PreviousValue::MustNotExist,
        )
        .unwrap();
    let tagger = gix::actor::Signature {
        name: "Ann".into(),
        email: "ann@example.com".into(),
        time: gix::date::Time {
            seconds: T0,
            offset: 0,
        },
    };
    let mut buf = gix::date::parse::TimeBuf::default();
    gix_repo
        .tag(
            "release-1",
            c2_id,
            gix::objs::Kind::Commit,
            Some(tagger.to_ref(&mut buf)),
            "release 1",
            gix::refs::transaction::PreviousValue::MustNotExist,
        )
        .unwrap();
    Fixture {
        dir,
        repo,
        c: [c1, c2, c3, c4, c5],
    }
}

/// `git` with a sandboxed configuration, or None when not installed.
fn git_cli(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn resolves_head_branches_tags_and_ids() {
    let f = fixture();
    let [c1, c2, _, c4, c5] = &f.c;
    let head = f.repo.resolve(&git("HEAD")).unwrap();
    assert_eq!(&head.id, c5);
    assert_eq!(head.short, c5[..7]);
    assert_eq!(head.reference.as_deref(), Some("refs/heads/main"));
    assert_eq!(f.repo.resolve(&Revision::default()).unwrap(), head);
    assert_eq!(f.repo.resolve(&git("main")).unwrap(), head);

    let feature = f.repo.resolve(&git("feature")).unwrap();
    assert_eq!(&feature.id, c4);
    assert_eq!(feature.reference.as_deref(), Some("refs/heads/feature"));

    let light = f.repo.resolve(&git("v1")).unwrap();
    assert_eq!(&light.id, c1);
    assert_eq!(light.reference.as_deref(), Some("refs/tags/v1"));
    let annotated = f.repo.resolve(&git("release-1")).unwrap();
    assert_eq!(&annotated.id, c2, "annotated tags peel to their commit");
    assert_eq!(annotated.reference.as_deref(), Some("refs/tags/release-1"));

    let short = f.repo.resolve(&git(&c2[..7])).unwrap();
    assert_eq!(&short.id, c2);
    assert_eq!(short.reference, None);
    assert_eq!(&f.repo.resolve(&git(c2)).unwrap().id, c2);

    let wt = f.repo.resolve(&Revision::WorkTree).unwrap();
    assert_eq!((wt.id.as_str(), wt.reference), ("WORKTREE", None));
}

#[test]
fn unknown_revision_names_revision_and_repo() {
    let f = fixture();
    let err = f.repo.resolve(&git("nope")).unwrap_err();
    assert!(matches!(err, SourceError::UnknownRevision { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "revision \"nope\" not found in repository {}",
            f.dir.path().display()
        )
    );
    let tree = f.repo.read_tree(&git("nope"), "apps").unwrap_err();
    assert!(matches!(tree, SourceError::UnknownRevision { .. }));
}

#[test]
fn log_path_lists_commits_touching_the_path_newest_first() {
    let f = fixture();
    let [c1, c2, c3, c4, c5] = &f.c;
    let ids = |rev: &str, path: &str, limit: usize| -> Vec<String> {
        f.repo
            .log_path(&git(rev), path, limit)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids("HEAD", "apps/web", 10), vec![c2.clone(), c1.clone()]);
    assert_eq!(
        ids("HEAD", "apps/api", 10),
        vec![c5.clone(), c3.clone(), c1.clone()]
    );
    assert_eq!(
        ids("HEAD", "apps/api/cm.yaml", 10),
        vec![c5.clone(), c3.clone(), c1.clone()]
    );
    assert_eq!(ids("HEAD", "apps/api", 1), vec![c5.clone()]);
    assert_eq!(ids("HEAD", "", 10).len(), 4);
    assert_eq!(
        ids("feature", "apps/web/", 10),
        vec![c4.clone(), c2.clone(), c1.clone()]
    );
    assert_eq!(ids("HEAD", "README.md", 10), vec![c1.clone()]);
    assert!(ids("HEAD", "nowhere", 10).is_empty());

    let newest = &f.repo.log_path(&git("HEAD"), "apps/web", 1).unwrap()[0];
    assert_eq!(newest.short, c2[..7]);
    assert_eq!(newest.author, "Ann Example <ann@example.com>");
    assert_eq!(newest.time, "2023-11-14T22:15:20Z");
    assert_eq!(newest.summary, "web v2");
}

#[test]
fn log_path_agrees_with_git_log() {
    let f = fixture();
    for (rev, path) in [
        ("HEAD", "apps/web"),
        ("HEAD", "apps/api"),
        ("feature", "apps/web"),
        ("HEAD", "README.md"),
    ] {
        let Some(out) = git_cli(f.dir.path(), &["log", "--format=%H", rev, "--", path]) else {
            return;
        };
        let expected: Vec<&str> = out.lines().collect();
        let ours: Vec<String> = f
            .repo
            .log_path(&git(rev), path, 50)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ours, expected, "{rev} -- {path}");
    }
}

#[test]
fn read_tree_reads_old_revisions_from_the_object_database() {
    let f = fixture();
    // An uncommitted edit on disk must not leak into commit reads.
    std::fs::write(f.dir.path().join("apps/web/deploy.yaml"), "web: dirty\n").unwrap();

    let old = f.repo.read_tree(&git(&f.c[0]), "apps").unwrap();
    let files: Vec<_> = old
        .paths()
        .map(|p| {
            let c = old.read(p).unwrap();
            (p.to_string(), String::from_utf8_lossy(c).into_owned())
        })
        .collect();
    assert_eq!(
        files,
        vec![
            ("apps/api/cm.yaml".to_string(), "api: v1\n".to_string()),
            ("apps/web/deploy.yaml".to_string(), "web: v1\n".to_string()),
        ]
    );
    let head = f.repo.read_tree(&git("HEAD"), "./apps/web/").unwrap();
    assert_eq!(head.get("apps/web/deploy.yaml"), Some(&b"web: v2\n"[..]));
    let feature = f.repo.read_tree(&git("feature"), "apps/web").unwrap();
    assert_eq!(feature.get("apps/web/deploy.yaml"), Some(&b"web: v3\n"[..]));
    let tag = f
        .repo
        .read_tree(&git("release-1"), "apps/web/deploy.yaml")
        .unwrap();
    assert_eq!(tag.len(), 1);
    assert_eq!(tag.get("apps/web/deploy.yaml"), Some(&b"web: v2\n"[..]));
    let root = f.repo.read_tree(&git("HEAD"), "").unwrap();
    assert_eq!(root.len(), 2, "README.md and apps/web/deploy.yaml");
}

#[test]
fn absent_path_names_path_revision_and_repo() {
    let f = fixture();
    let err = f.repo.read_tree(&git("HEAD"), "apps/api").unwrap_err();
    assert!(matches!(err, SourceError::PathNotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "path \"apps/api\" does not exist at revision HEAD of repository {}",
            f.dir.path().display()
        )
    );
    let err = f
        .repo
        .read_tree(&Revision::WorkTree, "apps/api")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "path \"apps/api\" does not exist at revision WORKTREE of repository {}",
            f.dir.path().display()
        )
    );
    let err = f.repo.read_tree(&git("HEAD"), "../etc").unwrap_err();
    assert!(matches!(err, SourceError::InvalidPath { .. }), "{err}");
}

#[test]
fn worktree_mode_reads_uncommitted_files_from_disk() {
    let f = fixture();
    std::fs::write(f.dir.path().join("apps/web/deploy.yaml"), "web: dirty\n").unwrap();
    std::fs::write(f.dir.path().join("apps/web/new.yaml"), "new: 1\n").unwrap();
    let tree = f.repo.read_tree(&Revision::WorkTree, "apps/web").unwrap();
    assert_eq!(tree.get("apps/web/deploy.yaml"), Some(&b"web: dirty\n"[..]));
    assert_eq!(tree.get("apps/web/new.yaml"), Some(&b"new: 1\n"[..]));
    let root = f.repo.read_tree(&Revision::WorkTree, "").unwrap();
    assert!(root.paths().all(|p| !p.starts_with(".git")), "skips .git");
    assert!(root.contains("README.md"));
}

#[test]
fn commits_update_the_checked_out_work_tree_and_index() {
    let f = fixture();
    let d = f.dir.path();
    // main is checked out: its files are on disk, the deleted folder is gone.
    assert_eq!(
        std::fs::read_to_string(d.join("apps/web/deploy.yaml")).unwrap(),
        "web: v2\n"
    );
    assert!(!d.join("apps/api").exists(), "empty folders are removed");
    // A commit on feature (not checked out) changed nothing on disk.
    if let Some(status) = git_cli(d, &["status", "--porcelain"]) {
        assert_eq!(status, "", "work tree and index match HEAD");
        let head = git_cli(d, &["rev-parse", "HEAD"]).unwrap();
        assert_eq!(head.trim(), f.c[4]);
    }
}

#[test]
fn open_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let err = Repo::open(&missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("repository {} does not exist", missing.display())
    );
    let err = Repo::open(dir.path()).unwrap_err();
    assert!(matches!(err, SourceError::NotARepo { .. }));
    assert_eq!(
        err.to_string(),
        format!("{} is not a Git repository", dir.path().display())
    );
}

#[test]
fn commit_files_refuses_paths_outside_the_repo_and_bad_branches() {
    let f = fixture();
    for bad in ["../x", "/etc/passwd", ".git/config", ""] {
        let err = f
            .repo
            .commit_files("main", &[put(bad, "x")], "bad", &ann(9))
            .unwrap_err();
        assert!(
            matches!(err, SourceError::InvalidPath { .. }),
            "{bad}: {err}"
        );
    }
    let err = f
        .repo
        .commit_files("a..b", &[put("x", "x")], "bad", &ann(9))
        .unwrap_err();
    assert!(matches!(err, SourceError::InvalidBranch { .. }), "{err}");
    assert_eq!(
        f.repo.resolve(&git("HEAD")).unwrap().id,
        f.c[4],
        "nothing written"
    );
}

#[test]
fn empty_repositories_and_non_commits_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path().join("r")).unwrap();
    let err = repo.resolve(&git("HEAD")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "revision \"HEAD\" not found in repository {}: the repository has no commits yet",
            dir.path().join("r").display()
        )
    );
    let f = fixture();
    let err = f.repo.resolve(&git("HEAD:apps")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "revision \"HEAD:apps\" of repository {} names a tree, not a commit",
            f.dir.path().display()
        )
    );
}
