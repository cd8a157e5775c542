//! Printing: aligned tables for people, JSON and YAML for scripts.

use super::args::OutputFormat;
use serde::Serialize;
use std::io::Write;

/// An error of a command: one sentence for stderr, and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: i32,
}

impl CliError {
    /// Bad input or a failed operation: exit code 2.
    pub fn new(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            code: 2,
        }
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError::new(e)
    }
}

pub type CliResult = Result<i32, CliError>;

/// Writes `value` as JSON or YAML; None for the table format.
pub fn write_structured<T: Serialize>(format: OutputFormat, value: &T) -> Result<bool, CliError> {
    let text = match format {
        OutputFormat::Table => return Ok(false),
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(value).map_err(CliError::new)?;
            s.push('\n');
            s
        }
        OutputFormat::Yaml => serde_yaml::to_string(value).map_err(CliError::new)?,
    };
    print_out(&text);
    Ok(true)
}

/// Columns padded to the widest cell, two spaces apart, as kubectl prints.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let last = cells.len().saturating_sub(1);
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    for row in rows {
        line(row.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// `Kind.group` as kubectl names kinds (`Kind` for the core group).
pub fn kind_label(kind: &str, group: &str) -> String {
    if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    }
}

/// Prints to stdout, ignoring a closed pipe (`tether apps | head`).
pub fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let t = table(
            &["NAME", "SYNC"],
            &[
                vec!["web".into(), "Synced".into()],
                vec!["payments".into(), "OutOfSync".into()],
            ],
        );
        assert_eq!(t, "NAME      SYNC\nweb       Synced\npayments  OutOfSync\n");
    }
}
