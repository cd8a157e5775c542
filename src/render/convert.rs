//! YAML values to the JSON values the rest of tether works on, the way
//! kubectl reads manifests: merge keys (`<<: *anchor`) applied, tags
//! dropped, scalar keys (`80:`, `true:`) turned into strings.

use serde_json::{Map, Number, Value};
use serde_yaml::Value as Yaml;

/// `yaml` as JSON, merge keys applied; Err names what cannot be converted.
pub(crate) fn to_json(mut yaml: Yaml) -> Result<Value, String> {
    yaml.apply_merge()
        .map_err(|e| format!("invalid merge key: {e}"))?;
    convert(yaml)
}

fn convert(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => number(&n)?,
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(convert).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(key(k)?, convert(v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => convert(tagged.value)?,
    })
}

fn number(n: &serde_yaml::Number) -> Result<Value, String> {
    if let Some(i) = n.as_i64() {
        return Ok(Value::Number(i.into()));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Value::Number(u.into()));
    }
    n.as_f64()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("the number {n} cannot be represented (infinite or NaN)"))
}

fn key(k: Yaml) -> Result<String, String> {
    match k {
        Yaml::String(s) => Ok(s),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Null => Ok("null".to_string()),
        Yaml::Tagged(t) => key(t.value),
        Yaml::Sequence(_) | Yaml::Mapping(_) => {
            Err("a mapping key is a list or a mapping; keys must be scalars".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Value, String> {
        to_json(serde_yaml::from_str(text).map_err(|e| e.to_string())?)
    }

    #[test]
    fn applies_merge_keys_and_stringifies_scalar_keys() {
        let v = parse("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\nports: {80: http, true: t}\n")
            .unwrap();
        assert_eq!(v["x"], json!({"a": 1, "b": 3}));
        assert_eq!(v["ports"], json!({"80": "http", "true": "t"}));
    }

    #[test]
    fn keeps_numbers_and_drops_tags() {
        let v = parse("a: 18446744073709551615\nb: -3\nc: 1.5\nd: !custom x\n").unwrap();
        assert_eq!(
            v,
            json!({"a": 18446744073709551615u64, "b": -3, "c": 1.5, "d": "x"})
        );
        assert!(parse("a: .inf\n").unwrap_err().contains("infinite"));
    }
}
