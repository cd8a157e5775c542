//! Findings "alias bomb aborts the process", "nesting costs quadratic
//! time", "a NUL byte on line 4 is reported on line 1": every YAML reader
//! stops at the limits of `tether::yaml` with one located error.

use super::support::*;
use std::path::Path;

#[test]
fn an_alias_bomb_in_a_manifest_is_refused_at_its_line() {
    let t = tree(&[("app/bomb.yaml", &alias_bomb())]);
    let err = render_error(&t, "app");
    assert!(
        err.starts_with("app/bomb.yaml:9: invalid YAML: excessive aliasing: aliases (*name) expand the document to "),
        "{err}"
    );
}

#[test]
fn an_alias_bomb_in_a_kustomization_is_refused() {
    let k = format!(
        "resources: [cm.yaml]\nnamePrefix: x-\nextra: &x\n{}",
        indent(&bare_alias_bomb())
    );
    let t = tree(&[
        ("app/kustomization.yaml", &k),
        ("app/cm.yaml", &configmap("a")),
    ]);
    let err = render_error(&t, "app");
    assert!(
        err.starts_with("app/kustomization.yaml: invalid kustomization: invalid YAML at line "),
        "{err}"
    );
    assert!(err.contains("excessive aliasing"), "{err}");
}

#[test]
fn an_alias_bomb_in_an_inline_patch_is_refused() {
    let patch = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n{}",
        indent(&bare_alias_bomb())
    );
    let k = format!(
        "resources: [cm.yaml]\npatches:\n  - patch: |\n{}",
        patch
            .lines()
            .map(|l| format!("      {l}\n"))
            .collect::<String>()
    );
    let t = tree(&[
        ("app/kustomization.yaml", &k),
        ("app/cm.yaml", &configmap("a")),
    ]);
    let err = render_error(&t, "app");
    assert!(
        err.starts_with("app/kustomization.yaml: ")
            && err.contains("(inline patch):8: invalid YAML: excessive aliasing"),
        "{err}"
    );
}

#[test]
fn an_alias_bomb_in_helm_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bomb.yaml");
    std::fs::write(&out, alias_bomb()).unwrap();
    let helm = fake_helm(dir.path(), &format!("cat {}", out.display()));
    let t = tree(&[(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )]);
    let err = tether::render::helm::template_with_binary(&helm, &t, "chart", &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("chart (helm template):9: invalid YAML: excessive aliasing"),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_refused_quickly_in_manifests() {
    // One line of `- ` 100 000 deep crashed the process (stack overflow);
    // `{a: ` 100 000 deep took tens of seconds.
    let t = tree(&[
        ("block/deep.yaml", &deep_block(100_000)),
        ("flow/deep.yaml", &deep_flow(100_000)),
    ]);
    assert_eq!(
        render_error(&t, "block"),
        "block/deep.yaml:1: invalid YAML: nested more than 512 levels deep (lists and mappings inside each other); tether reads at most 512"
    );
    assert_eq!(
        render_error(&t, "flow"),
        "flow/deep.yaml:1: invalid YAML: nested more than 255 levels deep in [ ] or { }; tether reads at most 255"
    );
}

#[test]
fn tether_yaml_refuses_bombs_and_deep_nesting_at_their_line() {
    let path = Path::new("/srv/tether.yaml");
    let bomb = format!("{}apps: []\n", bare_alias_bomb());
    let err = tether::config::parse(&bomb, path).unwrap_err().to_string();
    assert!(
        err.starts_with("/srv/tether.yaml:4: excessive aliasing"),
        "{err}"
    );
    let deep = format!(
        "apps:\n  - name: a\n    source: {{repo: ., path: x}}\n    project: {}",
        deep_flow(100_000)
    );
    assert_eq!(
        tether::config::parse(&deep, path).unwrap_err().to_string(),
        "/srv/tether.yaml:4: nested more than 255 levels deep in [ ] or { }; tether reads at most 255"
    );
}

#[test]
fn a_nul_byte_is_reported_on_its_own_line() {
    let t = tree(&[(
        "app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\u{0}b\n",
    )]);
    assert_eq!(
        render_error(&t, "app"),
        "app/cm.yaml:4: invalid YAML: control character U+0000 at column 10: YAML does not allow control characters"
    );
    let err = tether::config::parse("apps:\n  - name: a\u{1}\n", Path::new("t.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("t.yaml:2: control character U+0001"),
        "{err}"
    );
}

#[test]
fn only_the_app_with_the_bomb_fails() {
    let dir = tempfile::tempdir().unwrap();
    let repo = tether::source::init_repo(dir.path()).unwrap();
    let files = [
        ("bad/bomb.yaml".to_string(), Some(alias_bomb().into_bytes())),
        (
            "good/cm.yaml".to_string(),
            Some(configmap("good").into_bytes()),
        ),
    ];
    repo.commit_files(
        "main",
        &files,
        "apps",
        &crate::common::signature(1_700_000_000),
    )
    .unwrap();
    let bad = app(
        "  - {name: bad, source: {repo: ., path: bad}}\n",
        dir.path(),
    );
    let good = app(
        "  - {name: good, source: {repo: ., path: good}}\n",
        dir.path(),
    );
    let err = tether::engine::render_app(&bad, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad/bomb.yaml:9: invalid YAML: excessive aliasing"),
        "{err}"
    );
    assert!(err.contains("bad"), "names the app: {err}");
    let ok = tether::engine::render_app(&good, None).unwrap();
    assert_eq!(ok.objects.len(), 1);
}

#[cfg(feature = "tui")]
#[test]
fn themes_and_keymaps_refuse_bombs() {
    let err = tether::tui::KeymapFile::parse("keymaps/mine.yaml", &bare_alias_bomb()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("keymaps/mine.yaml:4: excessive aliasing"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("themes/bomb.yaml", &bare_alias_bomb())]);
    let (_, errors) = tether::tui::Theme::load(Some("bomb"), Some(dir.path()));
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|e| e.contains("bomb.yaml:4: excessive aliasing")),
        "{shown:?}"
    );
}

#[test]
fn helm_values_with_a_bomb_do_not_stop_secret_masking() {
    let dir = tempfile::tempdir().unwrap();
    let spec = app(
        "  - name: web\n    source:\n      repo: .\n      path: chart\n      helm: {valueFiles: [bomb.yaml], secretValues: [db.password], values: {db: {password: hunter2}}}\n",
        dir.path(),
    );
    let t = tree(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        ),
        ("chart/bomb.yaml", &bare_alias_bomb()),
        ("chart/values.yaml", &bare_alias_bomb()),
    ]);
    let secrets = tether::engine::secret_strings(&spec, &t);
    assert_eq!(secrets.mask_text("pw hunter2"), "pw (masked)");
}

/// A helm stand-in: a shell script running `body`.
pub fn fake_helm(dir: &Path, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("helm");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[test]
fn the_deepest_document_allowed_renders_on_a_small_stack() {
    // 510 levels (the limit is 512) through reading, kustomize and
    // printing, on a thread with the 2 MiB stack of tokio's blocking pool.
    let depth = tether::yaml::MAX_DEPTH - 2;
    let spec = format!("{}x{}", "{a: ".repeat(depth - 2), "}".repeat(depth - 2));
    let cr =
        format!("apiVersion: x.io/v1\nkind: Deep\nmetadata: {{name: deep}}\nspec:\n  s: {spec}\n");
    let block: String = (0..depth - 2)
        .map(|i| format!("{}k:\n", "  ".repeat(i + 1)))
        .collect::<String>()
        + &format!("{}v\n", "  ".repeat(depth - 1));
    let cr_block =
        format!("apiVersion: x.io/v1\nkind: Deep\nmetadata: {{name: block}}\nspec:\n{block}");
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let t = tree(&[
                ("flow/cr.yaml", &cr),
                ("block/cr.yaml", &cr_block),
                (
                    "k/kustomization.yaml",
                    "resources: [cr.yaml]\ncommonLabels: {a: b}\n",
                ),
                ("k/cr.yaml", &cr_block),
            ]);
            let flow = tether::render::render(&t, "flow");
            let block = tether::render::render(&t, "block").unwrap();
            let k = tether::render::render(&t, "k").unwrap();
            (
                flow.map(|o| o.len()).map_err(|e| e.to_string()),
                tether::render::to_yaml_stream(&block).len(),
                tether::render::to_yaml_stream(&k).len(),
            )
        })
        .unwrap();
    let (flow, block, k) = handle.join().unwrap();
    // Flow nesting stops at 255 levels; block nesting goes to the limit.
    assert!(flow.unwrap_err().contains("255 levels"));
    assert!(block > 0 && k > 0);
}
