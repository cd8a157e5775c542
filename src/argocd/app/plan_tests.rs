use super::*;
use serde_json::json;

fn app(spec: Value) -> Value {
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
           "metadata": {"name": "web", "namespace": "team-a"}, "spec": spec})
}

fn base() -> Value {
    json!({"source": {"repoURL": "https://github.com/acme/gitops.git", "path": "./apps/web/"},
           "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"}})
}

#[test]
fn defaults_and_instance_names() {
    let p = plan(&app(base()), &ArgoSettings::default()).unwrap();
    assert_eq!(p.project, "default");
    assert_eq!(p.instance, "team-a_web");
    assert_eq!(p.sources[0].target_revision, "HEAD");
    assert_eq!(p.sources[0].dir(), "apps/web");
    assert!(!p.sync_policy.is_automated());
}

#[test]
fn sync_policy_and_ignore_differences_are_carried() {
    let mut spec = base();
    spec["syncPolicy"] = json!({"automated": {"prune": true, "selfHeal": true, "enabled": false},
                                "syncOptions": ["CreateNamespace=true", "ServerSideApply=true"],
                                "retry": {"limit": 2}, "managedNamespaceMetadata": {"labels": {"a": "b"}}});
    spec["ignoreDifferences"] = json!([{"group": "apps", "kind": "Deployment", "jqPathExpressions": [".spec.replicas"],
                                        "managedFieldsManagers": ["kube-controller-manager"]}]);
    let p = plan(&app(spec), &ArgoSettings::default()).unwrap();
    let auto = p.sync_policy.automated.unwrap();
    assert!(auto.prune && auto.self_heal && !auto.enabled && !p.sync_policy.is_automated());
    assert_eq!(p.sync_policy.option("CreateNamespace"), Some("true"));
    assert_eq!(
        p.ignore_differences[0].jq_path_expressions,
        [".spec.replicas"]
    );
    assert_eq!(
        p.ignore_differences[0].managed_fields_managers,
        ["kube-controller-manager"]
    );
}

#[test]
fn refusals_name_the_field() {
    let cases = [
        (
            json!({"sourceHydrator": {}}),
            "spec.sourceHydrator is not supported",
        ),
        (
            json!({"source": {"repoURL": "r", "plugin": {"name": "x"}}}),
            "spec.source.plugin is not supported",
        ),
        (
            json!({"source": {"repoURL": "https://charts.example.com", "chart": "nginx", "targetRevision": "1.2.3"}}),
            "Helm repository or OCI registry",
        ),
        (
            json!({"source": {"repoURL": "r", "helm": {}, "kustomize": {}}}),
            "multiple application sources defined",
        ),
        (
            json!({"source": {"repoURL": "r", "directory": {"jsonnet": {"extVars": [{"name": "a", "value": "b"}]}}}}),
            "does not evaluate Jsonnet",
        ),
        (
            json!({"source": {"repoURL": "r", "kustomize": {"kubeVersion": "1.30"}}}),
            "spec.source.kustomize.kubeVersion is not supported",
        ),
        (
            json!({"source": {"repoURL": "r", "helm": {"typo": 1}}}),
            "unknown field spec.source.helm.typo",
        ),
        (
            json!({"destination": {"server": "s", "name": "n"}}),
            "can't have both name and server",
        ),
        (json!({"bogus": 1}), "unknown field spec.bogus"),
    ];
    for (patch, message) in cases {
        let mut spec = base();
        crate::argocd::appset::merge_patch(&mut spec, &patch);
        let err = plan(&app(spec), &ArgoSettings::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("Application web:") && err.contains(message),
            "{err}"
        );
    }
}

#[test]
fn multi_source_with_refs() {
    let spec = json!({
        "sources": [
            {"repoURL": "https://github.com/acme/charts.git", "path": "web", "helm": {"valueFiles": ["$values/web.yaml"]}},
            {"repoURL": "https://github.com/acme/values.git", "targetRevision": "v2", "ref": "values"},
            {"repoURL": "https://github.com/acme/extra.git", "path": "extra", "ref": "extra"},
        ],
        "destination": {"name": "prod", "namespace": "web"}});
    let p = plan(&app(spec), &ArgoSettings::default()).unwrap();
    assert!(p.multi_source);
    assert_eq!(
        p.sources.iter().map(|s| s.index).collect::<Vec<_>>(),
        [0, 2]
    );
    assert_eq!(
        p.refs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["values", "extra"]
    );
    assert_eq!(p.refs[0].target_revision, "v2");
}

#[test]
fn tool_detection_follows_argo_cd() {
    let mut t = FileTree::new();
    t.insert("chart/Chart.yaml", "");
    t.insert("both/Chart.yaml", "");
    t.insert("both/kustomization.yaml", "");
    t.insert("odd/MyChart.yaml", "");
    t.insert("plain/a.yaml", "");
    t.insert("plain/sub/Chart.yaml", "");
    assert_eq!(detect(&t, "chart"), Tool::Helm);
    assert_eq!(detect(&t, "both"), Tool::Kustomize);
    assert_eq!(detect(&t, "odd"), Tool::Helm);
    assert_eq!(detect(&t, "plain"), Tool::Directory);
}

#[test]
fn argocd_source_files_override_the_source() {
    let p = plan(&app(base()), &ArgoSettings::default()).unwrap();
    let files: Vec<(String, &[u8])> = vec![
        (
            ".argocd-source.yaml".into(),
            b"kustomize:\n  namePrefix: a-\npath: elsewhere\n".as_slice(),
        ),
        (
            ".argocd-source-team-a_web.yaml".into(),
            b"kustomize:\n  nameSuffix: -b\n".as_slice(),
        ),
    ];
    let merged = spec::with_overrides(&p.sources[0], &files, "spec.source").unwrap();
    assert_eq!(merged.path, "./apps/web/", "path stays as written");
    match merged.tool {
        ToolBlock::Kustomize(k) => assert_eq!(
            (k.name_prefix.as_str(), k.name_suffix.as_str()),
            ("a-", "-b")
        ),
        other => panic!("{other:?}"),
    }
}
