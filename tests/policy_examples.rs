//! The example policies of assets/policies, each against objects that
//! pass and objects that fail it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use tether::model::FileTree;
use tether::policy::{CheckInput, PolicySet, UserInfo, Violation};

fn examples() -> PolicySet {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/policies");
    let mut tree = FileTree::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        tree.insert(format!("policies/{name}"), std::fs::read(&path).unwrap());
    }
    let objects = tether::render::render(&tree, "policies").unwrap();
    let set = PolicySet::from_objects(objects).unwrap();
    assert!(set.warnings().is_empty(), "{:?}", set.warnings());
    set
}

/// A Deployment that passes every example policy.
fn good() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"template": {"spec": {
            "initContainers": [{"name": "migrate", "image": "registry.k8s.io/busybox:1.36",
                "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}}}],
            "containers": [{"name": "web",
                "image": "ghcr.io/acme/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "resources": {"limits": {"cpu": 1, "memory": "512Mi"}}}]
        }}}
    })
}

fn check(object: Value) -> Vec<(String, String)> {
    let user = UserInfo::default();
    let objects = [object];
    examples()
        .check(&CheckInput::offline(&objects, &user))
        .into_iter()
        .inspect(|v: &Violation| assert!(v.denies(), "{v}"))
        .map(|v| (v.policy, v.message))
        .collect()
}

fn with(mut object: Value, pointer: &str, value: Value) -> Value {
    *object.pointer_mut(pointer).unwrap() = value;
    object
}

#[test]
fn a_good_deployment_passes_every_example() {
    assert_eq!(examples().policy_names().count(), 4);
    assert_eq!(check(good()), vec![]);
    let cron = json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "report", "namespace": "shop", "labels": {"app.kubernetes.io/name": "report"}},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "r",
            "image": "ghcr.io/acme/report:2.0", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}}}}
    });
    assert_eq!(check(cron), vec![]);
}

#[test]
fn require_app_name_label() {
    let unlabelled = with(good(), "/metadata/labels", json!({"app": "web"}));
    assert_eq!(
        check(unlabelled),
        vec![(
            "require-app-name-label".into(),
            "Deployment web has no app.kubernetes.io/name label".into()
        )]
    );
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}});
    assert_eq!(check(service).len(), 1);
    let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}});
    assert_eq!(check(config), vec![], "ConfigMaps are not selected");
}

#[test]
fn require_container_limits() {
    let no_limits = with(
        good(),
        "/spec/template/spec/containers/0/resources",
        json!({"requests": {"cpu": "1"}}),
    );
    let no_memory = with(
        good(),
        "/spec/template/spec/initContainers/0/resources/limits",
        json!({"cpu": "1"}),
    );
    assert_eq!(
        check(no_limits),
        vec![(
            "require-container-limits".into(),
            "containers without cpu and memory limits: web".into()
        )]
    );
    assert_eq!(
        check(no_memory),
        vec![(
            "require-container-limits".into(),
            "containers without cpu and memory limits: migrate".into()
        )]
    );
    let huge = with(
        good(),
        "/spec/template/spec/containers/0/resources/limits/memory",
        json!("16Gi"),
    );
    assert_eq!(
        check(huge),
        vec![(
            "require-container-limits".into(),
            "a container may ask for at most 8Gi of memory".into()
        )]
    );
    let exact = with(
        good(),
        "/spec/template/spec/containers/0/resources/limits/memory",
        json!(8589934592u64),
    );
    assert_eq!(
        check(exact),
        vec![],
        "8Gi as a plain number is within the limit"
    );
}

#[test]
fn allowed_registries_from_the_config_map() {
    let foreign = with(
        good(),
        "/spec/template/spec/containers/0/image",
        json!("docker.io/library/nginx:1.27"),
    );
    assert_eq!(
        check(foreign),
        vec![(
            "allowed-registries".into(),
            "images from registries that are not allowed: docker.io/library/nginx:1.27 (allowed: ghcr.io/acme/, registry.k8s.io/)".into()
        )]
    );
    let lookalike = with(
        good(),
        "/spec/template/spec/containers/0/image",
        json!("ghcr.io/acme-evil/web:1.0"),
    );
    assert_eq!(check(lookalike).len(), 1);
}

#[test]
fn pinned_image_tags() {
    let image = |i: &str| with(good(), "/spec/template/spec/containers/0/image", json!(i));
    let unpinned = |i: &str| {
        vec![(
            "pinned-image-tags".to_string(),
            format!("images need a tag other than latest, or a digest: {i}"),
        )]
    };
    assert_eq!(
        check(image("ghcr.io/acme/web:latest")),
        unpinned("ghcr.io/acme/web:latest")
    );
    assert_eq!(
        check(image("ghcr.io/acme/web")),
        unpinned("ghcr.io/acme/web")
    );
    assert_eq!(
        check(image("ghcr.io/acme/web:5000/x")).len(),
        1,
        "a registry port is not a tag"
    );
    assert_eq!(check(image("ghcr.io/acme/web:1.4.2")), vec![]);
}
