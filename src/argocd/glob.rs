//! The two glob dialects Argo CD uses, as regular expressions:
//! gobwas/glob (`util/glob`: project sourceRepos and destinations, sync
//! window lists, directory include/exclude) and Go's `path.Match`
//! (git directory generator, project resource kinds).

use regex::Regex;

/// A gobwas/glob pattern compiled with `separators` (none: `*` crosses
/// everything): `*` any run of non-separators, `**` any run, `?` one
/// non-separator, `[abc]`/`[a-z]`/`[!a]` classes, `{a,b}` alternatives,
/// `\` escapes. None when the pattern is malformed (Argo CD then logs a
/// warning and the pattern matches nothing).
pub fn compile_glob(pattern: &str, separators: &str) -> Option<Regex> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("(?s)^");
    let mut i = 0;
    translate_glob(&chars, &mut i, separators, &mut out, false)?;
    if i != chars.len() {
        return None;
    }
    out.push('$');
    Regex::new(&out).ok()
}

/// Whether `text` matches gobwas/glob `pattern` (see [`compile_glob`]).
pub fn glob_match(pattern: &str, text: &str, separators: &str) -> bool {
    compile_glob(pattern, separators).is_some_and(|re| re.is_match(text))
}

fn not_separators(separators: &str) -> String {
    if separators.is_empty() {
        ".".to_string()
    } else {
        format!("[^{}]", regex::escape(separators))
    }
}

/// Translates until the end, or (inside braces) until `,` or `}`.
fn translate_glob(
    chars: &[char],
    i: &mut usize,
    separators: &str,
    out: &mut String,
    in_braces: bool,
) -> Option<()> {
    while *i < chars.len() {
        let c = chars[*i];
        match c {
            '*' => {
                if chars.get(*i + 1) == Some(&'*') {
                    out.push_str(".*");
                    *i += 2;
                } else {
                    out.push_str(&not_separators(separators));
                    out.push('*');
                    *i += 1;
                }
            }
            '?' => {
                out.push_str(&not_separators(separators));
                *i += 1;
            }
            '[' => {
                *i += 1;
                let negated = chars.get(*i) == Some(&'!');
                if negated {
                    *i += 1;
                }
                let start = *i;
                while *i < chars.len() && chars[*i] != ']' {
                    *i += 1;
                }
                if *i >= chars.len() || *i == start {
                    return None;
                }
                out.push_str(&class(&chars[start..*i], negated)?);
                *i += 1;
            }
            '{' => {
                *i += 1;
                out.push_str("(?:");
                loop {
                    translate_glob(chars, i, separators, out, true)?;
                    match chars.get(*i) {
                        Some(',') => {
                            out.push('|');
                            *i += 1;
                        }
                        Some('}') => {
                            *i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(')');
            }
            ',' | '}' if in_braces => return Some(()),
            '\\' => {
                let next = *chars.get(*i + 1)?;
                out.push_str(&regex::escape(&next.to_string()));
                *i += 2;
            }
            _ => {
                out.push_str(&regex::escape(&c.to_string()));
                *i += 1;
            }
        }
    }
    if in_braces { None } else { Some(()) }
}

/// A regex class from the inside of `[…]`: single characters and `a-z` ranges.
fn class(inside: &[char], negated: bool) -> Option<String> {
    let mut out = String::from(if negated { "[^" } else { "[" });
    let mut j = 0;
    while j < inside.len() {
        let lo = inside[j];
        if inside.get(j + 1) == Some(&'-') && j + 2 < inside.len() {
            let hi = inside[j + 2];
            if hi < lo {
                return None;
            }
            out.push_str(&format!("{}-{}", escape_class(lo), escape_class(hi)));
            j += 3;
        } else {
            out.push_str(&escape_class(lo));
            j += 1;
        }
    }
    out.push(']');
    Some(out)
}

fn escape_class(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        format!("\\x{{{:x}}}", c as u32)
    }
}

/// Go's `path.Match` (and `filepath.Match` on Unix): `*` any run of
/// non-`/`, `?` one non-`/`, `[…]` classes with `^` negation and ranges,
/// `\` escapes. Err when the pattern is malformed (`ErrBadPattern`).
pub fn path_match(pattern: &str, name: &str) -> Result<bool, String> {
    let re = compile_path_pattern(pattern)
        .ok_or_else(|| format!("syntax error in pattern {pattern:?}"))?;
    Ok(re.is_match(name))
}

fn compile_path_pattern(pattern: &str) -> Option<Regex> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("(?s)^");
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                out.push_str("[^/]*");
                i += 1;
            }
            '?' => {
                out.push_str("[^/]");
                i += 1;
            }
            '[' => {
                i += 1;
                let negated = chars.get(i) == Some(&'^');
                if negated {
                    i += 1;
                }
                let mut items = String::new();
                let mut first = true;
                loop {
                    let c = *chars.get(i)?;
                    if c == ']' && !first {
                        i += 1;
                        break;
                    }
                    first = false;
                    let (lo, next) = class_char(&chars, i)?;
                    i = next;
                    if chars.get(i) == Some(&'-') {
                        let (hi, next) = class_char(&chars, i + 1)?;
                        if hi < lo {
                            return None;
                        }
                        i = next;
                        items.push_str(&format!("{}-{}", escape_class(lo), escape_class(hi)));
                    } else {
                        items.push_str(&escape_class(lo));
                    }
                }
                out.push_str(&format!("[{}{items}]", if negated { "^" } else { "" }));
            }
            '\\' => {
                let next = *chars.get(i + 1)?;
                out.push_str(&regex::escape(&next.to_string()));
                i += 2;
            }
            c => {
                out.push_str(&regex::escape(&c.to_string()));
                i += 1;
            }
        }
    }
    out.push('$');
    Regex::new(&out).ok()
}

/// One character of a `path.Match` class (escapes allowed; `-` and `]`
/// unescaped are malformed here).
fn class_char(chars: &[char], i: usize) -> Option<(char, usize)> {
    match chars.get(i)? {
        '\\' => Some((*chars.get(i + 1)?, i + 2)),
        '-' | ']' => None,
        c => Some((*c, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gobwas_globs_with_and_without_separators() {
        assert!(glob_match(
            "https://github.com/*/*",
            "https://github.com/org/repo",
            "/"
        ));
        assert!(!glob_match(
            "https://github.com/*",
            "https://github.com/org/repo",
            "/"
        ));
        assert!(glob_match(
            "https://github.com/**",
            "https://github.com/org/repo",
            "/"
        ));
        assert!(glob_match("*", "a/b", ""));
        assert!(glob_match("team-{a,b}-*", "team-b-web", ""));
        assert!(!glob_match("team-{a,b}-*", "team-c-web", ""));
        assert!(glob_match("[!x]y", "zy", ""));
        assert!(glob_match("a\\*", "a*", ""));
        assert!(!glob_match("a\\*", "ab", ""));
        assert!(!glob_match("[", "[", ""));
        assert!(glob_match("?b", "ab", "/"));
        assert!(!glob_match("?b", "/b", "/"));
    }

    #[test]
    fn go_path_match() {
        assert_eq!(path_match("*", "app1"), Ok(true));
        assert_eq!(path_match("*", "p1/app4"), Ok(false));
        assert_eq!(path_match("p1/*/*", "p1/p2/app3"), Ok(true));
        assert_eq!(path_match("a[^b]c", "axc"), Ok(true));
        assert_eq!(path_match("a[b-d]c", "acc"), Ok(true));
        assert_eq!(path_match("apps", "apps"), Ok(true));
        assert!(path_match("a[", "a").is_err());
        assert!(path_match("a[]", "a").is_err());
    }
}
