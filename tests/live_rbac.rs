//! assets/deploy/tether-gitops.yaml names every kind tether reads live
//! (list and watch) and every kind its live actions patch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use tether::live::{APP_KINDS, APPLICATION_SET, SOURCE_KINDS};

fn rules() -> Vec<Value> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/deploy/tether-gitops.yaml");
    let role: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    role["rules"].as_array().unwrap().clone()
}

fn allows(rules: &[Value], group: &str, resource: &str, verb: &str) -> bool {
    let has = |rule: &Value, field: &str, want: &str| {
        rule[field]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == want || v == "*")
    };
    rules.iter().any(|r| {
        has(r, "apiGroups", group) && has(r, "resources", resource) && has(r, "verbs", verb)
    })
}

#[test]
fn the_gitops_role_covers_every_live_kind_and_action() {
    let rules = rules();
    let read = APP_KINDS
        .iter()
        .chain([&APPLICATION_SET])
        .chain(SOURCE_KINDS.iter());
    for kind in read {
        for verb in ["get", "list", "watch"] {
            assert!(
                allows(&rules, kind.group, kind.plural, verb),
                "{verb} {}",
                kind.resource()
            );
        }
    }
    for kind in APP_KINDS.iter().chain(SOURCE_KINDS.iter()) {
        assert!(
            allows(&rules, kind.group, kind.plural, "patch"),
            "patch {}",
            kind.resource()
        );
    }
    assert!(
        !allows(&rules, "argoproj.io", "applicationsets", "patch"),
        "nothing patches ApplicationSets"
    );
}
