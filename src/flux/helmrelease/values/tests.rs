use super::*;
use serde_json::json;

fn cm(name: &str, data: Value) -> Value {
    json!({"kind": "ConfigMap", "metadata": {"name": name, "namespace": "ns"}, "data": data})
}

fn secret(name: &str, data: Value) -> Value {
    json!({"kind": "Secret", "metadata": {"name": name, "namespace": "ns"}, "stringData": data})
}

fn reference(kind: &str, name: &str) -> ValuesReference {
    ValuesReference {
        kind: kind.into(),
        name: name.into(),
        values_key: "values.yaml".into(),
        target_path: String::new(),
        optional: false,
        literal: false,
    }
}

fn at(mut r: ValuesReference, key: &str, path: &str) -> ValuesReference {
    r.values_key = key.into();
    r.target_path = path.into();
    r
}

fn compose_with(
    objects: Vec<Value>,
    inline: Value,
    references: &[ValuesReference],
) -> Result<ComposedValues, String> {
    compose(
        "ns",
        inline.as_object(),
        references,
        &RefObjects::from_objects(objects),
    )
}

#[test]
fn references_merge_in_order_then_inline_values() {
    let out = compose_with(
        vec![
            cm(
                "values",
                json!({"values.yaml": "flat: value\nnested:\n  configuration: value\n"}),
            ),
            secret(
                "values",
                json!({"values.yaml": "flat:\n  nested: value\nnested: value\n"}),
            ),
        ],
        json!({"other": "values"}),
        &[
            reference("ConfigMap", "values"),
            reference("Secret", "values"),
        ],
    )
    .unwrap();
    assert_eq!(
        out.values,
        json!({"flat": {"nested": "value"}, "nested": "value", "other": "values"})
    );
    assert_eq!(out.secret_paths, ["flat.nested", "nested"]);
}

#[test]
fn a_target_path_overrides_inline_values_it_shares_a_list_with() {
    // Upstream "target path precedence over all".
    let out = compose_with(
        vec![
            cm("values", json!({"values.yaml": "flat: value\nnested:\n  configuration:\n  - one\n  - two\n  - three\n"})),
            secret("values", json!({"key": "value"})),
        ],
        json!({"nested": {"configuration": ["list", "item", "option"]}}),
        &[at(reference("Secret", "values"), "key", "nested.configuration[0]"), reference("ConfigMap", "values")],
    )
    .unwrap();
    assert_eq!(
        out.values,
        json!({"flat": "value", "nested": {"configuration": ["value", "item", "option"]}})
    );
    assert_eq!(out.secret_paths, ["nested.configuration[0]"]);
}

#[test]
fn inline_values_win_over_a_target_path_in_a_map_they_do_not_share() {
    // The ConfigMap gives `a` first, so merging the inline values makes a
    // new map for `a`: the target path writes there, and the inline `a.y`
    // is merged over it at the end.
    let out = compose_with(
        vec![cm(
            "v",
            json!({"values.yaml": "a: {x: 1}\n", "y": "from-ref"}),
        )],
        json!({"a": {"y": "inline"}}),
        &[
            reference("ConfigMap", "v"),
            at(reference("ConfigMap", "v"), "y", "a.y"),
        ],
    )
    .unwrap();
    assert_eq!(out.values, json!({"a": {"x": 1, "y": "inline"}}));
    let alone = compose_with(
        vec![cm("v", json!({"y": "from-ref"}))],
        json!({"a": {"y": "inline"}}),
        &[at(reference("ConfigMap", "v"), "y", "a.y")],
    )
    .unwrap();
    assert_eq!(alone.values, json!({"a": {"y": "from-ref"}}));
}

#[test]
fn target_path_values_are_typed_quoted_or_literal() {
    let objects = vec![cm("v", json!({"n": "42", "q": "\"42\"", "l": "a,b=[c]"}))];
    let out = compose_with(
        objects,
        json!({}),
        &[
            at(reference("ConfigMap", "v"), "n", "num"),
            at(reference("ConfigMap", "v"), "q", "str"),
            ValuesReference {
                literal: true,
                ..at(reference("ConfigMap", "v"), "l", "lit")
            },
        ],
    )
    .unwrap();
    assert_eq!(
        out.values,
        json!({"num": 42, "str": "42", "lit": "a,b=[c]"})
    );
}

#[test]
fn missing_references_keys_and_bad_values_are_errors() {
    let objects = vec![cm("v", json!({"values.yaml": "\ninvalid"}))];
    let e = compose_with(objects.clone(), json!({}), &[reference("Secret", "gone")]).unwrap_err();
    assert_eq!(
        e,
        "could not resolve Secret chart values reference 'ns/gone' with key 'values.yaml': resource not found"
    );
    let optional = ValuesReference {
        optional: true,
        ..reference("Secret", "gone")
    };
    assert_eq!(
        compose_with(objects.clone(), json!({}), &[optional])
            .unwrap()
            .values,
        json!({})
    );
    let e = compose_with(
        objects.clone(),
        json!({}),
        &[at(reference("ConfigMap", "v"), "nope", "")],
    )
    .unwrap_err();
    assert!(e.ends_with("with key 'nope': key not found"), "{e}");
    let e = compose_with(objects.clone(), json!({}), &[reference("ConfigMap", "v")]).unwrap_err();
    assert!(e.ends_with("the values are not a YAML mapping"), "{e}");
    let e = compose_with(objects, json!({}), &[reference("Unsupported", "v")]).unwrap_err();
    assert!(e.ends_with("unsupported values reference kind"), "{e}");
}

#[test]
fn secret_paths_escape_keys_and_index_lists() {
    let mut out = Vec::new();
    leaf_paths(
        &json!({"a.b": {"c": [1, null, {"d": "x"}]}, "e": {}}),
        "",
        &mut out,
    );
    assert_eq!(out, ["a\\.b.c[0]", "a\\.b.c[2].d", "e"]);
    for p in &out {
        assert!(crate::model::ValuePath::parse(p).is_ok(), "{p}");
    }
}
