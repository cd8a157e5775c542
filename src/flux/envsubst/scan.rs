//! The lexer of Flux's `${…}` expressions: a rune reader over a byte
//! buffer with the primitive moves the parser drives (read, unread, peek,
//! skip an escape character), and one token at a time under a mode and an
//! acceptance rule the parser sets before each scan.
//!
//! Behaviour follows fluxcd/pkg `envsubst/parse/scan.go` move for move —
//! including `unread` stepping back by the width of the *last* rune read,
//! and a NUL byte reading as the end of input — so that odd inputs fail
//! (or pass) exactly where Flux's do.

/// What `read` returns at the end of the buffer (and for a NUL byte).
pub(super) const EOF: char = '\0';

/// Recognise identifier runs.
pub(super) const IDENT: u8 = 1;
/// Recognise `${`.
pub(super) const LBRACK: u8 = 1 << 1;
/// Recognise `}`.
pub(super) const RBRACK: u8 = 1 << 2;
/// Drop escape characters inside identifier runs.
pub(super) const ESCAPE: u8 = 1 << 3;

/// `$$` is an escaped `$`.
pub(super) const ESCAPE_DOLLAR: u8 = 1;
/// `\/` and `\\` are escaped `/` and `\`.
pub(super) const ESCAPE_BACKSLASH: u8 = 1 << 1;

/// A token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    Illegal,
    Eof,
    Ident,
    Lbrack,
    Rbrack,
}

/// Which runes an identifier run takes; `i` is the byte offset of the end
/// of the rune from the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Accept {
    Any,
    Ident,
    Colon,
    OneHash,
    NotClosing,
    HashFunc,
    PercentFunc,
    DefaultFunc,
    ReplaceFunc,
    OneEqual,
    OneColon,
    NotColonClose,
    Slash,
    NotSlash,
    CasingFunc,
}

impl Accept {
    fn takes(self, r: char, i: usize) -> bool {
        match self {
            Accept::Any => true,
            Accept::Ident => r.is_alphabetic() || r.is_numeric() || r == '_',
            Accept::Colon => r == ':',
            Accept::OneHash => r == '#' && i == 1,
            Accept::NotClosing => r != '}',
            Accept::HashFunc => r == '#' && i < 3,
            Accept::PercentFunc => r == '%' && i < 3,
            Accept::DefaultFunc => {
                (i == 1 && r == ':') || (i == 2 && matches!(r, '=' | '-' | '?' | '+'))
            }
            Accept::ReplaceFunc => (i == 1 && r == '/') || (i == 2 && matches!(r, '/' | '#' | '%')),
            Accept::OneEqual => i == 1 && r == '=',
            Accept::OneColon => i == 1 && r == ':',
            Accept::NotColonClose => r != ':' && r != '}',
            Accept::Slash => r == '/',
            Accept::NotSlash => r != '/',
            Accept::CasingFunc => (r == ',' || r == '^') && i < 3,
        }
    }
}

/// The scanner state.
pub(super) struct Scanner {
    buf: Vec<u8>,
    pos: usize,
    start: usize,
    width: usize,
    pub mode: u8,
    pub escapes: u8,
    pub accept: Accept,
}

impl Scanner {
    pub fn new(text: &str) -> Self {
        Self {
            buf: text.as_bytes().to_vec(),
            pos: 0,
            start: 0,
            width: 0,
            mode: 0,
            escapes: 0,
            accept: Accept::Any,
        }
    }

    /// The next rune (U+FFFD for a byte that starts no valid sequence).
    pub fn read(&mut self) -> char {
        if self.pos >= self.buf.len() {
            self.width = 0;
            return EOF;
        }
        let (r, w) = decode_rune(&self.buf[self.pos..]);
        self.width = w;
        self.pos += w;
        r
    }

    /// Steps back by the width of the last rune read.
    pub fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
    }

    /// The next rune, not consumed.
    pub fn peek(&mut self) -> char {
        let r = self.read();
        self.unread();
        r
    }

    /// Removes the byte before the read position (an escape character), so
    /// the character it escapes becomes part of the current run.
    fn skip(&mut self) {
        if self.pos > 0 && self.pos <= self.buf.len() {
            self.buf.remove(self.pos - 1);
        }
    }

    /// The text of the last token.
    pub fn text(&self) -> Vec<u8> {
        self.buf
            .get(self.start..self.pos)
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    /// The next token under the current mode and acceptance rule.
    pub fn scan(&mut self) -> Token {
        self.start = self.pos;
        let r = self.read();
        if r == EOF {
            Token::Eof
        } else if self.scan_lbrack(r) {
            Token::Lbrack
        } else if self.scan_rbrack(r) {
            Token::Rbrack
        } else if self.scan_ident(r) {
            Token::Ident
        } else {
            Token::Illegal
        }
    }

    fn scan_ident(&mut self, r: char) -> bool {
        if self.mode & IDENT == 0 {
            return false;
        }
        if self.scan_escaped(r) {
            self.skip();
        } else if !self.accept.takes(r, self.pos - self.start) {
            return false;
        }
        loop {
            let r = self.read();
            if r == EOF {
                self.unread();
                break;
            }
            if self.scan_lbrack(r) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(r) {
                self.skip();
                continue;
            }
            if !self.accept.takes(r, self.pos - self.start) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_lbrack(&mut self, r: char) -> bool {
        if self.mode & LBRACK == 0 || r != '$' {
            return false;
        }
        if self.read() == '{' {
            return true;
        }
        self.unread();
        false
    }

    fn scan_rbrack(&self, r: char) -> bool {
        self.mode & RBRACK != 0 && r == '}'
    }

    fn scan_escaped(&mut self, r: char) -> bool {
        if self.mode & ESCAPE == 0 {
            return false;
        }
        if r == '$' && self.escapes & ESCAPE_DOLLAR != 0 && self.peek() == '$' {
            return true;
        }
        if r == '\\' && self.escapes & ESCAPE_BACKSLASH != 0 {
            return matches!(self.peek(), '/' | '\\');
        }
        false
    }
}

/// Go's `utf8.DecodeRune`: the first rune and its width; an invalid or
/// truncated sequence is U+FFFD of width 1, an empty slice U+FFFD of 0.
pub(super) fn decode_rune(bytes: &[u8]) -> (char, usize) {
    if bytes.is_empty() {
        return (char::REPLACEMENT_CHARACTER, 0);
    }
    let end = bytes.len().min(4);
    let valid = match std::str::from_utf8(&bytes[..end]) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    match valid.chars().next() {
        Some(c) => (c, c.len_utf8()),
        None => (char::REPLACEMENT_CHARACTER, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_runes_as_go_does() {
        assert_eq!(decode_rune("é!".as_bytes()), ('é', 2));
        assert_eq!(decode_rune(&[0xC3]), (char::REPLACEMENT_CHARACTER, 1));
        assert_eq!(decode_rune(&[0xFF, b'a']), (char::REPLACEMENT_CHARACTER, 1));
        assert_eq!(decode_rune(&[]), (char::REPLACEMENT_CHARACTER, 0));
    }

    #[test]
    fn a_dollar_pair_is_one_literal_dollar_in_a_run() {
        let mut s = Scanner::new("$${x}");
        s.mode = IDENT | LBRACK | ESCAPE;
        s.escapes = ESCAPE_DOLLAR;
        assert_eq!(s.scan(), Token::Ident);
        assert_eq!(s.text(), b"${x}");
        assert_eq!(s.scan(), Token::Eof);
    }

    #[test]
    fn a_run_stops_before_an_opening_brace() {
        let mut s = Scanner::new("ab${x}");
        s.mode = IDENT | LBRACK;
        assert_eq!(s.scan(), Token::Ident);
        assert_eq!(s.text(), b"ab");
        assert_eq!(s.scan(), Token::Lbrack);
    }
}
