//! Moving values between JSON (objects, params) and CEL, and reading the
//! arguments of the library functions.

use cel::common::types::{CelInt, CelString};
use cel::common::value::{CowVal, Val};
use cel::objects::{Key, Map};
use cel::{ExecutionError, Value};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// A JSON value as CEL sees a Kubernetes object: integers are `int` (as
/// the API server's typed objects have them), other numbers `double`.
pub fn from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(items) => Value::List(Arc::new(items.iter().map(from_json).collect())),
        Json::Object(fields) => {
            let map: HashMap<Key, Value> = fields
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), from_json(v)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// A value as a boxed CEL value (every [`Value`] of the built-in types
/// converts).
pub fn boxed(value: Value) -> Result<Box<dyn Val>, ExecutionError> {
    value.try_into()
}

/// An owned result of a library function.
pub fn owned<'b, 'v>(value: Value) -> Result<CowVal<'b, 'v>, ExecutionError> {
    Ok(CowVal::Owned(boxed(value)?))
}

/// The string behind `val`, or an error naming `function`.
pub fn string_arg<'a>(function: &str, val: &'a dyn Val) -> Result<&'a str, ExecutionError> {
    val.downcast_ref::<CelString>()
        .map(CelString::inner)
        .ok_or_else(|| wrong_type(function, val, "string"))
}

/// The int behind `val`, or an error naming `function`.
pub fn int_arg(function: &str, val: &dyn Val) -> Result<i64, ExecutionError> {
    val.downcast_ref::<CelInt>()
        .map(|i| *i.inner())
        .ok_or_else(|| wrong_type(function, val, "int"))
}

/// `function` called with a `got` where it takes a `want`.
pub fn wrong_type(function: &str, got: &dyn Val, want: &str) -> ExecutionError {
    ExecutionError::function_error(
        function,
        format!("expected {want}, got {}", got.get_type().name()),
    )
}

/// The arguments of an overload as an array (the environment only calls
/// an overload with as many as it was declared with).
pub fn take<'b, 'v, const N: usize>(
    args: Vec<CowVal<'b, 'v>>,
) -> Result<[CowVal<'b, 'v>; N], ExecutionError> {
    args.try_into()
        .map_err(|args: Vec<_>| ExecutionError::invalid_argument_count(N, args.len()))
}

/// The elements of a list value.
pub fn elements<'b, 'v>(
    function: &str,
    list: &'b (dyn Val + 'v),
) -> Result<Vec<&'b (dyn Val + 'v)>, ExecutionError> {
    let iterable = list
        .as_iterable()
        .ok_or_else(|| wrong_type(function, list, "list"))?;
    let mut items = iterable.iter();
    let mut out = Vec::new();
    while let Some(item) = items.next() {
        out.push(item);
    }
    Ok(out)
}
