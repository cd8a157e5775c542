use super::*;
use serde_json::json;

fn run(t: &str, data: serde_json::Value) -> Result<String, String> {
    execute(t, &GoValue::from_json(&data), &Options::default()).map_err(|e| e.to_string())
}

fn run_with(t: &str, data: serde_json::Value, missing: MissingKey) -> Result<String, String> {
    execute(
        t,
        &GoValue::from_json(&data),
        &Options {
            missing_key: missing,
        },
    )
    .map_err(|e| e.to_string())
}

#[test]
fn control_structures() {
    let d = json!({"a": {"b": "x"}, "l": [1, 2, 3], "m": {"z": 1, "a": 2}, "e": []});
    assert_eq!(
        run(
            "{{ if .a.b }}y{{ else if .q }}z{{ else }}n{{ end }}",
            d.clone()
        )
        .unwrap(),
        "y"
    );
    assert_eq!(
        run("{{ if .q }}y{{ else if .a }}z{{ end }}", d.clone()).unwrap(),
        "z"
    );
    assert_eq!(
        run("{{ with .a }}{{ .b }}{{ end }}", d.clone()).unwrap(),
        "x"
    );
    assert_eq!(
        run(
            "{{ with .q }}{{ . }}{{ else with .a.b }}{{ . }}{{ end }}",
            d.clone()
        )
        .unwrap(),
        "x"
    );
    assert_eq!(
        run(
            "{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}",
            d.clone()
        )
        .unwrap(),
        "a=2;z=1;"
    );
    assert_eq!(
        run(
            "{{ range .l }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}",
            d.clone()
        )
        .unwrap(),
        "1"
    );
    assert_eq!(
        run(
            "{{ range .l }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}",
            d.clone()
        )
        .unwrap(),
        "13"
    );
    assert_eq!(
        run("{{ range .e }}x{{ else }}empty{{ end }}", d.clone()).unwrap(),
        "empty"
    );
    assert_eq!(
        run("{{ range $i := 3 }}{{ $i }}{{ end }}", d.clone()).unwrap(),
        "012"
    );
    assert_eq!(
        run(
            "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
            d.clone()
        )
        .unwrap(),
        "2"
    );
    assert_eq!(
        run(
            "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" .a.b }}",
            d.clone()
        )
        .unwrap(),
        "[x]"
    );
    assert_eq!(
        run("{{ block \"b\" .a.b }}<{{ . }}>{{ end }}", d).unwrap(),
        "<x>"
    );
}

#[test]
fn printing_like_go() {
    let d = json!({"m": {"b": [1, "x"], "a": null}, "f": 1000000, "g": 2.5, "n": null});
    assert_eq!(run("{{ .m }}", d.clone()).unwrap(), "map[a:<nil> b:[1 x]]");
    assert_eq!(
        run("{{ .f }} {{ .g }} {{ .n }} {{ .missing }}", d.clone()).unwrap(),
        "1e+06 2.5 <nil> <no value>"
    );
    assert_eq!(
        run("{{ 3 }} {{ 1.0 }} {{ 'a' }} {{ 0x10 }}", d.clone()).unwrap(),
        "3 1 97 16"
    );
    assert_eq!(
        run("{{ print 1 2 \"a\" 3 }}|{{ println \"x\" 1 }}", d).unwrap(),
        "1 2a3|x 1\n"
    );
}

#[test]
fn and_or_short_circuit() {
    let d = json!({"a": null, "b": {"c": "x"}});
    assert_eq!(
        run("{{ if and .a .a.c }}y{{ else }}n{{ end }}", d.clone()).unwrap(),
        "n"
    );
    assert_eq!(run("{{ or .a .b.c }}", d.clone()).unwrap(), "x");
    assert_eq!(run("{{ and 1 0 }}{{ or 0 \"\" }}", d).unwrap(), "0");
}

#[test]
fn missing_keys_and_errors() {
    let d = json!({"data": "a data string", "x": null});
    assert_eq!(
        run_with("{{ .nope }}", d.clone(), MissingKey::Zero).unwrap(),
        "<nil>"
    );
    assert_eq!(
        run_with("--> {{.doesnotexist}} <--", d.clone(), MissingKey::Error).unwrap_err(),
        "template: base:1:6: executing \"base\" at <.doesnotexist>: map has no entry for key \"doesnotexist\""
    );
    assert_eq!(
        run("{{.data.test}}", d.clone()).unwrap_err(),
        "template: base:1:7: executing \"base\" at <.data.test>: can't evaluate field test in type interface {}"
    );
    assert_eq!(
        run("{{ .x.y }}", d.clone()).unwrap_err(),
        "template: base:1:5: executing \"base\" at <.x.y>: nil pointer evaluating interface {}.y"
    );
    assert_eq!(
        run("{{functiondoesnotexist}}", d.clone()).unwrap_err(),
        "template: base:1: function \"functiondoesnotexist\" not defined"
    );
    assert_eq!(
        run("{{ $u }}", d.clone()).unwrap_err(),
        "template: base:1: undefined variable \"$u\""
    );
    assert!(
        run("{{ if .x }}", d.clone())
            .unwrap_err()
            .contains("unexpected EOF")
    );
    assert_eq!(
        run("{{ fail \"boom\" }}", d.clone()).unwrap_err(),
        "template: base:1:3: executing \"base\" at <fail \"boom\">: error calling fail: boom"
    );
    assert!(
        run("{{ eq 1 1.0 }}", d.clone())
            .unwrap_err()
            .ends_with("error calling eq: incompatible types for comparison")
    );
    assert!(
        run("{{ env \"HOME\" }}", d)
            .unwrap_err()
            .contains("function \"env\" not defined")
    );
}

#[test]
fn sprig_and_argo_functions() {
    let d =
        json!({"name": "Feature/My_Branch", "labels": {"b": "2", "a": "1"}, "n": 3, "s": "a,b"});
    let cases = [
        (
            "{{ .name | lower | replace \"/\" \"-\" }}",
            "feature-my_branch",
        ),
        ("{{ normalize .name }}", "feature-my-branch"),
        ("{{ slugify 10 false .name }}", "feature-my"),
        ("{{ .name | trunc 7 }}", "Feature"),
        (
            "{{ default \"d\" .nope }}|{{ default \"d\" .name }}",
            "d|Feature/My_Branch",
        ),
        ("{{ toJson .labels }}", r#"{"a":"1","b":"2"}"#),
        (
            "{{ .labels | toYaml | nindent 2 }}",
            "\n  a: \"1\"\n  b: \"2\"",
        ),
        ("{{ keys .labels | sortAlpha | join \",\" }}", "a,b"),
        ("{{ splitList \",\" .s | last }}", "b"),
        ("{{ add 1 2 .n }}", "6"),
        ("{{ printf \"%s-%03d\" \"x\" 7 }}", "x-007"),
        (
            "{{ $d := dict \"k\" \"v\" }}{{ $_ := set $d \"k2\" \"w\" }}{{ $d.k2 }}",
            "w",
        ),
        ("{{ dig \"labels\" \"a\" \"none\" . }}", "1"),
        (
            "{{ hasKey .labels \"a\" }} {{ empty .nope }} {{ ternary \"y\" \"n\" true }}",
            "true true y",
        ),
        ("{{ sha256sum \"x\" | trunc 8 }}", "2d711642"),
        ("{{ b64enc \"hi\" }} {{ \"aGk=\" | b64dec }}", "aGk= hi"),
        (
            "{{ regexReplaceAll \"(a)(b)\" \"ab-ab\" \"${2}$1\" }}",
            "ba-ba",
        ),
        ("{{ (fromYaml \"a: [1, 2]\").a }}", "[1 2]"),
        ("{{ list 1 2 2 3 | uniq | len }}", "3"),
        (
            "{{ mergeOverwrite (dict \"a\" 1) (dict \"a\" 2 \"b\" 3) | toJson }}",
            r#"{"a":2,"b":3}"#,
        ),
        ("{{ semverCompare \">=1.2\" \"1.3.0\" }}", "true"),
    ];
    for (t, expected) in cases {
        assert_eq!(run(t, d.clone()).as_deref(), Ok(expected), "{t}");
    }
    assert!(
        run("{{ uuidv4 }}", d.clone())
            .unwrap_err()
            .contains("error calling uuidv4: not supported by tether")
    );
    assert!(
        run("{{ now }}", d)
            .unwrap_err()
            .contains("depend on the clock")
    );
}
