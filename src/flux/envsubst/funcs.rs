//! The operators of Flux's `${…}` expressions, on bytes as Go strings are:
//! lengths and offsets count bytes, replacements are literal (not globs),
//! and only the trims (`#`, `##`, `%`, `%%`) match shell globs.

use super::glob;
use super::scan::decode_rune;

/// The function an operator name stands for (with the number of
/// arguments, which tells `${#v}` from `${v#p}`).
pub(super) fn apply(name: &str, value: &[u8], args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    Ok(match name {
        "," => map_first(value, lower),
        ",," => map_all(value, lower),
        "^" => map_first(value, upper),
        "^^" => map_all(value, upper),
        "#" if args.is_empty() => value.len().to_string().into_bytes(),
        "#" => trim_prefix(value, args, Span::Shortest),
        "##" => trim_prefix(value, args, Span::Longest),
        "%" => trim_suffix(value, args, Span::Shortest),
        "%%" => trim_suffix(value, args, Span::Longest),
        ":" => substring(value, args)?,
        "/#" => replace_prefix(value, args),
        "/%" => replace_suffix(value, args),
        "/" => replace(value, args, Some(1)),
        "//" => replace(value, args, None),
        // `=`, `:=`, `:-`, `:?`, `:+` and any other name: Flux treats them
        // all as "the value, or the default when the value is empty".
        _ => default(value, args),
    })
}

/// Whether an operator supplies its own value for an unset variable (so
/// strict mode does not fail on it).
pub(super) fn is_default_operator(name: &str) -> bool {
    matches!(name, "-" | "+" | "=" | "?" | ":-" | ":+" | ":=" | ":?")
}

fn default(value: &[u8], args: &[Vec<u8>]) -> Vec<u8> {
    if value.is_empty() && !args.is_empty() {
        args.concat()
    } else {
        value.to_vec()
    }
}

/// Go's `unicode.ToLower` (simple case mapping).
fn lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// Go's `unicode.ToUpper` (simple case mapping).
fn upper(c: char) -> char {
    single(c.to_uppercase()).unwrap_or(c)
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

fn map_first(value: &[u8], f: fn(char) -> char) -> Vec<u8> {
    if value.is_empty() {
        return Vec::new();
    }
    let (r, n) = decode_rune(value);
    let mut out = f(r).to_string().into_bytes();
    out.extend_from_slice(&value[n..]);
    out
}

fn map_all(value: &[u8], f: fn(char) -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let (r, n) = decode_rune(rest);
        let valid = std::str::from_utf8(&rest[..n]).is_ok();
        if valid {
            out.extend_from_slice(f(r).to_string().as_bytes());
        } else {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
        rest = &rest[n..];
    }
    out
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn atoi(text: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(text).ok()?;
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `${v:offset}` / `${v:offset:length}` in bytes; an offset or length that
/// is not a number leaves the value as it is.
fn substring(value: &[u8], args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let Some(first) = args.first() else {
        return Ok(value.to_vec());
    };
    let Some(mut pos) = atoi(first) else {
        return Ok(value.to_vec());
    };
    let len = value.len() as i64;
    if pos < 0 {
        pos = (len + pos).max(0);
    }
    let Some(second) = args.get(1) else {
        return Ok(if pos < len {
            value[pos as usize..].to_vec()
        } else {
            Vec::new()
        });
    };
    let Some(length) = atoi(second) else {
        return Ok(value.to_vec());
    };
    if pos.saturating_add(length) >= len {
        return Ok(if pos < len {
            value[pos as usize..].to_vec()
        } else {
            Vec::new()
        });
    }
    if length < 0 {
        // Flux's controller panics here (a slice with its end before its
        // start); refuse the expression instead.
        return Err(format!("negative substring length {length}"));
    }
    Ok(value[pos as usize..(pos + length) as usize].to_vec())
}

/// Go's `strings.Replace(s, old, new, n)` on bytes: an empty `old` matches
/// before every UTF-8 sequence and at the end.
fn replace(value: &[u8], args: &[Vec<u8>], limit: Option<usize>) -> Vec<u8> {
    let Some(old) = args.first() else {
        return value.to_vec();
    };
    let new: &[u8] = args.get(1).map_or(&[], Vec::as_slice);
    let mut out = Vec::with_capacity(value.len());
    let mut done = 0;
    let mut i = 0;
    let can_replace = |done: usize| limit.is_none_or(|l| done < l);
    if old.is_empty() {
        while can_replace(done) {
            out.extend_from_slice(new);
            done += 1;
            if i >= value.len() {
                return out;
            }
            let (_, n) = decode_rune(&value[i..]);
            out.extend_from_slice(&value[i..i + n]);
            i += n;
        }
        out.extend_from_slice(&value[i..]);
        return out;
    }
    while i < value.len() {
        if can_replace(done) && value[i..].starts_with(old) {
            out.extend_from_slice(new);
            i += old.len();
            done += 1;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    out
}

fn replace_prefix(value: &[u8], args: &[Vec<u8>]) -> Vec<u8> {
    match args {
        [old, _] if value.starts_with(old) => replace(value, args, Some(1)),
        _ => value.to_vec(),
    }
}

fn replace_suffix(value: &[u8], args: &[Vec<u8>]) -> Vec<u8> {
    match args {
        [old, new] if value.ends_with(old) => {
            let mut out = value[..value.len() - old.len()].to_vec();
            out.extend_from_slice(new);
            out
        }
        _ => value.to_vec(),
    }
}

/// Which prefix a trim removes.
#[derive(Clone, Copy)]
enum Span {
    Shortest,
    Longest,
}

fn trim_prefix(value: &[u8], args: &[Vec<u8>], span: Span) -> Vec<u8> {
    match args.first() {
        Some(pattern) => trim(value, pattern, span),
        None => value.to_vec(),
    }
}

/// A suffix trim is a prefix trim of the reversed value with the reversed
/// pattern (reversed by runes, as Flux does: `[a-z]` stops being a class).
fn trim_suffix(value: &[u8], args: &[Vec<u8>], span: Span) -> Vec<u8> {
    match args.first() {
        Some(pattern) => reverse(&trim(&reverse(value), &reverse(pattern), span)),
        None => value.to_vec(),
    }
}

/// `value` without the shortest or longest non-empty prefix `pattern`
/// matches; unchanged when none does or the pattern is malformed.
fn trim(value: &[u8], pattern: &[u8], span: Span) -> Vec<u8> {
    let mut found: Option<usize> = None;
    for i in 0..value.len() {
        let end = value.len() - i;
        match glob::matches(pattern, &value[..end]) {
            Err(_) => return value.to_vec(),
            Ok(false) => {}
            Ok(true) => {
                found = Some(end);
                if matches!(span, Span::Longest) {
                    break;
                }
            }
        }
    }
    match found {
        Some(end) => value[end..].to_vec(),
        None => value.to_vec(),
    }
}

/// The runes of `value` in reverse order (invalid bytes become U+FFFD).
fn reverse(value: &[u8]) -> Vec<u8> {
    let mut runes = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (r, n) = decode_rune(rest);
        runes.push(r);
        rest = &rest[n..];
    }
    runes.iter().rev().collect::<String>().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, value: &str, args: &[&str]) -> String {
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        String::from_utf8(apply(name, value.as_bytes(), &args).unwrap()).unwrap()
    }

    #[test]
    fn substrings_count_bytes_and_clamp() {
        assert_eq!(call(":", "abcdef", &["2"]), "cdef");
        assert_eq!(call(":", "abcdef", &["-2"]), "ef");
        assert_eq!(call(":", "abcdef", &["9"]), "");
        assert_eq!(call(":", "abcdef", &["1", "2"]), "bc");
        assert_eq!(call(":", "abcdef", &["4", "9"]), "ef");
        assert_eq!(call(":", "abcdef", &["x"]), "abcdef");
        assert!(apply(":", b"abcdef", &[b"1".to_vec(), b"-1".to_vec()]).is_err());
    }

    #[test]
    fn replacements_are_literal() {
        assert_eq!(call("/", "a.b.c", &[".", "-"]), "a-b.c");
        assert_eq!(call("//", "a.b.c", &[".", "-"]), "a-b-c");
        assert_eq!(call("//", "a.b.c", &["."]), "abc");
        assert_eq!(call("//", "ab", &["", "-"]), "-a-b-");
        assert_eq!(call("/", "ab", &["", "-"]), "-ab");
        assert_eq!(call("/#", "abab", &["ab", "x"]), "xab");
        assert_eq!(call("/#", "abab", &["ab"]), "abab");
        assert_eq!(call("/%", "abab", &["ab", "x"]), "abx");
        assert_eq!(call("/%", "abab", &["b", "x"]), "abax");
    }

    #[test]
    fn trims_match_globs() {
        assert_eq!(call("#", "a.b.c", &["*."]), "b.c");
        assert_eq!(call("##", "a.b.c", &["*."]), "c");
        assert_eq!(call("%", "a.b.c", &[".*"]), "a.b");
        assert_eq!(call("%%", "a.b.c", &[".*"]), "a");
        assert_eq!(call("#", "abc", &["x*"]), "abc");
        assert_eq!(call("#", "abc", &["["]), "abc");
    }

    #[test]
    fn cases_map_runes_and_defaults_fill_empty_values() {
        assert_eq!(call("^", "ébc", &[]), "Ébc");
        assert_eq!(call(",,", "ÀB", &[]), "àb");
        assert_eq!(call("^^", "straße", &[]), "STRAßE");
        assert_eq!(call("#", "日本", &[]), "6");
        assert_eq!(call(":=", "", &["x", "y"]), "xy");
        assert_eq!(call(":=", "v", &["x"]), "v");
        assert_eq!(call(",^", "v", &[]), "v");
    }
}
