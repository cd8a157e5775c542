use super::supported::{GLOBAL, MACROS, MEMBER};
use super::values::from_json;
use super::*;
use serde_json::json;

fn activation(object: serde_json::Value) -> Activation {
    Activation::new(vec![
        ("object", from_json(&object)),
        ("oldObject", Value::Null),
        ("params", Value::Null),
        ("namespaceObject", Value::Null),
        ("request", from_json(&json!({"operation": "CREATE"}))),
    ])
    .unwrap()
}

fn eval(source: &str, object: serde_json::Value) -> Result<bool, String> {
    Expression::compile(source, &[])?.evaluate_bool(&activation(object))
}

#[test]
fn every_supported_function_works_as_its_sample_says() {
    for (name, sample) in GLOBAL.iter().chain(MEMBER).chain(MACROS) {
        assert_eq!(eval(sample, json!({})), Ok(true), "{name}: {sample}");
    }
}

#[test]
fn objects_read_as_typed_json() {
    let deployment = json!({
        "spec": {"replicas": 3, "ratio": 0.5, "template": {"spec": {"containers": [
            {"name": "a", "image": "ghcr.io/acme/a:1.0"},
            {"name": "b", "image": "nginx"}
        ]}}},
        "metadata": {"labels": {"app": "web"}}
    });
    let holds = |e: &str| eval(e, deployment.clone());
    assert_eq!(holds("object.spec.replicas <= 5"), Ok(true));
    assert_eq!(
        holds("object.spec.replicas + 1 == 4"),
        Ok(true),
        "ints stay int"
    );
    assert_eq!(holds("object.spec.ratio < 1"), Ok(true));
    assert_eq!(
        holds("object.spec.template.spec.containers.all(c, c.image.contains(':'))"),
        Ok(false)
    );
    assert_eq!(
        holds("has(object.metadata.labels) && 'app' in object.metadata.labels"),
        Ok(true)
    );
    assert_eq!(
        holds("object.?metadata.?annotations.orValue({}).size() == 0"),
        Ok(true)
    );
    let missing = holds("object.metadata.annotations.size() == 0").unwrap_err();
    assert!(missing.contains("No such key: annotations"), "{missing}");
}

#[test]
fn unsupported_and_unknown_names_fail_to_compile() {
    let error = |e: &str| Expression::compile(e, &[]).unwrap_err();
    assert!(error("ip('10.0.0.1').family() == 4").contains("the IP library"));
    assert!(error("'a'.reverse() == 'a'").contains("\"reverse\" is not supported"));
    assert!(error("math.greatest(1, 2) == 2").contains("\"math.greatest\""));
    assert!(error("[2, 1].sort() == [1, 2]").contains("\"sort\""));
    assert!(error("format.dns1123Label().validate('a').hasValue()").contains("format library"));
    assert!(error("objet.spec.replicas < 5").contains("undeclared reference to \"objet\""));
    assert!(error("object.spec.replicas <").starts_with("syntax error"));
    assert!(error("'abc'.matches('[')").contains("invalid literal in matches()"));
    assert!(error("duration('5 minutes') > duration('1m')").contains("invalid literal"));
    assert!(error("variables.foo == 1").contains("variables.foo is not declared"));
    assert!(error("cel.bind(x, 1, x == 1)").contains("\"cel.bind\""));
    let two_vars = Expression::compile("{'a': 1}.all(k, v, v > 0)", &[]);
    assert!(two_vars.is_err(), "{two_vars:?}");
    assert!(error("{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}").contains("two-variable"));
    assert!(
        error("timestamp('yesterday') < timestamp('2025-01-01T00:00:00Z')")
            .contains("invalid literal")
    );
    assert!(Expression::compile("[1].all(object, object > 0)", &[]).is_ok());
}

#[test]
fn variables_are_read_in_order_and_failures_stay_where_they_are_read() {
    let declared = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut act = activation(json!({"spec": {"replicas": 3}}));
    let first = Expression::compile("object.spec.replicas * 2", &[]).unwrap();
    act.define("double", &first);
    let broken = Expression::compile("object.spec.missing", &declared(&["double"])).unwrap();
    act.define("broken", &broken);
    let reads_first =
        Expression::compile("variables.double == 6", &declared(&["double", "broken"]));
    assert_eq!(reads_first.unwrap().evaluate_bool(&act), Ok(true));
    let reads_broken =
        Expression::compile("variables.broken == 1", &declared(&["double", "broken"]));
    let error = reads_broken.unwrap().evaluate_bool(&act).unwrap_err();
    assert!(error.contains("No such key: missing"), "{error}");
    let quantity = Expression::compile("quantity('1Gi')", &[]).unwrap();
    act.define("limit", &quantity);
    let compares = Expression::compile(
        "variables.limit.isGreaterThan(quantity('1M'))",
        &declared(&["limit"]),
    );
    assert_eq!(compares.unwrap().evaluate_bool(&act), Ok(true));
}

#[test]
fn the_authorizer_compiles_and_fails_when_evaluated() {
    let e = Expression::compile(
        "authorizer.group('apps').resource('deployments').check('create').allowed()",
        &[],
    )
    .unwrap();
    let error = e.evaluate_bool(&activation(json!({}))).unwrap_err();
    assert!(
        error.contains("authorizer checks are not available"),
        "{error}"
    );
    assert!(Expression::compile("object.check('x')", &[]).is_err());
}

#[test]
fn non_bool_results_and_strings() {
    let e = Expression::compile("1 + 1", &[]).unwrap();
    assert!(
        e.evaluate_bool(&activation(json!({})))
            .unwrap_err()
            .contains("not a bool")
    );
    let m = Expression::compile("'replicas: ' + string(object.spec.replicas)", &[]).unwrap();
    assert_eq!(
        m.evaluate_string(&activation(json!({"spec": {"replicas": 7}}))),
        Ok(Some("replicas: 7".to_string()))
    );
    let n = Expression::compile("object.spec.replicas", &[]).unwrap();
    assert_eq!(
        n.evaluate_string(&activation(json!({"spec": {"replicas": 7}}))),
        Ok(None)
    );
}
