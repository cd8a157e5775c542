//! Strings as Go's `encoding/json` writes them: kustomize hashes
//! generated ConfigMaps and Secrets over that text, and Argo CD's
//! `toJson` template function prints it.

/// Appends `s` quoted and escaped as `encoding/json` does; `html` also
/// escapes `<`, `>` and `&` (the encoder's default, `SetEscapeHTML(true)`).
pub(crate) fn write_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::write_string;

    #[test]
    fn escapes_as_encoding_json() {
        let mut out = String::new();
        write_string(&mut out, "a\"\\\n<&>\u{2028}\u{1}é", true);
        assert_eq!(out, r#""a\"\\\n\u003c\u0026\u003e\u2028\u0001é""#);
        out.clear();
        write_string(&mut out, "<&>", false);
        assert_eq!(out, r#""<&>""#);
    }
}
