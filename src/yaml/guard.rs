//! The check in front of serde_yaml_ng: libyaml (under serde_yaml_ng)
//! has no depth limit and spends time proportional to the depth of `[`/`{`
//! nesting on every token, and serde_yaml_ng bounds alias expansion only
//! loosely. [`check`] reads the events once (saphyr-parser, iteratively,
//! linear) with the shared [`Budget`] before serde sees the text.

use super::budget::{Budget, LimitError, MAX_DEPTH};
use saphyr_parser::{Event, Parser, ScanError};
use serde::de::DeserializeOwned;

/// Why a serde-read YAML text was refused.
#[derive(Debug)]
pub enum YamlError {
    /// A limit of [`check`] was broken.
    Limit(LimitError),
    /// serde_yaml_ng refused it (syntax, shape).
    Serde(serde_yaml::Error),
}

impl YamlError {
    /// 1-based line of the problem, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            YamlError::Limit(e) => Some(e.line),
            YamlError::Serde(e) => e.location().map(|l| l.line()),
        }
    }

    /// The problem without its location (`file:line:` goes in front).
    pub fn message(&self) -> String {
        match self {
            YamlError::Limit(e) => e.message.clone(),
            YamlError::Serde(e) => without_location(&e.to_string()),
        }
    }
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YamlError::Limit(e) => e.fmt(f),
            YamlError::Serde(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for YamlError {}

/// `message` without serde's ` at line L column C…` tail.
fn without_location(message: &str) -> String {
    let cut = [" at line ", " at position "]
        .iter()
        .filter_map(|p| message.find(p))
        .min();
    match cut {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// [`check`], then serde_yaml_ng.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check(text).map_err(YamlError::Limit)?;
    serde_yaml::from_str(text).map_err(YamlError::Serde)
}

/// [`from_str`] of bytes (which must be UTF-8).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, YamlError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => from_str(text),
        Err(_) => serde_yaml::from_slice(bytes).map_err(YamlError::Serde),
    }
}

/// Refuses text that a YAML reader must not be given: control characters
/// (kubectl refuses them too), nesting deeper than [`MAX_DEPTH`] and
/// excessive aliasing. Text that is not YAML at all passes when it is
/// shallow, so that the reader behind reports its own syntax error.
pub fn check(text: &str) -> Result<(), LimitError> {
    check_characters(text)?;
    let mut budget = Budget::new(MAX_DEPTH);
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(pair) => pair,
            Err(e) => return after_scan_error(text, &e),
        };
        let at = |message: String| LimitError {
            line: span.start.line().max(1),
            message,
        };
        match event {
            Event::DocumentStart(_) => budget.document(),
            Event::Scalar(_, _, anchor, _) => budget.scalar(anchor),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                budget.open(anchor).map_err(at)?;
            }
            Event::SequenceEnd | Event::MappingEnd => budget.close(),
            Event::Alias(id) => budget.alias(id).map_err(at)?,
            _ => {}
        }
    }
    Ok(())
}

/// What a saphyr scan error means for [`check`]: its own flow limit is a
/// depth error; other syntax errors are left to the reader behind unless
/// the text nests too deep for libyaml to read in linear time.
fn after_scan_error(text: &str, e: &ScanError) -> Result<(), LimitError> {
    if let Some(limit) = scan_error(e) {
        return Err(limit);
    }
    if approximate_flow_depth(text) > MAX_DEPTH {
        return Err(LimitError {
            line: e.marker().line().max(1),
            message: format!("invalid YAML: {}", e.info()),
        });
    }
    Ok(())
}

/// The depth error for saphyr's own flow limit (255 levels of `[`/`{`),
/// None for other scan errors.
pub(crate) fn scan_error(e: &ScanError) -> Option<LimitError> {
    e.info()
        .contains("recursion limit exceeded")
        .then(|| LimitError {
            line: e.marker().line().max(1),
            message: "nested more than 255 levels deep in [ ] or { }; tether reads at most 255"
                .to_string(),
        })
}

/// serde_yaml_ng's error for `text` (the first document it refuses), for
/// its wording of syntax errors; None when the text is fine for it or too
/// deeply nested to be handed to libyaml.
pub(crate) fn libyaml_error(text: &str) -> Option<serde_yaml::Error> {
    use serde::Deserialize;
    if approximate_flow_depth(text) > MAX_DEPTH || check_characters(text).is_err() {
        return None;
    }
    serde_yaml::Deserializer::from_str(text)
        .find_map(|doc| serde_yaml::Value::deserialize(doc).err())
}

/// The deepest nesting of `[`/`{` in `text`, skipping quoted strings and
/// comments (an estimate: brackets in block scalars count too).
fn approximate_flow_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut prev = '\n';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if !prev.is_alphanumeric() => quote = Some(c),
                '#' if prev.is_whitespace() => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    max
}

/// Refuses characters YAML does not allow (what libyaml and go-yaml call
/// "control characters"), naming the line and column of the first.
pub fn check_characters(text: &str) -> Result<(), LimitError> {
    let mut line = 1;
    let mut column = 1;
    for c in text.chars() {
        if !is_printable(c) {
            return Err(LimitError {
                line,
                message: format!(
                    "control character U+{:04X} at column {column}: YAML does not allow control characters",
                    u32::from(c)
                ),
            });
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    Ok(())
}

/// YAML's printable set (tab, line breaks, and the printable ranges).
fn is_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_located() {
        let err = check("a: 1\nb: 2\nc: 3\nd: x\u{0}y\n").unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(
            err.message,
            "control character U+0000 at column 5: YAML does not allow control characters"
        );
        assert!(check("a: \"tab\there\"\r\nb: é\n").is_ok());
        assert_eq!(check("x: \u{7f}\n").unwrap_err().line, 1);
    }

    #[test]
    fn deep_nesting_is_refused_without_quadratic_work() {
        let flow = format!("{}{}", "{a: ".repeat(100_000), "}".repeat(100_000));
        let err = check(&flow).unwrap_err();
        assert!(err.message.contains("255 levels"), "{}", err.message);
        let block = format!("{}x\n", "- ".repeat(100_000));
        let err = check(&block).unwrap_err();
        assert!(
            err.message.contains("more than 512 levels"),
            "{}",
            err.message
        );
        assert_eq!(err.line, 1);
        let ok = format!("{}x\n", "- ".repeat(500));
        assert!(check(&ok).is_ok());
    }

    #[test]
    fn serde_readers_keep_their_messages() {
        let err = from_str::<serde_yaml::Value>("a: [1\nb: 2\n").unwrap_err();
        assert!(matches!(err, YamlError::Serde(_)));
        assert!(err.line().is_some());
        assert!(!err.message().contains(" at line "), "{}", err.message());
    }

    #[test]
    fn approximates_flow_depth_outside_strings_and_comments() {
        assert_eq!(approximate_flow_depth("a: [[1], {b: [2]}]"), 3);
        assert_eq!(approximate_flow_depth("a: \"[[[[\" # [[[[\nb: '{{'"), 0);
    }
}
