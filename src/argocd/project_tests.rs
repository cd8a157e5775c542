use super::*;
use serde_json::json;

fn project(spec: Value) -> AppProject {
    AppProject::from_object(&json!({"metadata": {"name": "web"}, "spec": spec})).unwrap()
}

/// Source cases of Argo CD's TestAppProject_IsSourcePermitted and
/// TestAppProject_IsNegatedSourcePermitted.
#[test]
fn source_repos_with_globs_and_negation() {
    let cases: &[(&[&str], &str, bool)] = &[
        (&["*"], "https://github.com/argoproj/test.git", true),
        (
            &["https://github.com/argoproj/test.git"],
            "https://github.com/argoproj/test.git",
            true,
        ),
        (
            &["ssh://git@GITHUB.com:argoproj/test"],
            "ssh://git@github.com:argoproj/test",
            true,
        ),
        (
            &["https://github.com/argoproj/*"],
            "https://github.com/argoproj/argoproj.git",
            true,
        ),
        (
            &["https://github.com/argoproj/test1.git"],
            "https://github.com/argoproj/test2.git",
            false,
        ),
        (
            &["https://github.com/argoproj/*.git"],
            "https://github.com/argoproj1/test2.git",
            false,
        ),
        (
            &["https://github.com/argoproj/foo"],
            "https://github.com/argoproj/foo1",
            false,
        ),
        (
            &["https://gitlab.com/group/*"],
            "https://gitlab.com/group/repo/owner",
            false,
        ),
        (
            &["https://gitlab.com/group/*/*"],
            "https://gitlab.com/group/repo/owner",
            true,
        ),
        (
            &["https://gitlab.com/group/**"],
            "https://gitlab.com/group/sub-group/repo/owner",
            true,
        ),
        (
            &["!https://github.com/argoproj/test.git"],
            "https://github.com/argoproj/test.git",
            false,
        ),
        (
            &["!https://github.com/argoproj/*"],
            "https://github.com/argoproj/argoproj.git",
            false,
        ),
        (
            &[
                "https://github.com/test1/test.git",
                "!https://github.com/test2/test.git",
            ],
            "https://github.com/test2/test.git",
            false,
        ),
        (
            &["!https://gitlab.com/group/**"],
            "https://gitlab.com/group/sub-group/repo/owner",
            false,
        ),
        (
            &["!https://github.com/argoproj/*.git", "*"],
            "https://github.com/argoproj1/test2.git",
            true,
        ),
        // A deny entry the source does not match counts as a match (NOTES.md §4).
        (
            &["!https://github.com/bad/*"],
            "https://github.com/good/repo",
            true,
        ),
    ];
    for (repos, source, expected) in cases {
        let p = project(json!({"sourceRepos": repos}));
        assert_eq!(
            p.is_source_permitted(source),
            *expected,
            "{repos:?} {source}"
        );
    }
}

/// Destination cases of Argo CD's TestAppProject_IsDestinationPermitted
/// and TestAppProject_IsNegatedDestinationPermitted.
#[test]
fn destinations_with_globs_and_negation() {
    let ks = "https://kubernetes.default.svc";
    let cases: Vec<(Value, (&str, &str, &str), bool)> = vec![
        (
            json!([{"server": ks, "namespace": "default"}]),
            (ks, "", "default"),
            true,
        ),
        (
            json!([{"server": ks, "namespace": "default"}]),
            (ks, "", "kube-system"),
            false,
        ),
        (
            json!([{"server": "https://*.default.svc", "namespace": "default"}]),
            (ks, "", "default"),
            true,
        ),
        (
            json!([{"server": ks, "namespace": "test-*"}]),
            (ks, "", "test"),
            false,
        ),
        (
            json!([{"namespace": "*", "name": "test"}]),
            ("", "test", "test"),
            true,
        ),
        (
            json!([{"namespace": "*", "name": "test2"}]),
            ("", "test", "test"),
            false,
        ),
        (
            json!([{"server": "!https://kubernetes.default.svc", "namespace": "default"}]),
            (ks, "", "default"),
            false,
        ),
        (
            json!([{"server": ks, "namespace": "!default"}]),
            (ks, "", "kube-system"),
            true,
        ),
        (
            json!([{"server": "!https://my-cluster", "namespace": "default"}]),
            (ks, "", "default"),
            true,
        ),
        (
            json!([{"server": ks, "namespace": "!test-*"}]),
            (ks, "", "test-foo"),
            false,
        ),
        (
            json!([{"namespace": "*", "name": "!test"}]),
            ("", "test", "test"),
            false,
        ),
        (
            json!([{"server": "*", "namespace": "*"}, {"server": "*", "namespace": "!kube-system"}]),
            (ks, "", "kube-system"),
            false,
        ),
        (
            json!([{"name": "host", "server": ks, "namespace": "!{kube-system,argocd}"},
                   {"name": "eks", "server": "https://eks.example.com", "namespace": "*"}]),
            ("https://eks.example.com", "", "kube-system"),
            true,
        ),
    ];
    for (dests, (server, name, namespace), expected) in cases {
        let p = project(json!({"destinations": dests}));
        let dest = Destination {
            server,
            name,
            namespace,
        };
        assert_eq!(
            p.is_destination_permitted(&dest),
            expected,
            "{dests} {server} {name} {namespace}"
        );
    }
}

#[test]
fn kinds_follow_white_and_black_lists() {
    let absent = project(json!({}));
    assert!(absent.is_kind_permitted("apps", "Deployment", "d", true));
    assert!(!absent.is_kind_permitted("", "Namespace", "ns", false));
    let empty = project(json!({"namespaceResourceWhitelist": []}));
    assert!(!empty.is_kind_permitted("apps", "Deployment", "d", true));
    let p = project(json!({
        "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        "clusterResourceBlacklist": [{"group": "", "kind": "Namespace", "name": "kube-*"}],
        "namespaceResourceBlacklist": [{"group": "", "kind": "Secret"}],
    }));
    assert!(p.is_kind_permitted("", "Namespace", "web", false));
    assert!(!p.is_kind_permitted("", "Namespace", "kube-public", false));
    assert!(!p.is_kind_permitted("", "Secret", "s", true));
    assert!(p.is_kind_permitted("", "ConfigMap", "c", true));
}

#[test]
fn check_app_names_the_project_and_the_rule() {
    let p = project(json!({
        "sourceRepos": ["https://github.com/acme/*"],
        "destinations": [{"server": "https://prod.example.com", "namespace": "web*"}],
        "namespaceResourceBlacklist": [{"group": "", "kind": "Secret"}],
    }));
    let dest = Destination {
        server: "https://prod.example.com",
        name: "prod",
        namespace: "web",
    };
    let namespaced = |_: &str, kind: &str| kind != "Namespace" && kind != "ClusterRole";
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    assert_eq!(
        p.check_app(
            &["https://github.com/acme/gitops.git"],
            &dest,
            std::slice::from_ref(&cm),
            &namespaced
        ),
        Ok(())
    );

    let err = p
        .check_app(&["https://github.com/other/x"], &dest, &[], &namespaced)
        .unwrap_err();
    assert_eq!(err.rule, "sourceRepos");
    assert_eq!(
        err.to_string(),
        "AppProject web (sourceRepos): application repo https://github.com/other/x is not permitted in project 'web'"
    );
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let err = p
        .check_app(
            &["https://github.com/acme/a"],
            &dest,
            &[secret],
            &namespaced,
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("resource :Secret is not permitted in project web"),
        "{err}"
    );
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}});
    let err = p
        .check_app(&["https://github.com/acme/a"], &dest, &[ns], &namespaced)
        .unwrap_err();
    assert_eq!(err.rule, "clusterResourceWhitelist/Blacklist");
    let elsewhere = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "kube-system"}});
    let err = p
        .check_app(
            &["https://github.com/acme/a"],
            &dest,
            &[elsewhere],
            &namespaced,
        )
        .unwrap_err();
    assert_eq!(err.rule, "destinations");
    let wrong_ns = Destination {
        namespace: "db",
        ..dest
    };
    assert_eq!(
        p.check_app(&["https://github.com/acme/a"], &wrong_ns, &[], &namespaced)
            .unwrap_err()
            .rule,
        "destinations"
    );
}

#[test]
fn app_namespaces_and_windows() {
    let p = project(json!({"sourceNamespaces": ["team-*", "/^ops-[0-9]+$/"],
                           "syncWindows": [{"kind": "deny", "schedule": "0 22 * * *", "duration": "8h"}]}));
    assert!(p.is_app_namespace_permitted("argocd", "argocd"));
    assert!(p.is_app_namespace_permitted("team-a", "argocd"));
    assert!(p.is_app_namespace_permitted("ops-12", "argocd"));
    assert!(!p.is_app_namespace_permitted("ops-x", "argocd"));
    assert_eq!(p.windows.windows.len(), 1);
    let bad = AppProject::from_object(
        &json!({"metadata": {"name": "p"}, "spec": {"syncWindows": [{"kind": "deny", "schedule": "bad", "duration": "1h"}]}}),
    );
    assert!(
        bad.unwrap_err()
            .to_string()
            .starts_with("AppProject p: sync window 0")
    );
}
