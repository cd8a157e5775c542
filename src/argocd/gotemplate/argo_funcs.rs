//! The functions Argo CD adds to sprig for ApplicationSets
//! (`applicationset/utils`): `normalize`, `slugify`, `toYaml`,
//! `fromYaml`, `fromYamlArray`.

use super::funcs::{CallResult, Func, failed, ok_str, string_arg, want, want_at_least};
use super::value::GoValue;

pub const FUNCS: &[(&str, Func)] = &[
    ("normalize", |a| {
        want("normalize", a, 1)?;
        ok_str(sanitize_name(&string_arg(&a[0])?))
    }),
    ("slugify", slugify),
    ("toYaml", |a| {
        want("toYaml", a, 1)?;
        ok_str(to_yaml(&a[0]))
    }),
    ("fromYaml", |a| {
        want("fromYaml", a, 1)?;
        match from_yaml(&string_arg(&a[0])?)? {
            GoValue::Nil => Ok(GoValue::map(Default::default())),
            v @ GoValue::Map(_) => Ok(v),
            other => Err(failed(format!(
                "error unmarshaling JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            ))),
        }
    }),
    ("fromYamlArray", |a| {
        want("fromYamlArray", a, 1)?;
        match from_yaml(&string_arg(&a[0])?)? {
            GoValue::Nil => Ok(GoValue::list(Vec::new())),
            v @ GoValue::List(_) => Ok(v),
            other => Err(failed(format!(
                "error unmarshaling JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))),
        }
    }),
];

fn json_kind(v: &GoValue) -> &'static str {
    match v {
        GoValue::Map(_) => "object",
        GoValue::List(_) => "array",
        GoValue::String(_) => "string",
        GoValue::Bool(_) => "bool",
        _ => "number",
    }
}

/// Argo CD's `SanitizeName`: lower case, every character outside
/// `[-a-z0-9.]` becomes `-`, at most 253 bytes, `-` and `.` trimmed at
/// both ends.
///
/// ```
/// use tether::argocd::sanitize_name;
/// assert_eq!(sanitize_name("production_01/west"), "production-01-west");
/// ```
pub fn sanitize_name(name: &str) -> String {
    let mut out: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.len() > 253 {
        out.truncate(253);
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// Argo CD's `SlugifyName(maxLength = 50, smartTruncate = true, name)`:
/// the sanitized name made a gosimple/slug slug of at most `max_length`
/// characters, cut at a word boundary when `smart_truncate`.
pub fn slugify_name(max_length: usize, smart_truncate: bool, name: &str) -> String {
    let mut slug = sanitize_name(name);
    if !smart_truncate && slug.len() >= max_length {
        slug.truncate(max_length);
    }
    let slug: String = slug
        .chars()
        .map(|c| if c == '.' { '-' } else { c })
        .collect();
    let mut collapsed = String::new();
    for c in slug.chars() {
        if c == '-' && collapsed.ends_with('-') {
            continue;
        }
        collapsed.push(c);
    }
    let slug = collapsed.trim_matches(|c| c == '-' || c == '_').to_string();
    if max_length > 0 && smart_truncate && slug.len() > max_length {
        let bytes = slug.as_bytes();
        for i in (0..=max_length).rev() {
            if bytes[i] == b'-' {
                return slug[..i].to_string();
            }
        }
        return slug[..max_length].to_string();
    }
    slug
}

fn slugify(a: &[GoValue]) -> CallResult {
    want_at_least("slugify", a, 1)?;
    let n = a.len();
    let name = match &a[n - 1] {
        GoValue::String(s) => s.clone(),
        other => {
            return Err(failed(format!(
                "interface conversion: interface {{}} is {}, not string",
                other.type_name()
            )));
        }
    };
    let max = match a.first().filter(|_| n > 1) {
        None => 50,
        Some(GoValue::Int(i)) => usize::try_from(*i).unwrap_or(0),
        Some(other) => {
            return Err(failed(format!(
                "interface conversion: interface {{}} is {}, not int",
                other.type_name()
            )));
        }
    };
    let smart = match a.get(1).filter(|_| n > 2) {
        None => true,
        Some(GoValue::Bool(b)) => *b,
        Some(other) => {
            return Err(failed(format!(
                "interface conversion: interface {{}} is {}, not bool",
                other.type_name()
            )));
        }
    };
    ok_str(slugify_name(max, smart, &name))
}

/// `sigs.k8s.io/yaml.Marshal` without the final newline: through JSON, so
/// keys are sorted and whole floats print as integers.
pub fn to_yaml(v: &GoValue) -> String {
    let json = v.to_json();
    let text = match &json {
        serde_json::Value::Object(_) => crate::render::to_yaml_stream(&[json]),
        other => {
            // to_yaml_stream prints documents; wrap scalars and lists in a
            // mapping and take the value's lines back out.
            let wrapped = serde_json::json!({ "v": other });
            let text = crate::render::to_yaml_stream(&[wrapped]);
            unwrap_value(&text)
        }
    };
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

/// The text of key `v` of a one-key YAML mapping, de-indented.
fn unwrap_value(text: &str) -> String {
    let rest = text.strip_prefix("v:").unwrap_or(text);
    if let Some(inline) = rest.strip_prefix(' ') {
        return inline.to_string();
    }
    let body = rest.strip_prefix('\n').unwrap_or(rest);
    let lines: Vec<&str> = body.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// `sigs.k8s.io/yaml.Unmarshal` into `interface{}`: numbers are float64.
pub fn from_yaml(text: &str) -> Result<GoValue, super::funcs::CallError> {
    let value: serde_json::Value = serde_yaml::from_str::<serde_yaml::Value>(text)
        .map_err(|e| failed(format!("error converting YAML to JSON: yaml: {e}")))
        .and_then(|y| {
            serde_json::to_value(y)
                .map_err(|e| failed(format!("error converting YAML to JSON: {e}")))
        })?;
    Ok(GoValue::from_json(&value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_round_trips() {
        let v = GoValue::from_json(
            &json!({"foo": {"bar": {"bool": true, "number": 2, "str": "Hello world"}}}),
        );
        assert_eq!(
            to_yaml(&v),
            "foo:\n  bar:\n    bool: true\n    number: 2\n    str: Hello world"
        );
        assert_eq!(
            to_yaml(&GoValue::from_json(&json!(["a", {"b": 1}]))),
            "- a\n- b: 1"
        );
        assert_eq!(to_yaml(&GoValue::str("x")), "x");
    }
}
