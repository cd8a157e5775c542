//! jq path expressions of `ignoreDifferences[].jqPathExpressions`, run by
//! jaq with Argo CD's semantics: each expression selects paths in the
//! object (what `path(EXPR)` yields) and those paths are deleted — Argo CD
//! evaluates `del(EXPR)` — before desired and live are compared. An
//! expression that fails on an object (not a path expression, a type
//! error) deletes nothing, as in Argo CD.
//!
//! ```
//! use serde_json::json;
//! use tether::diff::jq::JqPaths;
//! let ignore = JqPaths::compile(r#".spec.containers[] | select(.name == "sidecar") | .image"#).unwrap();
//! let mut pod = json!({"spec": {"containers": [
//!     {"name": "app", "image": "app:1"}, {"name": "sidecar", "image": "mesh:7"}]}});
//! ignore.delete_from(&mut pod).unwrap();
//! assert_eq!(pod, json!({"spec": {"containers": [
//!     {"name": "app", "image": "app:1"}, {"name": "sidecar"}]}}));
//! assert!(JqPaths::compile(".data[]]").is_err());
//! ```
//!
//! Bounds: the expression's vocabulary ([`check`]) leaves out everything
//! that might not finish; an evaluation also stops after [`MAX_PATHS`]
//! paths or [`DEADLINE`] (Argo CD's timeout), checked between results.

mod check;
mod value;

pub use check::ALLOWED;

use super::paths::{PathStep, delete_paths};
use jaq_core::compile::Undefined;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data};
use jaq_json::Val;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Most paths one expression may select in one object.
pub const MAX_PATHS: usize = 10_000;

/// How long one evaluation may run (checked between selected paths).
pub const DEADLINE: Duration = Duration::from_secs(1);

type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// A compiled jq path expression.
pub struct JqPaths {
    expr: String,
    filter: Filter,
}

impl std::fmt::Debug for JqPaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JqPaths").field(&self.expr).finish()
    }
}

/// Why an expression cannot be compiled or run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JqError {
    /// Not a jq expression tether accepts (syntax, an unknown or
    /// disallowed builtin, an unbound variable).
    #[error("invalid jq expression {expr:?}: {message}")]
    Invalid {
        /// The expression.
        expr: String,
        /// What is wrong, with the column of a syntax error.
        message: String,
    },
    /// The expression failed on this object (e.g. it is not a path
    /// expression, or indexes a string).
    #[error("jq expression {expr:?} failed: {message}")]
    Runtime {
        /// The expression.
        expr: String,
        /// jaq's message.
        message: String,
    },
    /// The evaluation hit [`MAX_PATHS`] or [`DEADLINE`].
    #[error("jq expression {expr:?} stopped: {why}")]
    Bounded {
        /// The expression.
        expr: String,
        /// Which bound.
        why: String,
    },
}

impl JqPaths {
    /// Compiles `expr`; the error is one sentence (with the column of a
    /// syntax error).
    pub fn compile(expr: &str) -> Result<JqPaths, JqError> {
        let invalid = |message: String| JqError::Invalid {
            expr: expr.to_string(),
            message,
        };
        check::check(expr).map_err(invalid)?;
        // The check parsed `expr` as one whole term, so wrapping it cannot
        // change its meaning; newlines keep a trailing comment inside.
        let code = format!("path(\n{expr}\n)");
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(
                &arena,
                File {
                    code: &code,
                    path: (),
                },
            )
            .map_err(|_| invalid("cannot read the expression".into()))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let undefined: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, errs)| errs.iter())
                    .map(|(name, kind)| match kind {
                        Undefined::Filter(arity) => format!("function {name}/{arity}"),
                        other => format!("{} {name}", other.as_str()),
                    })
                    .collect();
                invalid(format!("undefined {}", undefined.join(", ")))
            })?;
        Ok(JqPaths {
            expr: expr.to_string(),
            filter,
        })
    }

    /// The expression as written.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// The paths the expression selects in `object`, read against it:
    /// negative positions and slices are resolved, paths that lead
    /// nowhere left out.
    pub fn paths(&self, object: &Value) -> Result<Vec<Vec<PathStep>>, JqError> {
        let started = Instant::now();
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = Vec::new();
        for (n, result) in self.filter.id.run((ctx, value::to_val(object))).enumerate() {
            if n >= MAX_PATHS {
                return Err(self.bounded(format!("it selects more than {MAX_PATHS} paths")));
            }
            if started.elapsed() > DEADLINE {
                return Err(self.bounded(format!("it ran longer than {DEADLINE:?}")));
            }
            let path = result.map_err(|exn| JqError::Runtime {
                expr: self.expr.clone(),
                message: match exn.get_err() {
                    Ok(error) => error.to_string(),
                    Err(_) => "the expression stopped early".to_string(),
                },
            })?;
            out.extend(value::resolve(object, &path));
        }
        Ok(out)
    }

    /// Deletes what the expression selects from `object` (and mappings or
    /// lists left empty by it); whether anything was removed.
    pub fn delete_from(&self, object: &mut Value) -> Result<bool, JqError> {
        let paths = self.paths(object)?;
        Ok(delete_paths(object, &paths))
    }

    fn bounded(&self, why: String) -> JqError {
        JqError::Bounded {
            expr: self.expr.clone(),
            why,
        }
    }
}

/// Compilation results by expression.
type Compiled = HashMap<String, Result<Arc<JqPaths>, JqError>>;

/// `expr` compiled once per process and shared: ignore rules are applied
/// to every resource on every refresh.
pub fn compiled(expr: &str) -> Result<Arc<JqPaths>, JqError> {
    static CACHE: OnceLock<Mutex<Compiled>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Ok(entries) = cache.lock()
        && let Some(found) = entries.get(expr)
    {
        return found.clone();
    }
    let result = JqPaths::compile(expr).map(Arc::new);
    if let Ok(mut entries) = cache.lock() {
        entries.insert(expr.to_string(), result.clone());
    }
    result
}

#[cfg(test)]
mod tests;
