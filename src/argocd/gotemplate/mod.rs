//! Go's text/template with sprig, as ApplicationSets with
//! `goTemplate: true` use it. Written for tether because the `gtmpl`
//! crate cannot reproduce Argo CD's output through its public API: it
//! ranges over maps in hash order (Go sorts keys), prints lists and maps
//! in Rust's debug form (Go: `[a b]`, `map[k:v]`), evaluates every
//! argument of `and`/`or` (Go short-circuits), has no `break`/`continue`,
//! no `missingkey` option, and its `Func` is a bare function pointer.
//! See docs/ARGOCD.md for what differs from Go.
//!
//! ```
//! use tether::argocd::gotemplate::{execute, GoValue, Options};
//! let data = GoValue::from_json(&serde_json::json!({"path": {"basename": "web"}, "n": 3}));
//! let out = execute("{{ .path.basename | upper }}-{{ .n }}", &data, &Options::default()).unwrap();
//! assert_eq!(out, "WEB-3");
//! ```

mod argo_funcs;
mod ast;
mod exec;
mod funcs;
mod json;
mod lexer;
mod parse;
mod printf;
mod sprig_case;
mod sprig_data;
mod sprig_lists;
mod sprig_misc;
mod sprig_numbers;
mod sprig_semver;
mod sprig_strings;
mod value;

pub use argo_funcs::{sanitize_name, slugify_name, to_yaml};
pub use value::{GoValue, sprint};

/// The `missingkey` option.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// `default` / `invalid`: a missing key prints `<no value>`.
    #[default]
    Default,
    /// `zero`: the zero value of the map's element type (nil: `<nil>`).
    Zero,
    /// `error`: execution stops.
    Error,
}

/// Options of `template.Option`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub missing_key: MissingKey,
}

impl Options {
    /// From ApplicationSet `goTemplateOptions` (`["missingkey=error"]`).
    pub fn from_go_options(options: &[String]) -> Result<Self, String> {
        let mut out = Options::default();
        for option in options {
            out.missing_key = match option.as_str() {
                "missingkey=default" | "missingkey=invalid" => MissingKey::Default,
                "missingkey=zero" => MissingKey::Zero,
                "missingkey=error" => MissingKey::Error,
                other => return Err(format!("unrecognized option: {other}")),
            };
        }
        Ok(out)
    }
}

/// A template that failed to parse or execute, with Go's wording
/// (`template: base:1: function "x" not defined`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Parse(String),
    Exec(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Parse(m) | TemplateError::Exec(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TemplateError {}

/// The template name Argo CD gives every string it renders.
const NAME: &str = "base";

/// Parses and executes `text` with `data` as `.`.
pub fn execute(text: &str, data: &GoValue, options: &Options) -> Result<String, TemplateError> {
    let tree = parse::parse(text, &funcs::exists).map_err(|(pos, message)| {
        TemplateError::Parse(format!(
            "template: {NAME}:{}: {message}",
            line_col(text, pos).0
        ))
    })?;
    exec::Exec::new(&tree, options, NAME)
        .run(data.clone())
        .map_err(|e| {
            let (line, col) = line_col(text, e.pos);
            TemplateError::Exec(format!(
                "template: {NAME}:{line}:{col}: executing \"{}\" at <{}>: {}",
                e.template, e.context, e.message
            ))
        })
}

/// Go's position form: 1-based line, 0-based byte offset in the line.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = 1 + before.matches('\n').count();
    let col = match before.rfind('\n') {
        Some(nl) => pos - nl - 1,
        None => pos,
    };
    (line, col)
}

#[cfg(test)]
mod tests;
