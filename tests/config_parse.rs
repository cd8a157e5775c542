#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! tether.yaml parsing and validation, asserted by the message a user sees.

use std::path::{Path, PathBuf};
use tether::config::{self, ConfigError};
use tether::model::Revision;

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

/// The message for fixture `name` parsed as if it were ./tether.yaml.
fn error_of(name: &str) -> String {
    match config::parse(&fixture(name), Path::new("tether.yaml")) {
        Ok(c) => panic!("{name} parsed: {c:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn valid_full_example_parses_every_field() {
    let c = config::parse(&fixture("valid_full.yaml"), Path::new("/etc/t/tether.yaml")).unwrap();
    assert_eq!(c.path, Path::new("/etc/t/tether.yaml"));
    assert_eq!(c.apps.len(), 2);
    let web = &c.apps[0];
    assert_eq!(web.name, "web-staging");
    assert_eq!(web.project_name(), "web");
    assert_eq!(web.source.repo, Path::new("/etc/t/gitops"));
    assert_eq!(web.source.path, "apps/web/overlays/staging");
    assert_eq!(web.source.revision, Revision::Git("HEAD".into()));
    let helm = web.source.helm.as_ref().unwrap();
    assert_eq!(helm.value_files, vec!["values-staging.yaml"]);
    assert_eq!(helm.release_name.as_deref(), Some("web"));
    assert_eq!(web.destination.context.as_deref(), Some("staging"));
    assert_eq!(web.destination.namespace.as_deref(), Some("web"));
    let policy = web.sync_policy.as_ref().unwrap();
    let automated = policy.automated.as_ref().unwrap();
    assert!(automated.prune && automated.self_heal);
    assert!(web.has_sync_option("CreateNamespace=true"));
    assert_eq!(web.ignore_differences[0].group, "apps");
    assert_eq!(
        web.ignore_differences[0].json_pointers,
        vec!["/spec/replicas"]
    );

    let dev = &c.apps[1];
    assert_eq!(dev.source.repo, Path::new("/srv/gitops"));
    assert_eq!(dev.source.revision, Revision::WorkTree);
    assert_eq!(dev.project_name(), "default");
    assert!(!dev.is_automated());
}

#[test]
fn unknown_field_names_field_and_line() {
    assert_eq!(
        error_of("unknown_source_field.yaml"),
        "tether.yaml:8: apps[1].source: unknown field \"revison\", expected one of \"repo\", \"path\", \"revision\", \"helm\""
    );
}

#[test]
fn unknown_top_level_field_is_an_error() {
    assert_eq!(
        error_of("unknown_top_level.yaml"),
        "tether.yaml:2: unknown field \"clustres\", expected one of \"apps\", \"repos\", \"clusters\", \"argocd\", \"import\", \"render\", \"policies\", \"pipelines\", \"syncWindows\", \"client\""
    );
}

#[test]
fn duplicate_name_points_at_the_second() {
    assert_eq!(
        error_of("duplicate_name.yaml"),
        "tether.yaml:6: apps[2].name: app name \"web\" is already used by apps[0]; names must be unique"
    );
}

#[test]
fn app_name_must_be_a_dns_label() {
    assert_eq!(
        error_of("bad_name.yaml"),
        "tether.yaml:2: apps[0].name: app name \"Web_Staging\" must be a DNS label: lowercase letters, digits and '-' only"
    );
}

#[test]
fn revision_must_not_be_empty() {
    assert_eq!(
        error_of("empty_revision.yaml"),
        "tether.yaml:6: apps[0].source.revision: must not be empty (use HEAD, a branch, tag, commit or WORKTREE)"
    );
}

#[test]
fn namespace_must_be_a_dns_label() {
    assert_eq!(
        error_of("bad_namespace.yaml"),
        "tether.yaml:8: apps[1].destination.namespace: namespace \"API\" must be a DNS label: lowercase letters, digits and '-' only"
    );
}

#[test]
fn json_pointers_start_with_a_slash() {
    assert_eq!(
        error_of("bad_json_pointer.yaml"),
        "tether.yaml:9: apps[0].ignoreDifferences[0].jsonPointers[1]: JSON pointer \"spec/template\" must start with \"/\" (e.g. /spec/replicas)"
    );
}

#[test]
fn render_mode_defaults_at_the_top_and_per_app() {
    use tether::model::KustomizeMode;
    let c = config::parse(&fixture("render_modes.yaml"), Path::new("tether.yaml")).unwrap();
    assert_eq!(
        c.apps[0].kustomize_mode(),
        KustomizeMode::Binary,
        "the top-level default"
    );
    assert_eq!(
        c.apps[1].kustomize_mode(),
        KustomizeMode::Native,
        "the app's own wins"
    );
    let plain = config::parse(&fixture("valid_full.yaml"), Path::new("tether.yaml")).unwrap();
    assert_eq!(plain.apps[0].kustomize_mode(), KustomizeMode::Native);
    assert!(plain.apps[0].render.is_unset());
    assert_eq!(
        error_of("bad_render_mode.yaml"),
        "tether.yaml:5: apps[0].render.kustomize: unknown variant \"fast\", expected \"native\" or \"binary\""
    );
}

#[test]
fn jq_expressions_are_compiled_when_loaded() {
    assert_eq!(
        error_of("bad_jq_expression.yaml"),
        "tether.yaml:11: apps[0].ignoreDifferences[1].jqPathExpressions[1]: invalid jq expression \".data[]]\": unexpected character at column 8"
    );
    assert_eq!(
        error_of("unbounded_jq_expression.yaml"),
        "tether.yaml:10: apps[1].ignoreDifferences[0].jqPathExpressions[1]: invalid jq expression \"def f: f; f\": definitions (def) are not allowed in an ignore expression"
    );
}

#[test]
fn a_bad_secret_value_path_names_its_line() {
    assert_eq!(
        error_of("bad_secret_value.yaml"),
        "tether.yaml:9: apps[0].source.helm.secretValues[1]: value path \"auth..token\" has an empty key (two dots, or a dot at an end) (expected e.g. db.password, tls[0].key, users.*.token)"
    );
}

#[test]
fn sync_options_come_from_a_known_set() {
    assert_eq!(
        error_of("unknown_sync_option.yaml"),
        "tether.yaml:7: apps[0].syncPolicy.syncOptions[1]: unknown sync option \"CreateNamespaces=true\", expected NAME=true|false with NAME one of CreateNamespace, ApplyOutOfSyncOnly, FailOnSharedResource, ServerSideApply=true, PruneLast=true (always on), or PrunePropagationPolicy=foreground|background|orphan"
    );
}

#[test]
fn missing_required_field() {
    assert_eq!(
        error_of("missing_source.yaml"),
        "tether.yaml:2: apps[0]: missing field \"source\""
    );
}

#[test]
fn source_path_stays_inside_the_repo() {
    assert_eq!(
        error_of("path_escapes.yaml"),
        "tether.yaml:5: apps[0].source.path: path \"../other\" must be a folder inside the repository (relative, without ..)"
    );
}

#[test]
fn invalid_yaml_names_the_line() {
    assert_eq!(
        error_of("bad_yaml.yaml"),
        "tether.yaml:4: did not find expected ',' or '}'"
    );
}

#[test]
fn empty_file_says_what_is_expected() {
    assert_eq!(
        error_of("empty.yaml"),
        "tether.yaml:1: the file is empty; expected a top-level \"apps\" or \"import\" list"
    );
}

#[test]
fn load_explicit_file_resolves_repos_next_to_it() {
    let c = config::load(Some(&fixture_path("valid_full.yaml"))).unwrap();
    assert_eq!(c.apps[0].source.repo, fixture_path("gitops"));
}

#[test]
fn load_errors_name_the_file() {
    let missing = fixture_path("no-such.yaml");
    let err = config::load(Some(&missing)).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read {}: ", missing.display())),
        "{err}"
    );
    let err = config::load(Some(&fixture_path("bad_name.yaml"))).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "{}:2: apps[0].name",
            fixture_path("bad_name.yaml").display()
        )),
        "{err}"
    );
}

#[test]
fn user_files_live_in_the_config_dir() {
    if let Some(dir) = config::paths::config_dir() {
        assert!(dir.ends_with("tether"), "{}", dir.display());
        assert_eq!(
            config::paths::user_file("themes/x.yaml").unwrap(),
            dir.join("themes/x.yaml")
        );
    }
}

#[test]
fn import_sections_are_checked_with_their_line() {
    let base = std::path::Path::new("/srv/tether.yaml");
    let err = |text: &str| tether::config::parse(text, base).unwrap_err().to_string();
    assert_eq!(
        err("apps: []\n"),
        "/srv/tether.yaml:1: apps: nothing to do: give \"apps\", \"import\" folders or \"clusters\" to watch"
    );
    assert_eq!(
        err("clusters:\n  - {context: prod}\n  - {context: prod}\n"),
        "/srv/tether.yaml:3: clusters[1].context: context \"prod\" is already listed at clusters[0]"
    );
    assert_eq!(
        err("clusters:\n  - context: prod\n    server: prod.example.com\n"),
        "/srv/tether.yaml:3: clusters[0].server: \"prod.example.com\" is not an API server URL (https://host:port)"
    );
    assert_eq!(
        err("import:\n  - {repo: ./gitops, path: ../other}\n"),
        "/srv/tether.yaml:2: import[0].path: path \"../other\" must be a folder inside the repository (relative, without ..)"
    );
    assert_eq!(
        err("argocd: {trackingMethod: labels}\nclusters: [{context: a}]\n"),
        "/srv/tether.yaml:1: argocd.trackingMethod: unknown variant \"labels\", expected one of \"annotation\", \"label\", \"annotation+label\""
    );
    let ok = tether::config::parse(
        "repos: [{url: https://github.com/acme/gitops.git, path: ./gitops}]\nimport: [{repo: ./gitops, path: clusters/prod, manage: true}]\n",
        base,
    )
    .unwrap();
    assert_eq!(ok.repos[0].path, std::path::Path::new("/srv/gitops"));
    assert_eq!(ok.import[0].repo, std::path::Path::new("/srv/gitops"));
    assert!(ok.import[0].manage);
    assert!(ok.apps.is_empty());
}

#[test]
fn policies_section_is_checked_with_its_line() {
    let base = std::path::Path::new("/srv/tether.yaml");
    let apps = "apps:\n  - name: web\n    source: {repo: ./gitops, path: apps/web}\n";
    let parse = |text: &str| tether::config::parse(&format!("{apps}{text}"), base);
    let ok = parse("policies: {repo: ./gitops, path: policies}\n").unwrap();
    let policies = ok.policies.unwrap();
    assert_eq!(policies.repo, std::path::Path::new("/srv/gitops"));
    assert_eq!(policies.path, "policies");
    assert_eq!(policies.revision, Revision::Git("HEAD".into()));
    let ok = parse("policies:\n  repo: ../checks\n  revision: v2\n").unwrap();
    let policies = ok.policies.unwrap();
    assert_eq!(policies.repo, std::path::Path::new("/srv/../checks"));
    assert_eq!(policies.revision, Revision::Git("v2".into()));
    assert!(parse("").unwrap().policies.is_none());
    assert_eq!(
        parse("policies:\n  repo: ./gitops\n  path: /etc/policies\n")
            .unwrap_err()
            .to_string(),
        "/srv/tether.yaml:6: policies.path: path \"/etc/policies\" must be a folder inside the repository (relative, without ..)"
    );
    assert_eq!(
        parse("policies: {repo: ./gitops, paths: [a]}\n")
            .unwrap_err()
            .to_string(),
        "/srv/tether.yaml:4: policies: unknown field \"paths\", expected one of \"repo\", \"path\", \"revision\""
    );
    assert_eq!(
        parse("policies: {path: policies}\n")
            .unwrap_err()
            .to_string(),
        "/srv/tether.yaml:4: policies: missing field \"repo\""
    );
}

#[test]
fn depends_on_names_apps_without_cycles() {
    let base = std::path::Path::new("/srv/tether.yaml");
    let app = |name: &str, deps: &str| {
        format!(
            "  - name: {name}\n    source: {{repo: ./gitops, path: apps/{name}}}\n    dependsOn: [{deps}]\n"
        )
    };
    let parse = |apps: &[String]| tether::config::parse(&format!("apps:\n{}", apps.concat()), base);
    let ok = parse(&[app("db", ""), app("web", "db")]).unwrap();
    assert_eq!(ok.apps[1].depends_on, ["db"]);
    assert!(ok.apps[0].depends_on.is_empty());
    assert_eq!(
        parse(&[app("web", "dbb")]).unwrap_err().to_string(),
        "/srv/tether.yaml:4: apps[0].dependsOn[0]: dependsOn names \"dbb\", which is no app of `apps:`"
    );
    assert_eq!(
        parse(&[app("web", "web")]).unwrap_err().to_string(),
        "/srv/tether.yaml:4: apps[0].dependsOn[0]: app \"web\" cannot depend on itself"
    );
    assert_eq!(
        parse(&[app("a", "b"), app("b", "c"), app("c", "a")])
            .unwrap_err()
            .to_string(),
        "/srv/tether.yaml:4: apps[0].dependsOn[0]: dependsOn \"b\" makes a cycle: \"b\" depends (through its dependencies) on \"a\""
    );
}

#[test]
fn client_settings_are_checked_when_loaded() {
    assert_eq!(
        error_of("bad_client.yaml"),
        "tether.yaml:6: client.applyConcurrency: invalid value: integer \"0\", expected a nonzero usize"
    );
    let text = fixture("bad_client.yaml").replace("applyConcurrency: 0", "applyConcurrency: 3");
    let config = config::parse(&text, Path::new("tether.yaml")).unwrap();
    assert_eq!(config.client.qps, Some(50));
    assert_eq!(config.client.apply_concurrency.map(|n| n.get()), Some(3));
}
