//! Flux's variable substitution (`flux envsubst`, Kustomization
//! `postBuild`), as fluxcd/pkg `envsubst` (a fork of drone/envsubst)
//! evaluates it.
//!
//! Only `${…}` is expanded (`$var` is text); `$$` is a literal `$`. The
//! operators: `${v}`, `${#v}` (length in bytes), `${v^}`, `${v^^}`,
//! `${v,}`, `${v,,}`, `${v:n}`, `${v:n:len}` (bytes), `${v#p}`, `${v##p}`,
//! `${v%p}`, `${v%%p}` (shell globs), `${v/p/r}`, `${v//p/r}`,
//! `${v/#p/r}`, `${v/%p/r}` (literal text), and the defaults `${v=d}`,
//! `${v:=d}`, `${v:-d}`, which all mean "`d` when `v` is empty or unset" and
//! may nest (`${a=${b}-x}`). As in Flux, `${v:?d}` and `${v:+d}` parse and
//! behave like `${v:-d}`, while `${v-d}`, `${v+d}` and `${v?d}` are the
//! error "missing closing brace".
//!
//! ```
//! use std::collections::BTreeMap;
//! use tether::flux::envsubst::{eval, Mode};
//! let vars = BTreeMap::from([("env".to_string(), "prod".to_string())]);
//! assert_eq!(eval("${env^^}-${region:=eu}", &vars, Mode::Strict).unwrap(), "PROD-eu");
//! assert!(eval("${region}", &vars, Mode::Strict).is_err());
//! assert_eq!(eval("${region}", &vars, Mode::Lenient).unwrap(), "");
//! ```

mod funcs;
pub(crate) mod glob;
mod parse;
mod scan;

use parse::Node;
use std::collections::BTreeMap;

/// How a variable that is not set is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A missing variable is an error unless a default operator supplies a
    /// value (`flux envsubst --strict`; kustomize-controller ≥ v1.9).
    Strict,
    /// A missing variable is the empty string.
    Lenient,
}

/// Why an expression could not be expanded. The texts are Flux's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvsubstError {
    #[error("bad substitution")]
    BadSubstitution,
    #[error("missing closing brace")]
    MissingClosingBrace,
    #[error("unable to parse variable name")]
    VariableName,
    #[error("unable to parse substitution within function")]
    FuncSubstitution,
    #[error("unable to parse default function")]
    DefaultFunction,
    /// Strict mode: the variable is not set and nothing supplies a default.
    #[error("variable not set (strict mode): {0:?}")]
    VariableNotSet(String),
    /// An expression Flux's controller would crash on.
    #[error("bad substitution: {0}")]
    Invalid(String),
    /// Byte offsets cut a character apart and left text that is not UTF-8.
    #[error("the substituted text is not valid UTF-8 (an offset or length cut a character)")]
    NotUtf8,
}

/// `text` with every `${…}` expanded from `vars`.
pub fn eval(
    text: &str,
    vars: &BTreeMap<String, String>,
    mode: Mode,
) -> Result<String, EnvsubstError> {
    eval_with(text, mode, |name| vars.get(name).map(String::as_str))
}

/// [`eval`] with a lookup function instead of a map.
pub fn eval_with<'v>(
    text: &str,
    mode: Mode,
    lookup: impl Fn(&str) -> Option<&'v str>,
) -> Result<String, EnvsubstError> {
    let nodes = parse::parse(text)?;
    let mut out = Vec::with_capacity(text.len());
    for node in &nodes {
        out.extend(expand(node, mode, &lookup)?);
    }
    String::from_utf8(out).map_err(|_| EnvsubstError::NotUtf8)
}

fn expand<'v>(
    node: &Node,
    mode: Mode,
    lookup: &impl Fn(&str) -> Option<&'v str>,
) -> Result<Vec<u8>, EnvsubstError> {
    let (param, name, args) = match node {
        Node::Text(bytes) => return Ok(bytes.clone()),
        Node::Func { param, name, args } => (param, name, args),
    };
    let args = args
        .iter()
        .map(|a| expand(a, mode, lookup))
        .collect::<Result<Vec<_>, _>>()?;
    let value = match (lookup(param), mode) {
        (Some(v), _) => v.as_bytes(),
        (None, Mode::Lenient) => &[],
        (None, Mode::Strict) if funcs::is_default_operator(name) => &[],
        (None, Mode::Strict) => return Err(EnvsubstError::VariableNotSet(param.clone())),
    };
    funcs::apply(name, value, &args).map_err(EnvsubstError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn nested_defaults_are_expanded_before_the_variable_is_read() {
        let v = vars(&[("a", "set")]);
        // The default of a set variable is still evaluated: strict mode
        // fails on a missing variable inside it, as in Flux.
        assert_eq!(
            eval("${a:=${missing}}", &v, Mode::Strict),
            Err(EnvsubstError::VariableNotSet("missing".into()))
        );
        assert_eq!(eval("${a:=${missing}}", &v, Mode::Lenient).unwrap(), "set");
    }

    #[test]
    fn set_but_empty_counts_as_unset_for_every_default_operator() {
        let v = vars(&[("e", "")]);
        for expr in ["${e=d}", "${e:=d}", "${e:-d}", "${e:?d}", "${e:+d}"] {
            assert_eq!(eval(expr, &v, Mode::Strict).unwrap(), "d", "{expr}");
        }
    }

    #[test]
    fn dollar_text_is_left_alone() {
        let v = vars(&[("a", "x")]);
        assert_eq!(eval("$a $ {a} $", &v, Mode::Strict).unwrap(), "$a $ {a} $");
    }

    #[test]
    fn a_cut_character_is_an_error_not_garbage() {
        let v = vars(&[("a", "é")]);
        assert_eq!(
            eval("${a:1}", &v, Mode::Strict),
            Err(EnvsubstError::NotUtf8)
        );
    }

    #[test]
    fn errors_name_the_missing_variable() {
        let e = eval("${#nope}", &BTreeMap::new(), Mode::Strict).unwrap_err();
        assert_eq!(e.to_string(), "variable not set (strict mode): \"nope\"");
    }
}
