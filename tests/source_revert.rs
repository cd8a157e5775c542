#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `Repo::revert` and `Repo::revert_preview` on repositories built by the
//! tests. Where a `git` binary is on PATH it cross-checks the new commit and
//! the work tree status.

use std::path::Path;
use std::process::Command;
use tether::model::Revision;
use tether::source::{Repo, Signature, SourceError, init_repo};

const T0: i64 = 1_700_000_000;

fn ann(minute: i64) -> Signature {
    Signature::new("Ann Example", "ann@example.com", T0 + minute * 60)
}

fn bob() -> Signature {
    Signature::new("Bob Reverter", "bob@example.com", T0 + 3600)
}

const WEB: &str = "apps/web/deploy.yaml";
const CM: &str = "apps/api/cm.yaml";
const NEW: &str = "apps/api/new.yaml";

fn web(replicas: u32) -> String {
    format!("replicas: {replicas}\nimage: web:1\n")
}

/// Ten numbered lines, with line `n` (1-based) replaced per `edits`.
fn lines(edits: &[(usize, &str)]) -> String {
    (1..=10)
        .map(|n| {
            let line = edits
                .iter()
                .find(|(i, _)| *i == n)
                .map_or(format!("line{n}"), |(_, s)| s.to_string());
            format!("{line}\n")
        })
        .collect()
}

/// main: c1 (root: web replicas 1, api cm, README) → c2 (web replicas 2)
/// → c3 (cm line 2 changed, api/new.yaml added) → c4 (web replicas 3, cm
/// line 9 changed). HEAD → main.
struct Fixture {
    dir: tempfile::TempDir,
    repo: Repo,
    c: [String; 4],
}

/// A path and its new content in a fixture commit.
type Put = (&'static str, Option<String>);

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path()).unwrap();
    let steps: [(Vec<Put>, &str); 4] = [
        (
            vec![
                (WEB, Some(web(1))),
                (CM, Some(lines(&[]))),
                ("README.md", Some("# demo\n".into())),
            ],
            "initial apps",
        ),
        (vec![(WEB, Some(web(2)))], "scale web to 2\n\nmore load"),
        (
            vec![
                (CM, Some(lines(&[(2, "LINE2")]))),
                (NEW, Some("kind: Service\n".into())),
            ],
            "api: tweak line 2, add service",
        ),
        (
            vec![
                (WEB, Some(web(3))),
                (CM, Some(lines(&[(2, "LINE2"), (9, "LINE9")]))),
            ],
            "scale web to 3, tweak line 9",
        ),
    ];
    let mut ids = Vec::new();
    for (minute, (files, message)) in (1..).zip(steps) {
        let files: Vec<(String, Option<Vec<u8>>)> = files
            .into_iter()
            .map(|(p, c)| (p.to_string(), c.map(String::into_bytes)))
            .collect();
        ids.push(
            repo.commit_files("main", &files, message, &ann(minute))
                .unwrap(),
        );
    }
    Fixture {
        dir,
        repo,
        c: ids.try_into().unwrap(),
    }
}

impl Fixture {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join(path)).ok()
    }
    fn write(&self, path: &str, content: &str) {
        std::fs::write(self.dir.path().join(path), content).unwrap();
    }
    fn head(&self) -> String {
        self.repo.resolve(&Revision::Git("HEAD".into())).unwrap().id
    }
    fn index_bytes(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join(".git/index")).unwrap()
    }
    fn file_at(&self, rev: &str, path: &str) -> Option<String> {
        let tree = self.repo.read_tree(&Revision::Git(rev.into()), "").unwrap();
        tree.get(path)
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
    }
    /// Asserts that nothing was written: same HEAD, index and files.
    fn assert_unchanged(&self, head: &str, index: &[u8], files: &[(&str, Option<&str>)]) {
        assert_eq!(self.head(), head);
        assert_eq!(self.index_bytes(), index);
        for (path, content) in files {
            assert_eq!(self.read(path).as_deref(), *content, "{path}");
        }
    }
}

fn git_in(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn gix_repo(dir: &Path) -> gix::Repository {
    gix::open(dir).unwrap()
}

#[test]
fn reverts_the_newest_commit() {
    let f = fixture();
    let out = f.repo.revert(&f.c[3], "apps", &bob()).unwrap();
    assert_eq!(out.reverted, f.c[3]);
    assert_eq!(out.summary, "scale web to 3, tweak line 9");
    assert_eq!(out.changed, [CM, WEB]);
    assert_eq!(f.head(), out.id);
    assert_eq!(f.read(WEB).unwrap(), web(2));
    assert_eq!(f.read(CM).unwrap(), lines(&[(2, "LINE2")]));

    let g = gix_repo(f.dir.path());
    let commit = g
        .find_commit(gix::ObjectId::from_hex(out.id.as_bytes()).unwrap())
        .unwrap();
    let expected = format!(
        "Revert \"scale web to 3, tweak line 9\"\n\nThis reverts commit {}.\n",
        f.c[3]
    );
    assert_eq!(commit.message_raw_sloppy().to_string(), expected);
    let parents: Vec<String> = commit.parent_ids().map(|p| p.to_string()).collect();
    assert_eq!(parents, [f.c[3].clone()]);
    for sig in [commit.author().unwrap(), commit.committer().unwrap()] {
        assert_eq!(sig.name, "Bob Reverter");
        assert_eq!(sig.email, "bob@example.com");
        assert_eq!(sig.time().unwrap().seconds, T0 + 3600);
    }
    assert!(
        !g.is_dirty().unwrap(),
        "index and work tree match the commit"
    );

    // Commit identity with git itself: see matches_git_revert_byte_for_byte.
    match git_in(f.dir.path(), &["status", "--porcelain"]) {
        Some(status) => assert_eq!(status, "", "git sees a clean work tree"),
        None => eprintln!("SKIPPED git status cross-check: no git binary on PATH"),
    }
}

#[test]
fn reverts_an_older_commit_with_a_clean_three_way_merge() {
    let f = fixture();
    let out = f.repo.revert(&f.c[2], "apps/api", &bob()).unwrap();
    assert_eq!(out.changed, [CM, NEW]);
    // Line 2 goes back, the later line 9 change stays; the added file goes.
    assert_eq!(f.read(CM).unwrap(), lines(&[(9, "LINE9")]));
    assert_eq!(f.read(NEW), None);
    assert_eq!(f.read(WEB).unwrap(), web(3));
    assert_eq!(f.file_at("HEAD", NEW), None);
    assert_eq!(f.file_at("HEAD", CM).unwrap(), lines(&[(9, "LINE9")]));
    assert!(!gix_repo(f.dir.path()).is_dirty().unwrap());
    if let Some(status) = git_in(f.dir.path(), &["status", "--porcelain"]) {
        assert_eq!(status, "");
    }
}

#[test]
fn a_conflicting_revert_writes_nothing_and_names_the_paths() {
    let f = fixture();
    let (head, index) = (f.head(), f.index_bytes());
    let err = f.repo.revert(&f.c[1], "", &bob()).unwrap_err();
    match &err {
        SourceError::RevertConflict { paths, commit, .. } => {
            assert_eq!(paths, &[WEB]);
            assert_eq!(commit, &f.c[1]);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(err.to_string().contains(WEB), "{err}");
    assert!(f.repo.revert_preview(&f.c[1], "").is_err());
    f.assert_unchanged(&head, &index, &[(WEB, Some("replicas: 3\nimage: web:1\n"))]);
}

#[test]
fn dirty_files_under_the_guard_path_refuse() {
    let f = fixture();
    let (head, index) = (f.head(), f.index_bytes());
    f.write("apps/api/other.yaml", "untracked: true\n");
    let err = f.repo.revert(&f.c[3], "apps/api", &bob()).unwrap_err();
    match &err {
        SourceError::DirtyWorkTree { files, .. } => assert_eq!(files, &["apps/api/other.yaml"]),
        other => panic!("expected dirty, got {other:?}"),
    }
    assert!(err.to_string().contains("under \"apps/api\""), "{err}");
    std::fs::remove_file(f.dir.path().join("apps/api/other.yaml")).unwrap();

    f.write(WEB, "replicas: 9\n");
    let err = f.repo.revert(&f.c[2], "apps/web", &bob()).unwrap_err();
    assert!(
        matches!(&err, SourceError::DirtyWorkTree { files, .. } if files == &[WEB]),
        "{err:?}"
    );
    f.assert_unchanged(&head, &index, &[(WEB, Some("replicas: 9\n"))]);
}

#[test]
fn staged_changes_under_the_guard_path_refuse() {
    let f = fixture();
    f.write(CM, "staged\n");
    if git_in(f.dir.path(), &["add", CM]).is_none() {
        eprintln!("SKIPPED staged check: no git binary on PATH");
        return;
    }
    // The work tree matches the index: only the index differs from HEAD.
    assert!(gix_repo(f.dir.path()).is_dirty().unwrap());
    let err = f.repo.revert(&f.c[3], "apps/api", &bob()).unwrap_err();
    assert!(matches!(err, SourceError::DirtyWorkTree { .. }), "{err:?}");
}

#[test]
fn dirty_files_elsewhere_do_not_refuse_unless_the_revert_touches_them() {
    let f = fixture();
    f.write("README.md", "# local edit\n");
    f.write("scratch.txt", "notes\n");
    let out = f.repo.revert(&f.c[2], "apps/api", &bob()).unwrap();
    assert_eq!(f.file_at(&out.id, "README.md").unwrap(), "# demo\n");
    assert_eq!(f.read("README.md").unwrap(), "# local edit\n", "edit kept");
    assert_eq!(f.read("scratch.txt").unwrap(), "notes\n");

    // A dirty file outside the guard that the revert would overwrite refuses.
    let (head, index) = (f.head(), f.index_bytes());
    f.write(WEB, "replicas: 7\n");
    let err = f.repo.revert(&f.c[3], "apps/api", &bob()).unwrap_err();
    assert!(
        err.to_string().contains("in files the revert changes"),
        "{err}"
    );
    f.assert_unchanged(&head, &index, &[(WEB, Some("replicas: 7\n"))]);
}

#[test]
fn detached_head_refuses() {
    let f = fixture();
    let g = gix_repo(f.dir.path());
    let id = gix::ObjectId::from_hex(f.c[3].as_bytes()).unwrap();
    g.edit_reference(gix::refs::transaction::RefEdit {
        change: gix::refs::transaction::Change::Update {
            log: Default::default(),
            expected: gix::refs::transaction::PreviousValue::Any,
            new: gix::refs::Target::Object(id),
        },
        name: "HEAD".try_into().unwrap(),
        deref: false,
    })
    .unwrap();
    let index = f.index_bytes();
    let err = f.repo.revert(&f.c[3], "", &bob()).unwrap_err();
    assert!(matches!(err, SourceError::DetachedHead { .. }), "{err:?}");
    assert!(err.to_string().contains("detached"), "{err}");
    f.assert_unchanged(&f.c[3], &index, &[]);
    let main = f.repo.resolve(&Revision::Git("main".into())).unwrap().id;
    assert_eq!(main, f.c[3]);
}

#[test]
fn merge_commits_refuse() {
    let f = fixture();
    let g = gix_repo(f.dir.path());
    let sig = gix::actor::Signature {
        name: "Ann".into(),
        email: "ann@example.com".into(),
        time: gix::date::Time::new(T0, 0),
    };
    let mut buf = gix::date::parse::TimeBuf::default();
    let sig = sig.to_ref(&mut buf);
    let oid = |s: &String| gix::ObjectId::from_hex(s.as_bytes()).unwrap();
    let tree = g.find_commit(oid(&f.c[3])).unwrap().tree_id().unwrap();
    let merge = g
        .commit_as(
            sig,
            sig,
            "refs/heads/merged",
            "merge side",
            tree,
            [oid(&f.c[3]), oid(&f.c[1])],
        )
        .unwrap()
        .to_string();
    let (head, index) = (f.head(), f.index_bytes());
    let err = f.repo.revert("merged", "", &bob()).unwrap_err();
    assert!(
        matches!(&err, SourceError::MergeCommit { commit, parents: 2, .. } if commit == &merge),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&merge) && text.contains("mainline"), "{text}");
    f.assert_unchanged(&head, &index, &[]);
}

#[test]
fn root_commit_unknown_commit_and_nothing_to_revert_refuse() {
    let f = fixture();
    let (head, index) = (f.head(), f.index_bytes());
    let err = f.repo.revert(&f.c[0], "", &bob()).unwrap_err();
    assert!(
        matches!(&err, SourceError::RootCommit { commit, .. } if commit == &f.c[0]),
        "{err:?}"
    );
    assert!(err.to_string().contains("no parent"), "{err}");
    let err = f.repo.revert("no-such-branch", "", &bob()).unwrap_err();
    assert!(
        matches!(err, SourceError::UnknownRevision { .. }),
        "{err:?}"
    );
    f.assert_unchanged(&head, &index, &[]);

    f.repo.revert(&f.c[3], "", &bob()).unwrap();
    let (head, index) = (f.head(), f.index_bytes());
    let err = f.repo.revert(&f.c[3], "", &bob()).unwrap_err();
    assert!(
        matches!(err, SourceError::NothingToRevert { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("nothing to revert"), "{err}");
    f.assert_unchanged(&head, &index, &[]);
}

#[test]
fn preview_shows_the_changes_without_writing() {
    let f = fixture();
    let (head, index) = (f.head(), f.index_bytes());
    let preview = f.repo.revert_preview(&f.c[2], "apps/api").unwrap();
    assert_eq!(preview.reverted, f.c[2]);
    assert_eq!(preview.summary, "api: tweak line 2, add service");
    let as_text = |b: &Option<Vec<u8>>| b.as_ref().map(|b| String::from_utf8(b.clone()).unwrap());
    let changes: Vec<(String, Option<String>, Option<String>)> = preview
        .changes
        .iter()
        .map(|(p, old, new)| (p.clone(), as_text(old), as_text(new)))
        .collect();
    assert_eq!(
        changes,
        [
            (
                CM.to_string(),
                Some(lines(&[(2, "LINE2"), (9, "LINE9")])),
                Some(lines(&[(9, "LINE9")])),
            ),
            (NEW.to_string(), Some("kind: Service\n".to_string()), None),
        ]
    );
    f.assert_unchanged(
        &head,
        &index,
        &[
            (NEW, Some("kind: Service\n")),
            (CM, Some(&lines(&[(2, "LINE2"), (9, "LINE9")]))),
        ],
    );
    // The preview matches what the revert then does.
    let out = f.repo.revert(&f.c[2], "apps/api", &bob()).unwrap();
    let paths: Vec<&String> = preview.changes.iter().map(|(p, _, _)| p).collect();
    assert_eq!(out.changed.iter().collect::<Vec<_>>(), paths);
}

#[test]
fn signature_comes_from_the_repository_config() {
    let f = fixture();
    let bare = Repo::open(f.dir.path()).unwrap();
    match bare.signature_from_config() {
        Err(e) => {
            assert!(matches!(e, SourceError::NoIdentity { .. }), "{e:?}");
            assert!(e.to_string().contains("user."), "{e}");
        }
        Ok(_) => eprintln!("SKIPPED unset-identity check: a global Git identity is configured"),
    }
    let config = f.dir.path().join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[user]\n\tname = Cara Config\n\temail = cara@example.com\n");
    std::fs::write(&config, text).unwrap();
    let sig = Repo::open(f.dir.path())
        .unwrap()
        .signature_from_config()
        .unwrap();
    assert_eq!(
        (sig.name.as_str(), sig.email.as_str()),
        ("Cara Config", "cara@example.com")
    );
    assert!(sig.time > T0);
}

#[test]
fn matches_git_revert_byte_for_byte() {
    let (ours, theirs) = (fixture(), fixture());
    assert_eq!(ours.c, theirs.c, "fixtures are deterministic");
    let out = ours.repo.revert(&ours.c[2], "", &bob()).unwrap();
    let date = format!("@{} +0000", T0 + 3600);
    let git = Command::new("git")
        .arg("-C")
        .arg(theirs.dir.path())
        .args([
            "-c",
            "user.name=Bob Reverter",
            "-c",
            "user.email=bob@example.com",
        ])
        .args(["revert", "--no-edit", &theirs.c[2]])
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output();
    let Ok(git) = git else {
        eprintln!("SKIPPED git revert comparison: no git binary on PATH");
        return;
    };
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    assert_eq!(
        theirs.head(),
        out.id,
        "same tree, message, parent and signatures"
    );
}
