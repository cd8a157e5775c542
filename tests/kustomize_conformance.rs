#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Kustomize conformance: every folder of tests/fixtures/kustomize is built
//! with tether and compared with `expected.yaml` (made by `kubectl
//! kustomize`, see scripts/regen-kustomize-golden): the same documents in
//! the same order, compared as parsed YAML. Cases with `expected-error.txt`
//! must fail with a message containing its text.

use serde::Deserialize;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use tether::model::FileTree;
use tether::render;

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Cases holding a chart inflate it with the helm binary; without helm
/// they are skipped, loudly.
fn runnable(dir: &Path) -> bool {
    let has_chart = tether::source::read_folder(dir, "")
        .unwrap()
        .paths()
        .any(|path| path.ends_with("Chart.yaml"));
    if has_chart && tether::render::helm::helm_binary().is_err() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: helm not on PATH; kustomize case {} (helmCharts) was not checked",
            dir.file_name().unwrap().to_string_lossy()
        );
        return false;
    }
    true
}

fn load(root: &Path) -> FileTree {
    tether::source::read_folder(root, "").unwrap()
}

fn parse_stream(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Value::deserialize(doc).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// `v` with every mapping's keys in order (for readable diffs).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Runs one case; Err describes the mismatch.
fn check(dir: &Path) -> Result<(), String> {
    let tree = load(dir);
    let result = render::render(&tree, "");
    if let Ok(want) = std::fs::read_to_string(dir.join("expected-error.txt")) {
        return match result {
            Ok(_) => Err("rendered, but an error was expected".into()),
            Err(e) if e.to_string().contains(want.trim()) => Ok(()),
            Err(e) => Err(format!(
                "error {:?} does not contain {:?}",
                e.to_string(),
                want.trim()
            )),
        };
    }
    let objects = result.map_err(|e| format!("error: {e}"))?;
    let ours = render::to_yaml_stream(&objects);
    let expected = std::fs::read_to_string(dir.join("expected.yaml")).map_err(|e| e.to_string())?;
    let (got, want) = (parse_stream(&ours), parse_stream(&expected));
    if got == want {
        return Ok(());
    }
    let show = |docs: &[Value]| {
        docs.iter()
            .map(|d| serde_yaml::to_string(&sorted(d)).unwrap())
            .collect::<Vec<_>>()
            .join("---\n")
    };
    let (a, b) = (show(&want), show(&got));
    let diff = similar::TextDiff::from_lines(&a, &b);
    Err(diff
        .unified_diff()
        .header("kubectl kustomize", "tether")
        .to_string())
}

#[test]
fn every_case_matches_kubectl_kustomize() {
    let dirs: Vec<PathBuf> = case_dirs().into_iter().filter(|d| runnable(d)).collect();
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            check(d)
                .err()
                .map(|e| format!("== {}\n{e}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

/// Beyond equal values: `tether render` prints every case byte for byte as
/// `kubectl kustomize` does (key order, indentation, quoting), so the two
/// can be diffed.
#[test]
fn every_case_prints_exactly_like_kubectl_kustomize() {
    let mut differing = Vec::new();
    let mut compared = 0;
    for dir in case_dirs().into_iter().filter(|d| runnable(d)) {
        let Ok(expected) = std::fs::read_to_string(dir.join("expected.yaml")) else {
            continue;
        };
        compared += 1;
        let objects = render::render(&load(&dir), "").unwrap();
        let ours = render::to_yaml_stream(&objects);
        if ours != expected {
            let diff = similar::TextDiff::from_lines(&expected, &ours)
                .unified_diff()
                .header("kubectl kustomize", "tether render")
                .to_string();
            differing.push(format!(
                "== {}\n{diff}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        differing.is_empty(),
        "{} of {compared} cases print differently:\n{}",
        differing.len(),
        differing.join("\n")
    );
}
