//! Go's `fmt.Sprintf` for template values: flags `+ - # 0 space`, width,
//! precision, and the verbs `v s d f F e E g G x X o O b c q t T U %`,
//! with Go's `%!verb(type=value)` notes for mismatches.

use super::ast::go_quote;
use super::value::{GoValue, format_float_g, sprint};

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[GoValue]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = number(&mut chars, args, &mut next);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number(&mut chars, args, &mut next).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        out.push_str(&format_one(verb, arg, spec));
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| match a {
                GoValue::Nil | GoValue::Missing => "<nil>".to_string(),
                a => format!("{}={}", a.type_name(), sprint(a)),
            })
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn number(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    args: &[GoValue],
    next: &mut usize,
) -> Option<usize> {
    if chars.peek() == Some(&'*') {
        chars.next();
        let n = match args.get(*next) {
            Some(GoValue::Int(i)) if *i >= 0 => Some(*i as usize),
            _ => None,
        };
        *next += 1;
        return n;
    }
    let mut digits = String::new();
    while let Some(&d) = chars.peek() {
        if !d.is_ascii_digit() {
            break;
        }
        digits.push(d);
        chars.next();
    }
    digits.parse().ok()
}

fn bad(verb: char, arg: &GoValue) -> String {
    match arg {
        GoValue::Nil | GoValue::Missing => format!("%!{verb}(<nil>)"),
        a => format!("%!{verb}({}={})", a.type_name(), sprint(a)),
    }
}

fn format_one(verb: char, arg: &GoValue, spec: Spec) -> String {
    let body = match (verb, arg) {
        ('T', a) => a.type_name().to_string(),
        ('v', GoValue::Float(f)) => signed(format_float_g(*f, 6), *f < 0.0, spec),
        ('v', GoValue::Int(i)) => signed(i.to_string(), *i < 0, spec),
        ('v', a) => sprint(a),
        ('s', GoValue::String(s)) => truncate(s, spec.precision),
        ('s', GoValue::List(items)) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| format_one('s', i, Spec::default()))
                .collect();
            format!("[{}]", parts.join(" "))
        }
        ('q', GoValue::String(s)) => go_quote(s),
        ('q', GoValue::Int(i)) => match char::from_u32(*i as u32) {
            Some(c) => format!("'{c}'"),
            None => bad(verb, arg),
        },
        ('x' | 'X', GoValue::String(s)) => {
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            if verb == 'X' { hex.to_uppercase() } else { hex }
        }
        ('t', GoValue::Bool(b)) => b.to_string(),
        ('d', GoValue::Int(i)) => signed(i.abs().to_string(), *i < 0, spec),
        ('b', GoValue::Int(i)) => signed(format!("{:b}", i.unsigned_abs()), *i < 0, spec),
        ('o' | 'O', GoValue::Int(i)) => {
            let prefix = if verb == 'O' {
                "0o"
            } else if spec.sharp {
                "0"
            } else {
                ""
            };
            signed(format!("{prefix}{:o}", i.unsigned_abs()), *i < 0, spec)
        }
        ('x' | 'X', GoValue::Int(i)) => {
            let mut s = format!("{:x}", i.unsigned_abs());
            if spec.sharp {
                s = format!("0x{s}");
            }
            if verb == 'X' {
                s = s.to_uppercase();
            }
            signed(s, *i < 0, spec)
        }
        ('c', GoValue::Int(i)) => {
            char::from_u32(*i as u32).map_or_else(|| bad(verb, arg), |c| c.to_string())
        }
        ('U', GoValue::Int(i)) => format!("U+{:04X}", i),
        ('f' | 'F', GoValue::Float(f)) => signed(
            format!("{:.*}", spec.precision.unwrap_or(6), f.abs()),
            *f < 0.0,
            spec,
        ),
        ('e' | 'E', GoValue::Float(f)) => {
            let s = exp_form(f.abs(), spec.precision.unwrap_or(6));
            signed(
                if verb == 'E' { s.to_uppercase() } else { s },
                *f < 0.0,
                spec,
            )
        }
        ('g' | 'G', GoValue::Float(f)) => {
            let s = match spec.precision {
                None => format_float_g(f.abs(), 6),
                Some(p) => g_with_precision(f.abs(), p.max(1)),
            };
            signed(
                if verb == 'G' { s.to_uppercase() } else { s },
                *f < 0.0,
                spec,
            )
        }
        ('x' | 'X', GoValue::Float(_)) => bad(verb, arg),
        _ => bad(verb, arg),
    };
    pad(
        body,
        spec,
        matches!(arg, GoValue::Int(_) | GoValue::Float(_)),
    )
}

/// Adds the sign (`-`, or `+`/space when asked) in front of digits.
fn signed(digits: String, negative: bool, spec: Spec) -> String {
    let digits = digits.trim_start_matches('-').to_string();
    if negative {
        format!("-{digits}")
    } else if spec.plus {
        format!("+{digits}")
    } else if spec.space {
        format!(" {digits}")
    } else {
        digits
    }
}

fn truncate(s: &str, precision: Option<usize>) -> String {
    match precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

fn pad(body: String, spec: Spec, numeric: bool) -> String {
    let Some(width) = spec.width else {
        return body;
    };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body[1..].to_string()),
            _ => (String::new(), body),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

/// `%e` with `precision` digits after the point and a two-digit exponent.
fn exp_form(f: f64, precision: usize) -> String {
    let s = format!("{f:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!(
        "{mantissa}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

/// `%.Ng`: N significant digits, trailing zeros removed.
fn g_with_precision(f: f64, precision: usize) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let s = format!("{:.*e}", precision - 1, f);
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let strip = |m: &str| {
        if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            m.to_string()
        }
    };
    if exp < -4 || exp >= precision as i32 {
        return format!(
            "{}e{}{:02}",
            strip(mantissa),
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        );
    }
    let decimals = (precision as i32 - 1 - exp).max(0) as usize;
    strip(&format!("{f:.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> GoValue {
        GoValue::str(v)
    }

    #[test]
    fn go_formats() {
        assert_eq!(sprintf("%s-%s", &[s("a"), s("b")]), "a-b");
        assert_eq!(
            sprintf(
                "%05d|%-4d|%+d",
                &[GoValue::Int(42), GoValue::Int(7), GoValue::Int(3)]
            ),
            "00042|7   |+3"
        );
        assert_eq!(
            sprintf(
                "%.2f %e %g",
                &[
                    GoValue::Float(2.5),
                    GoValue::Float(1234.5),
                    GoValue::Float(1e6)
                ]
            ),
            "2.50 1.234500e+03 1e+06"
        );
        assert_eq!(
            sprintf(
                "%q %v %x",
                &[s("a\"b"), GoValue::Float(2.0), GoValue::Int(255)]
            ),
            "\"a\\\"b\" 2 ff"
        );
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[s("x")]), "x %!s(MISSING)");
        assert_eq!(
            sprintf("%s", &[s("x"), GoValue::Int(1)]),
            "x%!(EXTRA int=1)"
        );
        assert_eq!(
            sprintf("%6.2f|%.3s|%%", &[GoValue::Float(1.0), s("abcdef")]),
            "  1.00|abc|%"
        );
        assert_eq!(sprintf("%.3g", &[GoValue::Float(1234.5678)]), "1.23e+03");
    }
}
