//! The values a template works on, with Go's `fmt` `%v` printing and
//! text/template truthiness.

use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A map shared by reference, as Go maps are (sprig's `set` mutates it).
pub type SharedMap = Rc<RefCell<BTreeMap<String, GoValue>>>;

/// A value inside a template.
#[derive(Debug, Clone)]
pub enum GoValue {
    /// No value at all (a missing map key): prints `<no value>`.
    Missing,
    /// A nil interface (JSON null): prints `<nil>`.
    Nil,
    Bool(bool),
    /// Go `int` (and `int64`): template integer constants, sprig math.
    Int(i64),
    /// Go `float64`: every number that comes from JSON or YAML.
    Float(f64),
    String(String),
    /// `[]interface{}` (and `[]string`).
    List(Rc<Vec<GoValue>>),
    /// `map[string]interface{}`.
    Map(SharedMap),
}

impl GoValue {
    pub fn str(s: impl Into<String>) -> Self {
        GoValue::String(s.into())
    }

    pub fn list(items: Vec<GoValue>) -> Self {
        GoValue::List(Rc::new(items))
    }

    pub fn map(entries: BTreeMap<String, GoValue>) -> Self {
        GoValue::Map(Rc::new(RefCell::new(entries)))
    }

    /// From JSON: numbers become float64, as `encoding/json` decodes them.
    pub fn from_json(v: &Value) -> Self {
        match v {
            Value::Null => GoValue::Nil,
            Value::Bool(b) => GoValue::Bool(*b),
            Value::Number(n) => GoValue::Float(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => GoValue::String(s.clone()),
            Value::Array(items) => GoValue::list(items.iter().map(GoValue::from_json).collect()),
            Value::Object(map) => GoValue::map(
                map.iter()
                    .map(|(k, v)| (k.clone(), GoValue::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// To JSON as `encoding/json` would write it: integral floats as
    /// integers, maps with sorted keys, missing values as null.
    pub fn to_json(&self) -> Value {
        match self {
            GoValue::Missing | GoValue::Nil => Value::Null,
            GoValue::Bool(b) => Value::Bool(*b),
            GoValue::Int(i) => Value::Number((*i).into()),
            GoValue::Float(f) => float_to_json(*f),
            GoValue::String(s) => Value::String(s.clone()),
            GoValue::List(items) => Value::Array(items.iter().map(GoValue::to_json).collect()),
            GoValue::Map(map) => {
                let mut out = Map::new();
                for (k, v) in map.borrow().iter() {
                    out.insert(k.clone(), v.to_json());
                }
                Value::Object(out)
            }
        }
    }

    /// Go's type name (`%T`), as sprig's `typeOf` reports it.
    pub fn type_name(&self) -> &'static str {
        match self {
            GoValue::Missing | GoValue::Nil => "<nil>",
            GoValue::Bool(_) => "bool",
            GoValue::Int(_) => "int",
            GoValue::Float(_) => "float64",
            GoValue::String(_) => "string",
            GoValue::List(_) => "[]interface {}",
            GoValue::Map(_) => "map[string]interface {}",
        }
    }

    /// Go's `reflect.Kind` name, as sprig's `kindOf` reports it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            GoValue::Missing | GoValue::Nil => "invalid",
            GoValue::Bool(_) => "bool",
            GoValue::Int(_) => "int",
            GoValue::Float(_) => "float64",
            GoValue::String(_) => "string",
            GoValue::List(_) => "slice",
            GoValue::Map(_) => "map",
        }
    }

    /// text/template's truth: false, 0, "", empty list or map, nil and
    /// no value are false.
    pub fn is_true(&self) -> bool {
        match self {
            GoValue::Missing | GoValue::Nil => false,
            GoValue::Bool(b) => *b,
            GoValue::Int(i) => *i != 0,
            GoValue::Float(f) => *f != 0.0,
            GoValue::String(s) => !s.is_empty(),
            GoValue::List(l) => !l.is_empty(),
            GoValue::Map(m) => !m.borrow().is_empty(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            GoValue::String(s) => Some(s),
            _ => None,
        }
    }
}

fn float_to_json(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e21 && f >= i64::MIN as f64 && f <= i64::MAX as f64 {
        return Value::Number((f as i64).into());
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// `fmt.Sprint(v)`: `%v` formatting.
pub fn sprint(v: &GoValue) -> String {
    let mut out = String::new();
    write_v(&mut out, v, true);
    out
}

/// `%v` of `v`; `top` is false inside lists and maps (where `<no value>`
/// cannot occur and nil prints `<nil>` all the same).
fn write_v(out: &mut String, v: &GoValue, top: bool) {
    match v {
        GoValue::Missing if top => out.push_str("<no value>"),
        GoValue::Missing | GoValue::Nil => out.push_str("<nil>"),
        GoValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        GoValue::Int(i) => out.push_str(&i.to_string()),
        GoValue::Float(f) => out.push_str(&format_float_v(*f)),
        GoValue::String(s) => out.push_str(s),
        GoValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item, false);
            }
            out.push(']');
        }
        GoValue::Map(map) => {
            out.push_str("map[");
            for (i, (k, item)) in map.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, item, false);
            }
            out.push(']');
        }
    }
}

/// `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): the
/// shortest digits, in exponent form when the exponent is below -4 or at
/// least 6 (`1e+06`, `1e-05`).
pub fn format_float_v(f: f64) -> String {
    format_float_g(f, 6)
}

/// Shortest `'g'` formatting with the exponent threshold `eprec`.
pub fn format_float_g(f: f64, eprec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= eprec {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    // Rust's Display prints the shortest round-trip digits without exponent.
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_printing() {
        let v = GoValue::from_json(&json!({"b": [1, "x", null, 1.5], "a": {"k": true}}));
        assert_eq!(sprint(&v), "map[a:map[k:true] b:[1 x <nil> 1.5]]");
        assert_eq!(sprint(&GoValue::Missing), "<no value>");
        assert_eq!(sprint(&GoValue::Nil), "<nil>");
        assert_eq!(format_float_v(1e6), "1e+06");
        assert_eq!(format_float_v(123456.0), "123456");
        assert_eq!(format_float_v(0.0001), "0.0001");
        assert_eq!(format_float_v(0.00001), "1e-05");
        assert_eq!(format_float_v(1e21), "1e+21");
    }
}
