//! 2xx/3xx: re-apply, removal of released fields, conflicts, forced
//! takeover, shared ownership and /scale writes, replayed step by step on
//! the recorded objects.

use super::super::{SemanticError, apply, default_object, record_update};
use super::golden::{assert_owned, body, kind_for, load, query, time_of_manager};
use serde_json::{Value, json};

/// Applies the request of `file` onto `live`, as the HTTP layer does.
fn replay_apply(file: &Value, live: &Value) -> Result<Value, SemanticError> {
    let path = file["request"]["path"].as_str().unwrap_or_default();
    let kind = kind_for(path);
    let manager = query(path, "fieldManager").unwrap_or_default();
    let force = query(path, "force").as_deref() == Some("true");
    let now = time_of_manager(file, &manager);
    let mut out = apply(
        &kind,
        Some(live),
        &file["request"]["body"],
        &manager,
        force,
        &now,
    )?;
    default_object(&kind, &mut out, Some(live));
    Ok(out)
}

fn files(names: &[&str]) -> Option<Vec<Value>> {
    names.iter().map(|n| load(n)).collect()
}

#[test]
fn noop_reapply_returns_live_exactly() {
    let Some(f) = files(&["200-", "201-"]) else {
        return;
    };
    assert_eq!(replay_apply(&f[1], &body(&f[0])).unwrap(), body(&f[1]));
}

#[test]
fn changed_apply_updates_value_and_time() {
    let Some(f) = files(&["200-", "202-"]) else {
        return;
    };
    assert_owned(&f[1], &replay_apply(&f[1], &body(&f[0])).unwrap());
}

#[test]
fn configmap_key_removed_when_no_longer_applied() {
    let Some(f) = files(&["208-", "209-"]) else {
        return;
    };
    assert_owned(&f[1], &replay_apply(&f[1], &body(&f[0])).unwrap());
}

fn conflict(file: &Value) -> SemanticError {
    let b = &file["response"]["body"];
    SemanticError::Conflict {
        message: b["message"].as_str().unwrap_or_default().to_string(),
        causes: b["details"]["causes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| super::super::Cause {
                reason: c["reason"].as_str().unwrap_or_default().to_string(),
                message: c["message"].as_str().unwrap_or_default().to_string(),
                field: c["field"].as_str().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

#[test]
fn ownership_sequence_300_to_306() {
    let Some(f) = files(&["300-", "301-", "302-", "303-", "304-", "305-", "306-"]) else {
        return;
    };
    assert_eq!(replay_apply(&f[1], &body(&f[0])), Err(conflict(&f[1])));
    assert_owned(&f[2], &replay_apply(&f[2], &body(&f[0])).unwrap());
    assert_eq!(replay_apply(&f[3], &body(&f[2])), Err(conflict(&f[3])));
    assert_owned(&f[4], &replay_apply(&f[4], &body(&f[2])).unwrap());
    for i in 5..=6 {
        assert_owned(&f[i], &replay_apply(&f[i], &body(&f[i - 1])).unwrap());
    }
}

fn scale(live: &Value, replicas: i64, manager: &str) -> Value {
    let kind = kind_for("/apis/apps/v1/namespaces/golden/deployments/owned");
    let mut new = live.clone();
    new["spec"]["replicas"] = json!(replicas);
    record_update(
        &kind,
        Some(live),
        &mut new,
        manager,
        Some("scale"),
        "2026-11-22T05:00:00Z",
    );
    new
}

#[test]
fn scale_writes_take_replicas_without_time() {
    let Some(f) = files(&["306-", "309-", "311-", "312-"]) else {
        return;
    };
    assert_owned(&f[1], &scale(&body(&f[0]), 4, "kubectl"));
    assert_owned(&f[2], &scale(&body(&f[1]), 3, "golden-recorder"));
    assert_owned(&f[3], &replay_apply(&f[3], &body(&f[2])).unwrap());
}
