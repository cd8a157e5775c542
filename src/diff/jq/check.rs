//! Reading a jq path expression before it is compiled: syntax errors with
//! their column, and the bounded vocabulary ignore rules may use.
//!
//! Argo CD runs `jqPathExpressions` under a one-second timeout. A jaq
//! evaluation cannot be interrupted, so tether bounds it by what the
//! expression may say instead: no definitions (`def`, hence no recursion),
//! no `reduce`/`foreach`, no `*` (string repetition), and only builtins that
//! finish on finite input without side effects ([`ALLOWED`]). What is left
//! runs in time polynomial in the object's size; the evaluation is also
//! capped in paths and checked against a deadline (see [`super`]).

use jaq_core::load::lex::{Expect as LexExpect, Lexer, StrPart};
use jaq_core::load::parse::{BinaryOp, Expect, Parser, Pattern, Term};
use jaq_core::ops::Math;
use jaq_core::path::Part;

/// Builtins an ignore expression may call (any arity unless listed in
/// [`ARITY`]): selection, predicates, string and list helpers and
/// formats. Generators that may not end (`range`, `repeat`, `while`,
/// `until`, `recurse(f)`), input, environment, time, logging and `halt` are
/// left out.
pub const ALLOWED: &[&str] = &[
    "empty",
    "error",
    "not",
    "select",
    "true",
    "false",
    "null",
    "type",
    "length",
    "utf8bytelength",
    "keys",
    "keys_unsorted",
    "has",
    "in",
    "inside",
    "contains",
    "startswith",
    "endswith",
    "ltrimstr",
    "rtrimstr",
    "trim",
    "ltrim",
    "rtrim",
    "ascii_downcase",
    "ascii_upcase",
    "test",
    "match",
    "capture",
    "scan",
    "split",
    "splits",
    "sub",
    "gsub",
    "join",
    "explode",
    "implode",
    "tostring",
    "tonumber",
    "tojson",
    "fromjson",
    "values",
    "nulls",
    "booleans",
    "numbers",
    "strings",
    "arrays",
    "objects",
    "iterables",
    "scalars",
    "isboolean",
    "isnumber",
    "isstring",
    "isarray",
    "isobject",
    "first",
    "last",
    "nth",
    "limit",
    "skip",
    "isempty",
    "any",
    "all",
    "map",
    "map_values",
    "add",
    "min",
    "max",
    "min_by",
    "max_by",
    "sort",
    "sort_by",
    "group_by",
    "unique",
    "unique_by",
    "reverse",
    "flatten",
    "index",
    "rindex",
    "indices",
    "to_entries",
    "from_entries",
    "with_entries",
    "paths",
    "path",
    "getpath",
    "recurse",
    "floor",
    "ceil",
    "round",
    "abs",
    "@text",
    "@json",
    "@base64",
    "@base64d",
    "@uri",
    "@html",
    "@sh",
];

/// Builtins allowed with some arities only: `recurse` without arguments
/// is `..`; with a function it may not end.
const ARITY: &[(&str, usize)] = &[("recurse", 0)];

/// Parses `expr` and checks its vocabulary; the problem as one sentence
/// (with the column where there is one).
pub fn check(expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Err(
            "an empty expression selects nothing; write a path such as .spec.replicas".into(),
        );
    }
    let tokens = Lexer::new(expr).lex().map_err(|errors| {
        let (expected, at) = &errors[0];
        format!("{} at {}", lex_expectation(expected), position(expr, at))
    })?;
    let term = Parser::new(&tokens).parse(|p| p.term()).map_err(|errors| {
        let (expected, found) = &errors[0];
        match found {
            Some(token) => format!(
                "expected {}, found {:?} at {}",
                expectation(expected),
                first_line(token.0),
                position(expr, token.0)
            ),
            None => format!("expected {} at the end", expectation(expected)),
        }
    })?;
    vocabulary(&term)
}

/// The first line of a token (a block token spans its whole contents).
fn first_line(s: &str) -> &str {
    let line = s.lines().next().unwrap_or(s);
    match line.char_indices().nth(20) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// `column N` (1-based, in characters) of `part`, a slice of `whole`, or
/// `the end` when it is empty.
fn position(whole: &str, part: &str) -> String {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    if start >= whole.len() || part.trim().is_empty() {
        return "the end".to_string();
    }
    let column = whole
        .get(..start)
        .map_or(start, |before| before.chars().count())
        + 1;
    format!("column {column}")
}

fn lex_expectation(expected: &LexExpect<&str>) -> String {
    match expected {
        LexExpect::Digit => "expected a digit".into(),
        LexExpect::Ident => "expected an identifier".into(),
        LexExpect::Delim(open) => format!("no closing delimiter for {open:?}"),
        LexExpect::Escape => "invalid string escape".into(),
        LexExpect::Unicode => "expected a 4-digit hexadecimal code point".into(),
        LexExpect::Token => "unexpected character".into(),
        _ => "cannot read the expression".into(),
    }
}

fn expectation(expected: &Expect<&str>) -> String {
    match expected {
        Expect::Just(s) => format!("{s:?}"),
        Expect::Nothing => "the end of the expression".to_string(),
        other => other.as_str().to_string(),
    }
}

/// The first construct of `term` outside the bounded vocabulary.
fn vocabulary(term: &Term<&str>) -> Result<(), String> {
    match term {
        Term::Id | Term::Recurse | Term::Num(_) | Term::Break(_) => Ok(()),
        Term::Var(name) if *name == "$ENV" => {
            Err("$ENV is not allowed in an ignore expression".into())
        }
        Term::Var(_) => Ok(()),
        Term::Str(format, parts) => {
            if let Some(format) = format {
                allowed(format, 0)?;
            }
            parts.iter().try_for_each(|part| match part {
                StrPart::Term(t) => vocabulary(t),
                _ => Ok(()),
            })
        }
        Term::Arr(inner) => inner.as_deref().map_or(Ok(()), vocabulary),
        Term::Obj(entries) => entries.iter().try_for_each(|(k, v)| {
            vocabulary(k)?;
            v.as_ref().map_or(Ok(()), vocabulary)
        }),
        Term::Neg(t) | Term::Label(_, t) => vocabulary(t),
        Term::BinOp(l, op, r) => {
            match op {
                BinaryOp::Math(Math::Mul) | BinaryOp::UpdateMath(Math::Mul) => {
                    return Err("\"*\" is not allowed in an ignore expression (string repetition is unbounded)".into());
                }
                BinaryOp::Pipe(Some(pattern)) => check_pattern(pattern)?,
                _ => {}
            }
            vocabulary(l)?;
            vocabulary(r)
        }
        Term::Fold(name, ..) => Err(format!(
            "\"{name}\" is not allowed in an ignore expression; select paths with ., [], .., select(…)"
        )),
        Term::TryCatch(t, catch) => {
            vocabulary(t)?;
            catch.as_deref().map_or(Ok(()), vocabulary)
        }
        Term::IfThenElse(branches, otherwise) => {
            for (cond, then) in branches {
                vocabulary(cond)?;
                vocabulary(then)?;
            }
            otherwise.as_deref().map_or(Ok(()), vocabulary)
        }
        Term::Def(..) => Err("definitions (def) are not allowed in an ignore expression".into()),
        Term::Call(name, args) => {
            allowed(name, args.len())?;
            args.iter().try_for_each(vocabulary)
        }
        Term::Path(head, path) => {
            vocabulary(head)?;
            path.0.iter().try_for_each(|(part, _)| match part {
                Part::Index(i) => vocabulary(i),
                Part::Range(from, to) => {
                    from.as_ref().map_or(Ok(()), vocabulary)?;
                    to.as_ref().map_or(Ok(()), vocabulary)
                }
            })
        }
    }
}

fn check_pattern(pattern: &Pattern<&str>) -> Result<(), String> {
    match pattern {
        Pattern::Var(_) => Ok(()),
        Pattern::Arr(items) => items.iter().try_for_each(check_pattern),
        Pattern::Obj(entries) => entries.iter().try_for_each(|(key, value)| {
            vocabulary(key)?;
            check_pattern(value)
        }),
    }
}

fn allowed(name: &str, arity: usize) -> Result<(), String> {
    let known = ALLOWED.contains(&name);
    let arity_ok = ARITY
        .iter()
        .filter(|(n, _)| *n == name)
        .all(|(_, a)| *a == arity);
    if known && arity_ok {
        return Ok(());
    }
    let call = if arity == 0 {
        name.to_string()
    } else {
        format!("{name}/{arity}")
    };
    Err(format!(
        "{call:?} is not allowed in an ignore expression (allowed: paths, select, comparisons and the builtins listed in docs/IGNORE_DIFFERENCES.md)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_column() {
        assert_eq!(
            check(".data[]]").unwrap_err(),
            "unexpected character at column 8"
        );
        assert_eq!(
            check(".data[").unwrap_err(),
            "no closing delimiter for \"[\" at the end"
        );
        assert_eq!(
            check(".a | ]").unwrap_err(),
            "unexpected character at column 6"
        );
        let e = check(".a | | .b").unwrap_err();
        assert!(e.contains("column 6"), "{e}");
        let e = check(".a |").unwrap_err();
        assert!(e.contains("at the end"), "{e}");
        assert!(check("").is_err());
        assert!(check("   ").is_err());
    }

    #[test]
    fn the_vocabulary_is_bounded() {
        for ok in [
            ".data[\"x\"]",
            ".spec.template.spec.containers[] | select(.name == \"sidecar\") | .image",
            ".metadata.annotations[\"a.b/c\"]",
            ".. | select(type == \"object\" and has(\"caBundle\")) | .caBundle",
            ".webhooks[]?.clientConfig.caBundle",
            ".a[] | select(.name | test(\"^x\")) | .b",
            ".a as $x | .b",
            "recurse | objects | .x",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, word) in [
            ("def f: f; f", "def"),
            ("range(1e18)", "range"),
            ("repeat(.)", "repeat"),
            ("recurse(.[])", "recurse/1"),
            ("reduce .[] as $x (.; .)", "reduce"),
            ("\"a\" * 1e12", "*"),
            ("input", "input"),
            ("$ENV.HOME", "$ENV"),
            ("halt", "halt"),
            ("select(env.X)", "env"),
            (".a[] as [$x] | $x | debug", "debug"),
        ] {
            let e = check(bad).unwrap_err();
            assert!(e.contains(word), "{bad}: {e}");
        }
    }
}
