//! Admission policies before sync, against the simulated API server over
//! HTTP: a denial refuses the sync with nothing applied, warnings pass,
//! updates see the live object as oldObject and the API server's view of
//! the object (defaults included).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, file};
use kube::api::{Api, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use tether::engine::SyncOptions;

/// A policy on Deployments with one validation, bound with `actions`.
fn policy(name: &str, actions: &str, conditions: &str, validation: &str) -> String {
    format!(
        "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: {name}}}
spec:
  matchConstraints:
    resourceRules:
      - {{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}}
  matchConditions: [{conditions}]
  validations:
    - {validation}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {{name: {name}-binding}}
spec:
  policyName: {name}
  validationActions: [{actions}]
"
    )
}

fn replica_limit(actions: &str) -> String {
    policy(
        "max-one-replica",
        actions,
        "",
        "{expression: 'object.spec.replicas <= 1', messageExpression: \"object.metadata.name + ' asks for ' + string(object.spec.replicas) + ' replicas'\"}",
    )
}

async fn core_api(env: &Env, kind: &str) -> Api<DynamicObject> {
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", kind));
    Api::all_with(env.kube().await, &resource)
}

#[tokio::test]
async fn a_denied_sync_applies_nothing() {
    let env = Env::new().await;
    env.add_policies(&[("replicas.yaml", &replica_limit("Deny"))]);
    let engine = env.engine();

    let plan = engine
        .sync(
            &env.app,
            &SyncOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(plan.violations.len(), 1, "{:?}", plan.violations);
    assert!(plan.violations[0].denies());
    assert!(
        plan.summary().ends_with("1 policy denials"),
        "{}",
        plan.summary()
    );

    let error = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "app web: sync refused by admission policies, nothing was applied: ValidatingAdmissionPolicy 'max-one-replica' with binding 'max-one-replica-binding' denied Deployment.apps/web/web: web asks for 2 replicas"
    );
    let deployments = env.api("apps/v1", "Deployment").await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());
    let namespaces = core_api(&env, "Namespace").await;
    assert!(
        namespaces.get_opt("web").await.unwrap().is_none(),
        "not even the namespace of CreateNamespace=true"
    );
    let state = env.api_in("v1", "ConfigMap", "tether-system").await;
    assert!(
        state.get_opt("tether-app-web").await.unwrap().is_none(),
        "no history record either"
    );
}

#[tokio::test]
async fn warnings_pass_and_updates_see_the_live_object() {
    let env = Env::new().await;
    let update_only = "{name: updates, expression: \"request.operation == 'UPDATE'\"}";
    env.add_policies(&[
        ("replicas.yaml", &replica_limit("Warn")),
        (
            "scale-down.yaml",
            &policy(
                "no-scale-down",
                "Deny",
                update_only,
                "{expression: 'object.spec.replicas >= oldObject.spec.replicas', messageExpression: \"'scaling down from ' + string(oldObject.spec.replicas) + ' to ' + string(object.spec.replicas)\"}",
            ),
        ),
        (
            "defaults.yaml",
            &policy(
                "server-defaults",
                "Deny",
                update_only,
                "{expression: 'object.spec.progressDeadlineSeconds == 600'}",
            ),
        ),
    ]);
    let engine = env.engine();

    let created = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let warned: Vec<_> = created
        .violations
        .iter()
        .map(|v| (v.policy.as_str(), v.action.as_str()))
        .collect();
    assert_eq!(warned, vec![("max-one-replica", "Warn")]);
    assert!(
        created.summary().ends_with("1 policy warnings"),
        "{}",
        created.summary()
    );

    // An UPDATE: the object as the API server admits it (defaulted), the
    // live one as oldObject.
    let updated = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(updated.violations.len(), 1, "{:?}", updated.violations);

    env.commit(
        &[file(
            "apps/web/deployment.yaml",
            &common::DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
        )],
        "Scale down",
    );
    let error = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("ValidatingAdmissionPolicy 'no-scale-down' with binding 'no-scale-down-binding' denied Deployment.apps/web/web: scaling down from 2 to 1"),
        "{error}"
    );
    let live = env
        .api("apps/v1", "Deployment")
        .await
        .get("web")
        .await
        .unwrap();
    assert_eq!(live.data["spec"]["replicas"], 2, "nothing applied");
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
