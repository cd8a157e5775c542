//! The parser of Flux's `${…}` expressions into a tree of text runs and
//! function calls, with the grammar (and the errors) of fluxcd/pkg
//! `envsubst/parse/parse.go`.

use super::EnvsubstError;
use super::scan::{
    Accept, ESCAPE, ESCAPE_BACKSLASH, ESCAPE_DOLLAR, IDENT, LBRACK, RBRACK, Scanner, Token,
};

/// A parsed expression tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// Literal bytes.
    Text(Vec<u8>),
    /// `${param}`, or an operator `name` applied to `param` with `args`.
    Func {
        param: String,
        name: String,
        args: Vec<Node>,
    },
}

/// The nodes of `text`, in order.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, EnvsubstError> {
    let mut p = Parser {
        s: Scanner::new(text),
    };
    let mut nodes = Vec::new();
    loop {
        p.s.accept = Accept::Any;
        p.s.mode = IDENT | LBRACK | ESCAPE;
        p.s.escapes = ESCAPE_DOLLAR;
        match p.s.scan() {
            Token::Ident => nodes.push(Node::Text(p.s.text())),
            Token::Eof => return Ok(nodes),
            Token::Lbrack => nodes.push(p.func()?),
            _ => return Err(EnvsubstError::BadSubstitution),
        }
    }
}

struct Parser {
    s: Scanner,
}

fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

impl Parser {
    /// After `${`: a variable with an optional operator, up to `}`.
    fn func(&mut self) -> Result<Node, EnvsubstError> {
        self.s.escapes = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;
        if self.s.peek() == '#' {
            return self.length();
        }
        self.s.accept = Accept::Ident;
        self.s.mode = IDENT;
        let name = match self.s.scan() {
            Token::Ident => text_of(self.s.text()),
            _ => return Err(EnvsubstError::VariableName),
        };
        match self.s.peek() {
            ':' => return self.default_or_substring(name),
            '=' => return self.default(name),
            ',' | '^' => return self.casing(name),
            '/' => return self.replace(name),
            '#' => return self.remove(name, Accept::HashFunc),
            '%' => return self.remove(name, Accept::PercentFunc),
            _ => {}
        }
        self.s.accept = Accept::Ident;
        self.s.mode = RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(Node::Func {
                param: name,
                name: String::new(),
                args: Vec::new(),
            }),
            _ => Err(EnvsubstError::MissingClosingBrace),
        }
    }

    /// One argument: a nested `${…}` or a run of text.
    fn param(&mut self, accept: Accept, mode: u8) -> Result<Node, EnvsubstError> {
        self.s.accept = accept;
        self.s.mode = mode | LBRACK;
        match self.s.scan() {
            Token::Lbrack => self.func(),
            Token::Ident | Token::Rbrack => Ok(Node::Text(self.s.text())),
            _ => Err(EnvsubstError::FuncSubstitution),
        }
    }

    /// The operator name scanned under `accept`, or `error`.
    fn operator(&mut self, accept: Accept, error: EnvsubstError) -> Result<String, EnvsubstError> {
        self.s.accept = accept;
        self.s.mode = IDENT;
        match self.s.scan() {
            Token::Ident => Ok(text_of(self.s.text())),
            _ => Err(error),
        }
    }

    fn default_or_substring(&mut self, name: String) -> Result<Node, EnvsubstError> {
        self.s.read();
        let next = self.s.peek();
        self.s.unread();
        match next {
            '=' | '-' | '?' | '+' => self.default(name),
            _ => self.substring(name),
        }
    }

    /// `${v:offset}` and `${v:offset:length}`.
    fn substring(&mut self, param: String) -> Result<Node, EnvsubstError> {
        let name = self.operator(Accept::OneColon, EnvsubstError::BadSubstitution)?;
        let mut args = vec![self.param(Accept::NotColonClose, IDENT)?];
        self.s.accept = Accept::Colon;
        self.s.mode = IDENT | RBRACK;
        match self.s.scan() {
            Token::Rbrack => return Ok(Node::Func { param, name, args }),
            Token::Ident => {}
            _ => return Err(EnvsubstError::BadSubstitution),
        }
        args.push(self.param(Accept::NotClosing, IDENT)?);
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    /// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`.
    fn remove(&mut self, param: String, accept: Accept) -> Result<Node, EnvsubstError> {
        let name = self.operator(accept, EnvsubstError::BadSubstitution)?;
        let args = vec![self.param(Accept::NotClosing, IDENT)?];
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    /// `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`, `${v/%p/r}` (the replacement
    /// may be empty).
    fn replace(&mut self, param: String) -> Result<Node, EnvsubstError> {
        let name = self.operator(Accept::ReplaceFunc, EnvsubstError::BadSubstitution)?;
        let mut args = vec![self.param(Accept::NotSlash, IDENT | ESCAPE)?];
        self.operator(Accept::Slash, EnvsubstError::BadSubstitution)?;
        if self.s.peek() == '}' {
            self.close()?;
            return Ok(Node::Func { param, name, args });
        }
        args.push(self.param(Accept::NotClosing, IDENT | ESCAPE)?);
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    /// `${v=d}`, `${v:=d}`, `${v:-d}`, `${v:?d}`, `${v:+d}`: the default is
    /// any mix of text and nested expressions.
    fn default(&mut self, param: String) -> Result<Node, EnvsubstError> {
        let accept = if self.s.peek() == '=' {
            Accept::OneEqual
        } else {
            Accept::DefaultFunc
        };
        let name = self.operator(accept, EnvsubstError::DefaultFunction)?;
        let mut args = Vec::new();
        loop {
            if self.s.peek() == '}' {
                self.close()?;
                return Ok(Node::Func { param, name, args });
            }
            args.push(self.param(Accept::NotClosing, IDENT)?);
        }
    }

    /// `${v,}`, `${v,,}`, `${v^}`, `${v^^}`.
    fn casing(&mut self, param: String) -> Result<Node, EnvsubstError> {
        let name = self.operator(Accept::CasingFunc, EnvsubstError::BadSubstitution)?;
        self.close()?;
        Ok(Node::Func {
            param,
            name,
            args: Vec::new(),
        })
    }

    /// `${#v}`.
    fn length(&mut self) -> Result<Node, EnvsubstError> {
        let name = self.operator(Accept::OneHash, EnvsubstError::BadSubstitution)?;
        let param = self.operator(Accept::Ident, EnvsubstError::BadSubstitution)?;
        self.close()?;
        Ok(Node::Func {
            param,
            name,
            args: Vec::new(),
        })
    }

    fn close(&mut self) -> Result<(), EnvsubstError> {
        self.s.mode = RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(()),
            _ => Err(EnvsubstError::BadSubstitution),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.as_bytes().to_vec())
    }

    fn func(param: &str, name: &str, args: Vec<Node>) -> Node {
        Node::Func {
            param: param.into(),
            name: name.into(),
            args,
        }
    }

    #[test]
    fn parses_the_upstream_grammar_examples() {
        let cases: Vec<(&str, Vec<Node>)> = vec![
            ("}text", vec![text("}text")]),
            ("$$string", vec![text("$string")]),
            (r"\\.\pipe", vec![text(r"\\.\pipe")]),
            (
                "${s:pos:len}",
                vec![func("s", ":", vec![text("pos"), text("len")])],
            ),
            ("${s##sub}", vec![func("s", "##", vec![text("sub")])]),
            (
                "${s/%a/b}",
                vec![func("s", "/%", vec![text("a"), text("b")])],
            ),
            ("${s:?d}", vec![func("s", ":?", vec![text("d")])]),
            ("${#s}", vec![func("s", "#", vec![])]),
            ("${s#$%:*{}", vec![func("s", "#", vec![text("$%:*{")])]),
            (
                r"${s/\/pos\\/len}",
                vec![func("s", "/", vec![text(r"/pos\"), text("len")])],
            ),
            (
                "a ${#s} b",
                vec![text("a "), func("s", "#", vec![]), text(" b")],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn rejects_what_flux_rejects() {
        let cases = [
            ("${}", EnvsubstError::VariableName),
            ("${var", EnvsubstError::MissingClosingBrace),
            ("${var+d}", EnvsubstError::MissingClosingBrace),
            ("${var-d}", EnvsubstError::MissingClosingBrace),
            ("${var?d}", EnvsubstError::MissingClosingBrace),
            ("${var:}", EnvsubstError::FuncSubstitution),
            ("${var/a}", EnvsubstError::BadSubstitution),
            ("${#}", EnvsubstError::BadSubstitution),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Err(want), "{input}");
        }
    }
}
