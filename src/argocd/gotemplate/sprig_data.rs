//! sprig's defaults, JSON, reflection, encoding and hash functions, and
//! the functions tether refuses (random, time-dependent or key-making).

use super::funcs::{CallResult, Func, failed, ok_str, string_arg, want, want_at_least};
use super::json::{go_json, parse_json};
use super::sprig_lists::deep_equal;
use super::sprig_numbers::to_int64;
use super::value::GoValue;
use base64::Engine as _;

pub const FUNCS: &[(&str, Func)] = &[
    ("hello", |_| ok_str("Hello!")),
    ("default", |a| {
        want_at_least("default", a, 1)?;
        Ok(match a.get(1) {
            Some(given) if given.is_true() => given.clone(),
            _ => a[0].clone(),
        })
    }),
    ("empty", |a| {
        want("empty", a, 1)?;
        Ok(GoValue::Bool(!a[0].is_true()))
    }),
    ("coalesce", |a| {
        Ok(a.iter()
            .find(|v| v.is_true())
            .cloned()
            .unwrap_or(GoValue::Nil))
    }),
    ("all", |a| Ok(GoValue::Bool(a.iter().all(GoValue::is_true)))),
    ("any", |a| Ok(GoValue::Bool(a.iter().any(GoValue::is_true)))),
    ("ternary", |a| {
        want("ternary", a, 3)?;
        let cond = super::funcs::bool_arg(&a[2])?;
        Ok(if cond { a[0].clone() } else { a[1].clone() })
    }),
    ("fromJson", |a| {
        want("fromJson", a, 1)?;
        Ok(parse_json(&string_arg(&a[0])?).unwrap_or(GoValue::Nil))
    }),
    ("mustFromJson", |a| {
        want("mustFromJson", a, 1)?;
        parse_json(&string_arg(&a[0])?).map_err(failed)
    }),
    ("toJson", |a| json("toJson", a, true, false)),
    ("mustToJson", |a| json("mustToJson", a, true, false)),
    ("toPrettyJson", |a| json("toPrettyJson", a, true, true)),
    ("mustToPrettyJson", |a| {
        json("mustToPrettyJson", a, true, true)
    }),
    ("toRawJson", |a| json("toRawJson", a, false, false)),
    ("mustToRawJson", |a| json("mustToRawJson", a, false, false)),
    ("typeOf", |a| {
        want("typeOf", a, 1)?;
        ok_str(a[0].type_name())
    }),
    ("typeIs", |a| {
        want("typeIs", a, 2)?;
        Ok(GoValue::Bool(string_arg(&a[0])? == a[1].type_name()))
    }),
    ("typeIsLike", |a| {
        want("typeIsLike", a, 2)?;
        let target = string_arg(&a[0])?;
        let t = a[1].type_name();
        Ok(GoValue::Bool(target == t || target == format!("*{t}")))
    }),
    ("kindOf", |a| {
        want("kindOf", a, 1)?;
        ok_str(a[0].kind_name())
    }),
    ("kindIs", |a| {
        want("kindIs", a, 2)?;
        Ok(GoValue::Bool(string_arg(&a[0])? == a[1].kind_name()))
    }),
    ("deepEqual", |a| {
        want("deepEqual", a, 2)?;
        Ok(GoValue::Bool(deep_equal(&a[0], &a[1])))
    }),
    ("b64enc", |a| {
        want("b64enc", a, 1)?;
        ok_str(base64::engine::general_purpose::STANDARD.encode(string_arg(&a[0])?))
    }),
    ("b64dec", |a| {
        want("b64dec", a, 1)?;
        let text = string_arg(&a[0])?;
        ok_str(
            match base64::engine::general_purpose::STANDARD.decode(text.as_bytes()) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => format!(
                    "illegal base64 data at input byte {}",
                    base64_error_offset(&e, text.len())
                ),
            },
        )
    }),
    ("b32enc", |a| {
        want("b32enc", a, 1)?;
        ok_str(base32_encode(string_arg(&a[0])?.as_bytes()))
    }),
    ("b32dec", |a| {
        want("b32dec", a, 1)?;
        ok_str(match base32_decode(&string_arg(&a[0])?) {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => "illegal base32 data".to_string(),
        })
    }),
    ("sha1sum", |a| {
        use sha1::Digest as _;
        want("sha1sum", a, 1)?;
        ok_str(hex(&sha1::Sha1::digest(string_arg(&a[0])?.as_bytes())))
    }),
    ("sha256sum", |a| {
        use sha2::Digest as _;
        want("sha256sum", a, 1)?;
        ok_str(hex(&sha2::Sha256::digest(string_arg(&a[0])?.as_bytes())))
    }),
    ("sha512sum", |a| {
        use sha2::Digest as _;
        want("sha512sum", a, 1)?;
        ok_str(hex(&sha2::Sha512::digest(string_arg(&a[0])?.as_bytes())))
    }),
    ("adler32sum", |a| {
        want("adler32sum", a, 1)?;
        ok_str(adler32(string_arg(&a[0])?.as_bytes()).to_string())
    }),
    ("fail", |a| {
        want("fail", a, 1)?;
        Err(failed(string_arg(&a[0])?))
    }),
    ("duration", |a| {
        want("duration", a, 1)?;
        ok_str(go_duration_string(
            to_int64(&a[0]).saturating_mul(1_000_000_000),
        ))
    }),
    // Random results would change every generated Application on every run.
    ("randAlphaNum", refuse_random),
    ("randAlpha", refuse_random),
    ("randAscii", refuse_random),
    ("randNumeric", refuse_random),
    ("randInt", refuse_random),
    ("randBytes", refuse_random),
    ("shuffle", refuse_random),
    ("uuidv4", refuse_random),
    ("bcrypt", refuse_random),
    ("htpasswd", refuse_random),
    ("genPrivateKey", refuse_random),
    ("genCA", refuse_random),
    ("genCAWithKey", refuse_random),
    ("genSelfSignedCert", refuse_random),
    ("genSelfSignedCertWithKey", refuse_random),
    ("genSignedCert", refuse_random),
    ("genSignedCertWithKey", refuse_random),
    ("buildCustomCert", refuse_random),
    ("encryptAES", refuse_random),
    ("decryptAES", refuse_unsupported),
    ("derivePassword", refuse_unsupported),
    // Time: results depend on the clock or on Go's time layouts.
    ("now", refuse_time),
    ("ago", refuse_time),
    ("date", refuse_time),
    ("dateInZone", refuse_time),
    ("date_in_zone", refuse_time),
    ("dateModify", refuse_time),
    ("date_modify", refuse_time),
    ("mustDateModify", refuse_time),
    ("must_date_modify", refuse_time),
    ("htmlDate", refuse_time),
    ("htmlDateInZone", refuse_time),
    ("toDate", refuse_time),
    ("mustToDate", refuse_time),
    ("unixEpoch", refuse_time),
    ("durationRound", refuse_time),
];

fn refuse_random(_: &[GoValue]) -> CallResult {
    Err(failed(
        "not supported by tether: its result is random, so the generated Applications would change on every render",
    ))
}

fn refuse_time(_: &[GoValue]) -> CallResult {
    Err(failed(
        "not supported by tether: date and time functions make the generated Applications depend on the clock",
    ))
}

fn refuse_unsupported(_: &[GoValue]) -> CallResult {
    Err(failed("not supported by tether"))
}

fn json(name: &str, a: &[GoValue], escape_html: bool, pretty: bool) -> CallResult {
    want(name, a, 1)?;
    ok_str(go_json(&a[0], escape_html, pretty))
}

fn base64_error_offset(e: &base64::DecodeError, len: usize) -> usize {
    match e {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        _ => len,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(B32[((bits >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    if !text.len().is_multiple_of(8) {
        return None;
    }
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in trimmed.bytes() {
        let v = B32.iter().position(|&b| b == c)? as u64;
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// Go's `time.Duration.String` for whole nanoseconds.
pub fn go_duration_string(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    let neg = nanos < 0;
    let n = nanos.unsigned_abs();
    let mut out = String::new();
    if n < 1_000_000_000 {
        let (unit, div) = if n < 1_000 {
            ("ns", 1)
        } else if n < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&trim_fraction(n, div));
        out.push_str(unit);
    } else {
        let hours = n / 3_600_000_000_000;
        let minutes = (n / 60_000_000_000) % 60;
        let rest = n % 60_000_000_000;
        if hours > 0 {
            out.push_str(&format!("{hours}h"));
        }
        if hours > 0 || minutes > 0 {
            out.push_str(&format!("{minutes}m"));
        }
        out.push_str(&trim_fraction(rest, 1_000_000_000));
        out.push('s');
    }
    if neg { format!("-{out}") } else { out }
}

fn trim_fraction(n: u64, div: u64) -> String {
    let whole = n / div;
    let frac = n % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_durations() {
        assert_eq!(base32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(base32_encode(b"hi"), "NBUQ====");
        assert_eq!(base32_decode("NBUQ===="), Some(b"hi".to_vec()));
        assert_eq!(adler32(b"Wikipedia"), 300286872);
        assert_eq!(go_duration_string(90_000_000_000), "1m30s");
        assert_eq!(go_duration_string(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration_string(1_500_000), "1.5ms");
    }
}
