//! go-yaml's line folding, behind `kubectl kustomize`: a plain or quoted
//! scalar is broken at a single space once its line has passed 80
//! columns, the rest continuing two columns right of its key (or at the
//! column of a bare list item). Our emitter writes each scalar on one
//! line; this pass folds them the same way, so long descriptions and
//! annotations print as kubectl prints them.

/// The column past which go-yaml breaks a scalar at the next space.
const WIDTH: usize = 80;

/// `text` (a YAML document) with long scalars folded.
pub fn fold(text: &str) -> String {
    super::requote::map_lines(text, |line| {
        if line.chars().count() <= WIDTH + 1 {
            return line.to_string();
        }
        split(line).map_or_else(|| line.to_string(), |parts| fold_line(&parts))
    })
}

/// A line cut into what precedes its scalar and the scalar itself.
struct Parts<'a> {
    /// Everything before the value (`  key: `, `- `).
    prefix: &'a str,
    value: &'a str,
    /// Where continuation lines start.
    continuation: usize,
}

fn split(line: &str) -> Option<Parts<'_>> {
    let indent = line.len() - line.trim_start().len();
    let mut at = indent;
    while line[at..].starts_with("- ") {
        at += 2;
    }
    let rest = &line[at..];
    let key_end = match rest.chars().next()? {
        '"' | '\'' => {
            let close = quoted_end(rest)?;
            rest[close..].starts_with(": ").then_some(close)
        }
        _ => rest.find(": "),
    };
    match key_end {
        Some(end) => {
            let key_col = line[..at].chars().count();
            let value_at = at + end + 2;
            Some(Parts {
                prefix: &line[..value_at],
                value: &line[value_at..],
                continuation: key_col + 2,
            })
        }
        None => Some(Parts {
            prefix: &line[..at],
            value: rest,
            continuation: line[..at].chars().count(),
        }),
    }
}

/// The byte just past the closing quote of the quoted scalar `s` starts with.
pub(super) fn quoted_end(s: &str) -> Option<usize> {
    let quote = s.chars().next()?;
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            (q, c) if c == q => return Some(i + c.len_utf8()),
            _ => {}
        }
    }
    None
}

fn fold_line(parts: &Parts<'_>) -> String {
    let value = parts.value;
    let quote = match value.chars().next() {
        Some(q @ ('"' | '\'')) if quoted_end(value) == Some(value.len()) => Some(q),
        Some('"' | '\'' | '{' | '[' | '|' | '>' | '&' | '*' | '!') | None => {
            return format!("{}{}", parts.prefix, parts.value);
        }
        _ => None,
    };
    let chars: Vec<char> = value.chars().collect();
    // Inside quotes, a space next to the quotes is never a break.
    let (first, last) = match quote {
        Some(_) => (1, chars.len() - 1),
        None => (0, chars.len()),
    };
    let mut out = String::from(parts.prefix);
    let mut column = parts.prefix.chars().count();
    let mut spaces = false;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let inner = i > first && i + 1 < last;
            let next_is_space = chars.get(i + 1) == Some(&' ');
            let may_break = match quote {
                Some('"') => inner,
                Some(_) => inner && !next_is_space,
                None => !next_is_space,
            };
            if may_break && !spaces && column > WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(parts.continuation));
                column = parts.continuation;
                if quote == Some('"') && next_is_space {
                    out.push('\\');
                    column += 1;
                }
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            out.push(*c);
            column += 1;
            spaces = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    const LOREM: &str = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud";

    /// Each expectation is `kubectl kustomize`'s output for the same value.
    #[test]
    fn long_scalars_fold_as_kubectl_folds_them() {
        let text = format!(
            "a:\n  long: {LOREM}\n  quoted: 'key: {LOREM}'\nlist:\n- {LOREM}\n- desc: {LOREM}\n- - {LOREM}\nshort: x\n"
        );
        // The same text as the corpus case `yaml-long-scalars-folded`,
        // whose golden output comes from kubectl.
        let folded = fold(&text);
        assert!(folded.contains("  long: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n    incididunt ut"), "{folded}");
        assert!(folded.contains("- - Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n    incididunt"), "{folded}");
        assert!(folded.contains("  quoted: 'key: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n    tempor"), "{folded}");
        assert!(folded.ends_with("short: x\n"));
        assert!(folded.lines().all(|l| l.len() < 100), "{folded}");
    }

    #[test]
    fn block_scalars_and_keys_are_left_alone() {
        let text = format!("script: |\n  {LOREM}\n{}: x\n", "k".repeat(90));
        assert_eq!(fold(&text), text);
    }
}
