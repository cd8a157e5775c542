use super::*;
use chrono::TimeZone;

fn spec(kind: WindowKind, schedule: &str, duration: &str) -> SyncWindowSpec {
    SyncWindowSpec {
        kind,
        schedule: schedule.into(),
        duration: duration.into(),
        applications: vec!["*".into()],
        namespaces: vec![],
        clusters: vec![],
        manual_sync: false,
        time_zone: String::new(),
        and_operator: false,
        description: String::new(),
        sync_overrun: false,
    }
}

fn utc_at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap()
}

#[test]
fn a_zone_shifts_the_schedule() {
    let mut s = spec(WindowKind::Deny, "0 18 * * *", "1h");
    s.time_zone = "Europe/Paris".into();
    let w = SyncWindow::new(0, s).unwrap();
    // Summer: 18:00 in Paris is 16:00 UTC.
    assert!(w.is_active(utc_at(2024, 7, 1, 16, 30)));
    assert!(!w.is_active(utc_at(2024, 7, 1, 18, 30)));
    // Winter: 17:00 UTC.
    assert!(w.is_active(utc_at(2024, 1, 10, 17, 30)));
    assert!(!w.is_active(utc_at(2024, 1, 10, 16, 30)));
}

/// Argo CD takes the zone's offset at the evaluation time, not at the
/// scheduled start: on the night clocks go forward in Paris (31 March
/// 2024, 01:00 UTC), a 02:30 start that does not exist locally still
/// opens the window, and a window opened before the change is judged with
/// the new offset.
#[test]
fn dst_edges_use_the_offset_of_now() {
    let mut s = spec(WindowKind::Deny, "30 2 * * *", "1h");
    s.time_zone = "Europe/Paris".into();
    let w = SyncWindow::new(0, s).unwrap();
    // 01:00 UTC = 03:00 CEST; shifted by +2h the 02:30 start is 30 minutes ago.
    assert!(w.is_active(utc_at(2024, 3, 31, 1, 0)));
    // 00:45 UTC is 01:45 CET (+1h): 02:30 has not come yet.
    assert!(!w.is_active(utc_at(2024, 3, 31, 0, 45)));

    // Clocks go back on 27 October 2024 at 01:00 UTC (03:00 CEST → 02:00 CET).
    let mut s = spec(WindowKind::Deny, "0 2 * * *", "90m");
    s.time_zone = "Europe/Paris".into();
    let w = SyncWindow::new(0, s).unwrap();
    // 00:30 UTC = 02:30 CEST: opened at 02:00 CEST (00:00 UTC).
    assert!(w.is_active(utc_at(2024, 10, 27, 0, 30)));
    // 01:15 UTC: the offset is now +1h, so "local" is 02:15 and the window,
    // which by the wall clock has been open 2h15m, still counts as open.
    assert!(w.is_active(utc_at(2024, 10, 27, 1, 15)));
    // 02:45 UTC = 03:45 CET: more than 90 minutes after 02:00.
    assert!(!w.is_active(utc_at(2024, 10, 27, 2, 45)));
}

#[test]
fn bad_windows_are_errors_naming_the_window() {
    let mut s = spec(WindowKind::Allow, "0 0 * * *", "1h");
    s.time_zone = "Mars/Olympus".into();
    let err = SyncWindow::new(3, s).unwrap_err().to_string();
    assert!(
        err.contains("sync window 3") && err.contains("Mars/Olympus"),
        "{err}"
    );
    let err = SyncWindow::new(1, spec(WindowKind::Allow, "0 0 * *", "1h")).unwrap_err();
    assert!(err.to_string().contains("cannot parse schedule"), "{err}");
    let err = SyncWindow::new(1, spec(WindowKind::Allow, "0 0 * * *", "1d")).unwrap_err();
    assert!(err.to_string().contains("cannot parse duration"), "{err}");
    let err = SyncWindows::from_value(Some(
        &serde_json::json!([{"kind": "maybe", "schedule": "* * * * *", "duration": "1h"}]),
    ));
    assert!(err.is_err());
}

#[test]
fn matching_by_application_cluster_and_namespace() {
    let target = WindowTarget {
        app: "web-prod",
        namespace: "web",
        cluster_name: "prod-eu",
        cluster_server: "https://prod.example.com",
    };
    let mut s = spec(WindowKind::Deny, "* * * * *", "1h");
    s.applications = vec!["*-staging".into()];
    s.clusters = vec!["prod-*".into()];
    let or = SyncWindow::new(0, s.clone()).unwrap();
    assert!(or.matches(&target));
    s.and_operator = true;
    let and = SyncWindow::new(0, s.clone()).unwrap();
    assert!(!and.matches(&target));
    s.applications = vec!["*-prod".into()];
    s.namespaces = vec!["web".into()];
    assert!(SyncWindow::new(0, s.clone()).unwrap().matches(&target));
    s.clusters = vec!["https://prod.*".into()];
    assert!(SyncWindow::new(0, s).unwrap().matches(&target));
    let mut nothing = spec(WindowKind::Deny, "* * * * *", "1h");
    nothing.applications.clear();
    nothing.and_operator = true;
    assert!(!SyncWindow::new(0, nothing).unwrap().matches(&target));
}

#[test]
fn blocking_windows_are_named() {
    let now = utc_at(2024, 5, 6, 12, 30);
    let mut manual_deny = spec(WindowKind::Deny, "0 11 * * *", "2h");
    manual_deny.manual_sync = true;
    let strict_deny = spec(WindowKind::Deny, "0 12 * * *", "1h");
    let windows = SyncWindows::new(&[manual_deny.clone(), strict_deny]).unwrap();
    let v = windows.verdict(true, now, None);
    assert_eq!((v.allowed, v.blocked_by), (false, vec![1]));
    let v = windows.verdict(false, now, None);
    assert_eq!((v.allowed, v.blocked_by), (false, vec![0, 1]));
    let only_manual = SyncWindows::new(&[manual_deny]).unwrap();
    assert!(only_manual.can_sync(true, now));
}

#[test]
fn sync_overrun_lets_a_running_operation_continue() {
    let mut deny = spec(WindowKind::Deny, "0 12 * * *", "1h");
    deny.sync_overrun = true;
    let windows = SyncWindows::new(&[deny]).unwrap();
    let now = utc_at(2024, 5, 6, 12, 10);
    assert!(!windows.can_sync(false, now));
    // Started before the deny window opened: may go on.
    assert!(
        windows
            .verdict(false, now, Some(utc_at(2024, 5, 6, 11, 55)))
            .allowed
    );
    // Started inside it: still blocked.
    assert!(
        !windows
            .verdict(false, now, Some(utc_at(2024, 5, 6, 12, 5)))
            .allowed
    );

    let mut allow = spec(WindowKind::Allow, "0 9 * * *", "1h");
    allow.sync_overrun = true;
    let windows = SyncWindows::new(&[allow]).unwrap();
    let now = utc_at(2024, 5, 6, 10, 30);
    assert!(!windows.can_sync(false, now));
    assert!(
        windows
            .verdict(false, now, Some(utc_at(2024, 5, 6, 9, 50)))
            .allowed
    );
}
