use super::*;
use crate::flux::kustomization::Kustomization;

fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut t = FileTree::new();
    for (path, text) in files {
        t.insert(*path, *text);
    }
    t
}

fn ks(spec: Value) -> Kustomization {
    let mut spec = spec;
    spec["sourceRef"] = json!({"kind": "GitRepository", "name": "repo"});
    Kustomization::from_object(&json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux-system"}, "spec": spec}))
    .unwrap()
}

#[test]
fn generated_kustomizations_list_manifests_as_flux_walks_them() {
    let t = tree(&[
        ("apps/b.yaml", ""),
        ("apps/b/x.yml", ""),
        ("apps/a.json", ""),
        ("apps/.hidden/h.yaml", ""),
        ("apps/c/kustomization.yaml", ""),
        ("apps/c/deep/y.yaml", ""),
        ("apps/a.yaml", ""),
        ("other/z.yaml", ""),
    ]);
    let k = find_or_generate(&t, "apps").unwrap();
    assert!(k.generated);
    assert_eq!(k.path, "apps/kustomization.yaml");
    assert_eq!(
        k.content["resources"],
        json!([
            "./.hidden/h.yaml",
            "./a.yaml",
            "./b/x.yml",
            "./b.yaml",
            "./c"
        ])
    );
    let empty = find_or_generate(&tree(&[("x/readme.md", "")]), "x").unwrap();
    assert_eq!(empty.content["namespace"], "_placeholder");
    assert!(empty.content.get("resources").is_none());
}

#[test]
fn existing_kustomizations_keep_known_fields_only() {
    let t = tree(&[(
        "k/kustomization.yml",
        "NamePrefix: a-\nresources: [x.yaml]\nunknownField: 1\nnamespace: ''\n",
    )]);
    let k = find_or_generate(&t, "k").unwrap();
    assert!(!k.generated);
    assert_eq!(k.path, "k/kustomization.yml");
    assert_eq!(
        Value::Object(k.content),
        json!({"namePrefix": "a-", "resources": ["x.yaml"]})
    );
}

#[test]
fn the_spec_overlays_the_kustomization() {
    let t = tree(&[
        ("app/kustomization.yaml", ""),
        ("app/comp/kustomization.yaml", ""),
    ]);
    let mut file = KustomizationFile {
        path: "app/kustomization.yaml".into(),
        content: json!({"resources": ["d.yaml"], "namespace": "old", "namePrefix": "x-",
            "images": [{"name": "nginx", "newTag": "1.0", "digest": "sha256:a"},
                       {"name": "redis", "newName": "r"}]})
        .as_object()
        .cloned()
        .unwrap(),
        generated: false,
    };
    let spec = ks(
        json!({"targetNamespace": "web", "namePrefix": "", "nameSuffix": "-s",
        "patches": [{"patch": "p", "target": {"kind": "Deployment", "name": "", "other": "x"}}],
        "images": [{"name": "nginx", "newTag": "2.0"}, {"name": "redis", "newName": "q"},
                   {"name": "pg", "digest": "sha256:b"}],
        "components": ["comp", "missing"], "ignoreMissingComponents": true,
        "buildMetadata": ["managedByLabel"]}),
    );
    overlay(&mut file, &spec, &t, "app").unwrap();
    assert_eq!(
        Value::Object(file.content),
        json!({"resources": ["d.yaml"], "namespace": "web",
            "images": [{"name": "nginx", "newTag": "2.0"}, {"name": "redis", "newName": "q"},
                       {"name": "pg", "digest": "sha256:b"}],
            "nameSuffix": "-s",
            "patches": [{"patch": "p", "target": {"kind": "Deployment"}}],
            "components": ["comp"], "buildMetadata": ["managedByLabel"]})
    );
}

#[test]
fn an_existing_kustomization_without_resources_gets_origin_annotations() {
    let mut file = KustomizationFile {
        path: "k/kustomization.yaml".into(),
        content: json!({"configMapGenerator": [{"name": "x"}]})
            .as_object()
            .cloned()
            .unwrap(),
        generated: false,
    };
    overlay(&mut file, &ks(json!({})), &FileTree::new(), "k").unwrap();
    assert_eq!(file.content["buildMetadata"], json!(["originAnnotations"]));
}

#[test]
fn remote_or_absolute_components_are_refused() {
    for c in [
        "https://github.com/x/y",
        "/abs",
        "file:///abs",
        "git@github.com:x/y",
    ] {
        let mut file = find_or_generate(&FileTree::new(), "").unwrap();
        let e = overlay(
            &mut file,
            &ks(json!({"components": [c]})),
            &FileTree::new(),
            "",
        );
        assert_eq!(
            e,
            Err(format!("component path '{c}' must be local and relative"))
        );
    }
}
