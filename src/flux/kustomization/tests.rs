use super::*;
use serde_json::json;

fn ks(spec: Value) -> Kustomization {
    let mut spec = spec;
    spec["sourceRef"] = json!({"kind": "GitRepository", "name": "repo"});
    Kustomization::from_object(&json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux-system"}, "spec": spec}))
    .unwrap()
}

fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (path, text) in files {
        t.insert(*path, *text);
    }
    t
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: web, image: nginx:1.0}\n";
const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
const CONFIG: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n";

fn names(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn spec_overlays_shape_the_generated_build() {
    let t = tree(&[
        ("apps/web/deploy.yaml", DEPLOY),
        ("apps/web/svc.yaml", SERVICE),
    ]);
    let k = ks(
        json!({"path": "apps/web", "targetNamespace": "prod", "namePrefix": "p-",
        "images": [{"name": "nginx", "newTag": "2.0"}],
        "patches": [{"patch": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort}\n"}],
        "commonMetadata": {"labels": {"team": "a"}, "annotations": {"owner": "b"}}}),
    );
    let objects = build(&k, &t, &RefObjects::new(), &BuildOptions::default()).unwrap();
    // No reordering: the walk order of the files (deploy.yaml, svc.yaml).
    assert_eq!(names(&objects), ["Deployment/p-web", "Service/p-web"]);
    let deploy = &objects[0];
    assert_eq!(deploy["metadata"]["namespace"], "prod");
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:2.0"
    );
    assert_eq!(objects[1]["spec"]["type"], "NodePort");
    assert_eq!(
        deploy["metadata"]["labels"],
        json!({"kustomize.toolkit.fluxcd.io/name": "apps",
               "kustomize.toolkit.fluxcd.io/namespace": "flux-system", "team": "a"})
    );
    assert_eq!(deploy["metadata"]["annotations"], json!({"owner": "b"}));
}

#[test]
fn sort_options_in_the_kustomization_still_sort() {
    let t = tree(&[
        (
            "k/kustomization.yaml",
            "resources: [d.yaml, c.yaml]\nsortOptions: {order: legacy}\n",
        ),
        ("k/d.yaml", DEPLOY),
        ("k/c.yaml", CONFIG),
    ]);
    let objects = build(
        &ks(json!({"path": "./k"})),
        &t,
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(names(&objects), ["ConfigMap/web", "Deployment/web"]);
    let fifo = tree(&[
        ("k/kustomization.yaml", "resources: [d.yaml, c.yaml]\n"),
        ("k/d.yaml", DEPLOY),
        ("k/c.yaml", CONFIG),
    ]);
    let objects = build(
        &ks(json!({"path": "./k"})),
        &fifo,
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(names(&objects), ["Deployment/web", "ConfigMap/web"]);
}

#[test]
fn nested_kustomizations_build_as_folders() {
    let t = tree(&[
        (
            "c/base/kustomization.yaml",
            "resources: [cm.yaml]\nnamePrefix: base-\n",
        ),
        ("c/base/cm.yaml", CONFIG),
        ("c/svc.yaml", SERVICE),
    ]);
    let objects = build(
        &ks(json!({"path": "c"})),
        &t,
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(names(&objects), ["ConfigMap/base-web", "Service/web"]);
}

#[test]
fn paths_and_manifests_that_do_not_build_are_errors() {
    let t = tree(&[("apps/x.yaml", "replicaCount: 2\n"), ("file.yaml", CONFIG)]);
    let none = build(
        &ks(json!({"path": "./nope"})),
        &t,
        &RefObjects::new(),
        &BuildOptions::default(),
    );
    assert_eq!(
        none.unwrap_err().to_string(),
        "Kustomization flux-system/apps: kustomization path not found in the source artifact: \"nope\""
    );
    let file = build(
        &ks(json!({"path": "file.yaml"})),
        &t,
        &RefObjects::new(),
        &BuildOptions::default(),
    );
    assert!(
        file.unwrap_err()
            .to_string()
            .contains("is a file, not a folder")
    );
    // Not a Kubernetes object: Flux's generator refuses it too.
    let bad = build(
        &ks(json!({"path": "apps"})),
        &t,
        &RefObjects::new(),
        &BuildOptions::default(),
    );
    let e = bad.unwrap_err().to_string();
    assert!(
        e.starts_with("Kustomization flux-system/apps: ") && e.contains("apps/x.yaml"),
        "{e}"
    );
}

#[test]
fn an_empty_folder_builds_nothing() {
    let objects = build(
        &ks(json!({})),
        &FileTree::new(),
        &RefObjects::new(),
        &BuildOptions::default(),
    )
    .unwrap();
    assert!(objects.is_empty());
}

#[test]
fn a_missing_substitute_from_reference_fails_only_when_substitution_runs() {
    let t = tree(&[("a/cm.yaml", CONFIG)]);
    let k = ks(
        json!({"path": "a", "postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "vars"}]}}),
    );
    let e = build(&k, &t, &RefObjects::new(), &BuildOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Kustomization flux-system/apps: substitute from 'ConfigMap/vars' error: ConfigMap \"flux-system/vars\" not found"
    );
}
