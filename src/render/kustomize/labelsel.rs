//! Kubernetes label selectors (`a=b,c!=d,e in (x,y),!f,g,h>1`) as
//! apimachinery parses and matches them, with its validation of keys and
//! values: kustomize selects patch, replacement and plugin targets with
//! them.

use regex::Regex;
use std::sync::LazyLock;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Equals,
    NotEquals,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

#[derive(Debug, Clone)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = labels.iter().find(|(k, _)| *k == self.key).map(|(_, v)| v);
        let has = |v: &String| self.values.contains(v);
        match self.op {
            Op::In | Op::Equals => value.is_some_and(has),
            Op::NotIn | Op::NotEquals => value.is_none_or(|v| !has(v)),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
            Op::GreaterThan | Op::LessThan => {
                let (Some(have), Some(want)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.op == Op::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

/// A parsed selector (empty: matches everything).
#[derive(Debug, Clone, Default)]
pub(crate) struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses `text`; Err says what is wrong.
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        let tokens = lex(text)?;
        let mut p = Parser { tokens, pos: 0 };
        let requirements = p.parse()?;
        Ok(LabelSelector { requirements })
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier(String),
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

impl Tok {
    fn literal(&self) -> String {
        match self {
            Tok::End => String::new(),
            Tok::ClosedPar => ")".into(),
            Tok::Comma => ",".into(),
            Tok::DoesNotExist => "!".into(),
            Tok::DoubleEquals => "==".into(),
            Tok::Equals => "=".into(),
            Tok::GreaterThan => ">".into(),
            Tok::Identifier(s) => s.clone(),
            Tok::In => "in".into(),
            Tok::LessThan => "<".into(),
            Tok::NotEquals => "!=".into(),
            Tok::NotIn => "notin".into(),
            Tok::OpenPar => "(".into(),
        }
    }

    /// In a values context `in`/`notin` are identifiers.
    fn into_value(self) -> Tok {
        match self {
            Tok::In => Tok::Identifier("in".into()),
            Tok::NotIn => Tok::Identifier("notin".into()),
            other => other,
        }
    }
}

fn symbol(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            out.push(Tok::End);
            return Ok(out);
        }
        if is_special(b[i]) {
            let mut last: Option<(Tok, usize)> = None;
            let mut j = i;
            while j < b.len() && is_special(b[j]) {
                j += 1;
                match symbol(&text[i..j]) {
                    Some(t) => last = Some((t, j)),
                    None if last.is_some() => break,
                    None => {}
                }
            }
            match last {
                Some((t, end)) => {
                    out.push(t);
                    i = end;
                }
                None => {
                    return Err(format!("error expected: keyword found '{}'", &text[i..j]));
                }
            }
            continue;
        }
        let start = i;
        while i < b.len() && !is_special(b[i]) && !is_space(b[i]) {
            i += 1;
        }
        let word = &text[start..i];
        out.push(match word {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            _ => Tok::Identifier(word.to_string()),
        });
    }
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Tok {
        self.tokens
            .get(self.pos)
            .cloned()
            .unwrap_or(Tok::End)
            .into_value()
    }

    fn next_value(&mut self) -> Tok {
        let t = self.peek();
        self.pos += 1;
        t
    }

    fn next_raw(&mut self) -> Tok {
        let t = self.tokens.get(self.pos).cloned().unwrap_or(Tok::End);
        self.pos += 1;
        t
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Tok::Identifier(_) | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    out.push(r);
                    match self.next_value() {
                        Tok::End => break,
                        Tok::Comma => {
                            let t = self.peek();
                            if !matches!(t, Tok::Identifier(_) | Tok::DoesNotExist) {
                                return Err(format!(
                                    "found '{}', expected: identifier after ','",
                                    t.literal()
                                ));
                            }
                        }
                        t => {
                            return Err(format!(
                                "found '{}', expected: ',' or 'end of string'",
                                t.literal()
                            ));
                        }
                    }
                }
                Tok::End => break,
                t => {
                    return Err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        t.literal()
                    ));
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut t = self.next_value();
        let mut op = None;
        if t == Tok::DoesNotExist {
            op = Some(Op::DoesNotExist);
            t = self.next_value();
        }
        let Tok::Identifier(key) = t else {
            return Err(format!("found '{}', expected: identifier", t.literal()));
        };
        validate_key(&key)?;
        if op.is_some() || matches!(self.peek(), Tok::End | Tok::Comma) {
            return Ok(Requirement {
                key,
                op: op.unwrap_or(Op::Exists),
                values: Vec::new(),
            });
        }
        let op = match self.next_raw() {
            Tok::In => Op::In,
            Tok::Equals | Tok::DoubleEquals => Op::Equals,
            Tok::GreaterThan => Op::GreaterThan,
            Tok::LessThan => Op::LessThan,
            Tok::NotIn => Op::NotIn,
            Tok::NotEquals => Op::NotEquals,
            t => {
                return Err(format!(
                    "found '{}', expected: '=', '!=', '==', 'in', notin'",
                    t.literal()
                ));
            }
        };
        let values = match op {
            Op::In | Op::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, op, values)
    }

    fn values(&mut self) -> Result<Vec<String>, String> {
        let t = self.next_value();
        if t != Tok::OpenPar {
            return Err(format!("found '{}' expected: '('", t.literal()));
        }
        match self.peek() {
            Tok::Identifier(_) | Tok::Comma => {
                let s = self.identifiers()?;
                let close = self.next_value();
                if close != Tok::ClosedPar {
                    return Err(format!("found '{}', expected: ')'", close.literal()));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.next_value();
                Ok(vec![String::new()])
            }
            t => Err(format!(
                "found '{}', expected: ',', ')' or identifier",
                t.literal()
            )),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        let insert = |s: &mut Vec<String>, v: String| {
            if !s.contains(&v) {
                s.push(v);
            }
        };
        loop {
            match self.next_value() {
                Tok::Identifier(v) => {
                    insert(&mut s, v);
                    match self.peek() {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        t => {
                            return Err(format!("found '{}', expected: ',' or ')'", t.literal()));
                        }
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        insert(&mut s, String::new());
                    }
                    match self.peek() {
                        Tok::ClosedPar => {
                            insert(&mut s, String::new());
                            return Ok(s);
                        }
                        Tok::Comma => {
                            self.next_value();
                            insert(&mut s, String::new());
                        }
                        _ => {}
                    }
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        t.literal()
                    ));
                }
            }
        }
    }

    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        match self.peek() {
            Tok::End | Tok::Comma => Ok(vec![String::new()]),
            _ => match self.next_value() {
                Tok::Identifier(v) => Ok(vec![v]),
                t => Err(format!("found '{}', expected: identifier", t.literal())),
            },
        }
    }
}

fn new_requirement(key: String, op: Op, values: Vec<String>) -> Result<Requirement, String> {
    validate_key(&key)?;
    match op {
        Op::In | Op::NotIn if values.is_empty() => {
            return Err("for 'in', 'notin' operators, values set can't be empty".into());
        }
        Op::GreaterThan | Op::LessThan if values.iter().any(|v| v.parse::<i64>().is_err()) => {
            return Err("for 'Gt', 'Lt' operators, the value must be an integer".into());
        }
        _ => {}
    }
    for v in &values {
        if !is_label_value(v) {
            return Err(format!("invalid label value: {v:?}: at key: {key:?}"));
        }
    }
    Ok(Requirement { key, op, values })
}

static NAME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").ok());
static DNS_SUBDOMAIN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").ok()
});

fn matches(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// A Kubernetes qualified name: `[prefix/]name`.
fn validate_key(key: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('/').collect();
    let ok = match parts.as_slice() {
        [name] => name.len() <= 63 && matches(&NAME, name),
        [prefix, name] => {
            !prefix.is_empty()
                && prefix.len() <= 253
                && matches(&DNS_SUBDOMAIN, prefix)
                && name.len() <= 63
                && matches(&NAME, name)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("invalid label key {key:?}"))
    }
}

fn is_label_value(v: &str) -> bool {
    v.is_empty() || (v.len() <= 63 && matches(&NAME, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_matches_as_apimachinery_does() {
        let l = labels(&[("app", "web"), ("tier", "front"), ("n", "5")]);
        let m = |s: &str| LabelSelector::parse(s).unwrap().matches(&l);
        assert!(m("app=web,tier in (front, back)"));
        assert!(m("app==web,!missing,tier"));
        assert!(!m("app!=web"));
        assert!(!m("tier notin (front)"));
        assert!(m("n>4,n<6"));
        assert!(m(""));
        assert!(LabelSelector::parse("a=b c").is_err());
        assert!(LabelSelector::parse("a=(").is_err());
        assert!(LabelSelector::parse("-a=b").is_err());
        assert!(LabelSelector::parse("a=b!").is_err());
    }
}
