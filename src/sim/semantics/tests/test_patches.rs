//! 4xx: strategic merge, JSON patch and merge patch replayed on the
//! recorded objects, with the managedFields of the Update they record.

use super::super::{
    SemanticError, default_object, json_patch, merge_patch, record_update, strategic_merge,
};
use super::golden::{assert_owned, body, kind_for, load, time_of_manager};
use serde_json::Value;

/// Patches `live` with the request of `file` as the HTTP layer does:
/// patch, default, record the Update of the User-Agent manager.
fn replay_patch(file: &Value, live: &Value) -> Result<Value, SemanticError> {
    let path = file["request"]["path"].as_str().unwrap_or_default();
    let kind = kind_for(path);
    let patch = &file["request"]["body"];
    let ct = file["request"]["headers"]["Content-Type"]
        .as_str()
        .unwrap_or_default();
    let mut new = match ct {
        "application/strategic-merge-patch+json" => strategic_merge(&kind, live, patch)?,
        "application/json-patch+json" => json_patch(live, patch)?,
        _ => merge_patch(live, patch),
    };
    default_object(&kind, &mut new, Some(live));
    let manager = "golden-recorder";
    let now = time_of_manager(file, manager);
    record_update(&kind, Some(live), &mut new, manager, None, &now);
    Ok(new)
}

fn files(names: &[&str]) -> Option<Vec<Value>> {
    names.iter().map(|n| load(n)).collect()
}

#[test]
fn deployment_patch_sequence_400_to_406() {
    let Some(f) = files(&["400-", "401-", "402-", "403-", "404-", "405-", "406-"]) else {
        return;
    };
    for i in 1..=4 {
        assert_owned(&f[i], &replay_patch(&f[i], &body(&f[i - 1])).unwrap());
    }
    let rejected = replay_patch(&f[5], &body(&f[4]));
    let message = f[5]["response"]["body"]["message"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        rejected,
        Err(SemanticError::InvalidRequest {
            message: message.to_string()
        })
    );
    assert_owned(&f[6], &replay_patch(&f[6], &body(&f[4])).unwrap());
}

#[test]
fn service_patch_sequence_410_to_413() {
    let Some(f) = files(&["104-", "410-", "411-", "412-", "413-"]) else {
        return;
    };
    for i in 1..=4 {
        assert_owned(&f[i], &replay_patch(&f[i], &body(&f[i - 1])).unwrap());
    }
}

#[test]
fn merge_patch_null_removes_configmap_key() {
    let Some(f) = files(&["132-", "414-"]) else {
        return;
    };
    assert_owned(&f[1], &replay_patch(&f[1], &body(&f[0])).unwrap());
}

#[test]
fn smp_on_custom_resource_is_unsupported() {
    let Some(f) = files(&["128-", "521-"]) else {
        return;
    };
    let kind = kind_for(f[1]["request"]["path"].as_str().unwrap_or_default());
    let out = strategic_merge(&kind, &body(&f[0]), &f[1]["request"]["body"]);
    let message = f[1]["response"]["body"]["message"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        out,
        Err(SemanticError::UnsupportedMediaType {
            message: message.to_string()
        })
    );
}
