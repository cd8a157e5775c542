//! Admission policies before sync, against the simulated API server over
//! HTTP: a denial refuses the sync with nothing applied, warnings pass,
//! updates see the live object as oldObject and the API server's view of
//! the object (defaults included).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::policy_scenarios::{self, policy, replica_limit};
use common::{Env, file};
use tether::engine::SyncOptions;

/// The scenarios of tests/common/policy_scenarios.rs (also run on a real
/// cluster).
#[tokio::test]
async fn a_denied_sync_applies_nothing() {
    policy_scenarios::a_denied_sync_applies_nothing(&Env::new().await).await;
}

#[tokio::test]
async fn warnings_pass_and_updates_see_the_live_object() {
    policy_scenarios::warnings_pass_and_updates_see_the_live_object(&Env::new().await).await;
}

/// A policy tether cannot load (it uses the IP library, which tether does
/// not support), in the env's policies folder.
fn add_broken_policy(env: &Env) {
    env.add_policies(&[(
        "broken.yaml",
        &policy(
            "uses-ip",
            "Deny",
            "",
            "{expression: \"ip(object.spec.address).family() == 4\"}",
        ),
    )]);
}

#[tokio::test]
async fn a_broken_policy_refuses_every_sync() {
    let env = Env::new().await;
    add_broken_policy(&env);
    let error = env
        .engine()
        .sync(
            &env.app,
            &SyncOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("app web: the admission policies in ") && error.contains("policies at HEAD: ValidatingAdmissionPolicy \"uses-ip\": spec.validations[0].expression \"ip(object.spec.address).family() == 4\": function \"ip\" (the IP library) is not supported by tether"),
        "{error}"
    );
}

/// The app's row in a fresh status pass (what the TUI's apps table shows).
async fn findings(engine: &tether::engine::Engine) -> tether::model::PolicyFindings {
    let rows = engine.status_all().await;
    let row = rows.iter().find(|r| r.name == "web").unwrap();
    row.policy.clone().expect("the app is checked")
}

#[tokio::test]
async fn the_status_reports_violations_until_git_fixes_them() {
    let env = Env::new().await;
    assert!(
        env.engine().status_all().await[0].policy.is_none(),
        "no policies configured, nothing checked"
    );
    env.add_policies(&[("replicas.yaml", &replica_limit("Deny"))]);
    let engine = env.engine();

    let found = findings(&engine).await;
    assert_eq!((found.denied, found.warned, &found.error), (1, 0, &None));
    let v = &found.violations[0];
    assert_eq!(
        (
            v.policy.as_str(),
            v.binding.as_str(),
            v.object.as_str(),
            v.message.as_str()
        ),
        (
            "max-one-replica",
            "max-one-replica-binding",
            "Deployment.apps/web/web",
            "web asks for 2 replicas"
        )
    );
    // The same desired state and policies: the same findings (cached).
    assert_eq!(findings(&engine).await, found);

    // A policy change in Git is seen by the next pass.
    env.add_policies(&[("replicas.yaml", &replica_limit("Warn"))]);
    let found = findings(&engine).await;
    assert_eq!((found.denied, found.warned), (0, 1));

    // Fixed in Git: the next pass reports nothing.
    env.commit(
        &[file(
            "apps/web/deployment.yaml",
            &common::DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
        )],
        "One replica",
    );
    let found = findings(&engine).await;
    assert!(found.passes(), "{found:?}");
    assert_eq!((found.denied, found.warned), (0, 0));
}

#[tokio::test]
async fn a_broken_policy_folder_shows_as_a_failed_check() {
    let env = Env::new().await;
    add_broken_policy(&env);
    let found = findings(&env.engine()).await;
    assert!(!found.passes());
    let error = found.error.unwrap();
    assert!(error.contains("function \"ip\""), "{error}");
}
