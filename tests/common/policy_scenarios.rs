//! Admission policies before sync as scenarios for the sim
//! (tests/engine_policies.rs) and a real cluster (tests/real_pipeline.rs):
//! a denial refuses the sync with nothing applied (not even the
//! namespace, no history record), warnings pass, and updates see the live
//! object as oldObject and the API server's view of the object (defaults
//! included). tether evaluates the policies itself: the cluster needs no
//! ValidatingAdmissionPolicy support.

use super::{Env, file};
use kube::api::{Api, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use tether::engine::SyncOptions;

/// A policy on Deployments with one validation, bound with `actions`.
pub fn policy(name: &str, actions: &str, conditions: &str, validation: &str) -> String {
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

pub fn replica_limit(actions: &str) -> String {
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

/// A Deny binding: the dry-run reports the denial, the sync is refused
/// naming policy, binding, object and message, and nothing is applied.
pub async fn a_denied_sync_applies_nothing(env: &Env) {
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
    let (app, ns) = (&env.app, &env.namespace);
    assert_eq!(
        error,
        format!(
            "app {app}: sync refused by admission policies, nothing was applied: ValidatingAdmissionPolicy 'max-one-replica' with binding 'max-one-replica-binding' denied Deployment.apps/{ns}/web: web asks for 2 replicas"
        )
    );
    let deployments = env.api("apps/v1", "Deployment").await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());
    let namespaces = core_api(env, "Namespace").await;
    assert!(
        namespaces.get_opt(ns).await.unwrap().is_none(),
        "not even the namespace of CreateNamespace=true"
    );
    let state = env.api_in("v1", "ConfigMap", "tether-system").await;
    assert!(
        state
            .get_opt(&format!("tether-app-{app}"))
            .await
            .unwrap()
            .is_none(),
        "no history record either"
    );
    env.cleanup().await;
}

/// Warn bindings pass; an UPDATE sees the defaulted object and the live
/// one as oldObject, and a Deny on it leaves the live object as it was.
pub async fn warnings_pass_and_updates_see_the_live_object(env: &Env) {
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
            &super::DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
        )],
        "Scale down",
    );
    let error = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    let ns = &env.namespace;
    assert!(
        error.contains(&format!("ValidatingAdmissionPolicy 'no-scale-down' with binding 'no-scale-down-binding' denied Deployment.apps/{ns}/web: scaling down from 2 to 1")),
        "{error}"
    );
    let live = env
        .api("apps/v1", "Deployment")
        .await
        .get("web")
        .await
        .unwrap();
    assert_eq!(live.data["spec"]["replicas"], 2, "nothing applied");
    env.cleanup().await;
}
