//! sprig's number functions, with `cast`'s conversions (strings parsed,
//! floats truncated, anything else 0).

use super::funcs::{
    CallResult, Func, failed, int_arg, list, ok_str, string_arg, want, want_at_least,
};
use super::value::{GoValue, sprint};

pub const FUNCS: &[(&str, Func)] = &[
    ("atoi", |a| {
        want("atoi", a, 1)?;
        Ok(GoValue::Int(string_arg(&a[0])?.parse().unwrap_or(0)))
    }),
    ("int", |a| {
        want("int", a, 1)?;
        Ok(GoValue::Int(to_int64(&a[0])))
    }),
    ("int64", |a| {
        want("int64", a, 1)?;
        Ok(GoValue::Int(to_int64(&a[0])))
    }),
    ("float64", |a| {
        want("float64", a, 1)?;
        Ok(GoValue::Float(to_float64(&a[0])))
    }),
    ("toDecimal", |a| {
        want("toDecimal", a, 1)?;
        Ok(GoValue::Int(
            i64::from_str_radix(&sprint(&a[0]), 8).unwrap_or(0),
        ))
    }),
    ("seq", seq),
    ("until", |a| {
        want("until", a, 1)?;
        let n = int_arg(&a[0])?;
        Ok(ints(until_step(0, n, if n < 0 { -1 } else { 1 })))
    }),
    ("untilStep", |a| {
        want("untilStep", a, 3)?;
        Ok(ints(until_step(
            int_arg(&a[0])?,
            int_arg(&a[1])?,
            int_arg(&a[2])?,
        )))
    }),
    ("add1", |a| {
        want("add1", a, 1)?;
        Ok(GoValue::Int(to_int64(&a[0]).wrapping_add(1)))
    }),
    ("add", |a| {
        Ok(GoValue::Int(
            a.iter().map(to_int64).fold(0i64, i64::wrapping_add),
        ))
    }),
    ("sub", |a| {
        want("sub", a, 2)?;
        Ok(GoValue::Int(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
    }),
    ("div", |a| {
        want("div", a, 2)?;
        let d = to_int64(&a[1]);
        if d == 0 {
            return Err(failed("runtime error: integer divide by zero"));
        }
        Ok(GoValue::Int(to_int64(&a[0]).wrapping_div(d)))
    }),
    ("mod", |a| {
        want("mod", a, 2)?;
        let d = to_int64(&a[1]);
        if d == 0 {
            return Err(failed("runtime error: integer divide by zero"));
        }
        Ok(GoValue::Int(to_int64(&a[0]).wrapping_rem(d)))
    }),
    ("mul", |a| {
        want_at_least("mul", a, 1)?;
        Ok(GoValue::Int(
            a.iter().map(to_int64).fold(1i64, i64::wrapping_mul),
        ))
    }),
    ("add1f", |a| {
        want("add1f", a, 1)?;
        Ok(GoValue::Float(decimal(to_float64(&a[0]) + 1.0)))
    }),
    ("addf", |a| {
        Ok(GoValue::Float(decimal(a.iter().map(to_float64).sum())))
    }),
    ("subf", |a| float_fold("subf", a, |x, y| x - y)),
    ("mulf", |a| float_fold("mulf", a, |x, y| x * y)),
    ("divf", |a| float_fold("divf", a, |x, y| x / y)),
    ("biggest", |a| int_extreme("biggest", a, i64::max)),
    ("max", |a| int_extreme("max", a, i64::max)),
    ("min", |a| int_extreme("min", a, i64::min)),
    ("maxf", |a| float_extreme("maxf", a, f64::max)),
    ("minf", |a| float_extreme("minf", a, f64::min)),
    ("ceil", |a| {
        want("ceil", a, 1)?;
        Ok(GoValue::Float(to_float64(&a[0]).ceil()))
    }),
    ("floor", |a| {
        want("floor", a, 1)?;
        Ok(GoValue::Float(to_float64(&a[0]).floor()))
    }),
    ("round", round),
];

/// cast's `ToInt64`.
pub fn to_int64(v: &GoValue) -> i64 {
    match v {
        GoValue::Int(i) => *i,
        GoValue::Float(f) => *f as i64,
        GoValue::Bool(b) => i64::from(*b),
        GoValue::String(s) => parse_int(s).unwrap_or(0),
        _ => 0,
    }
}

/// strconv.ParseInt(s, 0, 0) after cast trims a `.0…` decimal part.
fn parse_int(s: &str) -> Option<i64> {
    let s = match s.split_once('.') {
        Some((int, frac)) if frac.chars().all(|c| c == '0') => int,
        _ => s,
    };
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = digits.replace('_', "");
    let lower = digits.to_ascii_lowercase();
    let n = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse().ok()?
    };
    Some(if neg { -n } else { n })
}

/// cast's `ToFloat64`.
pub fn to_float64(v: &GoValue) -> f64 {
    match v {
        GoValue::Int(i) => *i as f64,
        GoValue::Float(f) => *f,
        GoValue::Bool(b) => f64::from(u8::from(*b)),
        GoValue::String(s) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// The float sprig's decimal arithmetic ends with: the result rounded to
/// 16 significant digits, which removes binary noise (`0.1 + 0.2` = 0.3).
fn decimal(f: f64) -> f64 {
    if f == 0.0 || !f.is_finite() {
        return f;
    }
    format!("{f:.15e}").parse().unwrap_or(f)
}

fn float_fold(name: &str, a: &[GoValue], op: fn(f64, f64) -> f64) -> CallResult {
    want_at_least(name, a, 1)?;
    let mut acc = to_float64(&a[0]);
    for x in &a[1..] {
        let y = to_float64(x);
        if name == "divf" && y == 0.0 {
            return Err(failed("decimal division by 0"));
        }
        acc = op(acc, y);
    }
    Ok(GoValue::Float(decimal(acc)))
}

fn int_extreme(name: &str, a: &[GoValue], pick: fn(i64, i64) -> i64) -> CallResult {
    want_at_least(name, a, 1)?;
    Ok(GoValue::Int(
        a[1..].iter().map(to_int64).fold(to_int64(&a[0]), pick),
    ))
}

fn float_extreme(name: &str, a: &[GoValue], pick: fn(f64, f64) -> f64) -> CallResult {
    want_at_least(name, a, 1)?;
    Ok(GoValue::Float(
        a[1..].iter().map(to_float64).fold(to_float64(&a[0]), pick),
    ))
}

fn round(a: &[GoValue]) -> CallResult {
    want_at_least("round", a, 2)?;
    let on = a.get(2).map(to_float64).unwrap_or(0.5);
    let pow = 10f64.powf(int_arg(&a[1])? as f64);
    let digit = pow * to_float64(&a[0]);
    let r = if digit.fract() >= on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(GoValue::Float(r / pow))
}

fn until_step(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut out = Vec::new();
    if stop < start {
        if step >= 0 {
            return out;
        }
        let mut i = start;
        while i > stop {
            out.push(i);
            i += step;
        }
        return out;
    }
    if step <= 0 {
        return out;
    }
    let mut i = start;
    while i < stop {
        out.push(i);
        i += step;
    }
    out
}

fn ints(v: Vec<i64>) -> GoValue {
    list(v.into_iter().map(GoValue::Int).collect())
}

fn seq(a: &[GoValue]) -> CallResult {
    let p: Vec<i64> = a.iter().map(int_arg).collect::<Result<_, _>>()?;
    let v = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(1, end + inc, inc)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(*start, end + step, step)
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if end < start && *step > 0 {
                Vec::new()
            } else {
                until_step(*start, end + inc, *step)
            }
        }
        _ => Vec::new(),
    };
    ok_str(v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
}
