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
        "tether.yaml:2: unknown field \"clusters\", expected \"apps\" or \"render\""
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
        "tether.yaml:1: the file is empty; expected a top-level \"apps\" list"
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
