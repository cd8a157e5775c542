//! The compile-time check of an expression: every function it calls is
//! one tether evaluates ([`super::supported`]), every name it reads is a
//! variable of the admission environment (or bound by a macro), every
//! `variables.NAME` is declared before, and literal durations, timestamps
//! and regular expressions are valid — as the API server's type check
//! rejects a policy, so that nothing unsupported ever passes silently.

use super::supported::{
    AUTHORIZER, GLOBAL, MEMBER, NAMESPACES, OPERATORS, TYPE_NAMES, UNSUPPORTED_LIBRARIES,
};
use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use cel::{Context, Env, Value};
use std::sync::Arc;

/// The variables every expression may read.
pub const ROOT_VARIABLES: &[&str] = &[
    "object",
    "oldObject",
    "request",
    "params",
    "namespaceObject",
    "variables",
    "authorizer",
];

/// The names an expression may read at its root.
#[derive(Debug, Clone, Copy)]
pub enum Roots<'a> {
    /// The admission variables ([`ROOT_VARIABLES`]); the strings are the
    /// `variables.NAME` declared before the expression.
    Admission(&'a [String]),
    /// Exactly these names (`self` and `dep` of a Flux `readyExpr`).
    Named(&'a [&'a str]),
    /// Any name: the top-level fields of an object, known only when the
    /// expression is evaluated (a Flux `healthCheckExprs` entry).
    Any,
}

impl Roots<'_> {
    fn contains(&self, name: &str) -> bool {
        match self {
            Roots::Admission(_) => ROOT_VARIABLES.contains(&name),
            Roots::Named(names) => names.contains(&name),
            Roots::Any => true,
        }
    }

    fn describe(&self) -> String {
        match self {
            Roots::Admission(_) => ROOT_VARIABLES.join(", "),
            Roots::Named(names) => names.join(", "),
            Roots::Any => String::new(),
        }
    }
}

/// What the check learned of an expression.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Usage {
    /// It reads `authorizer`, which tether cannot evaluate.
    pub authorizer: bool,
}

struct Checker<'a> {
    env: &'a Arc<Env>,
    /// The root names the expression may read.
    roots: Roots<'a>,
    /// Names bound by enclosing macros.
    scope: Vec<&'a str>,
    usage: Usage,
}

/// Checks `expr` (compiled in `env`); `roots` are the names it may read.
/// The error is one sentence.
pub fn check(env: &Arc<Env>, expr: &IdedExpr, roots: Roots<'_>) -> Result<Usage, String> {
    let mut checker = Checker {
        env,
        roots,
        scope: Vec::new(),
        usage: Usage::default(),
    };
    checker.walk(expr)?;
    Ok(checker.usage)
}

impl<'a> Checker<'a> {
    fn bound(&self, name: &str) -> bool {
        self.scope.contains(&name)
    }

    /// Whether `ns.f(…)` calls a function of namespace `ns` rather than a
    /// member function on the variable `ns`: with [`Roots::Any`] only
    /// the library namespaces are namespaces.
    fn is_namespace(&self, name: &str) -> bool {
        match self.roots {
            Roots::Any => NAMESPACES.contains(&name),
            roots => !roots.contains(name),
        }
    }

    fn walk(&mut self, node: &'a IdedExpr) -> Result<(), String> {
        match &node.expr {
            Expr::Unspecified | Expr::Literal(_) => Ok(()),
            Expr::Ident(name) => self.ident(name),
            Expr::Select(select) => {
                if let Roots::Admission(declared) = self.roots
                    && let Expr::Ident(root) = &select.operand.expr
                    && root == "variables"
                    && !self.bound(root)
                    && !declared.iter().any(|d| d == &select.field)
                {
                    return Err(match declared.is_empty() {
                        true => format!("variables.{} is not declared", select.field),
                        false => format!(
                            "variables.{} is not declared before this expression (declared: {})",
                            select.field,
                            declared.join(", ")
                        ),
                    });
                }
                self.walk(&select.operand)
            }
            Expr::Call(call) => {
                self.call(node, &call.func_name, call.target.as_deref(), &call.args)
            }
            Expr::Comprehension(comp) => {
                self.walk(&comp.iter_range)?;
                self.walk(&comp.accu_init)?;
                let depth = self.scope.len();
                self.scope.push(&comp.iter_var);
                if let Some(second) = &comp.iter_var2 {
                    self.scope.push(second);
                }
                self.scope.push(&comp.accu_var);
                self.walk(&comp.loop_cond)?;
                self.walk(&comp.loop_step)?;
                self.walk(&comp.result)?;
                self.scope.truncate(depth);
                Ok(())
            }
            Expr::List(list) => list.elements.iter().try_for_each(|e| self.walk(e)),
            Expr::Map(map) => map.entries.iter().try_for_each(|entry| match &entry.expr {
                EntryExpr::MapEntry(e) => {
                    self.walk(&e.key)?;
                    self.walk(&e.value)
                }
                EntryExpr::StructField(f) => self.walk(&f.value),
            }),
            Expr::Struct(s) => Err(format!(
                "message construction ({} {{…}}) is not supported",
                s.type_name
            )),
        }
    }

    fn ident(&mut self, name: &str) -> Result<(), String> {
        if self.bound(name) || TYPE_NAMES.contains(&name) || name.starts_with('@') {
            return Ok(());
        }
        if name == "authorizer" && matches!(self.roots, Roots::Admission(_)) {
            self.usage.authorizer = true;
        }
        if self.roots.contains(name) {
            return Ok(());
        }
        Err(format!(
            "undeclared reference to {name:?} (expressions read {})",
            self.roots.describe()
        ))
    }

    fn call(
        &mut self,
        node: &'a IdedExpr,
        name: &str,
        target: Option<&'a IdedExpr>,
        args: &'a [IdedExpr],
    ) -> Result<(), String> {
        if OPERATORS.contains(&name) {
            target.map(|t| self.walk(t)).transpose()?;
            return args.iter().try_for_each(|a| self.walk(a));
        }
        match target {
            Some(IdedExpr {
                expr: Expr::Ident(namespace),
                ..
            }) if !self.bound(namespace) && self.is_namespace(namespace) => {
                let qualified = format!("{namespace}.{name}");
                if !GLOBAL.iter().any(|(f, _)| *f == qualified) {
                    return Err(unsupported(
                        &qualified,
                        NAMESPACES.contains(&namespace.as_str()),
                    ));
                }
            }
            Some(receiver) => {
                self.walk(receiver)?;
                let authorizer = mentions_authorizer(receiver);
                if !(MEMBER.iter().any(|(f, _)| *f == name)
                    || authorizer && AUTHORIZER.contains(&name))
                {
                    return Err(unsupported(name, true));
                }
            }
            None => {
                if !GLOBAL.iter().any(|(f, _)| *f == name) {
                    return Err(unsupported(name, true));
                }
            }
        }
        args.iter().try_for_each(|a| self.walk(a))?;
        self.literal_call(node, name, target, args)
    }

    /// A call of a function whose literal arguments the API server checks
    /// when compiling (durations, timestamps, regular expressions),
    /// evaluated now when its arguments are literals.
    fn literal_call(
        &self,
        node: &IdedExpr,
        name: &str,
        target: Option<&IdedExpr>,
        args: &[IdedExpr],
    ) -> Result<(), String> {
        if !matches!(
            name,
            "duration" | "timestamp" | "matches" | "find" | "findAll"
        ) {
            return Ok(());
        }
        let literal = |e: &IdedExpr| matches!(e.expr, Expr::Literal(_));
        if !(target.is_none_or(literal) && args.iter().all(literal)) {
            return Ok(());
        }
        let context = Context::with_env(Arc::clone(self.env));
        match Value::resolve(node, &context) {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("invalid literal in {name}(): {e}")),
        }
    }
}

/// Whether `expr` is `authorizer` or a call chain on it.
fn mentions_authorizer(expr: &IdedExpr) -> bool {
    match &expr.expr {
        Expr::Ident(name) => name == "authorizer",
        Expr::Call(call) => call.target.as_deref().is_some_and(mentions_authorizer),
        Expr::Select(select) => mentions_authorizer(&select.operand),
        _ => false,
    }
}

fn unsupported(name: &str, known_namespace: bool) -> String {
    let library = UNSUPPORTED_LIBRARIES
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, l)| *l)
        .or_else(|| name.starts_with("format.").then_some("the format library"));
    match library {
        Some(library) => format!(
            "function {name:?} ({library}) is not supported by tether; see docs/POLICIES.md"
        ),
        None if known_namespace => format!(
            "function {name:?} is not supported by tether (or not a Kubernetes CEL function); see docs/POLICIES.md"
        ),
        None => format!("undeclared reference to {name:?}"),
    }
}
