//! Builders shared by the hostile-input tests.

use std::path::Path;
use std::process::Command;
use tether::model::{AppSpec, FileTree};

/// A deployment-free ConfigMap named `name`.
pub fn configmap(name: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: b\n")
}

/// A billion-laughs document: nine levels of ten aliases each, under a
/// ConfigMap's `data` (line 9 holds the first refused alias).
pub fn alias_bomb() -> String {
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n");
    text.push_str("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    text
}

/// The same bomb as a bare mapping (for kustomizations, values, configs).
pub fn bare_alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

/// `- - - … x`: a list nested `depth` levels on one line.
pub fn deep_block(depth: usize) -> String {
    format!("{}x\n", "- ".repeat(depth))
}

/// `{a: {a: … }}` nested `depth` levels.
pub fn deep_flow(depth: usize) -> String {
    format!("{}x{}\n", "{a: ".repeat(depth), "}".repeat(depth))
}

/// A tree from `(path, content)` pairs.
pub fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (p, c) in files {
        t.insert(*p, *c);
    }
    t
}

/// The render error of `path` in `tree`, as shown.
pub fn render_error(tree: &FileTree, path: &str) -> String {
    match tether::render::render(tree, path) {
        Ok(objects) => panic!("rendered {} objects", objects.len()),
        Err(e) => e.to_string(),
    }
}

/// Runs git in `dir` with a sandboxed configuration; None when git is
/// not installed.
pub fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "protocol.file.allow=always",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether git runs here; prints SKIPPED when not.
pub fn has_git(what: &str) -> bool {
    let ok = Command::new("git").arg("--version").output().is_ok();
    if !ok {
        crate::common::skipped(&format!("git not installed: {what} was not tested"));
    }
    ok
}

/// Writes `files` under `dir`, creating folders.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (p, c) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// An app of tether.yaml, parsed, with `repo` absolute.
pub fn app(yaml: &str, repo: &Path) -> AppSpec {
    let text = format!("apps:\n{yaml}");
    let config = tether::config::parse(&text, &repo.join("tether.yaml")).unwrap();
    config.apps.into_iter().next().unwrap()
}
