//! The Kubernetes regex library: `find` and `findAll` on strings.

use super::values::{int_arg, owned, string_arg, take};
use cel::common::types::{INT_TYPE, STRING_TYPE};
use cel::common::value::CowVal;
use cel::{DeclarationError, Env, ExecutionError, Value};
use std::sync::Arc;

/// Declares the regex functions on `env`.
pub fn register(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_member_overload(
        "find",
        "k8s_string_find",
        STRING_TYPE,
        vec![STRING_TYPE],
        find,
    )?;
    env.add_member_overload(
        "findAll",
        "k8s_string_find_all",
        STRING_TYPE,
        vec![STRING_TYPE],
        find_all,
    )?;
    env.add_member_overload(
        "findAll",
        "k8s_string_find_all_n",
        STRING_TYPE,
        vec![STRING_TYPE, INT_TYPE],
        find_all_n,
    )?;
    Ok(())
}

/// `pattern` compiled, or the error CEL reports for it.
pub fn compile(function: &str, pattern: &str) -> Result<regex::Regex, ExecutionError> {
    regex::Regex::new(pattern).map_err(|e| {
        ExecutionError::function_error(function, format!("invalid regex {pattern:?}: {e}"))
    })
}

fn find<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text, pattern] = take(args)?;
    let text = string_arg("find", text.as_ref())?;
    let re = compile("find", string_arg("find", pattern.as_ref())?)?;
    let found = re.find(text).map_or("", |m| m.as_str());
    owned(Value::String(Arc::new(found.to_string())))
}

fn all_matches<'b, 'v>(
    text: &str,
    pattern: &str,
    limit: Option<usize>,
) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let re = compile("findAll", pattern)?;
    let found: Vec<Value> = re
        .find_iter(text)
        .take(limit.unwrap_or(usize::MAX))
        .map(|m| Value::String(Arc::new(m.as_str().to_string())))
        .collect();
    owned(Value::List(Arc::new(found)))
}

fn find_all<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text, pattern] = take(args)?;
    all_matches(
        string_arg("findAll", text.as_ref())?,
        string_arg("findAll", pattern.as_ref())?,
        None,
    )
}

/// `findAll(re, n)`: at most `n` matches; a negative `n` means all.
fn find_all_n<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text, pattern, limit] = take(args)?;
    let limit = usize::try_from(int_arg("findAll", limit.as_ref())?).ok();
    all_matches(
        string_arg("findAll", text.as_ref())?,
        string_arg("findAll", pattern.as_ref())?,
        limit,
    )
}
