//! Secret masking: values of a Secret's `data`/`stringData` (and the
//! kubectl last-applied annotation, which embeds them) are never shown. A
//! value becomes `(masked sha256:xxxxxxxx)`, a short salted hash, so a diff
//! still shows *that* a key changed, and two people looking at the same
//! objects see the same hashes, without anyone seeing the value.

use super::normalize::LAST_APPLIED;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// True for core/v1 Secrets.
pub fn is_secret(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Secret")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// Replaces every secret value of `object` with its masked form. `salt`
/// should be the same for both sides of one comparison (e.g. the object's
/// namespace/name) so equal values mask equally.
pub fn mask_secret(object: &mut Value, salt: &str) {
    if !is_secret(object) {
        return;
    }
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(data)) = obj.get_mut("data") {
        for value in data.values_mut() {
            let decoded = value
                .as_str()
                .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
                .unwrap_or_default();
            *value = Value::String(masked(salt, &decoded));
        }
    }
    if let Some(Value::Object(data)) = obj.get_mut("stringData") {
        for value in data.values_mut() {
            let raw = value.as_str().unwrap_or_default().as_bytes().to_vec();
            *value = Value::String(masked(salt, &raw));
        }
    }
    if let Some(Value::Object(annotations)) = obj
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        && let Some(value) = annotations.get_mut(LAST_APPLIED)
    {
        let raw = value.as_str().unwrap_or_default().as_bytes().to_vec();
        *value = Value::String(masked(salt, &raw));
    }
}

fn masked(salt: &str, value: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0u8]);
    hasher.update(value);
    let digest = hasher.finalize();
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("(masked sha256:{short})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_replaced_by_salted_hashes() {
        let mut a = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}});
        let mut b = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "stringData": {"password": "hunter3", "user": "admin"}});
        mask_secret(&mut a, "ns/s");
        mask_secret(&mut b, "ns/s");
        let text = format!("{a}{b}");
        assert!(!text.contains("hunter") && !text.contains("aHVudGVy") && !text.contains("admin"));
        // Same value, same mask; different value, different mask.
        assert_eq!(a["data"]["user"], b["stringData"]["user"]);
        assert_ne!(a["data"]["password"], b["stringData"]["password"]);
    }

    #[test]
    fn other_kinds_are_untouched() {
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"}});
        mask_secret(&mut cm, "x");
        assert_eq!(cm["data"]["k"], "v");
    }
}
