//! Tokens of Go's text/template: text between actions, and inside
//! `{{ … }}` the words of pipelines. Trim markers (`{{- ` / ` -}}`) and
//! comments are handled here.

/// One token with its byte offset in the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Tok,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Text(String),
    LeftDelim,
    RightDelim,
    /// Whitespace inside an action (separates arguments).
    Space,
    /// A function name or keyword (`if`, `range`, `else`, `end`, …).
    Ident(String),
    /// `.name` (without the dot).
    Field(String),
    /// `$` or `$name` (with the `$`).
    Variable(String),
    Dot,
    /// A quoted or raw string, unquoted.
    Str(String),
    /// A character constant (`'a'`), as its code point.
    Char(char),
    /// A number as written.
    Number(String),
    Bool(bool),
    Nil,
    Pipe,
    Declare,
    Assign,
    LParen,
    RParen,
    Comma,
    Eof,
}

/// Splits `input` into tokens, or a message with the byte offset of the
/// problem.
pub fn lex(input: &str) -> Result<Vec<Token>, (usize, String)> {
    let mut lexer = Lexer {
        input,
        pos: 0,
        tokens: Vec::new(),
        paren_depth: 0,
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    paren_depth: usize,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn push(&mut self, kind: Tok, pos: usize) {
        self.tokens.push(Token { kind, pos });
    }

    fn run(&mut self) -> Result<(), (usize, String)> {
        let mut trim_next_text = false;
        loop {
            let start = self.pos;
            let next = self.rest().find("{{").map(|i| self.pos + i);
            let end = next.unwrap_or(self.input.len());
            let mut text = &self.input[start..end];
            if trim_next_text {
                text = text.trim_start_matches(is_space);
            }
            // `{{- ` trims the text before it.
            let left_trim = next.is_some_and(|n| {
                let after = &self.input[n + 2..];
                after.starts_with('-') && after[1..].starts_with(is_space)
            });
            if left_trim {
                text = text.trim_end_matches(is_space);
            }
            if !text.is_empty() {
                self.push(Tok::Text(text.to_string()), start);
            }
            let Some(open) = next else {
                self.push(Tok::Eof, self.input.len());
                return Ok(());
            };
            self.pos = open + 2 + if left_trim { 2 } else { 0 };
            trim_next_text = self.action(open)?;
        }
    }

    /// Lexes one action after `{{`; true when it ends with ` -}}`.
    fn action(&mut self, open: usize) -> Result<bool, (usize, String)> {
        // Comments: `{{/* … */}}`, possibly with trim markers.
        let ws = self.rest().len() - self.rest().trim_start_matches(is_space).len();
        if self.rest()[ws..].starts_with("/*") {
            let body_start = self.pos + ws;
            let Some(end) = self.input[body_start..].find("*/") else {
                return Err((open, "unclosed comment".into()));
            };
            self.pos = body_start + end + 2;
            return self.close_after_comment(open);
        }
        self.push(Tok::LeftDelim, open);
        self.paren_depth = 0;
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Err((open, "unclosed action".into()));
            }
            let trimmed = rest.trim_start_matches(is_space);
            let ws = rest.len() - trimmed.len();
            if ws > 0 && trimmed.starts_with("-}}") {
                if self.paren_depth > 0 {
                    return Err((self.pos, "unclosed left paren".into()));
                }
                self.push(Tok::RightDelim, self.pos + ws);
                self.pos += ws + 3;
                return Ok(true);
            }
            if rest.starts_with("}}") {
                if self.paren_depth > 0 {
                    return Err((self.pos, "unclosed left paren".into()));
                }
                self.push(Tok::RightDelim, self.pos);
                self.pos += 2;
                return Ok(false);
            }
            self.token(open)?;
        }
    }

    fn close_after_comment(&mut self, open: usize) -> Result<bool, (usize, String)> {
        let rest = self.rest();
        let trimmed = rest.trim_start_matches(is_space);
        let ws = rest.len() - trimmed.len();
        if ws > 0 && trimmed.starts_with("-}}") {
            self.pos += ws + 3;
            return Ok(true);
        }
        if rest.starts_with("}}") {
            self.pos += 2;
            return Ok(false);
        }
        Err((open, "comment ends before closing delimiter".into()))
    }

    fn token(&mut self, open: usize) -> Result<(), (usize, String)> {
        let start = self.pos;
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Err((open, "unclosed action".into()));
        };
        if is_space(c) {
            let len = rest.len() - rest.trim_start_matches(is_space).len();
            self.pos += len;
            self.push(Tok::Space, start);
            return Ok(());
        }
        match c {
            '|' => self.single(Tok::Pipe),
            '(' => {
                self.paren_depth += 1;
                self.single(Tok::LParen)
            }
            ')' => {
                if self.paren_depth == 0 {
                    return Err((start, "unexpected right paren".into()));
                }
                self.paren_depth -= 1;
                self.single(Tok::RParen)
            }
            ',' => self.single(Tok::Comma),
            ':' => {
                if rest.starts_with(":=") {
                    self.pos += 2;
                    self.push(Tok::Declare, start);
                    Ok(())
                } else {
                    Err((start, "expected :=".into()))
                }
            }
            '=' => self.single(Tok::Assign),
            '"' => self.quoted(start),
            '`' => {
                let Some(end) = rest[1..].find('`') else {
                    return Err((start, "unterminated raw quoted string".into()));
                };
                self.pos += end + 2;
                self.push(Tok::Str(rest[1..end + 1].to_string()), start);
                Ok(())
            }
            '\'' => self.char_constant(start),
            '$' => {
                let len = 1 + rest[1..]
                    .find(|c: char| !is_alnum(c))
                    .unwrap_or(rest.len() - 1);
                self.pos += len;
                self.push(Tok::Variable(rest[..len].to_string()), start);
                Ok(())
            }
            '.' => {
                let next = rest[1..].chars().next();
                if next.is_some_and(|c| c.is_ascii_digit()) {
                    return self.number(start);
                }
                if next.is_some_and(is_alnum) {
                    let len = 1 + rest[1..]
                        .find(|c: char| !is_alnum(c))
                        .unwrap_or(rest.len() - 1);
                    self.pos += len;
                    self.push(Tok::Field(rest[1..len].to_string()), start);
                } else {
                    self.pos += 1;
                    self.push(Tok::Dot, start);
                }
                Ok(())
            }
            '+' | '-' | '0'..='9' => self.number(start),
            c if is_alnum(c) => {
                let len = rest.find(|c: char| !is_alnum(c)).unwrap_or(rest.len());
                let word = &rest[..len];
                self.pos += len;
                let kind = match word {
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    "nil" => Tok::Nil,
                    _ => Tok::Ident(word.to_string()),
                };
                self.push(kind, start);
                Ok(())
            }
            other => Err((
                start,
                format!("unrecognized character in action: {other:?}"),
            )),
        }
    }

    fn single(&mut self, kind: Tok) -> Result<(), (usize, String)> {
        let start = self.pos;
        self.pos += 1;
        self.push(kind, start);
        Ok(())
    }

    fn number(&mut self, start: usize) -> Result<(), (usize, String)> {
        let rest = self.rest();
        let mut len = 0;
        let bytes = rest.as_bytes();
        if matches!(bytes.first(), Some(b'+' | b'-')) {
            len = 1;
        }
        while len < bytes.len() {
            let b = bytes[len];
            let prev = if len > 0 { bytes[len - 1] } else { 0 };
            let ok = b.is_ascii_alphanumeric()
                || b == b'_'
                || b == b'.'
                || ((b == b'+' || b == b'-') && matches!(prev, b'e' | b'E' | b'p' | b'P'));
            if !ok {
                break;
            }
            len += 1;
        }
        let text = &rest[..len];
        if text == "+" || text == "-" {
            return Err((start, format!("bad number syntax: {text:?}")));
        }
        self.pos += len;
        self.push(Tok::Number(text.to_string()), start);
        Ok(())
    }

    fn quoted(&mut self, start: usize) -> Result<(), (usize, String)> {
        let rest = &self.input[start + 1..];
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = start + 1 + i + 1;
                    self.push(Tok::Str(out), start);
                    return Ok(());
                }
                '\n' => break,
                '\\' => {
                    let (_, e) = chars
                        .next()
                        .ok_or((start, "unterminated quoted string".to_string()))?;
                    out.push(
                        unescape(e, &mut chars)
                            .ok_or((start, "invalid syntax in quoted string".to_string()))?,
                    );
                }
                c => out.push(c),
            }
        }
        Err((start, "unterminated quoted string".into()))
    }

    fn char_constant(&mut self, start: usize) -> Result<(), (usize, String)> {
        let rest = &self.input[start + 1..];
        let mut chars = rest.char_indices();
        let bad = || (start, "malformed character constant".to_string());
        let (_, c) = chars.next().ok_or_else(bad)?;
        let value = if c == '\\' {
            let (_, e) = chars.next().ok_or_else(bad)?;
            unescape(e, &mut chars).ok_or_else(bad)?
        } else {
            c
        };
        match chars.next() {
            Some((i, '\'')) => {
                self.pos = start + 1 + i + 1;
                self.push(Tok::Char(value), start);
                Ok(())
            }
            _ => Err(bad()),
        }
    }
}

/// The character of a Go escape sequence after the backslash.
fn unescape(e: char, chars: &mut std::str::CharIndices<'_>) -> Option<char> {
    let hex = |chars: &mut std::str::CharIndices<'_>, n: usize| -> Option<char> {
        let digits: String = (0..n)
            .filter_map(|_| chars.next().map(|(_, c)| c))
            .collect();
        if digits.len() != n {
            return None;
        }
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    };
    Some(match e {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '\\' => '\\',
        '"' => '"',
        '\'' => '\'',
        'x' => hex(chars, 2)?,
        'u' => hex(chars, 4)?,
        'U' => hex(chars, 8)?,
        '0'..='7' => {
            let rest: String = (0..2)
                .filter_map(|_| chars.next().map(|(_, c)| c))
                .collect();
            char::from_u32(u32::from_str_radix(&format!("{e}{rest}"), 8).ok()?)?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn trims_and_comments() {
        assert_eq!(
            kinds("a  {{- .x -}}  b"),
            vec![
                Tok::Text("a".into()),
                Tok::LeftDelim,
                Tok::Field("x".into()),
                Tok::RightDelim,
                Tok::Text("b".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("a {{/* c */}} b"),
            vec![Tok::Text("a ".into()), Tok::Text(" b".into()), Tok::Eof]
        );
        assert_eq!(
            kinds("a {{- /* c */ -}} b"),
            vec![Tok::Text("a".into()), Tok::Text("b".into()), Tok::Eof]
        );
        assert_eq!(
            kinds("{{-3}}"),
            vec![
                Tok::LeftDelim,
                Tok::Number("-3".into()),
                Tok::RightDelim,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn words() {
        assert_eq!(
            kinds(r#"{{ $x := index .a "k\n" 1.5e3 'c' `r}}` | f (g) }}"#)[..],
            [
                Tok::LeftDelim,
                Tok::Space,
                Tok::Variable("$x".into()),
                Tok::Space,
                Tok::Declare,
                Tok::Space,
                Tok::Ident("index".into()),
                Tok::Space,
                Tok::Field("a".into()),
                Tok::Space,
                Tok::Str("k\n".into()),
                Tok::Space,
                Tok::Number("1.5e3".into()),
                Tok::Space,
                Tok::Char('c'),
                Tok::Space,
                Tok::Str("r}}".into()),
                Tok::Space,
                Tok::Pipe,
                Tok::Space,
                Tok::Ident("f".into()),
                Tok::Space,
                Tok::LParen,
                Tok::Ident("g".into()),
                Tok::RParen,
                Tok::Space,
                Tok::RightDelim,
                Tok::Eof
            ]
        );
        assert!(lex("{{ .x ").is_err());
        assert!(lex("{{ \"x }}").is_err());
    }
}
