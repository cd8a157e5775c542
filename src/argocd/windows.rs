//! AppProject sync windows with Argo CD's semantics (`types.go`
//! `SyncWindows`): which windows apply to an app, which are active at a
//! time, and whether a sync — automated or manual — may run.

use super::ArgoError;
use super::cron::Schedule;
use super::duration::parse_go_duration;
use super::glob::glob_match;
use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Whether a window opens or blocks syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    Allow,
    Deny,
}

/// One entry of `spec.syncWindows` (DESIGN.md §7 `syncWindows:` too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncWindowSpec {
    pub kind: WindowKind,
    /// Five-field cron: when the window opens.
    pub schedule: String,
    /// Go duration: how long it stays open.
    pub duration: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
    #[serde(default)]
    pub manual_sync: bool,
    /// IANA zone of the schedule; empty = UTC.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time_zone: String,
    /// Match applications AND clusters AND namespaces instead of OR.
    #[serde(default, rename = "andOperator")]
    pub and_operator: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub sync_overrun: bool,
}

/// Starts of one window followed at most when finding where it ends.
const MAX_OVERLAPPING_STARTS: usize = 10_000;

/// A window ready to evaluate.
#[derive(Debug, Clone)]
pub struct SyncWindow {
    /// Position in the project's list.
    pub index: usize,
    pub spec: SyncWindowSpec,
    schedule: Schedule,
    duration: Duration,
    zone: Option<Tz>,
}

/// The app a window is matched against.
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowTarget<'a> {
    pub app: &'a str,
    pub namespace: &'a str,
    /// Destination cluster name (`spec.destination.name`), may be empty.
    pub cluster_name: &'a str,
    /// Destination server URL, may be empty.
    pub cluster_server: &'a str,
}

/// The answer to "may this sync run now?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncVerdict {
    pub allowed: bool,
    /// Indexes of the windows that block (active deny windows, or the
    /// closed allow windows); empty when allowed.
    pub blocked_by: Vec<usize>,
}

impl SyncWindow {
    /// Checks kind, schedule, duration and zone. An unknown zone is an
    /// error here (Argo CD logs a warning and uses UTC).
    pub fn new(index: usize, spec: SyncWindowSpec) -> Result<Self, ArgoError> {
        let err = |message: String| ArgoError::Window {
            index,
            schedule: spec.schedule.clone(),
            message,
        };
        let schedule = Schedule::parse(&spec.schedule)
            .map_err(|e| err(format!("cannot parse schedule: {e}")))?;
        let nanos = parse_go_duration(&spec.duration)
            .map_err(|e| err(format!("cannot parse duration: {e}")))?;
        let zone = match spec.time_zone.as_str() {
            "" | "UTC" => None,
            name => Some(
                name.parse::<Tz>()
                    .map_err(|_| err(format!("unknown timeZone {name:?}")))?,
            ),
        };
        if spec.description.len() > 255 {
            return Err(err("description must not exceed 255 characters".into()));
        }
        Ok(Self {
            index,
            spec,
            schedule,
            duration: Duration::nanoseconds(nanos),
            zone,
        })
    }

    /// Argo CD's `scheduleOffsetByTimeZone`: the zone's UTC offset at
    /// `clock` (Argo CD takes it at the current time, not at the scheduled
    /// one, so a window keeps the offset of "now" across a DST change).
    fn offset_at(&self, clock: DateTime<Utc>) -> Duration {
        match self.zone {
            Some(zone) => Duration::seconds(i64::from(
                zone.offset_from_utc_datetime(&clock.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )),
            None => Duration::zero(),
        }
    }

    /// Active at `t`, with the zone offset taken at `clock`: some start of
    /// the schedule lies strictly between `t - duration` and `t`.
    fn active_with_clock(&self, t: DateTime<Utc>, clock: DateTime<Utc>) -> bool {
        let offset = self.offset_at(clock);
        self.schedule
            .next_after(t + offset - self.duration)
            .is_some_and(|next| next < t + offset)
    }

    /// Whether the window is open at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.active_with_clock(now, now)
    }

    /// When the window, open at `now`, closes: the end of the latest
    /// start of its schedule before `now` (None when it is not open).
    pub fn active_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let offset = self.offset_at(now);
        let local = now + offset;
        let mut start = self
            .schedule
            .next_after(local - self.duration)
            .filter(|s| *s < local)?;
        // Starts closer together than the duration keep it open longer
        // (bounded: a schedule fires at most once a minute).
        for _ in 0..MAX_OVERLAPPING_STARTS {
            match self.schedule.next_after(start) {
                Some(next) if next < local => start = next,
                _ => break,
            }
        }
        Some(start + self.duration - offset)
    }

    /// `t` as a clock reading in the window's zone: `Mon 06:00 CET`.
    pub fn local_time(&self, t: DateTime<Utc>) -> String {
        match self.zone {
            Some(zone) => t.with_timezone(&zone).format("%a %H:%M %Z").to_string(),
            None => t.format("%a %H:%M UTC").to_string(),
        }
    }

    /// Whether the window applies to `target` (`SyncWindows.Matches`):
    /// by application name, else cluster (name or server), else
    /// namespace; with `andOperator` every list that is set must match.
    pub fn matches(&self, target: &WindowTarget<'_>) -> bool {
        let spec = &self.spec;
        let any = |patterns: &[String], value: &str| {
            !value.is_empty() && patterns.iter().any(|p| glob_match(p, value, ""))
        };
        let apps = (!spec.applications.is_empty()).then(|| {
            spec.applications
                .iter()
                .any(|p| glob_match(p, target.app, ""))
        });
        let clusters = (!spec.clusters.is_empty()).then(|| {
            any(&spec.clusters, target.cluster_name) || any(&spec.clusters, target.cluster_server)
        });
        let namespaces = (!spec.namespaces.is_empty()).then(|| {
            spec.namespaces
                .iter()
                .any(|p| glob_match(p, target.namespace, ""))
        });
        if spec.and_operator {
            // Argo CD: every set list must match; a window with no list
            // set matches nothing.
            let set: Vec<bool> = [apps, clusters, namespaces].into_iter().flatten().collect();
            !set.is_empty() && set.into_iter().all(|m| m)
        } else {
            [apps, clusters, namespaces]
                .into_iter()
                .flatten()
                .any(|m| m)
        }
    }
}

/// The windows of a project (or of tether.yaml `syncWindows:`).
#[derive(Debug, Clone, Default)]
pub struct SyncWindows {
    pub windows: Vec<SyncWindow>,
}

impl SyncWindows {
    /// Checks every window; the first bad one is the error.
    pub fn new(specs: &[SyncWindowSpec]) -> Result<Self, ArgoError> {
        let windows = specs
            .iter()
            .enumerate()
            .map(|(i, s)| SyncWindow::new(i, s.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Self { windows })
    }

    /// From the JSON of `spec.syncWindows` (null or absent = none).
    pub fn from_value(value: Option<&Value>) -> Result<Self, ArgoError> {
        let specs: Vec<SyncWindowSpec> = match value {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| ArgoError::Window {
                index: 0,
                schedule: String::new(),
                message: format!("spec.syncWindows: {e}"),
            })?,
        };
        Self::new(&specs)
    }

    /// The windows that apply to `target`.
    pub fn matching(&self, target: &WindowTarget<'_>) -> SyncWindows {
        SyncWindows {
            windows: self
                .windows
                .iter()
                .filter(|w| w.matches(target))
                .cloned()
                .collect(),
        }
    }

    /// The windows open at `now`.
    pub fn active(&self, now: DateTime<Utc>) -> Vec<&SyncWindow> {
        self.windows.iter().filter(|w| w.is_active(now)).collect()
    }

    /// Argo CD's `CanSync` for windows already matched to the app, at
    /// `now`; `operation_start` enables `syncOverrun` for an operation that
    /// is already running.
    pub fn verdict(
        &self,
        manual: bool,
        now: DateTime<Utc>,
        operation_start: Option<DateTime<Utc>>,
    ) -> SyncVerdict {
        let first = self.verdict_at(manual, now, now);
        if first.allowed {
            return first;
        }
        let Some(start) = operation_start else {
            return first;
        };
        let active: Vec<&SyncWindow> = self
            .windows
            .iter()
            .filter(|w| w.active_with_clock(now, now))
            .collect();
        let denies: Vec<&&SyncWindow> = active
            .iter()
            .filter(|w| w.spec.kind == WindowKind::Deny)
            .collect();
        let overrun = if denies.is_empty() {
            let allows: Vec<&SyncWindow> = self
                .windows
                .iter()
                .filter(|w| w.spec.kind == WindowKind::Allow && !w.active_with_clock(now, now))
                .collect();
            !allows.is_empty() && allows.iter().all(|w| w.spec.sync_overrun)
        } else {
            denies.iter().all(|w| w.spec.sync_overrun)
        };
        if overrun && self.verdict_at(manual, start, now).allowed {
            return SyncVerdict {
                allowed: true,
                blocked_by: Vec::new(),
            };
        }
        first
    }

    /// Whether a sync may run (see [`SyncWindows::verdict`]).
    pub fn can_sync(&self, manual: bool, now: DateTime<Utc>) -> bool {
        self.verdict(manual, now, None).allowed
    }

    /// `canSyncAtTime` at `t`, zone offsets taken at `clock`.
    fn verdict_at(&self, manual: bool, t: DateTime<Utc>, clock: DateTime<Utc>) -> SyncVerdict {
        let allowed = SyncVerdict {
            allowed: true,
            blocked_by: Vec::new(),
        };
        if self.windows.is_empty() {
            return allowed;
        }
        let active: Vec<&SyncWindow> = self
            .windows
            .iter()
            .filter(|w| w.active_with_clock(t, clock))
            .collect();
        let denies: Vec<&SyncWindow> = active
            .iter()
            .copied()
            .filter(|w| w.spec.kind == WindowKind::Deny)
            .collect();
        if !denies.is_empty() {
            if manual && denies.iter().all(|w| w.spec.manual_sync) {
                return allowed;
            }
            return SyncVerdict {
                allowed: false,
                blocked_by: denies
                    .iter()
                    .filter(|w| !(manual && w.spec.manual_sync))
                    .map(|w| w.index)
                    .collect(),
            };
        }
        if active.iter().any(|w| w.spec.kind == WindowKind::Allow) {
            return allowed;
        }
        let closed: Vec<&SyncWindow> = self
            .windows
            .iter()
            .filter(|w| w.spec.kind == WindowKind::Allow)
            .collect();
        if closed.is_empty() || (manual && closed.iter().all(|w| w.spec.manual_sync)) {
            return allowed;
        }
        SyncVerdict {
            allowed: false,
            blocked_by: closed
                .iter()
                .filter(|w| !(manual && w.spec.manual_sync))
                .map(|w| w.index)
                .collect(),
        }
    }
}

#[cfg(test)]
#[path = "windows_tests.rs"]
mod tests;
