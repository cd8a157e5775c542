//! Go's `time.ParseDuration`, which Argo CD uses for sync window durations.

/// Nanoseconds of a Go duration such as `1h30m`, `62h`, `1.5h`, `90s`,
/// `300ms`, `-2m` or `0`.
///
/// ```
/// use tether::argocd::parse_go_duration;
/// assert_eq!(parse_go_duration("1h30m"), Ok(5_400_000_000_000));
/// assert!(parse_go_duration("1d").is_err());
/// ```
pub fn parse_go_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("invalid duration {text:?}");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("missing unit in duration {text:?}"))?;
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad());
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => return Err(format!("unknown unit {other:?} in duration {text:?}")),
        };
        rest = &rest[unit_len..];
        let value: f64 = number.parse().map_err(|_| bad())?;
        total += value * unit;
    }
    if total > i64::MAX as f64 {
        return Err(format!("invalid duration {text:?}: too large"));
    }
    let nanos = total.round() as i64;
    Ok(if negative { -nanos } else { nanos })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        const H: i64 = 3_600_000_000_000;
        assert_eq!(parse_go_duration("2h"), Ok(2 * H));
        assert_eq!(parse_go_duration("62h"), Ok(62 * H));
        assert_eq!(parse_go_duration("1.5h"), Ok(H + H / 2));
        assert_eq!(parse_go_duration("1h0m30s"), Ok(H + 30_000_000_000));
        assert_eq!(parse_go_duration("-2m"), Ok(-120_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        for bad in ["", "h", "10", "1x", "1..2h", "--1h"] {
            assert!(parse_go_duration(bad).is_err(), "{bad}");
        }
    }
}
