//! What a plain (unquoted) YAML scalar means to the Kubernetes tools: the
//! go-yaml v3 resolution kubectl and kustomize decode manifests with,
//! followed by the JSON round trip they send objects through.
//!
//! - `~`, `null`, `Null`, `NULL` and nothing are null; `true`/`True`/`TRUE`
//!   and the `false` forms are booleans; `yes`, `on`, `y` stay strings.
//! - Integers in Go syntax: `0644` is octal (420), `0x1F`, `0o17`, `0b101`,
//!   `+12`, `1_000`; too large for 64 bits, they are floats.
//! - Floats (`1.0`, `1e3`, `.5`) that are whole numbers come back from JSON
//!   as integers (`1`, `1000`); others stay floats.
//! - Timestamps (`2001-12-14`, `2001-12-14T21:59:43.10-05:00`) become
//!   RFC 3339 strings (`2001-12-14T00:00:00Z`) in kustomize, which decodes
//!   with go-yaml v3; `kubectl apply` and helm decode with go-yaml v2,
//!   which keeps them as written ([`Dialect`]).
//!
//! Quoted scalars are strings whatever they hold.

use serde_json::{Number, Value};

/// Which reader a manifest is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `kubectl apply`, helm: timestamps stay as written.
    Kubectl,
    /// `kustomize build`: timestamps become RFC 3339.
    Kustomize,
    /// As [`Dialect::Kustomize`], but annotations are read like any
    /// other field (strategic merge patches: `null` deletes).
    KustomizePatch,
    /// As [`Dialect::Kustomize`], but the plain values of
    /// `metadata.labels` and `metadata.annotations` are kept as written
    /// (`null` too): kustomize's label and annotation maps of text.
    KustomizeMetaText,
    /// Every scalar as the text written (kyaml's node values), quoted and
    /// block scalars starting with [`QUOTED`] (kyaml keeps the quoting).
    KustomizeText,
    /// YAML 1.1 as go-yaml v2 reads it, then made JSON (sigs.k8s.io/yaml):
    /// how kustomize reads kustomization files, JSON 6902 patches and
    /// configuration files. `yes`, `on`, `n` are booleans; timestamps
    /// stay as written.
    Yaml11,
}

/// What starts a quoted string read as [`Dialect::KustomizeText`].
pub(crate) const QUOTED: char = '\u{1}';

/// YAML 1.1 booleans besides the `true`/`false` forms.
const YAML11_TRUE: &[&str] = &["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];
const YAML11_FALSE: &[&str] = &["n", "N", "no", "No", "NO", "off", "Off", "OFF"];

/// The value of a plain scalar; Err for the infinities and NaN, which JSON
/// cannot hold.
pub(crate) fn resolve_plain(text: &str, dialect: Dialect) -> Result<Value, String> {
    let dialect = match dialect {
        Dialect::KustomizePatch | Dialect::KustomizeMetaText | Dialect::KustomizeText => {
            Dialect::Kustomize
        }
        other => other,
    };
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "the number {text} cannot be represented (infinite or NaN)"
            ));
        }
        _ if dialect == Dialect::Yaml11 && YAML11_TRUE.contains(&text) => {
            return Ok(Value::Bool(true));
        }
        _ if dialect == Dialect::Yaml11 && YAML11_FALSE.contains(&text) => {
            return Ok(Value::Bool(false));
        }
        _ => {}
    }
    Ok(number_or_time(text, dialect).unwrap_or_else(|| Value::String(text.to_string())))
}

/// Whether a string written plain would be read back as something else
/// (so a printer must quote it).
pub(crate) fn reads_as_other(text: &str) -> bool {
    timestamp(text).is_some()
        || !matches!(resolve_plain(text, Dialect::Kustomize), Ok(Value::String(ref s)) if s == text)
}

fn number_or_time(text: &str, dialect: Dialect) -> Option<Value> {
    let first = text.bytes().next()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    if let Some(stamp) = timestamp(text) {
        return Some(Value::String(match dialect {
            Dialect::Kustomize
            | Dialect::KustomizePatch
            | Dialect::KustomizeMetaText
            | Dialect::KustomizeText => stamp,
            Dialect::Kubectl | Dialect::Yaml11 => text.to_string(),
        }));
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(n) = go_parse_int(&plain) {
        return Some(n);
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
        && f.is_finite()
    {
        return Some(json_float(f));
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)`, else `ParseUint(s, 0, 64)`: an
/// optional sign, then `0x`, `0o`, `0b` or a leading `0` (octal) prefix.
fn go_parse_int(s: &str) -> Option<Value> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Value::Number(Number::from(
                (magnitude as i128).wrapping_neg() as i64,
            )));
        }
        return None;
    }
    if magnitude <= i64::MAX as u64 {
        return Some(Value::Number(Number::from(magnitude as i64)));
    }
    // ParseUint takes no sign.
    (!s.starts_with('+')).then(|| Value::Number(Number::from(magnitude)))
}

/// go-yaml's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// A float after Go's JSON encoding and a YAML re-read: whole numbers
/// below 1e21 are printed without a fraction and read back as integers
/// when they fit 64 bits.
pub(crate) fn json_float(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            return Value::Number(Number::from(f as i64));
        }
        if (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            return Value::Number(Number::from(f as u64));
        }
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A float as go-yaml prints it (`strconv.FormatFloat(f, 'g', -1, 64)`):
/// plain decimals for exponents from -4 to 5, else `1.25e-07`, `1e+21`.
pub(crate) fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// go-yaml's timestamp forms as RFC 3339 (Go's `time.Time` in JSON):
/// `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), and
/// `2006-1-2 15:4:5.999999999` (UTC).
fn timestamp(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() < 5 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return None;
    }
    let mut cursor = Cursor { rest: text };
    let year: u32 = cursor.digits(4, 4)?;
    cursor.eat('-')?;
    let month = cursor.digits(1, 2)?;
    cursor.eat('-')?;
    let day = cursor.digits(1, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in(year, month) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    let Some(separator) = cursor.rest.chars().next() else {
        return Some(format!("{date}T00:00:00Z"));
    };
    let zoned = match separator {
        'T' | 't' => true,
        ' ' => false,
        _ => return None,
    };
    cursor.rest = &cursor.rest[1..];
    let hour = cursor.digits(1, 2)?;
    cursor.eat(':')?;
    let minute = cursor.digits(1, 2)?;
    cursor.eat(':')?;
    let second = cursor.digits(1, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut fraction = String::new();
    if let Some(rest) = cursor.rest.strip_prefix(['.', ','])
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let kept: String = rest[..end].chars().take(9).collect();
        fraction = kept.trim_end_matches('0').to_string();
        cursor.rest = &rest[end..];
    }
    let zone = if zoned {
        match cursor.rest {
            "Z" => "Z".to_string(),
            offset => {
                let sign = offset.chars().next().filter(|c| matches!(c, '+' | '-'))?;
                let mut z = Cursor { rest: &offset[1..] };
                let hours = z.digits(2, 2)?;
                z.eat(':')?;
                let minutes = z.digits(2, 2)?;
                if !z.rest.is_empty() {
                    return None;
                }
                if hours == 0 && minutes == 0 {
                    "Z".to_string()
                } else {
                    format!("{sign}{hours:02}:{minutes:02}")
                }
            }
        }
    } else if cursor.rest.is_empty() {
        "Z".to_string()
    } else {
        return None;
    };
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    Some(format!(
        "{date}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ))
}

struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    /// Between `min` and `max` ASCII digits (as many as there are).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self
            .rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min {
            return None;
        }
        let value = self.rest[..n].parse().ok()?;
        self.rest = &self.rest[n..];
        Some(value)
    }

    fn eat(&mut self, c: char) -> Option<()> {
        self.rest = self.rest.strip_prefix(c)?;
        Some(())
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every expectation below is what `kubectl kustomize` (kustomize
    /// 5.8.1) prints for the plain scalar.
    #[test]
    fn plain_scalars_resolve_as_kubectl_reads_them() {
        let cases: &[(&str, Value)] = &[
            ("yes", json!("yes")),
            ("on", json!("on")),
            ("True", json!(true)),
            ("NO", json!("NO")),
            ("0644", json!(420)),
            ("0x1F", json!(31)),
            ("0o17", json!(15)),
            ("1_000", json!(1000)),
            ("+12", json!(12)),
            ("0b101", json!(5)),
            ("190:20:30", json!("190:20:30")),
            ("012345678", json!(12345678)),
            ("09", json!(9)),
            ("-0", json!(0)),
            ("1.0", json!(1)),
            ("1e3", json!(1000)),
            (".5", json!(0.5)),
            ("6.8523015e+5", json!(685230.15)),
            ("1.5e400", json!("1.5e400")),
            ("1e21", json!(1e21)),
            ("-0.0", json!(0)),
            ("100000000000000000000", json!(1e20)),
            ("9223372036854775807", json!(9223372036854775807i64)),
            ("9223372036854775808", json!(9223372036854775808u64)),
            ("-9223372036854775808", json!(-9223372036854775808i64)),
            ("0x_1F", json!(31)),
            ("_1", json!("_1")),
            ("0.", json!(0)),
            ("-.5", json!(-0.5)),
            ("1.e2", json!(100)),
            ("2001-12-14", json!("2001-12-14T00:00:00Z")),
            (
                "2001-12-14t21:59:43.10-05:00",
                json!("2001-12-14T21:59:43.1-05:00"),
            ),
            (
                "2001-12-14 21:59:43.10 -5",
                json!("2001-12-14 21:59:43.10 -5"),
            ),
            ("2001-12-14T21:59:43Z", json!("2001-12-14T21:59:43Z")),
            ("2001-1-4", json!("2001-01-04T00:00:00Z")),
            ("2001-12-14 21:59:43.10", json!("2001-12-14T21:59:43.1Z")),
            ("2001-02-30", json!("2001-02-30")),
            ("1:2", json!("1:2")),
            ("1.2.3", json!("1.2.3")),
            ("~", Value::Null),
            ("", Value::Null),
        ];
        for (text, want) in cases {
            assert_eq!(
                &resolve_plain(text, Dialect::Kustomize).unwrap(),
                want,
                "{text:?}"
            );
        }
        assert!(resolve_plain(".inf", Dialect::Kustomize).is_err());
        // kubectl apply keeps a MicroTime as written.
        assert_eq!(
            resolve_plain("2026-01-01T00:00:00.000000Z", Dialect::Kubectl).unwrap(),
            json!("2026-01-01T00:00:00.000000Z")
        );
    }

    #[test]
    fn floats_print_as_go_yaml_prints_them() {
        for (f, text) in [
            (0.5, "0.5"),
            (685230.15, "685230.15"),
            (1e21, "1e+21"),
            (1.2345678901234568e29, "1.2345678901234568e+29"),
            (1e20, "1e+20"),
            (1234567.5, "1.2345675e+06"),
            (1.25e-7, "1.25e-07"),
            (0.0001, "0.0001"),
            (-2.5e-5, "-2.5e-05"),
        ] {
            assert_eq!(go_float(f), text, "{f}");
        }
    }

    #[test]
    fn strings_that_read_as_other_things_are_known() {
        for quoted in [
            "0644",
            "1.0",
            "2001-12-14",
            "2001-12-14T00:00:00Z",
            "0b101",
            "true",
            "~",
            "1_000",
            "",
        ] {
            assert!(reads_as_other(quoted), "{quoted}");
        }
        for plain in ["yes", "1.5e400", "1.2.3", "web", "12:30"] {
            assert!(!reads_as_other(plain), "{plain}");
        }
    }
}
