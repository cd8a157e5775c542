//! Five-field cron schedules as Argo CD parses them (robfig/cron with
//! minute, hour, day of month, month and day of week), evaluated with
//! `croner`. robfig's grammar is checked here first so that croner's
//! extensions (`L`, `#`, `W`, seconds, years, `@daily`, Sunday as 7) are
//! refused as Argo CD refuses them.

use chrono::{DateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
}

impl Schedule {
    /// Parses a robfig five-field schedule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {text:?}",
                fields.len()
            ));
        }
        let bounds = [
            (0, 59, None),
            (0, 23, None),
            (1, 31, None),
            (1, 12, Some(&MONTHS[..])),
            (0, 6, Some(&DAYS[..])),
        ];
        let mut normalised = Vec::new();
        for (field, (min, max, names)) in fields.iter().zip(bounds) {
            normalised.push(check_field(field, min, max, names)?);
        }
        // robfig ANDs day of month and day of week when either starts with
        // `*` or `?`, and ORs them otherwise.
        let starred = |f: &str| f.starts_with('*');
        let and = starred(&normalised[2]) || starred(&normalised[4]);
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .dom_and_dow(and)
            .sloppy_ranges(true)
            .build()
            .parse(&normalised.join(" "))
            .map_err(|e| format!("{e}"))?;
        Ok(Self { cron })
    }

    /// The first start strictly after `t` (robfig's `Next`).
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&t, false).ok()
    }
}

/// Checks one field against robfig's grammar (`*`, `?`, numbers, names,
/// `a-b`, `/step`, lists) and returns it with names replaced by numbers
/// and `?` by `*`.
fn check_field(field: &str, min: u32, max: u32, names: Option<&[&str]>) -> Result<String, String> {
    let mut parts = Vec::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s.parse().map_err(|_| format!("bad step in {field:?}"))?;
                if step == 0 {
                    return Err(format!("step of zero in {field:?}"));
                }
                (r, Some(step))
            }
            None => (part, None),
        };
        let range = if range == "?" { "*" } else { range };
        let range = if range == "*" {
            range.to_string()
        } else {
            let (lo, hi) = match range.split_once('-') {
                Some((lo, hi)) => (
                    value(lo, min, max, names, field)?,
                    Some(value(hi, min, max, names, field)?),
                ),
                None => (value(range, min, max, names, field)?, None),
            };
            if hi.is_some_and(|hi| hi < lo) {
                return Err(format!("beginning of range after end in {field:?}"));
            }
            match hi {
                Some(hi) => format!("{lo}-{hi}"),
                None => lo.to_string(),
            }
        };
        parts.push(match step {
            Some(step) => format!("{range}/{step}"),
            None => range,
        });
    }
    Ok(parts.join(","))
}

fn value(
    text: &str,
    min: u32,
    max: u32,
    names: Option<&[&str]>,
    field: &str,
) -> Result<u32, String> {
    if let Some(names) = names
        && let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text))
    {
        return Ok(i as u32 + min);
    }
    let n: u32 = text
        .parse()
        .map_err(|_| format!("failed to parse {text:?} in {field:?}"))?;
    if n < min || n > max {
        return Err(format!("{n} is out of range [{min}, {max}] in {field:?}"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 6, h, m, 0).single().unwrap()
    }

    #[test]
    fn next_is_strictly_after() {
        let s = Schedule::parse("0 10 * * *").unwrap();
        assert_eq!(s.next_after(at(9, 59)), Some(at(10, 0)));
        assert_eq!(
            s.next_after(at(10, 0)).unwrap().date_naive().to_string(),
            "2024-05-07"
        );
        let every = Schedule::parse("* 10 * * *").unwrap();
        assert_eq!(every.next_after(at(10, 0)), Some(at(10, 1)));
    }

    #[test]
    fn names_steps_and_day_rules() {
        // 2024-05-06 is a Monday.
        let mondays = Schedule::parse("0 18 * * MON").unwrap();
        assert_eq!(mondays.next_after(at(0, 0)), Some(at(18, 0)));
        let fifth_or_monday = Schedule::parse("0 0 5 * 1").unwrap();
        let next =
            fifth_or_monday.next_after(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).single().unwrap());
        assert_eq!(next.unwrap().date_naive().to_string(), "2024-05-05");
        let every_other_day_monday = Schedule::parse("0 0 */2 * 1").unwrap();
        let next = every_other_day_monday
            .next_after(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).single().unwrap());
        // AND: an odd day of the month that is a Monday (13 May 2024).
        assert_eq!(next.unwrap().date_naive().to_string(), "2024-05-13");
    }

    #[test]
    fn robfig_refusals() {
        for bad in [
            "* * * *",
            "0 0 * * * *",
            "@daily",
            "0 0 L * *",
            "0 0 * * 7",
            "60 * * * *",
            "0 0 * * 1#2",
            "*/0 * * * *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
        assert!(Schedule::parse("0 9-17/2 ? jan-mar sun,sat").is_ok());
    }
}
