//! Status conditions that keep their timestamps while unchanged.

use serde_json::{Map, Value, json};

/// One desired condition.
pub(crate) struct Cond<'a> {
    pub kind: &'a str,
    pub status: &'a str,
    pub reason: &'a str,
    pub message: &'a str,
}

/// Sets a Deployment-style condition (with lastUpdateTime) in `conds`.
/// `touch` refreshes lastUpdateTime even when reason and message stay.
pub(crate) fn set(conds: &mut Vec<Value>, c: &Cond, now: &str, with_update_time: bool) {
    let existing = conds
        .iter()
        .position(|x| x.get("type").and_then(Value::as_str) == Some(c.kind));
    let old = existing.map(|i| conds[i].clone());
    let same_status = old
        .as_ref()
        .and_then(|o| o.get("status"))
        .and_then(Value::as_str)
        == Some(c.status);
    let same_text = same_status
        && old
            .as_ref()
            .and_then(|o| o.get("reason"))
            .and_then(Value::as_str)
            == Some(c.reason)
        && old
            .as_ref()
            .and_then(|o| o.get("message"))
            .and_then(Value::as_str)
            == Some(c.message);
    let keep = |k: &str| {
        old.as_ref()
            .and_then(|o| o.get(k))
            .cloned()
            .unwrap_or(json!(now))
    };
    let mut m = Map::new();
    m.insert("type".into(), json!(c.kind));
    m.insert("status".into(), json!(c.status));
    if with_update_time {
        m.insert(
            "lastUpdateTime".into(),
            if same_text {
                keep("lastUpdateTime")
            } else {
                json!(now)
            },
        );
    }
    m.insert(
        "lastTransitionTime".into(),
        if same_status {
            keep("lastTransitionTime")
        } else {
            json!(now)
        },
    );
    m.insert("reason".into(), json!(c.reason));
    m.insert("message".into(), json!(c.message));
    match existing {
        Some(i) => conds[i] = Value::Object(m),
        None => conds.push(Value::Object(m)),
    }
}

/// Reads a condition's reason.
pub(crate) fn reason_of<'a>(conds: &'a [Value], kind: &str) -> Option<&'a str> {
    conds
        .iter()
        .find(|x| x.get("type").and_then(Value::as_str) == Some(kind))
        .and_then(|x| x.get("reason"))
        .and_then(Value::as_str)
}
