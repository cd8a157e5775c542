//! Findings "unclear or misleading messages": each message says what is
//! wrong and where (the kustomize ones that kubectl also refuses are
//! corpus cases in tests/fixtures/kustomize).

use super::support::*;
use super::yaml::fake_helm;
use serde_json::json;
use tether::render::{HelmOptions, RenderOptions, render_with};

#[test]
fn a_non_string_name_prefix_names_the_field() {
    let t = tree(&[
        (
            "app/kustomization.yaml",
            "resources: [cm.yaml]\nnamePrefix: 5\n",
        ),
        ("app/cm.yaml", &configmap("a")),
    ]);
    assert_eq!(
        render_error(&t, "app"),
        "app/kustomization.yaml: invalid kustomization: namePrefix: invalid type: integer `5`, expected a string"
    );
}

#[test]
fn a_kustomization_that_is_a_list_says_so() {
    let t = tree(&[(
        "app/kustomization.yaml",
        "- cm.yaml\n- kind: Kustomization\n",
    )]);
    assert_eq!(
        render_error(&t, "app"),
        "app/kustomization.yaml: invalid kustomization: a kustomization is a mapping of fields (resources:, patches:, …), not a list"
    );
}

#[test]
fn a_list_with_bad_items_says_what_is_wrong_with_them() {
    let t = tree(&[
        ("map/l.yaml", "apiVersion: v1\nkind: List\nitems: {a: 1}\n"),
        ("none/l.yaml", "apiVersion: v1\nkind: List\nitems:\n"),
        (
            "named/l.yaml",
            "apiVersion: x.io/v1\nkind: AccessList\nmetadata: {name: a}\n",
        ),
    ]);
    assert_eq!(
        render_error(&t, "map"),
        "map/l.yaml:1: the items of the List are a mapping; expected a list of objects"
    );
    assert_eq!(
        render_error(&t, "none"),
        "none/l.yaml:1: the List has no items; expected `items:` with a list of objects"
    );
    // A named object whose kind ends in List is an object.
    assert_eq!(tether::render::render(&t, "named").unwrap().len(), 1);
}

#[test]
fn helm_messages_name_tether_yaml_and_drop_the_debug_advice() {
    let dir = tempfile::tempdir().unwrap();
    // Prints what helm prints for a bad value file and for bad template
    // output, echoing the paths it was given.
    let helm = fake_helm(
        dir.path(),
        "for a in \"$@\"; do case \"$prev\" in --values) v=$a;; esac; prev=$a; done\n\
         echo \"Error: failed to parse $v: error unmarshaling JSON: cannot unmarshal string into Go value of type map[string]interface {}\" >&2\n\
         echo >&2\n\
         echo 'Use --debug flag to render out invalid YAML' >&2\n\
         exit 1",
    );
    let t = tree(&[(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )]);
    let options = HelmOptions {
        release_name: "web".into(),
        values: Some(json!({"a": 1})),
        ..HelmOptions::default()
    };
    let err = tether::render::helm::template_with_binary(&helm, &t, "chart", &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "chart: helm template failed: failed to parse source.helm.values of tether.yaml: error unmarshaling JSON: cannot unmarshal string into Go value of type map[string]interface {}"
    );
    let scalar = HelmOptions {
        values: Some(json!("just a string")),
        ..options
    };
    let err = tether::render::helm::template_with_binary(&helm, &t, "chart", &scalar)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "chart: source.helm.values of tether.yaml must be a mapping of values, not a string"
    );
}

#[test]
fn a_real_helm_yaml_error_points_at_helm_template_debug() {
    if tether::render::helm::helm_binary().is_err() {
        crate::common::skipped("helm not on PATH: helm's own messages were not checked");
        return;
    }
    let t = tree(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        ),
        (
            "chart/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n   c: d\n",
        ),
    ]);
    let err = render_with(&t, "chart", &RenderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(!err.contains("--debug flag"), "{err}");
    assert!(
        err.ends_with(
            "(to see the rendered text, run `helm template --debug` on the chart folder)"
        ),
        "{err}"
    );
}

#[test]
fn object_names_that_would_break_the_request_url_are_refused_with_their_file() {
    let t = tree(&[
        ("dots/cm.yaml", &configmap("../../secrets")),
        (
            "svc/s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n",
        ),
        (
            "ns/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: ../kube-system}\n",
        ),
        (
            "rbac/r.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: \"system:reader\"}\n",
        ),
        (
            "kust/kustomization.yaml",
            "resources: [cm.yaml]\nnamePrefix: ../\n",
        ),
        ("kust/cm.yaml", &configmap("a")),
    ]);
    assert_eq!(
        render_error(&t, "dots"),
        "dots/cm.yaml:1: ConfigMap \"../../secrets\": metadata.name: a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"
    );
    assert!(
        render_error(&t, "svc")
            .starts_with("svc/s.yaml:1: Service \"1web\": metadata.name: a DNS-1035 label"),
    );
    assert!(render_error(&t, "ns").starts_with(
        "ns/cm.yaml:1: ConfigMap \"ok\": metadata.namespace \"../kube-system\": a DNS-1123 label"
    ),);
    assert_eq!(tether::render::render(&t, "rbac").unwrap().len(), 1);
    // kustomize prints the name it built, whatever it is; the engine,
    // which would put it in a URL, refuses it.
    let built = tether::render::render(&t, "kust").unwrap();
    assert_eq!(built[0]["metadata"]["name"], "../a");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "kust/kustomization.yaml",
                "resources: [cm.yaml]\nnamePrefix: ../\n",
            ),
            ("kust/cm.yaml", &configmap("a")),
        ],
    );
    tether::source::init_repo(dir.path()).unwrap();
    let spec = app(
        "  - {name: kust, source: {repo: ., path: kust, revision: WORKTREE}}\n",
        dir.path(),
    );
    let err = tether::engine::render_app(&spec, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("app kust: ConfigMap \"../a\": metadata.name: a DNS-1123 subdomain"),
        "{err}"
    );
}

#[test]
fn inline_helm_values_that_are_not_a_mapping_are_refused_in_tether_yaml() {
    let text = "apps:\n  - name: web\n    source:\n      repo: .\n      path: chart\n      helm:\n        values: just a string\n";
    let err = tether::config::parse(text, std::path::Path::new("tether.yaml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "tether.yaml:7: apps[0].source.helm.values: inline Helm values must be a mapping (e.g. {image: {tag: \"1.2\"}}), not a string"
    );
}
