#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fuzzing under `cargo test` (issue 10, part 4): property tests with a
//! fixed seed over the manifest reader (and printer), a kustomize build of
//! generated in-memory trees, tether.yaml loading, and the path parsers
//! (Helm value paths, key sequences). Inputs start from the seed corpora
//! in tests/fixtures/fuzz and are mutated.
//!
//! The CI run is bounded (a few thousand cases, well under two minutes in
//! a debug build); `TETHER_FUZZ_CASES=N` runs N cases per target and
//! `TETHER_FUZZ_SEED=N` another seed, for longer campaigns. A crash found
//! that way becomes a named test in the `regressions` module below and a
//! seed file.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use std::path::Path;
use tether::model::FileTree;

/// Cases per target in CI, scaled by `TETHER_FUZZ_CASES`.
fn runner(ci_cases: u32) -> TestRunner {
    let cases = std::env::var("TETHER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(ci_cases);
    let seed: u64 = std::env::var("TETHER_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// One edit of a seed.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    /// Repeat the bytes at [start, start+len) `times` times.
    Repeat(usize, usize, usize),
}

/// Bytes that mean something to YAML, and some that must be refused.
const ALPHABET: &[u8] = b"-:{}[],&*!|>'\"#%@` \n\n  \t?0123456789abkxyz.~<=\\$()\r\x00\x7f\xc3\xa9";

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![9 => prop::sample::select(ALPHABET), 1 => any::<u8>()];
    prop_oneof![
        4 => (any::<usize>(), prop::collection::vec(byte.clone(), 1..6)).prop_map(|(at, b)| Edit::Insert(at, b)),
        3 => (any::<usize>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        3 => (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
        1 => (any::<usize>(), 1usize..40, 2usize..20).prop_map(|(at, n, k)| Edit::Repeat(at, n, k)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        match e {
            Edit::Insert(at, b) => {
                let at = at % (len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Delete(at, n) if len > 0 => {
                let at = at % len;
                let end = (at + n).min(len);
                bytes.drain(at..end);
            }
            Edit::Replace(at, b) if len > 0 => bytes[at % len] = *b,
            Edit::Repeat(at, n, k) if len > 0 => {
                let at = at % len;
                let end = (at + n).min(len);
                let piece = bytes[at..end].to_vec();
                for _ in 0..*k {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
            _ => {}
        }
    }
    bytes
}

/// A seed of `seeds`, mutated.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    (0..n, prop::collection::vec(edit(), 0..6))
        .prop_map(move |(i, edits)| apply(seeds[i].clone(), &edits))
}

/// The manifest reader never panics; what it reads, the printer writes so
/// that the reader reads the same objects back.
fn check_manifest(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut tree = FileTree::new();
    tree.insert(format!("app/{name}"), bytes.to_vec());
    let Ok(objects) = tether::render::render(&tree, "app") else {
        return Ok(());
    };
    let printed = tether::render::to_yaml_stream(&objects);
    let mut again = FileTree::new();
    again.insert("out/printed.yaml", printed.clone());
    let reread = tether::render::render(&again, "out").map_err(|e| {
        TestCaseError::fail(format!("printed output does not read back: {e}\n{printed}"))
    })?;
    prop_assert_eq!(&reread, &objects, "printed:\n{}", printed);
    Ok(())
}

#[test]
fn fuzz_manifest_reader_and_printer() {
    let seeds = corpus("manifests");
    let mut runner = runner(6000);
    runner
        .run(&(mutated(seeds), prop::bool::ANY), |(bytes, json)| {
            check_manifest(if json { "f.json" } else { "f.yaml" }, &bytes)
        })
        .unwrap();
}

#[test]
fn fuzz_tether_yaml() {
    let seeds = corpus("config");
    let mut runner = runner(5000);
    runner
        .run(&mutated(seeds), |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let _ = tether::config::parse(&text, Path::new("/srv/tether.yaml"));
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_value_paths() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/value-paths.txt"),
    )
    .unwrap();
    let lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    let values = json!({"db": {"password": "p"}, "users": {"a": {"token": "t"}}, "list": [1, [2, 3]], "a.b": {"c": 1}});
    let mut runner = runner(10000);
    runner
        .run(&mutated(lines), |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(path) = tether::model::ValuePath::parse(&text) {
                let _ = path.select(&values);
                let shown = path.to_string();
                let again = tether::model::ValuePath::parse(&shown).map_err(|e| {
                    TestCaseError::fail(format!("{shown:?} does not parse back: {e}"))
                })?;
                prop_assert_eq!(again, path);
            }
            Ok(())
        })
        .unwrap();
}

#[cfg(feature = "tui")]
#[test]
fn fuzz_key_sequences() {
    let seeds: Vec<Vec<u8>> = [
        "g g",
        "ctrl-d",
        "shift-tab",
        "alt-enter",
        "f12",
        "<",
        "space",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut runner = runner(3000);
    runner
        .run(&mutated(seeds), |bytes| {
            let _ = tether::tui::KeySeq::parse(&String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap();
}

/// Entries a generated kustomization may name: present files and folders,
/// missing ones, and hostile ones.
const ENTRIES: &[&str] = &[
    "cm.yaml",
    "deploy.yaml",
    "../base",
    "../base/cm.yaml",
    "missing.yaml",
    "/etc/passwd",
    "../../../up",
    ".",
    "..",
    "comp",
    "link.yaml",
    "loop.yaml",
    "big.txt",
    "https://example.com/x",
];

fn entry() -> impl Strategy<Value = Value> {
    prop::sample::select(ENTRIES).prop_map(|e| json!(e))
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "web", "cm", "app", "a-b", "", "../x", "0644", "1.0", "true", "$(NAME)"
            ][..]
        )
        .prop_map(str::to_string),
        "[a-z0-9./$()-]{0,8}",
    ]
}

fn patch() -> impl Strategy<Value = Value> {
    let path = prop::sample::select(
        &[
            "/spec/replicas",
            "spec/replicas",
            "/metadata/name",
            "/data/k",
            "/spec/template/spec/containers/0/image",
            "/-",
            "",
            "/a~1b",
            "/x/y/z",
            "replicas",
        ][..],
    );
    let op =
        prop::sample::select(&["add", "remove", "replace", "move", "copy", "test", "bogus"][..]);
    let json_patch = prop::collection::vec((op, path.clone(), path, word()), 1..4).prop_map(|ops| {
        let ops: Vec<Value> = ops
            .into_iter()
            .map(|(op, path, from, value)| json!({"op": op, "path": path, "from": from, "value": value}))
            .collect();
        serde_yaml::to_string(&ops).unwrap()
    });
    let smp = (prop::sample::select(&["ConfigMap", "Deployment", ""][..]), word(), word()).prop_map(|(kind, name, v)| {
        format!("apiVersion: v1\nkind: {kind}\nmetadata: {{name: {name:?}}}\ndata: {{k: {v:?}}}\nspec: {{replicas: 3}}\n")
    });
    let text = prop_oneof![
        json_patch,
        smp,
        Just("op: replace\npath: /spec/replicas\nvalue: 3\n".to_string())
    ];
    let target = prop::option::of(prop::sample::select(&["ConfigMap", "Deployment", "*"][..]));
    (text, target).prop_map(|(patch, target)| match target {
        Some(kind) => json!({"patch": patch, "target": {"kind": kind}}),
        None => json!({"patch": patch}),
    })
}

/// A kustomization of random fields with random (often wrong) values.
fn kustomization() -> impl Strategy<Value = Value> {
    let fields = (
        prop::collection::vec(entry(), 0..4),
        prop::option::of(word()),
        prop::option::of(word()),
        prop::option::of((word(), word())),
        prop::collection::vec(patch(), 0..3),
        prop::option::of((word(), prop::collection::vec(entry(), 0..2))),
        prop::option::of(prop::collection::vec(entry(), 0..2)),
        prop::option::of((word(), word())),
        prop::option::of(any::<bool>()),
    );
    fields.prop_map(|(resources, prefix, namespace, label, patches, generator, components, replacement, vars)| {
        let mut k = serde_json::Map::new();
        k.insert("resources".into(), Value::Array(resources));
        if let Some(p) = prefix {
            k.insert("namePrefix".into(), json!(p));
        }
        if let Some(ns) = namespace {
            k.insert("namespace".into(), json!(ns));
        }
        if let Some((key, value)) = label {
            k.insert("commonLabels".into(), json!({ key: value }));
        }
        if !patches.is_empty() {
            k.insert("patches".into(), Value::Array(patches));
        }
        if let Some((name, files)) = generator {
            k.insert("configMapGenerator".into(), json!([{"name": name, "files": files, "literals": ["A=1"]}]));
        }
        if let Some(components) = components {
            k.insert("components".into(), Value::Array(components));
        }
        if let Some((from, to)) = replacement {
            k.insert(
                "replacements".into(),
                json!([{"source": {"kind": "ConfigMap", "fieldPath": format!("data.{from}")},
                        "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": [format!("spec.{to}")]}]}]),
            );
        }
        if let Some(true) = vars {
            k.insert(
                "vars".into(),
                json!([{"name": "NAME", "objref": {"kind": "ConfigMap", "name": "cm", "apiVersion": "v1"}}]),
            );
        }
        Value::Object(k)
    })
}

fn kustomize_tree(overlay: &Value, base: &Value, comp: &Value, edits: &[Edit]) -> FileTree {
    let mut t = FileTree::new();
    let text = |v: &Value| serde_yaml::to_string(v).unwrap();
    let overlay_text = apply(text(overlay).into_bytes(), edits);
    t.insert("app/kustomization.yaml", overlay_text);
    t.insert("base/kustomization.yaml", text(base));
    let mut comp = comp.clone();
    comp["kind"] = json!("Component");
    comp["apiVersion"] = json!("kustomize.config.k8s.io/v1alpha1");
    t.insert("app/comp/kustomization.yaml", text(&comp));
    for dir in ["app", "base"] {
        t.insert(
            format!("{dir}/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: $(NAME)}\n",
        );
        t.insert(
            format!("{dir}/deploy.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n",
        );
    }
    t.insert_link("app/link.yaml", "cm.yaml");
    t.insert_link("app/loop.yaml", "loop.yaml");
    t.insert("app/big.txt", "x".repeat(100));
    t
}

#[test]
fn fuzz_kustomize_build() {
    let seeds: Vec<Value> = corpus("kustomize")
        .iter()
        .map(|b| serde_yaml::from_slice(b).unwrap())
        .collect();
    let base_or_seed = prop_oneof![kustomization(), prop::sample::select(seeds)];
    let mut runner = runner(2000);
    runner
        .run(
            &(
                kustomization(),
                base_or_seed,
                kustomization(),
                prop::collection::vec(edit(), 0..3),
            ),
            |(overlay, base, comp, edits)| {
                let tree = kustomize_tree(&overlay, &base, &comp, &edits);
                if let Ok(objects) = tether::render::render(&tree, "app") {
                    let _ = tether::render::to_yaml_stream(&objects);
                }
                Ok(())
            },
        )
        .unwrap();
}

/// Inputs that once crashed a fuzz target, named for what they were.
mod regressions {
    use super::*;

    /// fuzz_value_paths: a key holding `[]` printed without escapes and
    /// did not parse back; an escaped `\*` read as "any key".
    #[test]
    fn value_paths_with_brackets_and_a_literal_star_print_back() {
        use tether::model::ValuePath;
        for text in ["ingress.tls[0].\\[].key", "a.\\*.b", "a\\\\b"] {
            let path = ValuePath::parse(text).unwrap();
            assert_eq!(ValuePath::parse(&path.to_string()).unwrap(), path, "{text}");
        }
        let values = json!({"a": {"*": {"b": 1}, "x": {"b": 2}}});
        assert_eq!(
            ValuePath::parse("a.\\*.b").unwrap().select(&values).len(),
            1
        );
        assert_eq!(ValuePath::parse("a.*.b").unwrap().select(&values).len(), 2);
    }
}
