//! JSON as Go's `encoding/json` writes and reads it for templates:
//! sorted keys, `<`, `>`, `&` escaped unless raw, floats in Go's form,
//! every number read as float64.

use super::value::GoValue;

/// `json.Marshal` (or `MarshalIndent(v, "", "  ")` when `pretty`), with
/// HTML escaping unless `escape_html` is false.
pub fn go_json(v: &GoValue, escape_html: bool, pretty: bool) -> String {
    let mut out = String::new();
    write(
        &mut out,
        v,
        escape_html,
        if pretty { Some(0) } else { None },
    );
    out
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(d) = depth {
        out.push('\n');
        out.push_str(&"  ".repeat(d));
    }
}

fn write(out: &mut String, v: &GoValue, html: bool, depth: Option<usize>) {
    match v {
        GoValue::Missing | GoValue::Nil => out.push_str("null"),
        GoValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        GoValue::Int(i) => out.push_str(&i.to_string()),
        GoValue::Float(f) => out.push_str(&json_float(*f)),
        GoValue::String(s) => crate::render::go_json::write_string(out, s, html),
        GoValue::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth.map(|d| d + 1));
                write(out, item, html, depth.map(|d| d + 1));
            }
            newline(out, depth);
            out.push(']');
        }
        GoValue::Map(map) => {
            let map = map.borrow();
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth.map(|d| d + 1));
                crate::render::go_json::write_string(out, k, html);
                out.push(':');
                if depth.is_some() {
                    out.push(' ');
                }
                write(out, item, html, depth.map(|d| d + 1));
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// A float64 as `encoding/json` writes it: plain decimal between 1e-6
/// and 1e21, else exponent form without a leading zero in the exponent.
pub fn json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
        .replace("e-0", "e-")
        .replace("e+0", "e+");
    }
    format!("{f}")
}

/// `json.Unmarshal` into `interface{}`.
pub fn parse_json(text: &str) -> Result<GoValue, String> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| GoValue::from_json(&v))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_json_output() {
        let v = GoValue::from_json(&json!({"b": [1, 2.5, "<x>"], "a": null}));
        assert_eq!(
            go_json(&v, true, false),
            r#"{"a":null,"b":[1,2.5,"\u003cx\u003e"]}"#
        );
        assert_eq!(go_json(&v, false, false), r#"{"a":null,"b":[1,2.5,"<x>"]}"#);
        assert_eq!(
            go_json(&v, true, true),
            "{\n  \"a\": null,\n  \"b\": [\n    1,\n    2.5,\n    \"\\u003cx\\u003e\"\n  ]\n}"
        );
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(100000.0), "100000");
    }
}
