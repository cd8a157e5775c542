//! Compiles the protobuf schemas of the built-in Kubernetes types that the
//! simulated API server reads and writes (`src/sim/proto`) into a
//! descriptor set in OUT_DIR. The `.proto` files are the ones the
//! `k8s-rs-pb` package ships (a build dependency used only for its files);
//! they are parsed by protobuf-parse's pure Rust parser.
#![allow(clippy::expect_used, clippy::panic)] // a failing build script reports by panicking

use std::path::{Path, PathBuf};
use std::process::Command;

use protobuf::Message;

/// The Kubernetes version directory of k8s-rs-pb whose files are read.
const VERSION_DIR: &str = "src/v1_35";

/// The group versions served, with the files they import.
const FILES: &[&str] = &[
    "apimachinery/pkg/runtime/schema/generated.proto",
    "apimachinery/pkg/runtime/generated.proto",
    "apimachinery/pkg/util/intstr/generated.proto",
    "apimachinery/pkg/api/resource/generated.proto",
    "apimachinery/pkg/apis/meta/v1/generated.proto",
    "api/core/v1/generated.proto",
    "api/apps/v1/generated.proto",
    "api/batch/v1/generated.proto",
    "api/networking/v1/generated.proto",
    "api/rbac/v1/generated.proto",
    "api/autoscaling/v1/generated.proto",
    "api/autoscaling/v2/generated.proto",
    "api/policy/v1/generated.proto",
    "api/coordination/v1/generated.proto",
    "api/events/v1/generated.proto",
    "api/authorization/v1/generated.proto",
    "api/authentication/v1/generated.proto",
    "apiextensions_apiserver/pkg/apis/apiextensions/v1/generated.proto",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TETHER_K8S_PROTOS");
    let root = protos_root();
    let parsed = protobuf_parse::Parser::new()
        .pure()
        .include(&root)
        .inputs(FILES.iter().map(|f| root.join(f)))
        .parse_and_typecheck()
        .unwrap_or_else(|e| panic!("parsing the Kubernetes protos in {}: {e:#}", root.display()));
    let mut set = protobuf::descriptor::FileDescriptorSet::new();
    set.file = parsed.file_descriptors;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = set.write_to_bytes().expect("descriptor set serializes");
    std::fs::write(out.join("k8s-descriptors.pb"), bytes).expect("OUT_DIR is writable");
}

/// The pinned k8s-rs-pb release (see Cargo.toml).
const PACKAGE: &str = "k8s-rs-pb-0.5.0";

/// `$TETHER_K8S_PROTOS`, else the k8s-rs-pb package in cargo's registry
/// sources, else where `cargo metadata` says it is (vendored sources).
fn protos_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("TETHER_K8S_PROTOS") {
        return PathBuf::from(dir);
    }
    let package = registry_package().unwrap_or_else(metadata_package);
    let root = package.join(VERSION_DIR);
    println!("cargo:rerun-if-changed={}", root.display());
    root
}

fn registry_package() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .filter_map(Result::ok)
        .map(|index| index.path().join(PACKAGE))
        .find(|p| p.join("Cargo.toml").is_file())
}

fn metadata_package() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("Cargo.toml");
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            &target,
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let manifest_path = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "k8s-rs-pb")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("k8s-rs-pb is a build dependency");
    Path::new(manifest_path)
        .parent()
        .expect("a manifest lives in a folder")
        .to_path_buf()
}
