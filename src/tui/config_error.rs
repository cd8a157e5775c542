//! Problems found in keymap and theme files, located by file and line.

use std::fmt;

/// One problem in a configuration file: where it is and what is wrong.
/// Displayed as `file:line: message` (or `file: message` when no line is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as the user knows it: a bundled name such as
    /// `keymaps/default.yaml`, or the full path of a user file.
    pub file: String,
    /// 1-based line, when it could be located.
    pub line: Option<usize>,
    /// What is wrong, as one sentence.
    pub message: String,
}

impl ConfigError {
    /// A problem at an optional line of `file`.
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    /// A YAML syntax, shape or limit error, with the location the reader
    /// reports.
    pub fn from_yaml(file: &str, err: &crate::yaml::YamlError) -> Self {
        Self::new(file, err.line(), err.message())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The 1-based line of `key` inside the top-level `section` of a YAML text
/// (block or flow style). Keys may be written bare, single- or double-quoted.
pub fn locate_key(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut in_section = false;
    for (index, line) in text.lines().enumerate() {
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        let top_level = !content.starts_with([' ', '\t']);
        let rest = if top_level {
            match top_level_key(content) {
                Some((name, rest)) => {
                    in_section = name == section;
                    rest
                }
                None => {
                    in_section = false;
                    ""
                }
            }
        } else {
            content
        };
        if in_section && mentions_key(rest, key) {
            return Some(index + 1);
        }
    }
    None
}

/// The 1-based line where the top-level `section` starts.
pub fn locate_section(text: &str, section: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            !line.starts_with([' ', '\t'])
                && top_level_key(strip_comment(line)).is_some_and(|(name, _)| name == section)
        })
        .map(|i| i + 1)
}

fn top_level_key(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once(':')?;
    Some((unquote(name.trim()), rest))
}

fn mentions_key(text: &str, key: &str) -> bool {
    let trimmed = text.trim_start().trim_start_matches(['{', ',', ' ']);
    if trimmed.starts_with(&format!("{key}:")) {
        return true;
    }
    text.contains(&format!("\"{key}\"")) || text.contains(&format!("'{key}'"))
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

fn strip_comment(line: &str) -> &str {
    // A '#' starts a comment only at the line start or after a space, and
    // not inside quotes (keys such as "#" are quoted).
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return &line[..i],
            None => {}
        }
        previous = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# comment\nglobal:\n  \"q\": quit\napps:\n  j: move_down # down\n  'ctrl-d': page_down\nhelp: { \"esc\": back }\n";

    #[test]
    fn locates_keys_in_their_section() {
        assert_eq!(locate_key(TEXT, "global", "q"), Some(3));
        assert_eq!(locate_key(TEXT, "apps", "j"), Some(5));
        assert_eq!(locate_key(TEXT, "apps", "ctrl-d"), Some(6));
        assert_eq!(locate_key(TEXT, "help", "esc"), Some(7));
        assert_eq!(locate_key(TEXT, "apps", "q"), None);
        assert_eq!(locate_section(TEXT, "apps"), Some(4));
    }

    #[test]
    fn displays_file_and_line() {
        let e = ConfigError::new("keymaps/x.yaml", Some(4), "unknown key 'ctl-d'");
        assert_eq!(e.to_string(), "keymaps/x.yaml:4: unknown key 'ctl-d'");
    }
}
