//! `status.history` of a live Argo CD Application as tether's sync
//! records, newest first. Argo CD appends an entry for every successful
//! sync (keeping `spec.revisionHistoryLimit`, default 10); its `id` is what
//! a rollback names.

use crate::model::HistoryEntry;
use serde_json::Value;

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The Application's history: `id`, `revision` (the first source's for
/// multi-source apps), `started` = `deployStartedAt` (else `deployedAt`),
/// `finished` = `deployedAt`, `by` = `initiatedBy.username` (or
/// `automated`), `message` = what was deployed (path or chart @ target).
pub fn argo_history_entries(app: &Value) -> Vec<HistoryEntry> {
    let entries = app
        .pointer("/status/history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .rev()
        .map(|h| {
            let revision = match text(h, "/revision") {
                "" => text(h, "/revisions/0"),
                r => r,
            };
            let deployed = text(h, "/deployedAt");
            let started = match text(h, "/deployStartedAt") {
                "" => deployed,
                s => s,
            };
            let by = match text(h, "/initiatedBy/username") {
                "" if h.pointer("/initiatedBy/automated") == Some(&Value::Bool(true)) => {
                    "automated"
                }
                u => u,
            };
            HistoryEntry {
                id: h
                    .get("id")
                    .and_then(Value::as_i64)
                    .and_then(|i| u64::try_from(i).ok())
                    .unwrap_or(0),
                revision: revision.to_string(),
                started: started.to_string(),
                finished: deployed.to_string(),
                result: "Succeeded".to_string(),
                by: by.to_string(),
                message: deployed_what(h),
            }
        })
        .collect()
}

/// `apps/web @ main`, `chart web 1.2.0`, or `2 sources`.
fn deployed_what(entry: &Value) -> String {
    if let Some(sources) = entry.get("sources").and_then(Value::as_array) {
        return format!("{} sources", sources.len());
    }
    let Some(source) = entry.get("source") else {
        return String::new();
    };
    let target = match text(source, "/targetRevision") {
        "" => "HEAD",
        t => t,
    };
    match (text(source, "/chart"), text(source, "/path")) {
        ("", "") => format!("@ {target}"),
        ("", path) => format!("{path} @ {target}"),
        (chart, _) => format!("chart {chart} {target}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn newest_first_with_who_and_what() {
        let app = json!({"status": {"history": [
            {"id": 3, "revision": "aaa", "deployedAt": "2026-11-01T10:00:00Z",
             "deployStartedAt": "2026-11-01T09:59:58Z",
             "initiatedBy": {"automated": true},
             "source": {"repoURL": "https://x", "path": "apps/web", "targetRevision": "main"}},
            {"id": 4, "revisions": ["bbb", "ccc"], "deployedAt": "2026-11-02T10:00:00Z",
             "initiatedBy": {"username": "tether:ada"},
             "sources": [{"repoURL": "https://x"}, {"repoURL": "https://y"}]}]}});
        let entries = argo_history_entries(&app);
        assert_eq!(entries.len(), 2);
        let (newest, oldest) = (&entries[0], &entries[1]);
        assert_eq!((newest.id, newest.revision.as_str()), (4, "bbb"));
        assert_eq!(newest.started, "2026-11-02T10:00:00Z");
        assert_eq!(newest.by, "tether:ada");
        assert_eq!(newest.message, "2 sources");
        assert_eq!(oldest.started, "2026-11-01T09:59:58Z");
        assert_eq!(oldest.finished, "2026-11-01T10:00:00Z");
        assert_eq!(oldest.by, "automated");
        assert_eq!(oldest.message, "apps/web @ main");
        assert!(argo_history_entries(&json!({})).is_empty());
    }
}
