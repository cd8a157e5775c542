//! MicroTime fields (Lease `acquireTime`/`renewTime`) must carry exactly six
//! fractional digits, as Go's layout `2006-01-02T15:04:05.000000Z07:00`.

use super::KindInfo;
use serde_json::Value;

const LAYOUT: &str = "2006-01-02T15:04:05.000000Z07:00";
const MICROTIME_FIELDS: &[&str] = &["/spec/acquireTime", "/spec/renewTime"];

/// The Go parse error of the first malformed MicroTime of a Lease.
pub fn first_error(kind: &KindInfo, obj: &Value) -> Option<String> {
    if kind.kind != "Lease" || kind.group != "coordination.k8s.io" {
        return None;
    }
    MICROTIME_FIELDS
        .iter()
        .filter_map(|p| obj.pointer(p).and_then(Value::as_str))
        .find_map(parse_error)
}

/// Why `s` does not parse as a MicroTime, in Go's words; None if it does.
pub fn parse_error(s: &str) -> Option<String> {
    let fail = |rest: &str, elem: &str| {
        Some(format!(
            "parsing time \"{s}\" as \"{LAYOUT}\": cannot parse \"{rest}\" as \"{elem}\""
        ))
    };
    let b = s.as_bytes();
    let shape = "dddd-dd-ddTdd:dd:dd";
    for (i, c) in shape.bytes().enumerate() {
        let ok = match (c, b.get(i)) {
            (b'd', Some(x)) => x.is_ascii_digit(),
            (c, Some(x)) => c == *x,
            (_, None) => false,
        };
        if !ok {
            return fail(s.get(i..).unwrap_or(""), "2006-01-02T15:04:05");
        }
    }
    let rest = &s[19..];
    let frac_ok = rest.len() >= 7
        && rest.starts_with('.')
        && rest.as_bytes()[1..7].iter().all(u8::is_ascii_digit);
    if !frac_ok {
        return fail(rest, ".000000");
    }
    let zone = &rest[7..];
    let zone_ok = zone == "Z" || is_offset(zone);
    if !zone_ok {
        return fail(zone, "Z07:00");
    }
    None
}

fn is_offset(z: &str) -> bool {
    let b = z.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b':'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_parse() {
        assert_eq!(parse_error("2026-01-01T00:00:05.123456Z"), None);
        assert_eq!(parse_error("2026-01-01T00:00:05.123456+02:00"), None);
    }

    #[test]
    fn missing_fraction_is_reported_like_go() {
        assert_eq!(
            parse_error("2026-01-01T00:00:00Z").as_deref(),
            Some(
                "parsing time \"2026-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""
            )
        );
    }
}
