//! The semantics of admission policies, after the examples of the
//! Kubernetes "Validating Admission Policy" documentation (own objects).

use super::*;
use serde_json::{Value, json};

fn policy(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
           "metadata": {"name": name}, "spec": spec})
}

fn binding(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
           "metadata": {"name": name}, "spec": spec})
}

fn deployments_rule() -> Value {
    json!({"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                              "operations": ["CREATE", "UPDATE"], "resources": ["deployments"]}]})
}

fn deployment(name: &str, namespace: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
           "spec": {"replicas": replicas}})
}

fn set(objects: Vec<Value>) -> PolicySet {
    PolicySet::from_objects(objects).unwrap()
}

fn user() -> UserInfo {
    UserInfo {
        username: "ada@laptop".into(),
        groups: vec!["system:authenticated".into()],
    }
}

fn offline(set: &PolicySet, objects: &[Value]) -> Vec<Violation> {
    set.check(&CheckInput::offline(objects, &user()))
}

/// `policy` (a spec) bound with `Deny` and no params.
fn denying(spec: Value) -> PolicySet {
    set(vec![
        policy("p", spec),
        binding(
            "b",
            json!({"policyName": "p", "validationActions": ["Deny"]}),
        ),
    ])
}

fn messages(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(|v| v.message.clone()).collect()
}

#[test]
fn the_documented_replica_limit() {
    let set = denying(
        json!({"failurePolicy": "Fail", "matchConstraints": deployments_rule(),
        "validations": [{"expression": "object.spec.replicas <= 5"}]}),
    );
    assert!(offline(&set, &[deployment("ok", "web", 5)]).is_empty());
    let violations = offline(&set, &[deployment("big", "web", 6)]);
    assert_eq!(
        violations,
        vec![Violation {
            policy: "p".into(),
            binding: "b".into(),
            object: "Deployment.apps/web/big".into(),
            message: "failed expression: object.spec.replicas <= 5".into(),
            action: "Deny".into(),
        }]
    );
    assert!(violations[0].denies());
    assert_eq!(
        violations[0].to_string(),
        "ValidatingAdmissionPolicy 'p' with binding 'b' denied Deployment.apps/web/big: failed expression: object.spec.replicas <= 5"
    );
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "web"}});
    assert!(
        offline(&set, &[service]).is_empty(),
        "rules select deployments only"
    );
}

#[test]
fn message_then_message_expression_then_the_expression() {
    let set = denying(
        json!({"matchConstraints": deployments_rule(), "validations": [
            {"expression": "object.spec.replicas <= 5", "message": "at most 5 replicas",
             "messageExpression": "'object.spec.replicas must be no greater than 5, got ' + string(object.spec.replicas)"},
            {"expression": "object.spec.replicas <= 4", "message": "  at most 4  ",
             "messageExpression": "object.spec.missing"},
            {"expression": "object.spec.replicas <= 3", "message": "at most 3",
             "messageExpression": "object.spec.replicas"},
            {"expression": "object.spec.replicas <= 2", "reason": "Forbidden"}
        ]}),
    );
    assert_eq!(
        messages(&offline(&set, &[deployment("d", "web", 9)])),
        vec![
            "object.spec.replicas must be no greater than 5, got 9",
            "at most 4",
            "at most 3",
            "failed expression: object.spec.replicas <= 2",
        ]
    );
}

#[test]
fn params_from_the_policies_folder() {
    let limit = |name: &str, max: i64, labels: Value| {
        json!({"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit",
               "metadata": {"name": name, "namespace": "default", "labels": labels}, "maxReplicas": max})
    };
    let spec = json!({"paramKind": {"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit"},
        "matchConstraints": deployments_rule(),
        "validations": [{"expression": "object.spec.replicas <= params.maxReplicas",
                         "messageExpression": "'at most ' + string(params.maxReplicas)"}]});
    let bound = |param_ref: Value| {
        set(vec![
            policy("limit", spec.clone()),
            binding(
                "limit-test",
                json!({"policyName": "limit", "validationActions": ["Deny"], "paramRef": param_ref}),
            ),
            limit("small", 3, json!({"size": "s"})),
            limit("tiny", 1, json!({"size": "s"})),
            limit("large", 10, json!({"size": "l"})),
        ])
    };
    let by_name =
        bound(json!({"name": "small", "namespace": "default", "parameterNotFoundAction": "Deny"}));
    assert!(offline(&by_name, &[deployment("d", "web", 3)]).is_empty());
    assert_eq!(
        messages(&offline(&by_name, &[deployment("d", "web", 4)])),
        vec!["at most 3"]
    );

    let by_selector = bound(
        json!({"selector": {"matchLabels": {"size": "s"}}, "namespace": "default",
                                   "parameterNotFoundAction": "Deny"}),
    );
    assert_eq!(
        messages(&offline(&by_selector, &[deployment("d", "web", 2)])),
        vec!["at most 1"],
        "one evaluation per param selected"
    );

    let missing_deny =
        bound(json!({"name": "nope", "namespace": "default", "parameterNotFoundAction": "Deny"}));
    assert_eq!(
        messages(&offline(&missing_deny, &[deployment("d", "web", 1)])),
        vec![
            "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
        ]
    );
    let missing_allow =
        bound(json!({"name": "nope", "namespace": "default", "parameterNotFoundAction": "Allow"}));
    assert!(offline(&missing_allow, &[deployment("d", "web", 99)]).is_empty());

    let request_namespace = bound(json!({"name": "small", "parameterNotFoundAction": "Deny"}));
    assert_eq!(
        messages(&offline(&request_namespace, &[deployment("d", "web", 1)])),
        vec![
            "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
        ],
        "without paramRef.namespace, params come from the object's namespace"
    );
    assert!(offline(&request_namespace, &[deployment("d", "default", 1)]).is_empty());
}

#[test]
fn config_map_params_without_a_namespace_live_in_default() {
    let set = set(vec![
        policy(
            "registries",
            json!({"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
            "matchConstraints": deployments_rule(),
            "validations": [{"expression": "params.data.allowed.split(',').exists(r, object.metadata.name.startsWith(r))"}]}),
        ),
        binding(
            "registries",
            json!({"policyName": "registries", "validationActions": ["Deny"],
            "paramRef": {"name": "allowed", "namespace": "default", "parameterNotFoundAction": "Deny"}}),
        ),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "allowed"}, "data": {"allowed": "web,api"}}),
    ]);
    assert!(offline(&set, &[deployment("web-1", "shop", 1)]).is_empty());
    assert_eq!(offline(&set, &[deployment("db", "shop", 1)]).len(), 1);
}

#[test]
fn namespace_selectors_read_the_namespace_labels() {
    let set = set(vec![
        policy(
            "p",
            json!({"matchConstraints": deployments_rule(),
            "validations": [{"expression": "object.spec.replicas <= 1",
                             "messageExpression": "namespaceObject.metadata.labels.environment + ': at most 1'"}]}),
        ),
        binding(
            "b",
            json!({"policyName": "p", "validationActions": ["Deny"],
            "matchResources": {"namespaceSelector": {"matchLabels": {"environment": "test"}}}}),
        ),
    ]);
    let namespace = |name: &str, env: &str| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"environment": env}}});
    let objects = [
        namespace("qa", "test"),
        namespace("shop", "prod"),
        deployment("a", "qa", 3),
        deployment("b", "shop", 3),
        deployment("c", "elsewhere", 3),
    ];
    let found = offline(&set, &objects);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].object, "Deployment.apps/qa/a");
    assert_eq!(found[0].message, "test: at most 1");

    let live: HashMap<String, Value> =
        [("elsewhere".to_string(), namespace("elsewhere", "test"))].into();
    let kinds = Kinds::new();
    let u = user();
    let input = CheckInput {
        namespaces: &live,
        kinds: &kinds,
        ..CheckInput::offline(&objects, &u)
    };
    let objects: Vec<String> = set.check(&input).into_iter().map(|v| v.object).collect();
    assert_eq!(
        objects,
        vec!["Deployment.apps/qa/a", "Deployment.apps/elsewhere/c"]
    );

    let by_name = denying(
        json!({"matchConstraints": {"resourceRules": deployments_rule()["resourceRules"],
            "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name",
                                                         "operator": "In", "values": ["elsewhere"]}]}},
        "validations": [{"expression": "false"}]}),
    );
    let named: Vec<String> = offline(&by_name, &objects_of(&["qa", "elsewhere"]))
        .into_iter()
        .map(|v| v.object)
        .collect();
    assert_eq!(
        named,
        vec!["Deployment.apps/elsewhere/d"],
        "every namespace carries its name label"
    );
}

fn objects_of(namespaces: &[&str]) -> Vec<Value> {
    namespaces.iter().map(|ns| deployment("d", ns, 1)).collect()
}

#[test]
fn object_selectors_and_resource_names() {
    let set = denying(json!({"matchConstraints": {
            "resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["*"],
                               "resources": ["deployments"], "resourceNames": ["a", "b"]}],
            "objectSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["b"]}]}},
        "validations": [{"expression": "false"}]}));
    let hit: Vec<String> = offline(
        &set,
        &[
            deployment("a", "x", 1),
            deployment("b", "x", 1),
            deployment("c", "x", 1),
        ],
    )
    .into_iter()
    .map(|v| v.object)
    .collect();
    assert_eq!(hit, vec!["Deployment.apps/x/a"]);
}

#[test]
fn rules_operations_scope_exclusions_and_match_policy() {
    let check = |constraints: Value, objects: &[Value], live: &[Option<Value>]| {
        let set = denying(
            json!({"matchConstraints": constraints, "validations": [{"expression": "false"}]}),
        );
        let u = user();
        let input = CheckInput {
            live,
            ..CheckInput::offline(objects, &u)
        };
        set.check(&input)
            .into_iter()
            .map(|v| v.object)
            .collect::<Vec<_>>()
    };
    let d = deployment("d", "x", 1);
    let update_only = json!({"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                                               "operations": ["UPDATE"], "resources": ["deployments"]}]});
    assert!(
        check(update_only.clone(), std::slice::from_ref(&d), &[]).is_empty(),
        "offline is CREATE"
    );
    assert_eq!(
        check(update_only, std::slice::from_ref(&d), &[Some(d.clone())]).len(),
        1
    );

    let everything = json!({"resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"],
                                               "operations": ["CREATE"], "resources": ["*"], "scope": "Namespaced"}],
                            "excludeResourceRules": [{"apiGroups": [""], "apiVersions": ["v1"],
                                                      "operations": ["*"], "resources": ["configmaps"]}]});
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "x"}});
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}});
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}});
    assert_eq!(
        check(everything, &[d.clone(), cm, ns.clone(), role.clone()], &[]),
        vec!["Deployment.apps/x/d"]
    );
    let cluster = json!({"resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"],
                                            "operations": ["*"], "resources": ["*"], "scope": "Cluster"}]});
    assert_eq!(
        check(cluster, &[d.clone(), ns, role], &[]),
        vec!["Namespace/x", "ClusterRole.rbac.authorization.k8s.io/r"]
    );

    let beta = |policy: &str| {
        json!({"matchPolicy": policy, "resourceRules": [{"apiGroups": ["apps"],
        "apiVersions": ["v1beta1"], "operations": ["CREATE"], "resources": ["deployments"]}]})
    };
    assert!(check(beta("Exact"), std::slice::from_ref(&d), &[]).is_empty());
    assert_eq!(check(beta("Equivalent"), &[d], &[]).len(), 1);
}

#[test]
fn bindings_narrow_policies_and_each_binding_reports() {
    let set = set(vec![
        policy(
            "p",
            json!({"matchConstraints": deployments_rule(), "validations": [{"expression": "object.spec.replicas < 3"}]}),
        ),
        binding(
            "prod",
            json!({"policyName": "p", "validationActions": ["Deny", "Audit"],
            "matchResources": {"objectSelector": {"matchLabels": {"app": "a"}}}}),
        ),
        binding(
            "all",
            json!({"policyName": "p", "validationActions": ["Warn"]}),
        ),
    ]);
    let found: Vec<(String, String, String)> =
        offline(&set, &[deployment("a", "x", 5), deployment("b", "x", 5)])
            .into_iter()
            .map(|v| (v.binding, v.object, v.action))
            .collect();
    assert_eq!(
        found,
        vec![
            ("prod".into(), "Deployment.apps/x/a".into(), "Deny".into()),
            ("prod".into(), "Deployment.apps/x/a".into(), "Audit".into()),
            ("all".into(), "Deployment.apps/x/a".into(), "Warn".into()),
            ("all".into(), "Deployment.apps/x/b".into(), "Warn".into()),
        ]
    );
}

#[test]
fn variables_and_match_conditions() {
    let set = denying(json!({
        "matchConstraints": deployments_rule(),
        "matchConditions": [
            {"name": "exclude-system", "expression": "request.namespace != 'kube-system'"},
            {"name": "labelled", "expression": "has(object.metadata.labels)"}],
        "variables": [
            {"name": "foo", "expression": "'foo' in object.metadata.labels ? object.metadata.labels['foo'] : 'default'"},
            {"name": "isFoo", "expression": "variables.foo == 'bar'"}],
        "validations": [{"expression": "variables.isFoo", "messageExpression": "'foo is ' + variables.foo"}]}));
    let mut bar = deployment("bar", "x", 1);
    bar["metadata"]["labels"]["foo"] = json!("bar");
    let mut unlabelled = deployment("u", "x", 1);
    unlabelled["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("labels");
    let found = offline(
        &set,
        &[
            bar,
            deployment("d", "x", 1),
            deployment("s", "kube-system", 1),
            unlabelled,
        ],
    );
    assert_eq!(messages(&found), vec!["foo is default"]);
}

#[test]
fn failure_policy_decides_on_errors() {
    let spec = |failure: &str| {
        json!({"failurePolicy": failure, "matchConstraints": deployments_rule(),
        "validations": [{"expression": "object.spec.template.spec.containers.size() > 0"}]})
    };
    let failing = offline(&denying(spec("Fail")), &[deployment("d", "x", 1)]);
    assert_eq!(failing.len(), 1);
    assert!(
        failing[0].message.contains("No such key: template"),
        "{}",
        failing[0].message
    );
    assert!(offline(&denying(spec("Ignore")), &[deployment("d", "x", 1)]).is_empty());
    let condition_error = denying(json!({"matchConstraints": deployments_rule(),
        "matchConditions": [{"name": "broken", "expression": "object.nope == 1"},
                            {"name": "false", "expression": "false"}],
        "validations": [{"expression": "false"}]}));
    assert!(
        offline(&condition_error, &[deployment("d", "x", 1)]).is_empty(),
        "a false condition wins over an error"
    );
    let authz = denying(json!({"matchConstraints": deployments_rule(),
        "validations": [{"expression": "authorizer.group('apps').resource('deployments').check('delete').allowed()"}]}));
    assert!(
        offline(&authz, &[deployment("d", "x", 1)])[0]
            .message
            .contains("authorizer checks are not available")
    );
}

#[test]
fn the_request_and_old_object() {
    let set = denying(
        json!({"matchConstraints": deployments_rule(), "validations": [
            {"expression": "request.operation == 'CREATE' || object.spec.replicas >= oldObject.spec.replicas",
             "message": "no scaling down"},
            {"expression": "request.userInfo.username == 'ada@laptop' && request.namespace == 'x' && request.name == 'd'"},
            {"expression": "request.resource.resource == 'deployments' && request.kind.kind == 'Deployment' && request.resource.group == 'apps'"},
            {"expression": "oldObject == null || request.operation == 'UPDATE'"}
        ]}),
    );
    let u = user();
    let objects = [deployment("d", "x", 2)];
    assert!(set.check(&CheckInput::offline(&objects, &u)).is_empty());
    let live = [Some(deployment("d", "x", 4))];
    let input = CheckInput {
        live: &live,
        ..CheckInput::offline(&objects, &u)
    };
    assert_eq!(messages(&set.check(&input)), vec!["no scaling down"]);
}

#[test]
fn admission_configuration_is_exempt() {
    let set = denying(
        json!({"matchConstraints": {"resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"],
        "operations": ["*"], "resources": ["*"]}]}, "validations": [{"expression": "false"}]}),
    );
    let own = policy("other", json!({}));
    assert!(offline(&set, &[own]).is_empty());
}

#[test]
fn bad_policies_and_bindings_name_the_object_and_field() {
    let error = |objects: Vec<Value>| PolicySet::from_objects(objects).unwrap_err().to_string();
    let rules = deployments_rule();
    assert_eq!(
        error(vec![policy("p", json!({"matchConstraints": rules}))]),
        "ValidatingAdmissionPolicy \"p\": spec: validations or auditAnnotations must be given"
    );
    assert_eq!(
        error(vec![policy(
            "p",
            json!({"validations": [{"expression": "true"}]})
        )]),
        "ValidatingAdmissionPolicy \"p\": spec.matchConstraints: required"
    );
    assert_eq!(
        error(vec![policy(
            "p",
            json!({"matchConstraints": rules, "failurePolicy": "Maybe",
            "validations": [{"expression": "true"}]})
        )]),
        "ValidatingAdmissionPolicy \"p\": spec.failurePolicy: \"Maybe\" is not Fail or Ignore"
    );
    let unsupported = error(vec![policy(
        "p",
        json!({"matchConstraints": rules,
        "validations": [{"expression": "true"}, {"expression": "cidr('10.0.0.0/8').containsIP(object.spec.ip)"}]}),
    )]);
    assert_eq!(
        unsupported,
        "ValidatingAdmissionPolicy \"p\": spec.validations[1].expression \"cidr('10.0.0.0/8').containsIP(object.spec.ip)\": function \"cidr\" (the CIDR library) is not supported by tether; see docs/POLICIES.md"
    );
    assert_eq!(
        error(vec![binding(
            "b",
            json!({"policyName": "p", "validationActions": ["Deny", "Warn"]})
        )]),
        "ValidatingAdmissionPolicyBinding \"b\": spec.validationActions: Deny and Warn may not be used together"
    );
    assert_eq!(
        error(vec![binding(
            "b",
            json!({"policyName": "p", "validationActions": ["Deny"],
            "paramRef": {"name": "x"}})
        )]),
        "ValidatingAdmissionPolicyBinding \"b\": spec.paramRef.parameterNotFoundAction: required (Allow or Deny)"
    );
    assert_eq!(
        error(vec![policy(
            "p",
            json!({"matchConstraints": {"resourceRules": [{"apiGroups": ["apps"],
            "apiVersions": ["v1"], "operations": ["PATCH"], "resources": ["deployments"]}]},
            "validations": [{"expression": "true"}]})
        )]),
        "ValidatingAdmissionPolicy \"p\": spec.matchConstraints.resourceRules[0].operations: \"PATCH\" is not one of *, CREATE, UPDATE, DELETE, CONNECT"
    );
    let lonely = set(vec![
        policy(
            "p",
            json!({"matchConstraints": rules, "validations": [{"expression": "true"}]}),
        ),
        binding(
            "b",
            json!({"policyName": "q", "validationActions": ["Warn"]}),
        ),
    ]);
    assert_eq!(lonely.warnings().len(), 2);
}
