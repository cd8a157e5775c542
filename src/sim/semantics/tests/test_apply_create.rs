//! 1xx: server-side apply creates, checked against the recorded responses.

use super::super::{apply, default_object, validate};
use super::golden::{assert_body, kind_for, load, query, time_of};
use serde_json::Value;

/// apply(None) + server metadata + default_object, as the HTTP layer does.
fn create_by_apply(file: &Value) -> Value {
    let path = file["request"]["path"].as_str().unwrap_or_default();
    let kind = kind_for(path);
    let manager = query(path, "fieldManager").unwrap_or_default();
    let config = &file["request"]["body"];
    let mut obj = apply(&kind, None, config, &manager, true, &time_of(file)).unwrap();
    let expected_meta = &file["response"]["body"]["metadata"];
    obj["metadata"]["uid"] = expected_meta["uid"].clone();
    default_object(&kind, &mut obj, None);
    validate(&kind, &obj, None).unwrap();
    obj
}

#[test]
fn apply_creates_match_golden_responses() {
    let names = [
        "100-", "101-", "102-", "103-", "104-", "105-", "106-", "107-", "108-", "109-", "110-",
        "111-", "112-", "113-", "114-", "115-", "116-", "117-", "118-", "119-", "120-", "121-",
        "122-", "123-", "124-", "128-", "129-", "133-", "134-",
    ];
    for name in names {
        let Some(file) = load(name) else {
            return;
        };
        let obj = create_by_apply(&file);
        assert_body(&file, &obj);
    }
}

#[test]
fn reapplying_a_created_object_is_a_noop() {
    for name in ["102-", "104-", "108-", "112-", "114-", "122-", "128-"] {
        let Some(file) = load(name) else {
            return;
        };
        let live = create_by_apply(&file);
        let path = file["request"]["path"].as_str().unwrap_or_default();
        let kind = kind_for(path);
        let config = &file["request"]["body"];
        let again = apply(
            &kind,
            Some(&live),
            config,
            "tether",
            false,
            "2030-01-01T00:00:00Z",
        );
        assert_eq!(again.as_ref(), Ok(&live), "{name}");
        let mut redefaulted = live.clone();
        default_object(&kind, &mut redefaulted, Some(&live));
        assert_eq!(redefaulted, live, "{name} defaults are idempotent");
    }
}

#[test]
fn post_creates_record_update_entries() {
    for name in ["131-", "132-"] {
        let Some(file) = load(name) else {
            return;
        };
        let path = file["request"]["path"].as_str().unwrap_or_default();
        let kind = kind_for(path);
        let mut obj = file["request"]["body"].clone();
        obj["metadata"]["uid"] = file["response"]["body"]["metadata"]["uid"].clone();
        default_object(&kind, &mut obj, None);
        let manager = query(path, "fieldManager").unwrap_or_default();
        super::super::record_update(&kind, None, &mut obj, &manager, None, &time_of(&file));
        assert_body(&file, &obj);
    }
}

#[test]
fn apply_creates_write_keys_in_apiserver_order() {
    for n in (100..=134).chain(700..=999) {
        let Some(file) = load(&format!("{n}-")) else {
            continue;
        };
        let is_apply_create =
            file["request"]["method"] == "PATCH" && file["response"]["status"] == 201;
        if !is_apply_create {
            continue;
        }
        let obj = create_by_apply(&file);
        let expected = super::golden::normalize(&file, &file["response"]["body"]);
        let actual = super::golden::normalize(&file, &obj);
        assert_eq!(
            serde_json::to_string(&actual).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "{n}"
        );
    }
}
