//! CEL as the API server evaluates admission policies: the standard
//! library with optional types, the cel-go string extension, and the
//! Kubernetes list, regex, URL, quantity and set libraries
//! ([`supported`] lists every function). Expressions are checked when
//! compiled ([`check`]), so an unsupported function is a compile error.

pub mod check;
mod lists;
pub mod quantity;
mod regex;
mod sets;
pub mod supported;
pub mod urls;
pub mod values;
mod variables;

pub use variables::Variables;

use cel::common::types::{CelBool, CelString};
use cel::common::value::Val;
use cel::{Context, Env, ExecutionError, Program, Value};
use std::sync::{Arc, OnceLock};

/// The shared environment (built once; its construction cannot fail
/// unless two libraries declare the same overload).
pub fn environment() -> Result<Arc<Env>, String> {
    static ENV: OnceLock<Result<Arc<Env>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        env.add_extension(cel::extensions::strings)
            .and_then(|()| lists::register(&mut env))
            .and_then(|()| regex::register(&mut env))
            .and_then(|()| urls::register(&mut env))
            .and_then(|()| quantity::register(&mut env))
            .and_then(|()| sets::register(&mut env))
            .map_err(|e| format!("the CEL environment cannot be built: {e}"))?;
        Ok(Arc::new(env))
    })
    .clone()
}

/// A compiled and checked expression.
#[derive(Debug)]
pub struct Expression {
    source: String,
    program: Program,
    usage: check::Usage,
}

impl Expression {
    /// Compiles an admission expression; `declared` are the
    /// `variables.NAME` it may read.
    pub fn compile(source: &str, declared: &[String]) -> Result<Expression, String> {
        Expression::compile_with(source, check::Roots::Admission(declared))
    }

    /// Compiles `source`, which may read the names `roots` allows.
    pub fn compile_with(source: &str, roots: check::Roots<'_>) -> Result<Expression, String> {
        let env = environment()?;
        let program = env
            .compile(source)
            .map_err(|e| format!("syntax error: {}", one_line(&e.to_string())))?;
        let usage = check::check(&env, program.expression(), roots)?;
        Ok(Expression {
            source: source.to_string(),
            program,
            usage,
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the expression against `activation`.
    pub fn evaluate(&self, activation: &Activation) -> Result<Box<dyn Val>, String> {
        let context = activation.context()?;
        Value::resolve_val(self.program.expression(), &context)
            .map(|v| v.into_owned())
            .map_err(|e| self.failure(&e))
    }

    /// Evaluates to a bool; anything else is an error.
    pub fn evaluate_bool(&self, activation: &Activation) -> Result<bool, String> {
        let value = self.evaluate(activation)?;
        value
            .downcast_ref::<CelBool>()
            .map(|b| *b.inner())
            .ok_or_else(|| {
                format!(
                    "expression {:?} evaluated to {}, not a bool",
                    self.source,
                    value.get_type().name()
                )
            })
    }

    /// Evaluates to a string; None for any other type (as a
    /// messageExpression that is not a string is ignored).
    pub fn evaluate_string(&self, activation: &Activation) -> Result<Option<String>, String> {
        let value = self.evaluate(activation)?;
        Ok(value
            .downcast_ref::<CelString>()
            .map(|s| s.inner().to_string()))
    }

    fn failure(&self, error: &ExecutionError) -> String {
        if self.usage.authorizer
            && matches!(error, ExecutionError::UndeclaredReference(name) if name.as_str() == "authorizer")
        {
            return format!(
                "expression {:?} failed: authorizer checks are not available to tether (it does not ask the cluster's authorizer)",
                self.source
            );
        }
        format!("expression {:?} failed: {error}", self.source)
    }
}

/// The variables one evaluation reads: for an admission policy `object`,
/// `oldObject`, `request`, `params`, `namespaceObject` (each null when
/// absent) and `variables`; for other uses the values given.
pub struct Activation {
    env: Arc<Env>,
    bindings: Vec<(String, Value)>,
    /// `variables` (admission policies only).
    variables: Option<Variables>,
}

impl Activation {
    /// An admission activation of the given values (and `variables`).
    pub fn new(bindings: Vec<(&'static str, Value)>) -> Result<Activation, String> {
        let mut activation = Activation::of(bindings)?;
        activation.variables = Some(Variables::default());
        Ok(activation)
    }

    /// An activation of exactly the given values.
    pub fn of<N: Into<String>>(bindings: Vec<(N, Value)>) -> Result<Activation, String> {
        Ok(Activation {
            env: environment()?,
            bindings: bindings.into_iter().map(|(n, v)| (n.into(), v)).collect(),
            variables: None,
        })
    }

    /// Evaluates `expression` as variable `name` (the variables before it
    /// are visible); its failure is kept for expressions that read it.
    pub fn define(&mut self, name: &str, expression: &Expression) {
        let value = expression.evaluate(self);
        self.variables
            .get_or_insert_with(Variables::default)
            .insert(name, value);
    }

    fn context(&self) -> Result<Context<'static, 'static>, String> {
        let mut context = Context::with_env(Arc::clone(&self.env));
        for (name, value) in &self.bindings {
            let value = values::boxed(value.clone()).map_err(|e| e.to_string())?;
            context.add_variable_as_val(name.clone(), value);
        }
        if let Some(variables) = &self.variables {
            context.add_variable_as_val("variables", variables.clone_as_boxed());
        }
        Ok(context)
    }
}

/// `text` on one line (parser errors point at columns over several).
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
