//! Argo CD's sync-window and tracking-id cases (shared/interop/cases).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use tether::argocd::{SyncWindowSpec, SyncWindows, TrackingId, WindowKind};

fn load() -> Option<Value> {
    let Some(dir) = common::shared_dir("interop/cases") else {
        common::skipped("shared/interop/cases is absent; the sync window cases did not run");
        return None;
    };
    let text = std::fs::read_to_string(dir.join("argocd-syncwindows-and-ids.yaml")).unwrap();
    Some(serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()).unwrap())
}

/// `HH:MM` with a zone (`Z` or `±HH:MM`) on a fixed day, as UTC.
fn at(text: &str) -> DateTime<Utc> {
    let stamp = format!("2024-05-06T{}:00{}", &text[..5], &text[5..]);
    DateTime::parse_from_rfc3339(&stamp)
        .unwrap()
        .with_timezone(&Utc)
}

fn window(v: &Value) -> SyncWindowSpec {
    let mut v = v.clone();
    // A window without a kind in the case is only checked for activity.
    if v.get("kind").is_none() {
        v["kind"] = json!("allow");
    }
    serde_json::from_value(v).unwrap()
}

#[test]
fn sync_window_activity() {
    let Some(data) = load() else { return };
    for case in data["syncWindowActive"].as_array().unwrap() {
        let specs: Vec<SyncWindowSpec> = match case.get("windows") {
            Some(list) => list.as_array().unwrap().iter().map(window).collect(),
            None => vec![window(&case["window"])],
        };
        let windows = SyncWindows::new(&specs).unwrap();
        let nows: Vec<DateTime<Utc>> = match case["now"].as_str().unwrap() {
            "any" => (0..24)
                .map(|h| Utc.with_ymd_and_hms(2024, 5, 6, h, 17, 0).single().unwrap())
                .collect(),
            t => vec![at(t)],
        };
        for now in nows {
            let active = windows.active(now).len();
            match (case.get("active"), case.get("activeCount")) {
                (Some(a), _) => assert_eq!(active == 1, a.as_bool().unwrap(), "{case} at {now}"),
                (_, Some(n)) => assert_eq!(active as u64, n.as_u64().unwrap(), "{case} at {now}"),
                _ => panic!("case without expectation: {case}"),
            }
        }
    }
}

/// The windows a `canSync` case describes: active ones open at 12:30
/// ("0 12 * * *" for 1h), inactive ones at 03:00.
fn described(given: &str) -> Vec<(WindowKind, bool, bool)> {
    use WindowKind::{Allow, Deny};
    // (kind, active, manualSync)
    match given {
        "inactive deny window (manualSync true or false)" => {
            vec![(Deny, false, true), (Deny, false, false)]
        }
        "two inactive allow windows, one manualSync false" => {
            vec![(Allow, false, true), (Allow, false, false)]
        }
        "active allow window (manualSync any)" => vec![(Allow, true, false)],
        "active allow window" => vec![(Allow, true, false)],
        "active deny window with manualSync true" => vec![(Deny, true, true)],
        "active deny + active allow" => vec![(Deny, true, false), (Allow, true, true)],
        "inactive allow windows only" => vec![(Allow, false, false), (Allow, false, true)],
        "no windows" => vec![],
        other => panic!("a canSync case this test does not know: {other:?}"),
    }
}

#[test]
fn can_sync_truth_table() {
    let Some(data) = load() else { return };
    let now = at("12:30Z");
    for case in data["canSync"].as_array().unwrap() {
        let given = case["given"].as_str().unwrap();
        let specs: Vec<SyncWindowSpec> = described(given)
            .into_iter()
            .map(|(kind, active, manual)| {
                window(
                    &json!({"kind": if kind == WindowKind::Allow { "allow" } else { "deny" },
                               "schedule": if active { "0 12 * * *" } else { "0 3 * * *" },
                               "duration": "1h", "manualSync": manual, "applications": ["*"]}),
                )
            })
            .collect();
        let windows = SyncWindows::new(&specs).unwrap();
        let manuals: Vec<bool> = match &case["manual"] {
            Value::Bool(b) => vec![*b],
            _ => vec![true, false],
        };
        for manual in manuals {
            assert_eq!(
                windows.can_sync(manual, now),
                case["canSync"].as_bool().unwrap(),
                "{given} manual={manual}"
            );
        }
    }
}

#[test]
fn tracking_ids() {
    let Some(data) = load() else { return };
    let ids = &data["trackingId"];
    assert_eq!(
        ids["format"],
        "<appInstanceName>:<group>/<kind>:<namespace>/<name>"
    );
    for ex in ids["examples"].as_array().unwrap() {
        let Some(value) = ex.get("value") else {
            continue;
        };
        let id = TrackingId {
            app: ex["app"].as_str().unwrap().into(),
            group: ex["group"].as_str().unwrap().into(),
            kind: ex["kind"].as_str().unwrap().into(),
            namespace: ex["namespace"].as_str().unwrap().into(),
            name: ex["name"].as_str().unwrap().into(),
        };
        assert_eq!(id.to_string(), value.as_str().unwrap());
        assert_eq!(TrackingId::parse(value.as_str().unwrap()).unwrap(), id);
    }
    // The note: core group empty, a missing namespace is the destination's.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}});
    assert_eq!(
        TrackingId::of_object(&cm, "my-app", "default").to_string(),
        "my-app:/ConfigMap:default/cm"
    );
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}});
    assert_eq!(
        TrackingId::of_object(&ns, "my-app", "web").to_string(),
        "my-app:/Namespace:web/web"
    );
    assert!(
        ids["appInstanceName"]
            .as_str()
            .unwrap()
            .contains("<appNamespace>_<app>")
    );
    assert_eq!(
        tether::argocd::instance_name("app", "team", "argocd"),
        "team_app"
    );
    // The parse rule: three parts on ':', then exactly two on '/'.
    assert!(TrackingId::parse("a:apps/Deployment/x:ns/n").is_err());
    assert!(TrackingId::parse("a:apps/Deployment").is_err());
    // Names may hold colons (`system:controller`): only the first two split.
    let rbac =
        TrackingId::parse("a:rbac.authorization.k8s.io/ClusterRole:ns/system:controller").unwrap();
    assert_eq!(rbac.name, "system:controller");
}
