//! 5xx: validation causes and messages, unknown fields, MicroTimes.

use super::super::{Cause, SemanticError, apply, default_object, invalid_message, validate};
use super::golden::{body, kind_for, load};
use serde_json::Value;

fn causes_of(file: &Value) -> Vec<Cause> {
    file["response"]["body"]["details"]["causes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| Cause {
            reason: c["reason"].as_str().unwrap_or_default().to_string(),
            message: c["message"].as_str().unwrap_or_default().to_string(),
            field: c["field"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn message_of(file: &Value) -> String {
    file["response"]["body"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Runs the request of `file` through the semantics: apply for PATCH, the
/// body as is for POST; then defaults and validation against `live`.
fn run(file: &Value, live: Option<&Value>) -> Result<Value, SemanticError> {
    let path = file["request"]["path"].as_str().unwrap_or_default();
    let kind = kind_for(path);
    let req = &file["request"]["body"];
    let mut obj = if file["request"]["method"] == "PATCH" {
        apply(&kind, live, req, "tether", true, "2026-11-22T05:00:00Z")?
    } else {
        req.clone()
    };
    default_object(&kind, &mut obj, live);
    validate(&kind, &obj, live)?;
    Ok(obj)
}

fn assert_invalid(file: &Value, live: Option<&Value>, sort: bool) {
    let path = file["request"]["path"].as_str().unwrap_or_default();
    let kind = kind_for(path);
    let Err(SemanticError::Invalid { mut causes }) = run(file, live) else {
        panic!("{} did not fail validation", file["description"]);
    };
    let mut expected = causes_of(file);
    let name = file["response"]["body"]["details"]["name"]
        .as_str()
        .unwrap_or_default();
    if sort {
        causes.sort_by(|a, b| a.field.cmp(&b.field));
        expected.sort_by(|a, b| a.field.cmp(&b.field));
    } else {
        assert_eq!(invalid_message(&kind, name, &causes), message_of(file));
    }
    assert_eq!(causes, expected, "{}", file["description"]);
}

#[test]
fn invalid_objects_give_the_recorded_causes() {
    for name in ["504-", "505-", "506-", "507-"] {
        let Some(file) = load(name) else {
            return;
        };
        assert_invalid(&file, None, false);
    }
}

#[test]
fn immutable_selector_is_rejected() {
    let (Some(live), Some(file)) = (load("202-"), load("524-")) else {
        return;
    };
    assert_invalid(&file, Some(&body(&live)), false);
}

#[test]
fn custom_resource_schema_errors() {
    let (Some(live), Some(file)) = (load("128-"), load("526-")) else {
        return;
    };
    assert_invalid(&file, Some(&body(&live)), true);
}

#[test]
fn unknown_fields_and_bad_microtimes_are_500_on_apply() {
    for name in ["130-", "525-", "530-"] {
        let Some(file) = load(name) else {
            return;
        };
        let expected = SemanticError::Internal {
            message: message_of(&file),
        };
        assert_eq!(run(&file, None).map(|_| ()), Err(expected), "{name}");
    }
}

#[test]
fn bad_microtime_is_400_on_post() {
    let Some(file) = load("531-") else {
        return;
    };
    let expected = SemanticError::BadRequest {
        message: message_of(&file),
    };
    assert_eq!(run(&file, None).map(|_| ()), Err(expected));
}

#[test]
fn post_prunes_unknown_fields_of_custom_resources() {
    let Some(file) = load("131-") else {
        return;
    };
    let out = run(&file, None).unwrap();
    assert_eq!(out["spec"], body(&file)["spec"]);
}

#[test]
fn configmap_and_secret_data_hold_at_most_one_mebibyte() {
    let kind = kind_for("/api/v1/namespaces/web/configmaps/big");
    let big = "x".repeat(1024 * 1024 + 1);
    let cm = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "big", "namespace": "web"}, "data": {"a": big}});
    let Err(SemanticError::Invalid { causes }) = validate(&kind, &cm, None) else {
        panic!("a ConfigMap over 1 MiB was accepted");
    };
    assert_eq!(
        invalid_message(&kind, "big", &causes),
        "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes"
    );
    let fits = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "big", "namespace": "web"}, "data": {"a": "x".repeat(1024 * 1024)}});
    assert!(validate(&kind, &fits, None).is_ok());
}
