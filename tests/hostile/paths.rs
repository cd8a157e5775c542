//! Findings "reads outside the root and wrong renders": kustomize's load
//! restrictor, symbolic links (resolved, checked, the same at HEAD and in
//! the work tree), absolute paths, submodules, unreferenced huge files,
//! and `source.helm` on a folder without a chart.

use super::support::*;
use std::path::Path;
use tether::engine::render_app;
use tether::model::{LoadRestrictor, RenderLimits, Revision};
use tether::render::{RenderOptions, render_with};

const SHARED: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n";

/// A repository (committed with git, so links and submodules are real)
/// whose layout every test below uses; None without git.
fn repo_with_links() -> Option<tempfile::TempDir> {
    if !has_git("symbolic links and submodules in Git") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[
            ("shared/x.yaml", SHARED),
            (
                "app/kustomization.yaml",
                "resources: [cm.yaml, alias.yaml]\n",
            ),
            ("app/cm.yaml", &configmap("cm")),
            ("app/real/second.txt", &configmap("second")),
            ("plain/a.yaml", &configmap("a")),
            ("plain/data/obj.txt", &configmap("obj")),
            ("out/kustomization.yaml", "resources: [x.yaml]\n"),
            (
                "gen/kustomization.yaml",
                "configMapGenerator: [{name: g, files: [x.yaml]}]\n",
            ),
            ("loop/kustomization.yaml", "resources: [l1.yaml]\n"),
            ("abs/kustomization.yaml", "resources: [etc.yaml]\n"),
            ("far/kustomization.yaml", "resources: [../shared/x.yaml]\n"),
        ],
    );
    let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, d.join(at)).unwrap();
    link("real/second.txt", "app/alias.yaml");
    link("data/obj.txt", "plain/obj.yaml");
    link("../shared/x.yaml", "out/x.yaml");
    link("../shared/x.yaml", "gen/x.yaml");
    link("l2.yaml", "loop/l1.yaml");
    link("l1.yaml", "loop/l2.yaml");
    link("/etc/hostname", "abs/etc.yaml");
    link("../shared/x.yaml", "plain-out.yaml");
    std::fs::create_dir_all(d.join("plainout")).unwrap();
    link("../shared/x.yaml", "plainout/x.yaml");
    git(d, &["init", "-q"])?;
    git(d, &["add", "-A"])?;
    git(d, &["commit", "-qm", "layout"])?;
    Some(dir)
}

/// The render of `path` in repository `dir` at `rev`, as text.
fn render_at(dir: &Path, rev: Revision, path: &str) -> Result<String, String> {
    render_with_limits(dir, rev, path, &RenderLimits::default())
}

fn render_with_limits(
    dir: &Path,
    rev: Revision,
    path: &str,
    limits: &RenderLimits,
) -> Result<String, String> {
    let repo = tether::source::Repo::open(dir).unwrap();
    let tree =
        tether::engine::read_sources_with(&repo, &rev, path, limits).map_err(|e| e.to_string())?;
    let options = RenderOptions {
        limits: *limits,
        ..RenderOptions::default()
    };
    render_with(&tree, path, &options)
        .map(|o| tether::render::to_yaml_stream(&o))
        .map_err(|e| e.to_string())
}

fn head() -> Revision {
    Revision::Git("HEAD".into())
}

/// The same result at HEAD and in the work tree.
fn both(dir: &Path, path: &str) -> Result<String, String> {
    let at_head = render_at(dir, head(), path);
    let on_disk = render_at(dir, Revision::WorkTree, path);
    assert_eq!(at_head, on_disk, "HEAD and WORKTREE disagree for {path}");
    at_head
}

#[test]
fn links_inside_the_root_are_followed_at_head_and_in_the_work_tree() {
    let Some(dir) = repo_with_links() else { return };
    let out = both(dir.path(), "app").unwrap();
    assert!(
        out.contains("name: cm") && out.contains("name: second"),
        "{out}"
    );
    let out = both(dir.path(), "plain").unwrap();
    assert!(
        out.contains("name: a\n") && out.contains("name: obj"),
        "{out}"
    );
}

#[test]
fn links_out_of_the_root_are_refused_as_kubectl_refuses_them() {
    let Some(dir) = repo_with_links() else { return };
    let d = dir.path();
    assert_eq!(
        both(d, "out").unwrap_err(),
        "out/kustomization.yaml: resources entry \"x.yaml\": security; file 'shared/x.yaml' (through the symbolic link out/x.yaml) is not in or below 'out': kustomize's load restrictor (LoadRestrictionsRootOnly) keeps every file a kustomization reads inside its folder; make the file's folder a base with its own kustomization, or set render.loadRestrictor: none"
    );
    assert!(
        both(d, "gen").unwrap_err().starts_with(
            "gen/kustomization.yaml: configMapGenerator entry \"x.yaml\": security; file 'shared/x.yaml' (through the symbolic link gen/x.yaml) is not in or below 'gen'"
        )
    );
    assert_eq!(
        both(d, "plainout").unwrap_err(),
        "plainout/x.yaml: symbolic link to \"shared/x.yaml\", outside the folder \"plainout\" being rendered; tether does not follow links out of it (move the file into the folder)"
    );
}

#[test]
fn link_loops_and_links_out_of_the_repository_say_so() {
    let Some(dir) = repo_with_links() else { return };
    assert_eq!(
        both(dir.path(), "loop").unwrap_err(),
        "loop/kustomization.yaml: resources entry \"l1.yaml\": loop/l1.yaml: too many levels of symbolic links (a link loop through loop/l1.yaml)"
    );
    assert_eq!(
        both(dir.path(), "abs").unwrap_err(),
        "abs/kustomization.yaml: resources entry \"etc.yaml\": abs/etc.yaml: symbolic link abs/etc.yaml -> /etc/hostname points outside the repository; tether does not follow it"
    );
}

#[test]
fn the_load_restrictor_keeps_files_in_the_kustomization_folder_unless_lifted() {
    let Some(dir) = repo_with_links() else { return };
    let err = both(dir.path(), "far").unwrap_err();
    assert!(
        err.starts_with("far/kustomization.yaml: resources entry \"../shared/x.yaml\": security; file 'shared/x.yaml' is not in or below 'far'"),
        "{err}"
    );
    let none = RenderLimits {
        load_restrictor: LoadRestrictor::None,
        ..RenderLimits::default()
    };
    let out = render_with_limits(dir.path(), head(), "far", &none).unwrap();
    assert!(out.contains("name: shared"), "{out}");
    // The same through tether.yaml.
    let spec = app(
        "  - {name: far, source: {repo: ., path: far}, render: {loadRestrictor: none}}\n",
        dir.path(),
    );
    assert_eq!(render_app(&spec, None).unwrap().objects.len(), 1);
    let spec = app(
        "  - {name: far, source: {repo: ., path: far}}\n",
        dir.path(),
    );
    assert!(render_app(&spec, None).is_err());
}

#[test]
fn absolute_and_escaping_entries_are_refused_with_their_reason() {
    let t = tree(&[
        ("app/kustomization.yaml", "resources: [/etc/passwd]\n"),
        (
            "up/kustomization.yaml",
            "resources: [../../../etc/passwd]\n",
        ),
        ("cmp/kustomization.yaml", "components: [cm.yaml]\n"),
        ("cmp/cm.yaml", &configmap("a")),
    ]);
    assert_eq!(
        render_error(&t, "app"),
        "app/kustomization.yaml: resources entry \"/etc/passwd\": an absolute path; tether reads the repository, not the disk: write the path relative to the kustomization's folder"
    );
    assert_eq!(
        render_error(&t, "up"),
        "up/kustomization.yaml: resources entry \"../../../etc/passwd\": climbs above the root of the repository; tether reads only files of the repository"
    );
    assert_eq!(
        render_error(&t, "cmp"),
        "cmp/kustomization.yaml: components entry \"cm.yaml\" is a file; a component is a folder holding a kustomization.yaml with kind: Component"
    );
}

#[test]
fn submodules_are_left_out_the_same_way_at_head_and_in_the_work_tree() {
    let Some(dir) = repo_with_links() else { return };
    let d = dir.path();
    let sub = tempfile::tempdir().unwrap();
    write(sub.path(), &[("x.yaml", &configmap("from-submodule"))]);
    git(sub.path(), &["init", "-q"]).unwrap();
    git(sub.path(), &["add", "-A"]).unwrap();
    git(sub.path(), &["commit", "-qm", "sub"]).unwrap();
    let url = sub.path().display().to_string();
    git(d, &["submodule", "add", "-q", &url, "plain/vendor"]).unwrap();
    write(
        d,
        &[(
            "sm/kustomization.yaml",
            "resources: [../plain/vendor/x.yaml]\n",
        )],
    );
    git(d, &["add", "-A"]).unwrap();
    git(d, &["commit", "-qm", "submodule"]).unwrap();
    let out = both(d, "plain").unwrap();
    assert!(!out.contains("from-submodule"), "{out}");
    let none = RenderLimits {
        load_restrictor: LoadRestrictor::None,
        ..RenderLimits::default()
    };
    for rev in [head(), Revision::WorkTree] {
        assert_eq!(
            render_with_limits(d, rev, "sm", &none).unwrap_err(),
            "sm/kustomization.yaml: resources entry \"../plain/vendor/x.yaml\": plain/vendor/x.yaml: inside the Git submodule plain/vendor; tether does not read submodules (their files are not in this repository's tree), vendor the files instead"
        );
    }
}

#[test]
fn an_unreferenced_huge_file_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[
            ("app/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("app/cm.yaml", &configmap("a")),
            ("plain/cm.yaml", &configmap("b")),
        ],
    );
    // Sparse: 4 GiB long, no disk used.
    for big in ["app/huge.bin", "plain/huge.yaml"] {
        std::fs::File::create(d.join(big))
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
    }
    let repo = tether::source::init_repo(d).unwrap();
    let tree = tether::engine::read_sources(&repo, &Revision::WorkTree, "app").unwrap();
    let objects = tether::render::render(&tree, "app").unwrap();
    assert_eq!(objects.len(), 1);
    assert!(tree.bytes_read() < 1000, "read {} bytes", tree.bytes_read());
    let err = render_at(d, Revision::WorkTree, "plain").unwrap_err();
    assert!(
        err.starts_with("plain/huge.yaml: reading its 4294967296 bytes would pass the limit of 268435456 bytes read per render (render.maxReadBytes)"),
        "{err}"
    );
}

#[test]
fn source_helm_on_a_folder_without_a_chart_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let repo = tether::source::init_repo(dir.path()).unwrap();
    let files = [("web/cm.yaml".to_string(), Some(configmap("a").into_bytes()))];
    repo.commit_files(
        "main",
        &files,
        "web",
        &crate::common::signature(1_700_000_000),
    )
    .unwrap();
    let spec = app(
        "  - {name: web, source: {repo: ., path: web, helm: {valueFiles: [prod.yaml]}}}\n",
        dir.path(),
    );
    assert_eq!(
        render_app(&spec, None).unwrap_err().to_string(),
        "app web: source.helm is set, but \"web\" has no Chart.yaml (a folder of plain manifests); remove source.helm or point source.path at a chart"
    );
}
