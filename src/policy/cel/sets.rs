//! The set functions of the API server's CEL (cel-go's `ext.Sets`):
//! `sets.contains`, `sets.equivalent` and `sets.intersects` on lists.

use super::values::{elements, take};
use cel::common::types::{CelBool, LIST_TYPE};
use cel::common::value::{CowVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

/// Declares the set functions on `env`.
pub fn register(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_overload(
        "sets.contains",
        "list_sets_contains_list",
        vec![LIST_TYPE, LIST_TYPE],
        contains,
    )?;
    env.add_overload(
        "sets.equivalent",
        "list_sets_equivalent_list",
        vec![LIST_TYPE, LIST_TYPE],
        equivalent,
    )?;
    env.add_overload(
        "sets.intersects",
        "list_sets_intersects_list",
        vec![LIST_TYPE, LIST_TYPE],
        intersects,
    )?;
    Ok(())
}

/// Whether every element of `sub` is in `of`.
fn covers(function: &str, of: &dyn Val, sub: &dyn Val) -> Result<bool, ExecutionError> {
    let of = elements(function, of)?;
    Ok(elements(function, sub)?
        .into_iter()
        .all(|x| of.iter().any(|y| y.equals(x))))
}

fn contains<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [a, b] = take(args)?;
    let found = covers("sets.contains", a.as_ref(), b.as_ref())?;
    Ok(CowVal::owned(CelBool::from(found)))
}

fn equivalent<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [a, b] = take(args)?;
    let same = covers("sets.equivalent", a.as_ref(), b.as_ref())?
        && covers("sets.equivalent", b.as_ref(), a.as_ref())?;
    Ok(CowVal::owned(CelBool::from(same)))
}

fn intersects<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [a, b] = take(args)?;
    let a = elements("sets.intersects", a.as_ref())?;
    let b = elements("sets.intersects", b.as_ref())?;
    let common = a.iter().any(|x| b.iter().any(|y| x.equals(*y)));
    Ok(CowVal::owned(CelBool::from(common)))
}
