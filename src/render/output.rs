//! Objects back to text, as kubectl and kustomize print them.

use serde_json::Value;

/// Prefix of the stand-ins for strings that need quotes (see [`to_yaml_stream`]).
const PLACEHOLDER: &str = "tether-yaml11-quote-";

/// Prefix of the stand-ins for text written verbatim: floats as go-yaml
/// prints them, and strings it must escape.
const VERBATIM_PLACEHOLDER: &str = "tether-yaml-verbatim-";

/// The objects as a YAML stream: documents separated by `---` lines, keys in
/// their original order, 2-space indentation, sequences not indented under
/// their key (`containers:\n- name: x`), multi-line strings as `|` blocks.
///
/// Strings that a YAML 1.1 reader (kubectl, go-yaml v2) would take for a
/// boolean, null or base-60 number — `on`, `yes`, `N`, `12:30`, … — are
/// quoted, and every quoted string is double-quoted, as kubectl kustomize
/// writes them, so the output applies as written and diffs cleanly. Long
/// scalars are folded past 80 columns, as go-yaml folds them.
pub fn to_yaml_stream(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|obj| {
            let mut quoted = Vec::new();
            let mut verbatim = Vec::new();
            // A document that already holds the placeholder text is written
            // without the YAML 1.1 quoting rather than risk corrupting it.
            let has_placeholder = serde_json::to_string(obj)
                .is_ok_and(|j| j.contains(PLACEHOLDER) || j.contains(VERBATIM_PLACEHOLDER));
            let marked = if has_placeholder {
                obj.clone()
            } else {
                mark_yaml11_strings(obj, &mut quoted, &mut verbatim)
            };
            let text = serde_yaml::to_string(&marked)
                .or_else(|_| serde_json::to_string(obj).map(|j| j + "\n"))
                .unwrap_or_default();
            let text =
                super::requote::double_quote(&restore_verbatim(restore(text, &quoted), &verbatim));
            super::fold::fold(&text)
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

/// A copy of `v` in which strings (and keys) needing YAML 1.1 quotes are
/// replaced by numbered placeholders, the originals going to `quoted`, and
/// floats and strings needing escapes likewise, their go-yaml text going
/// to `verbatim`.
fn mark_yaml11_strings(v: &Value, quoted: &mut Vec<String>, verbatim: &mut Vec<String>) -> Value {
    let mut mark = |s: &str| -> String {
        if needs_escapes(s) {
            verbatim.push(go_double_quoted(s));
            format!("{VERBATIM_PLACEHOLDER}{}-end", verbatim.len() - 1)
        } else if needs_yaml11_quotes(s) {
            quoted.push(s.to_string());
            format!("{PLACEHOLDER}{}-end", quoted.len() - 1)
        } else {
            s.to_string()
        }
    };
    match v {
        Value::String(s) => Value::String(mark(s)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| mark_yaml11_strings(i, quoted, verbatim))
                .collect(),
        ),
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) => {
                verbatim.push(super::scalars::go_float(f));
                Value::String(format!("{VERBATIM_PLACEHOLDER}{}-end", verbatim.len() - 1))
            }
            None => v.clone(),
        },
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, val) in map {
                let key = if needs_escapes(k) {
                    verbatim.push(go_double_quoted(k));
                    format!("{VERBATIM_PLACEHOLDER}{}-end", verbatim.len() - 1)
                } else if needs_yaml11_quotes(k) {
                    quoted.push(k.clone());
                    format!("{PLACEHOLDER}{}-end", quoted.len() - 1)
                } else {
                    k.clone()
                };
                out.insert(key, mark_yaml11_strings(val, quoted, verbatim));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Puts the single-quoted originals back in place of their placeholders
/// (highest number first, so `…-1-end` never matches inside `…-11-end`).
fn restore(mut text: String, quoted: &[String]) -> String {
    for (i, s) in quoted.iter().enumerate().rev() {
        text = text.replace(
            &format!("{PLACEHOLDER}{i}-end"),
            &format!("'{}'", s.replace('\'', "''")),
        );
    }
    text
}

/// Whether go-yaml must write `s` double-quoted with escapes: it holds a
/// character YAML does not print (a control character other than a tab or
/// line break, U+0080–U+009F but NEL, which kubectl passes through, a BOM,
/// or anything beyond U+FFFF).
fn needs_escapes(s: &str) -> bool {
    s.chars().any(|c| {
        !(c == '\n'
            || c == '\t'
            || c == '\u{85}'
            || ('\u{20}'..='\u{7E}').contains(&c)
            || ('\u{A0}'..='\u{D7FF}').contains(&c)
            || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}'))
    })
}

/// `s` as go-yaml's double-quoted scalar: `\U0001F600`, `\x80`, `\n`.
/// A string that starts with a BOM is written wholly as numeric escapes
/// (`"\uFEFF\x78"`), as kubectl prints it.
fn go_double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    let numeric = s.starts_with('\u{FEFF}');
    for c in s.chars() {
        match c {
            c if numeric => out.push_str(&numeric_escape(c)),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !needs_escapes(&c.to_string()) => out.push(c),
            c => out.push_str(&numeric_escape(c)),
        }
    }
    out.push('"');
    out
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
fn numeric_escape(c: char) -> String {
    match u32::from(c) {
        n if n <= 0xFF => format!("\\x{n:02X}"),
        n if n <= 0xFFFF => format!("\\u{n:04X}"),
        n => format!("\\U{n:08X}"),
    }
}

/// The verbatim placeholders replaced by their text, unquoted.
fn restore_verbatim(mut text: String, verbatim: &[String]) -> String {
    for (i, f) in verbatim.iter().enumerate().rev() {
        text = text.replace(&format!("{VERBATIM_PLACEHOLDER}{i}-end"), f);
    }
    text
}

/// Whether a YAML reader would not read `s` back as a string when written
/// plain: go-yaml v3 (numbers in Go syntax, timestamps) or a YAML 1.1 one
/// (booleans, nulls, base-60 and `_`-grouped numbers).
fn needs_yaml11_quotes(s: &str) -> bool {
    if super::scalars::reads_as_other(s) {
        return true;
    }
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let digits = s.trim_start_matches(['-', '+']);
    let numberish = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.'));
    numberish && (digits.contains(':') || digits.contains('_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        let v = json!({"on": "on", "b": "yes", "c": "080", "d": "12:30", "e": "1_000",
                       "f": "y", "g": "NO", "h": "it's on", "i": "1.5", "j": 2});
        assert_eq!(
            to_yaml_stream(&[v]),
            "\"on\": \"on\"\nb: \"yes\"\nc: \"080\"\nd: \"12:30\"\ne: \"1_000\"\nf: \"y\"\ng: \"NO\"\nh: it's on\ni: \"1.5\"\nj: 2\n"
        );
    }

    #[test]
    fn floats_and_timestamp_like_strings_print_as_kubectl_prints_them() {
        let v = json!({"a": 0.5, "b": 1e21, "c": 1.25e-7, "d": "2001-12-14", "e": "0b101",
                       "f": "1.5e400", "g": 420});
        assert_eq!(
            to_yaml_stream(&[v]),
            "a: 0.5\nb: 1e+21\nc: 1.25e-07\nd: \"2001-12-14\"\ne: \"0b101\"\nf: 1.5e400\ng: 420\n"
        );
    }

    #[test]
    fn characters_yaml_does_not_print_are_escaped_as_go_yaml_escapes_them() {
        let v = json!({"emoji": "smile \u{1F600}", "\u{1F600}": "13", "c1": "a\u{80}b",
                       "multi": "line one \u{1F600}\nline two", "plain": "ü"});
        assert_eq!(
            to_yaml_stream(&[v]),
            "emoji: \"smile \\U0001F600\"\n\"\\U0001F600\": \"13\"\nc1: \"a\\x80b\"\nmulti: \"line one \\U0001F600\\nline two\"\nplain: ü\n"
        );
    }

    #[test]
    fn many_placeholders_do_not_clash() {
        let items: Vec<Value> = (0..12)
            .map(|i| json!(if i == 11 { "off" } else { "on" }))
            .collect();
        let text = to_yaml_stream(&[json!({ "l": items })]);
        assert!(text.ends_with("- \"on\"\n- \"off\"\n"), "{text}");
    }
}
