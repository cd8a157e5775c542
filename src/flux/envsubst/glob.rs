//! Shell glob matching over bytes, as Go's `path.Match` does it, in the
//! variant fluxcd/pkg `envsubst/path` uses for `${v#p}`-style trims: `*`
//! also crosses `/` and a trailing `*` matches whatever is left. Also used
//! for single path components by the `.sourceignore` matcher, where the two
//! variants agree (a component holds no `/`).
//!
//! `*` any sequence, `?` one character, `[…]` / `[^…]` a class with
//! ranges, `\c` a literal `c`. A malformed pattern is an error.

use super::scan::decode_rune;

/// The pattern is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// Whether all of `name` matches `pattern`.
pub(crate) fn matches(pattern: &[u8], name: &[u8]) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(true);
        }
        let first = match_chunk(chunk, name);
        if let Ok(Some(t)) = first
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        first?;
        if star {
            for i in 0..name.len() {
                match match_chunk(chunk, &name[i + 1..]) {
                    Ok(Some(t)) => {
                        if pattern.is_empty() && !t.is_empty() {
                            continue;
                        }
                        name = t;
                        continue 'chunks;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// The next segment: whether stars precede it, the star-free chunk, and
/// the rest of the pattern.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut pattern = pattern;
    let mut star = false;
    while let Some(b'*') = pattern.first() {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// The rest of `s` after `chunk` matched its start; None when it does not.
fn match_chunk<'s>(chunk: &[u8], s: &'s [u8]) -> Result<Option<&'s [u8]>, BadPattern> {
    let mut chunk = chunk;
    let mut s = s;
    while !chunk.is_empty() {
        if s.is_empty() {
            return Ok(None);
        }
        match chunk[0] {
            b'[' => {
                let (r, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = class_char(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    return Ok(None);
                }
            }
            b'?' => {
                let (_, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
            }
            c => {
                let literal = if c == b'\\' {
                    chunk = &chunk[1..];
                    *chunk.first().ok_or(BadPattern)?
                } else {
                    c
                };
                if literal != s[0] {
                    return Ok(None);
                }
                s = &s[1..];
                chunk = &chunk[1..];
            }
        }
    }
    Ok(Some(s))
}

/// A possibly escaped character of a class, and the rest of the chunk
/// (which must not be empty: a class needs its `]`).
fn class_char(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    let rest = &chunk[n..];
    if (r == char::REPLACEMENT_CHARACTER && n == 1) || rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> Result<bool, BadPattern> {
        matches(p.as_bytes(), n.as_bytes())
    }

    #[test]
    fn matches_like_go() {
        assert_eq!(m("*.", "bash."), Ok(true));
        assert_eq!(m("*.", "bash.string."), Ok(true));
        assert_eq!(m("*/", "path/to/"), Ok(true));
        assert_eq!(m("a*", "a/b/c"), Ok(true));
        assert_eq!(m("a?c", "abc"), Ok(true));
        assert_eq!(m("a?c", "ac"), Ok(false));
        assert_eq!(m("[a-c]x", "bx"), Ok(true));
        assert_eq!(m("[^a-c]x", "bx"), Ok(false));
        assert_eq!(m(r"\*", "*"), Ok(true));
        assert_eq!(m("*.yaml", "x.yaml"), Ok(true));
        assert_eq!(m("*.yaml", "x.yml"), Ok(false));
        assert_eq!(m("a*b*c", "axxbyyc"), Ok(true));
        assert_eq!(m("[", "a"), Err(BadPattern));
        assert_eq!(m("[]a]", "a"), Err(BadPattern));
        assert_eq!(m(r"a\", "a"), Ok(false));
        assert_eq!(m(r"a\", "ab"), Err(BadPattern));
    }
}
