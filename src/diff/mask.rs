//! Secret masking: values of a Secret's `data`/`stringData` (and the
//! kubectl last-applied annotation, which embeds them) are never shown. A
//! value becomes `(masked sha256:xxxxxxxx)`, a short salted hash, so a diff
//! still shows *that* a key changed, and two people looking at the same
//! objects see the same hashes, without anyone seeing the value.
//!
//! [`SecretStrings`] does the same for values marked secret elsewhere (Helm
//! values an app lists in `secretValues`): any field holding one of them,
//! in any kind, is masked on both sides of a comparison, and messages have
//! them replaced.

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

/// Marks, in `desired`, each masked value at `pointers` that differs from
/// the masked value `live` holds there: `(changed sha256:aaaaaaaa →
/// sha256:bbbbbbbb)`, so a diff says in words that a hidden value changed
/// and both hashes are on one line.
pub fn mark_changed(live: &Value, desired: &mut Value, pointers: &[String]) {
    for pointer in pointers {
        let (Some(Value::String(before)), Some(after)) =
            (live.pointer(pointer), desired.pointer_mut(pointer))
        else {
            continue;
        };
        let (Some(old), Some(new)) = (
            before
                .strip_prefix(MASK_PREFIX)
                .and_then(|h| h.strip_suffix(')')),
            after
                .as_str()
                .and_then(|a| a.strip_prefix(MASK_PREFIX))
                .and_then(|h| h.strip_suffix(')')),
        ) else {
            continue;
        };
        if old != new {
            *after = Value::String(format!("(changed sha256:{old} → sha256:{new})"));
        }
    }
}

/// What every masked value starts with.
const MASK_PREFIX: &str = "(masked sha256:";

/// Secret values shorter than this are masked only where a whole field
/// equals them: as substrings they would hide half of every object.
const MIN_SUBSTRING: usize = 4;

/// What a secret value becomes inside a message.
const MASKED_TEXT: &str = "(masked)";

/// Values that must never be shown, wherever they appear: as a whole
/// field, inside a longer string (a connection URL), or base64-encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretStrings {
    /// Matched as substrings, longest first.
    needles: Vec<String>,
    /// Short values, matched only as whole fields or quoted in messages.
    exact: Vec<String>,
}

impl SecretStrings {
    /// The masker for `values` (empty strings are ignored); each value's
    /// base64 form counts as secret too.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut needles = Vec::new();
        let mut exact = Vec::new();
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            let encoded = base64::engine::general_purpose::STANDARD.encode(value.as_bytes());
            for v in [value, encoded] {
                if v.chars().count() >= MIN_SUBSTRING {
                    needles.push(v);
                } else {
                    exact.push(v);
                }
            }
        }
        needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        exact.sort();
        exact.dedup();
        Self { needles, exact }
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty() && self.exact.is_empty()
    }

    /// Whether a field holding `text` would show a secret.
    pub fn leaks(&self, text: &str) -> bool {
        self.needles.iter().any(|n| text.contains(n.as_str()))
            || self.exact.iter().any(|e| e == text)
    }

    /// `text` with every secret replaced by `(masked)`; for messages
    /// (errors, sync records) that may quote a value.
    pub fn mask_text(&self, text: &str) -> String {
        if self.is_empty() {
            return text.to_string();
        }
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASKED_TEXT);
            }
        }
        if self.exact.contains(&out) {
            return MASKED_TEXT.to_string();
        }
        for short in &self.exact {
            for quote in ['"', '\''] {
                let quoted = format!("{quote}{short}{quote}");
                if out.contains(&quoted) {
                    out = out.replace(&quoted, &format!("{quote}{MASKED_TEXT}{quote}"));
                }
            }
        }
        out
    }

    /// Masks, on every side, each field that holds a secret on any side,
    /// as `(masked sha256:xxxxxxxx)` salted with `salt`: a value that
    /// changed shows as changed, an unchanged one as equal, neither in
    /// clear. Map keys holding a secret are masked the same way.
    pub fn mask_values(&self, sides: &mut [&mut Value], salt: &str) {
        if self.is_empty() {
            return;
        }
        let mut pointers = Vec::new();
        for side in sides.iter() {
            self.leaking_fields(side, &mut String::new(), &mut pointers);
        }
        pointers.sort();
        pointers.dedup();
        for side in sides.iter_mut() {
            for pointer in &pointers {
                if let Some(field) = side.pointer_mut(pointer) {
                    let text = scalar_text(field);
                    *field = Value::String(masked(salt, text.as_bytes()));
                }
            }
            self.mask_keys(side, salt);
        }
    }

    fn leaking_fields(&self, value: &Value, path: &mut String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.leaking_fields(v, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    self.leaking_fields(v, path, out);
                    path.truncate(len);
                }
            }
            Value::String(_) | Value::Number(_) => {
                if self.leaks(&scalar_text(value)) {
                    out.push(path.clone());
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn mask_keys(&self, value: &mut Value, salt: &str) {
        match value {
            Value::Object(map) => {
                if map.keys().any(|k| self.leaks(k)) {
                    let entries = std::mem::take(map);
                    for (key, v) in entries {
                        let key = if self.leaks(&key) {
                            masked(salt, key.as_bytes())
                        } else {
                            key
                        };
                        map.insert(key, v);
                    }
                }
                map.values_mut().for_each(|v| self.mask_keys(v, salt));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.mask_keys(v, salt)),
            _ => {}
        }
    }
}

/// A scalar field as text: strings as they are, others as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn masked(salt: &str, value: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0u8]);
    hasher.update(value);
    let digest = hasher.finalize();
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{MASK_PREFIX}{short})")
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
    fn marked_values_are_masked_wherever_they_appear() {
        let secrets = SecretStrings::new(["hunter2".to_string(), "42".to_string()]);
        let mut live = json!({"kind": "ConfigMap", "data": {
            "password": "hunter1", "url": "postgres://app:hunter1@db/app", "port": 42,
            "other": "keep 42 here"}});
        let mut desired = json!({"kind": "ConfigMap", "data": {
            "password": "hunter2", "url": "postgres://app:hunter2@db/app", "port": 42,
            "encoded": "aHVudGVyMg==", "other": "keep 42 here", "hunter2": "as a key"}});
        secrets.mask_values(&mut [&mut live, &mut desired], "ns/cm");
        let text = format!("{live}{desired}");
        assert!(
            !text.contains("hunter") && !text.contains("aHVudGVy"),
            "{text}"
        );
        // The old value sits where a secret sits now: masked too, and unequal.
        assert!(
            live["data"]["password"]
                .as_str()
                .unwrap()
                .starts_with("(masked sha256:")
        );
        assert_ne!(live["data"]["password"], desired["data"]["password"]);
        assert_ne!(live["data"]["url"], desired["data"]["url"]);
        // A short secret hides whole fields only.
        assert_eq!(live["data"]["port"], desired["data"]["port"]);
        assert!(live["data"]["port"].is_string());
        assert_eq!(desired["data"]["other"], "keep 42 here");
    }

    #[test]
    fn a_changed_hidden_value_says_so_with_both_hashes() {
        let mut live =
            json!({"apiVersion": "v1", "kind": "Secret", "data": {"a": "eA==", "b": "eQ=="}});
        let mut desired =
            json!({"apiVersion": "v1", "kind": "Secret", "data": {"a": "eg==", "b": "eQ=="}});
        mask_secret(&mut live, "s");
        mask_secret(&mut desired, "s");
        let (old, same) = (live["data"]["a"].clone(), desired["data"]["b"].clone());
        mark_changed(&live, &mut desired, &["/data/a".into(), "/data/b".into()]);
        let marked = desired["data"]["a"].as_str().unwrap();
        let old_hash = old
            .as_str()
            .unwrap()
            .trim_start_matches(MASK_PREFIX)
            .trim_end_matches(')');
        assert!(
            marked.starts_with(&format!("(changed sha256:{old_hash} → sha256:")),
            "{marked}"
        );
        assert_eq!(desired["data"]["b"], same);
    }

    #[test]
    fn messages_lose_their_secrets() {
        let secrets = SecretStrings::new(["hunter2".to_string(), "ab".to_string()]);
        assert_eq!(
            secrets.mask_text("spec.x: Invalid value: \"hunter2\": bad; also \"ab\" and tab"),
            "spec.x: Invalid value: \"(masked)\": bad; also \"(masked)\" and tab"
        );
        assert_eq!(secrets.mask_text("ab"), "(masked)");
        assert!(SecretStrings::new([String::new()]).is_empty());
    }

    #[test]
    fn other_kinds_are_untouched() {
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"}});
        mask_secret(&mut cm, "x");
        assert_eq!(cm["data"]["k"], "v");
    }
}
