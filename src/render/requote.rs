//! kubectl's quoting: go-yaml v3, behind `kubectl kustomize`, double-quotes
//! a string that would otherwise read as another type (`"on"`, `"080"`,
//! `""`) and single-quotes one that only cannot be written plain
//! (`'@daily'`, `'  padded  '`); the YAML emitter we use single-quotes both.
//! This pass rewrites the first kind — keys and values, outside block
//! scalars — as double-quoted, so `diff <(tether render X) <(kubectl
//! kustomize X)` shows no quoting noise.

/// The document with single-quoted scalars double-quoted.
pub fn double_quote(text: &str) -> String {
    map_lines(text, convert_line)
}

/// `text` (a YAML document) with each line outside block scalars rewritten
/// by `f` (which may return several lines); block scalar content is kept.
pub(super) fn map_lines(text: &str, mut f: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    // Indentation of the line that opened a block scalar (`key: |`), while
    // inside its content.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start().len();
        if let Some(opener) = block {
            if body.trim().is_empty() || indent > opener {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        let converted = f(body);
        if opens_block(&converted) {
            block = Some(indent);
        }
        out.push_str(&converted);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn opens_block(line: &str) -> bool {
    let t = line.trim_end();
    ["|", "|-", "|+", ">", ">-", ">+"]
        .iter()
        .any(|m| t.ends_with(&format!(": {m}")) || t.ends_with(&format!("- {m}")) || t == *m)
}

/// Rewrites one line: `indent`, any `- ` markers, then a key and/or value.
fn convert_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let mut out = line[..indent].to_string();
    let mut rest = &line[indent..];
    while let Some(after) = rest.strip_prefix("- ") {
        out.push_str("- ");
        rest = after;
    }
    if rest.starts_with('\'') {
        let Some((scalar, after)) = take_single_quoted(rest) else {
            return line.to_string();
        };
        out.push_str(&requote(&scalar));
        match after.strip_prefix(':') {
            Some(value) => {
                out.push(':');
                out.push_str(&convert_value(value));
            }
            None => out.push_str(after),
        }
        return out;
    }
    if rest.starts_with('"')
        && let Some(close) = super::fold::quoted_end(rest)
        && let Some(value) = rest[close..].strip_prefix(':')
    {
        out.push_str(&rest[..close]);
        out.push(':');
        out.push_str(&convert_value(value));
        return out;
    }
    match rest.find(": ") {
        Some(i) if !rest[..i].contains(['"', '\'', '#']) => {
            out.push_str(&rest[..i + 1]);
            out.push_str(&convert_value(&rest[i + 1..]));
        }
        _ => out.push_str(rest),
    }
    out
}

/// ` 'value'` → ` "value"`; anything else unchanged.
fn convert_value(value: &str) -> String {
    let trimmed = value.trim_start();
    let lead = &value[..value.len() - trimmed.len()];
    if trimmed.starts_with('\'')
        && let Some((scalar, after)) = take_single_quoted(trimmed)
        && after.trim().is_empty()
    {
        return format!("{lead}{}{after}", requote(&scalar));
    }
    value.to_string()
}

/// The content of a single-quoted scalar at the start of `s` (with `''`
/// unescaped) and what follows its closing quote.
fn take_single_quoted(s: &str) -> Option<(String, &str)> {
    let mut content = String::new();
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                content.push('\'');
                chars.next();
                continue;
            }
            return Some((content, &s[i + 1..]));
        }
        content.push(c);
    }
    None
}

/// Whether a plain `content` would read as something other than a string
/// (YAML 1.1 or 1.2): the empty string, booleans and nulls in every
/// spelling, numbers of every form.
fn reads_as_non_string(content: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
        ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN",
    ];
    if WORDS.contains(&content) || super::scalars::reads_as_other(content) {
        return true;
    }
    let digits = content.trim_start_matches(['-', '+']);
    let hex = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0o"));
    if let Some(h) = hex {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.' | 'e' | 'E' | '+' | '-'))
}

/// The scalar as kubectl writes it: double-quoted when it would read as
/// another type, single-quoted otherwise.
fn requote(content: &str) -> String {
    if reads_as_non_string(content) {
        to_double(content)
    } else {
        format!("'{}'", content.replace('\'', "''"))
    }
}

fn to_double(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 2);
    out.push('"');
    for c in content.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::double_quote;

    #[test]
    fn keys_values_and_items_become_double_quoted() {
        let text = "'on': 'on'\nb: ''\nc:\n- 'yes'\n- - 'no'\nd: it's fine\ne: 'it''s \"x\"'\nf: '@daily'\ng: '080'\nh: '1.5e3'\n";
        assert_eq!(
            double_quote(text),
            "\"on\": \"on\"\nb: \"\"\nc:\n- \"yes\"\n- - \"no\"\nd: it's fine\ne: 'it''s \"x\"'\nf: '@daily'\ng: \"080\"\nh: \"1.5e3\"\n"
        );
    }

    #[test]
    fn block_scalars_are_left_alone() {
        let text = "data:\n  script: |\n    echo 'hi'\n    x: 'y'\n  other: 'on'\n";
        assert_eq!(
            double_quote(text),
            "data:\n  script: |\n    echo 'hi'\n    x: 'y'\n  other: \"on\"\n"
        );
    }
}
