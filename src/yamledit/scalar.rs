//! Writing a string as a YAML scalar in a chosen style, quoting a plain
//! one only when it would otherwise not read back as the same string.

use super::tree::Style;
use crate::render::scalars::{Dialect, resolve_plain};
use serde_json::Value;

/// `value` written as a YAML string scalar in `style` (a block style is
/// written double-quoted). A plain scalar turns double-quoted when YAML
/// 1.1 or 1.2 would read it as a number, boolean, null or date, or when
/// it holds characters that end or change a plain scalar.
pub fn scalar_text(value: &str, style: Style) -> String {
    match style {
        Style::SingleQuoted => format!("'{}'", value.replace('\'', "''")),
        Style::Plain if plain_safe(value) => value.to_string(),
        _ => double_quoted(value),
    }
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `value` reads back as this very string when written plain.
fn plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let dash_item = first == '-' && (value.len() == 1 || value.starts_with("- "));
    if dash_item || "?:,[]{}#&*!|>'\"%@`~ ".contains(first) {
        return false;
    }
    if value.ends_with(' ')
        || value.ends_with(':')
        || value.contains(": ")
        || value.contains(" #")
        || value.chars().any(|c| c.is_control() || "{}[],".contains(c))
    {
        return false;
    }
    let string = Value::String(value.to_string());
    [Dialect::Kubectl, Dialect::Kustomize, Dialect::Yaml11]
        .into_iter()
        .all(|d| resolve_plain(value, d).is_ok_and(|v| v == string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_stays_plain_when_it_reads_back() {
        assert_eq!(scalar_text("1.5.0", Style::Plain), "1.5.0");
        assert_eq!(scalar_text("v2", Style::Plain), "v2");
        assert_eq!(scalar_text("sha256:abc", Style::Plain), "sha256:abc");
        assert_eq!(
            scalar_text("ghcr.io/acme/web", Style::Plain),
            "ghcr.io/acme/web"
        );
    }

    #[test]
    fn plain_is_quoted_when_yaml_would_read_something_else() {
        assert_eq!(scalar_text("1.10", Style::Plain), "\"1.10\"");
        assert_eq!(scalar_text("2", Style::Plain), "\"2\"");
        assert_eq!(scalar_text("yes", Style::Plain), "\"yes\"");
        assert_eq!(scalar_text("null", Style::Plain), "\"null\"");
        assert_eq!(scalar_text("", Style::Plain), "\"\"");
        assert_eq!(scalar_text("a: b", Style::Plain), "\"a: b\"");
        assert_eq!(scalar_text("-", Style::Plain), "\"-\"");
        assert_eq!(scalar_text("*x", Style::Plain), "\"*x\"");
    }

    #[test]
    fn quoted_styles_escape_their_quotes() {
        assert_eq!(scalar_text("it's", Style::SingleQuoted), "'it''s'");
        assert_eq!(
            scalar_text("a\"b\\c", Style::DoubleQuoted),
            "\"a\\\"b\\\\c\""
        );
        assert_eq!(scalar_text("x", Style::Block), "\"x\"");
    }
}
