use super::*;
use serde_json::json;

fn deleted(expr: &str, mut object: Value) -> Value {
    JqPaths::compile(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .delete_from(&mut object)
        .unwrap_or_else(|e| panic!("{expr}: {e}"));
    object
}

#[test]
fn simple_paths_still_work() {
    let d = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
        {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}});
    assert_eq!(
        deleted(".spec.template.spec.containers[].image", d.clone()),
        json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}}})
    );
    assert_eq!(
        deleted(".spec.template.spec.containers[0].image", d.clone()),
        json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "image": "y"}]}}}})
    );
    assert_eq!(
        deleted(".spec.replicas", d),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}})
    );
}

#[test]
fn bracketed_keys_and_select() {
    let cm = json!({"data": {"x": "1", "y": "2"}});
    assert_eq!(deleted(r#".data["x"]"#, cm), json!({"data": {"y": "2"}}));
    let d = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "app:1"}, {"name": "sidecar", "image": "mesh:7"}]}}}});
    assert_eq!(
        deleted(
            r#".spec.template.spec.containers[] | select(.name == "sidecar") | .image"#,
            d
        ),
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "app:1"}, {"name": "sidecar"}]}}}})
    );
    let m = json!({"metadata": {"name": "m", "annotations": {"a.b/c": "1", "keep": "2"}}});
    assert_eq!(
        deleted(r#".metadata.annotations["a.b/c"]"#, m),
        json!({"metadata": {"name": "m", "annotations": {"keep": "2"}}})
    );
}

/// Expressions in the style of Argo CD's diffing documentation.
#[test]
fn argo_cd_style_expressions() {
    let d = json!({"spec": {"template": {"spec": {"initContainers": [
        {"name": "injected-init-container", "image": "i"}, {"name": "mine", "image": "m"}]}}}});
    assert_eq!(
        deleted(
            r#".spec.template.spec.initContainers[] | select(.name == "injected-init-container")"#,
            d
        ),
        json!({"spec": {"template": {"spec": {"initContainers": [{"name": "mine", "image": "m"}]}}}})
    );
    let hook = json!({"webhooks": [
        {"name": "a", "clientConfig": {"caBundle": "AAA", "url": "u"}},
        {"name": "b", "clientConfig": {"caBundle": "BBB", "url": "v"}}]});
    assert_eq!(
        deleted(".webhooks[]?.clientConfig.caBundle", hook.clone()),
        json!({"webhooks": [
            {"name": "a", "clientConfig": {"url": "u"}},
            {"name": "b", "clientConfig": {"url": "v"}}]})
    );
    // Recursive: every caBundle wherever it is.
    assert_eq!(
        deleted(
            r#".. | select(type == "object" and has("caBundle")) | .caBundle"#,
            hook
        ),
        json!({"webhooks": [
            {"name": "a", "clientConfig": {"url": "u"}},
            {"name": "b", "clientConfig": {"url": "v"}}]})
    );
    let env = json!({"spec": {"containers": [{"name": "app", "env": [
        {"name": "KEEP", "value": "1"}, {"name": "OTEL_X", "value": "2"}, {"name": "OTEL_Y", "value": "3"}]}]}});
    assert_eq!(
        deleted(
            r#".spec.containers[].env[] | select(.name | startswith("OTEL_"))"#,
            env
        ),
        json!({"spec": {"containers": [{"name": "app", "env": [{"name": "KEEP", "value": "1"}]}]}})
    );
    let labels = json!({"metadata": {"labels": {"app": "x", "pod-template-hash": "abc"}}});
    assert_eq!(
        deleted(
            r#".metadata.labels | keys[] as $k | select($k | test("hash$")) | .[$k]"#,
            labels.clone()
        ),
        json!({"metadata": {"labels": {"app": "x"}}})
    );
    let not_a_path = JqPaths::compile(r#".metadata.labels | to_entries[] | .key"#).unwrap();
    let mut copy = labels.clone();
    assert!(
        not_a_path.delete_from(&mut copy).is_err(),
        "not a path expression: an error, nothing deleted"
    );
    assert_eq!(copy, labels);
}

#[test]
fn negative_positions_and_slices() {
    let v = json!({"a": [0, 1, 2, 3, 4]});
    assert_eq!(deleted(".a[-1]", v.clone()), json!({"a": [0, 1, 2, 3]}));
    assert_eq!(deleted(".a[1:3]", v.clone()), json!({"a": [0, 3, 4]}));
    assert_eq!(deleted(".a[1:][0]", v.clone()), json!({"a": [0, 2, 3, 4]}));
    assert_eq!(deleted(".a | last", v.clone()), json!({"a": [0, 1, 2, 3]}));
    assert_eq!(deleted(".a[10]", v.clone()), v);
}

#[test]
fn missing_fields_and_whole_object_change_nothing() {
    let v = json!({"a": {"b": 1}});
    assert_eq!(deleted(".x.y.z", v.clone()), v);
    assert_eq!(deleted(".a.b.c?", v.clone()), v);
    assert_eq!(
        deleted(".", v.clone()),
        v,
        "the object itself is never deleted"
    );
    assert_eq!(deleted("empty", v.clone()), v);
}

#[test]
fn runtime_errors_are_reported_not_fatal() {
    let p = JqPaths::compile(".a.b").unwrap();
    let mut v = json!({"a": "text"});
    let e = p.delete_from(&mut v).unwrap_err();
    assert!(matches!(e, JqError::Runtime { .. }), "{e}");
    assert_eq!(v, json!({"a": "text"}));
    let p = JqPaths::compile(".a | tostring").unwrap();
    assert!(p.paths(&json!({"a": 1})).is_err(), "not a path expression");
}

#[test]
fn the_path_count_is_bounded() {
    let items: Vec<Value> = (0..(MAX_PATHS + 5)).map(|i| json!(i)).collect();
    let p = JqPaths::compile(".a[]").unwrap();
    let e = p.paths(&json!({ "a": items })).unwrap_err();
    assert!(matches!(e, JqError::Bounded { .. }), "{e}");
}

#[test]
fn invalid_expressions_are_errors_never_panics() {
    let malformed = [
        ".data[]]",
        ".data[",
        ".[",
        "]",
        "[",
        "(",
        ")",
        "{",
        "}",
        ".a.",
        "..a",
        ".a |",
        "| .a",
        ".a,",
        ",",
        ".a[\"x]",
        "\"",
        "\\",
        ".a[1:2:3]",
        "select(",
        "select()",
        "if",
        "if . then",
        "if . then . else",
        "try",
        "reduce",
        "foreach .[] as",
        ".a as",
        ".a as $",
        "$",
        "$x",
        "@",
        "@nope",
        "@base64(",
        "def",
        "def f:",
        "def f: .;",
        "import \"x\" as y; .",
        "include \"x\"; .",
        "label",
        "break",
        "break $x",
        ".[]?[]?[]??",
        "?",
        ".a?b",
        "1 +",
        "+ 1",
        "- -",
        "..[",
        ".[.[.[",
        "\u{0}",
        "\u{feff}.a",
        ".a\u{7f}",
        ".日本",
        ".\"日本\"[",
        "#",
        "# only a comment",
        ".a # comment",
        "not_a_function",
        "nope(1)",
        "map",
        "select",
        "test",
        "limit(1)",
        "{(.a)",
        "{a:}",
        "{:1}",
        "[.a",
        ".a]",
        "\"\\(\"",
        "\"\\(.a\"",
        "\"\\u12\"",
        "\"\\q\"",
        "1e",
        "0x10",
        ".a == ",
        "== .a",
        "and",
        "or",
        ".a and",
        "$__loc__",
        ".a as [$x, $y] | $z",
        "`",
        "§",
        "💣",
        ".a[-]",
        ".a[:]",
        ".[::]",
        "getpath",
        "paths(",
        "@sh \"x",
        "..|..|..|",
        ".a |= ",
        "|=",
        "//",
        ".a // ",
    ];
    for expr in malformed {
        let result = JqPaths::compile(expr);
        if let Ok(p) = result {
            // Some are valid jq; running them must not panic either.
            let _ = p.paths(&json!({"a": {"b": [1, 2]}, "data": {"x": "1"}}));
        }
    }
    assert_eq!(
        JqPaths::compile(".data[]]").unwrap_err().to_string(),
        "invalid jq expression \".data[]]\": unexpected character at column 8"
    );
    assert!(
        JqPaths::compile("nope(1)")
            .unwrap_err()
            .to_string()
            .contains("nope/1")
    );
    assert!(
        JqPaths::compile("map")
            .unwrap_err()
            .to_string()
            .contains("map/0"),
        "a known builtin with the wrong arity says which"
    );
    assert!(
        JqPaths::compile("$x")
            .unwrap_err()
            .to_string()
            .contains("$x"),
        "unbound variables are compile errors"
    );
}

#[test]
fn compiled_expressions_are_shared() {
    let a = compiled(".spec.replicas").unwrap();
    let b = compiled(".spec.replicas").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert!(compiled(".data[]]").is_err());
}

#[test]
fn every_allowed_builtin_is_documented() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/IGNORE_DIFFERENCES.md"),
    )
    .unwrap();
    let listed = doc
        .split("Builtins an expression may call:")
        .nth(1)
        .unwrap();
    for name in ALLOWED {
        assert!(
            listed.contains(&format!("`{name}`")),
            "{name} is allowed but not listed in docs/IGNORE_DIFFERENCES.md"
        );
    }
}

/// The documentation's examples compile and do what it says.
#[test]
fn documented_examples_work() {
    let labels = json!({"metadata": {"labels": {"app": "x", "pod-template-hash": "abc"}}});
    assert_eq!(
        deleted(
            r#".metadata.labels | keys[] as $k | select($k | test("hash$")) | .[$k]"#,
            labels
        ),
        json!({"metadata": {"labels": {"app": "x"}}})
    );
    let d = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "env": [{"name": "OTEL_A", "value": "1"}]},
        {"name": "side"}]}}}});
    assert_eq!(
        deleted(
            r#".spec.template.spec.containers[].env[]? | select(.name | startswith("OTEL_"))"#,
            d
        ),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "app"}, {"name": "side"}]}}}})
    );
}

/// Random sequences of jq fragments (a fixed seed): whatever compiles
/// runs; nothing panics.
#[test]
fn random_fragments_never_panic() {
    let fragments = [
        ".",
        "..",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        "|",
        ",",
        "\"",
        "\\",
        "a",
        "data",
        "1",
        "-1",
        ":",
        "?",
        "$x",
        " as ",
        "select",
        "if ",
        " then ",
        " else ",
        " end",
        "==",
        "+",
        "/",
        "//",
        "@base64",
        "\\(",
        "#",
        "\n",
        "try ",
        "label $l",
        "break $l",
        "first",
        "last",
        ";",
        "recurse",
        "paths",
        "getpath",
        "\"a\"",
        "*",
        "reduce ",
        "def ",
        "and",
        "not",
        "\u{e9}",
        "|=",
        "=",
        "test(\"a\")",
        "[]",
        "[1:]",
        "[:-1]",
        "{a:1}",
        "null",
        "nan",
        "1e309",
        "0.5",
        "splits(\"\")",
        "has(\"a\")",
        "keys",
        "to_entries",
        "map(.)",
        "join(\",\")",
        "@sh",
        "fromjson",
        "implode",
        "sort_by(.)",
        "flatten",
        "index(\"a\")",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let object = json!({"a": {"b": [1, 2, {"c": "d"}], "x": "1"},
        "data": {"x": "1", "y": [true, null, 1.5]}, "x": []});
    for _ in 0..2_000 {
        let parts = next() % 8 + 1;
        let expr: String = (0..parts)
            .map(|_| fragments[(next() % fragments.len() as u64) as usize])
            .collect();
        if let Ok(p) = JqPaths::compile(&expr) {
            let _ = p.delete_from(&mut object.clone());
        }
    }
}
