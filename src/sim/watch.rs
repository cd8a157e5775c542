//! WATCH: chunked streams of ADDED/MODIFIED/DELETED events (NDJSON, or
//! length-prefixed protobuf frames when negotiated; objects as Table rows
//! for `as=Table`), resumed from a resourceVersion or started with synthetic
//! ADDED events, with bookmarks, timeouts and `410 Expired` for compacted
//! versions.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until};

use super::apierror::ApiError;
use super::faults::OpenWatch;
use super::handler::{Reply, Req, selectors};
use super::media::{Answer, Encoding};
use super::meta;
use super::proto;
use super::registry::ResourceType;
use super::router::ResourcePath;
use super::selector::{FieldSelector, LabelSelector};
use super::state::SimState;
use super::store::{self, Change, ChangeType};
use super::table;

/// Interval of periodic bookmarks on long watches.
const BOOKMARK_EVERY: Duration = Duration::from_secs(60);

/// What one watch stream delivers.
struct Filter {
    resource: String,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn matches(&self, c: &Change) -> bool {
        self.in_scope(c) && self.selects(&c.object)
    }

    fn in_scope(&self, c: &Change) -> bool {
        c.resource == self.resource
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| meta::namespace(&c.object) == ns)
    }

    fn selects(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }

    fn has_selector(&self) -> bool {
        !self.labels.is_empty() || !self.fields.is_empty()
    }
}

type Key = (String, String);

fn key(obj: &Value) -> Key {
    (
        meta::namespace(obj).to_string(),
        meta::name(obj).to_string(),
    )
}

/// The event a change becomes for a watch with selectors: objects that
/// start matching are ADDED, objects that stop matching are DELETED.
fn translate(filter: &Filter, matching: &mut HashSet<Key>, c: &Change) -> Option<&'static str> {
    if !filter.in_scope(c) {
        return None;
    }
    if !filter.has_selector() {
        return Some(c.kind.as_str());
    }
    let k = key(&c.object);
    let now = filter.selects(&c.object) && c.kind != ChangeType::Deleted;
    let was = matching.contains(&k);
    match (was, now) {
        (true, true) => Some("MODIFIED"),
        (false, true) => {
            matching.insert(k);
            Some("ADDED")
        }
        (true, false) => {
            matching.remove(&k);
            Some("DELETED")
        }
        (false, false) => None,
    }
}

/// The options of one watch.
struct Plan {
    filter: Filter,
    deadline: Instant,
    bookmarks: bool,
    kind: String,
    api_version: String,
    writer: EventWriter,
}

/// Writes events in the negotiated form.
struct EventWriter {
    encoding: Encoding,
    /// For `as=Table`: the type, and whether column definitions were sent.
    table: Option<(Arc<ResourceType>, bool)>,
}

impl EventWriter {
    fn content_type(&self) -> &'static str {
        match self.encoding {
            Encoding::Json => "application/json",
            Encoding::Protobuf => proto::WATCH_MEDIA_TYPE,
        }
    }

    /// One event; objects become one-row Tables (column definitions only
    /// in the first), errors and bookmarks stay as they are.
    fn event(&mut self, kind: &str, object: &Value) -> Bytes {
        let transformed;
        let object = match &mut self.table {
            Some((rt, sent_columns)) if kind != "ERROR" && kind != "BOOKMARK" => {
                let mut t = table::from_object(rt, object, meta::rv(object));
                if *sent_columns {
                    t["columnDefinitions"] = Value::Null;
                }
                *sent_columns = true;
                transformed = t;
                &transformed
            }
            _ => object,
        };
        match self.encoding {
            Encoding::Json => line(kind, object),
            Encoding::Protobuf => proto::watch_frame(kind, object)
                .or_else(|e| {
                    let status = ApiError::internal(&format!("unable to encode watch object: {e}"));
                    proto::watch_frame("ERROR", &status.to_json())
                })
                .map(Bytes::from)
                .unwrap_or_default(),
        }
    }
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut s = json!({"type": kind, "object": object}).to_string();
    s.push('\n');
    Bytes::from(s)
}

/// A watch that answers with one ERROR event, `410 Expired`, and ends:
/// what a client gets when its resourceVersion was compacted meanwhile.
pub(crate) fn gone() -> Reply {
    let (tx, rx) = mpsc::channel(1);
    let error = ApiError::from_code(410, "too old resource version".into());
    let _ = tx.try_send(line("ERROR", &error.to_json()));
    Reply::Stream(rx, "application/json")
}

/// Starts a watch and returns the streaming reply.
pub(crate) fn start(
    state: &Arc<SimState>,
    req: &Req,
    answer: Answer,
    rt: &Arc<ResourceType>,
    p: &ResourcePath,
) -> Result<Reply, ApiError> {
    let params = req.params();
    let (labels, fields) = selectors(&params)?;
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .unwrap_or(1800u64);
    let mut plan = Plan {
        filter: Filter {
            resource: rt.key(),
            namespace: if rt.namespaced {
                p.namespace.clone()
            } else {
                None
            },
            labels,
            fields,
        },
        deadline: Instant::now() + Duration::from_secs(timeout),
        bookmarks: params
            .get("allowWatchBookmarks")
            .is_some_and(|b| b == "true" || b == "1"),
        kind: rt.kind.clone(),
        api_version: rt.api_version(),
        writer: EventWriter {
            encoding: answer.encoding,
            table: answer.table.then(|| (rt.clone(), false)),
        },
    };
    let (tx, rx) = mpsc::channel(1024);
    let content_type = plan.writer.content_type();
    let store = state.store();
    // Streaming lists (`sendInitialEvents=true`, newer than 1.24 but used by
    // kubectl 1.37 and kube-rs): current state first, then a bookmark.
    let streaming = params.get("sendInitialEvents").is_some_and(|v| v == "true");
    let from = params
        .get("resourceVersion")
        .filter(|v| !v.is_empty() && *v != "0" && !streaming)
        .map(|v| v.parse::<u64>());
    let mut initial = Vec::new();
    match from {
        None => {
            for o in store.list(&rt.key(), plan.filter.namespace.as_deref()) {
                if plan.filter.labels.matches(o) && plan.filter.fields.matches(o) {
                    initial.push(plan.writer.event("ADDED", o));
                }
            }
        }
        Some(Err(_)) => return Err(ApiError::bad_request("invalid resource version")),
        Some(Ok(rv)) => match store.changes_since(&rt.key(), rv) {
            Ok(changes) => {
                initial.extend(
                    changes
                        .iter()
                        .filter(|c| plan.filter.matches(c))
                        .map(|c| plan.writer.event(c.kind.as_str(), &c.object)),
                );
            }
            Err(oldest) => {
                let status = ApiError::too_old(rv, oldest).to_json();
                initial.push(plan.writer.event("ERROR", &status));
            }
        },
    }
    if streaming {
        let mut b = store::bookmark(&plan.kind, &plan.api_version, store.current_rv());
        b["metadata"]["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        initial.push(plan.writer.event("BOOKMARK", &b));
    }
    let expired = matches!(from, Some(Ok(rv)) if store.changes_since(&rt.key(), rv).is_err());
    let matching: HashSet<Key> = store
        .list(&rt.key(), plan.filter.namespace.as_deref())
        .into_iter()
        .filter(|o| plan.filter.selects(o))
        .map(key)
        .collect();
    let changes = store.subscribe();
    drop(store);
    let stop = (state.shutdown.clone(), state.watch_token());
    let open = OpenWatch::new(
        &state.faults,
        &rt.plural,
        plan.filter.namespace.as_deref(),
        params.get("labelSelector").map(String::as_str),
    );
    tokio::spawn(async move {
        let _open = open;
        for l in initial {
            if tx.send(l).await.is_err() {
                return;
            }
        }
        if !expired {
            pump(plan, matching, changes, tx, stop).await;
        }
    });
    Ok(Reply::Stream(rx, content_type))
}

async fn pump(
    mut plan: Plan,
    mut matching: HashSet<Key>,
    mut changes: broadcast::Receiver<Arc<Change>>,
    tx: mpsc::Sender<Bytes>,
    stop: (
        tokio_util::sync::CancellationToken,
        tokio_util::sync::CancellationToken,
    ),
) {
    let mut last_rv: Option<u64> = None;
    let final_bookmark = plan
        .deadline
        .checked_sub(Duration::from_millis(1500))
        .unwrap_or(plan.deadline);
    let mut next_bookmark = (Instant::now() + BOOKMARK_EVERY).min(final_bookmark);
    loop {
        tokio::select! {
            _ = stop.0.cancelled() => return,
            _ = stop.1.cancelled() => return,
            // The client went away (its connection closed).
            _ = tx.closed() => return,
            _ = sleep_until(plan.deadline) => return,
            _ = sleep_until(next_bookmark), if plan.bookmarks => {
                if let Some(rv) = last_rv {
                    let b = store::bookmark(&plan.kind, &plan.api_version, rv);
                    if tx.send(plan.writer.event("BOOKMARK", &b)).await.is_err() {
                        return;
                    }
                }
                next_bookmark = if next_bookmark >= final_bookmark { plan.deadline + BOOKMARK_EVERY } else { (next_bookmark + BOOKMARK_EVERY).min(final_bookmark) };
            }
            c = changes.recv() => match c {
                Ok(c) => {
                    if c.resource == plan.filter.resource {
                        last_rv = Some(c.rv);
                    }
                    if let Some(kind) = translate(&plan.filter, &mut matching, &c)
                        && tx.send(plan.writer.event(kind, &c.object)).await.is_err()
                    {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) | Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: ChangeType, labels: Value) -> Change {
        let object = json!({"metadata": {"name": "a", "namespace": "ns", "labels": labels}});
        Change {
            kind,
            resource: "/configmaps".into(),
            rv: 1,
            object,
        }
    }

    #[test]
    fn objects_leaving_a_selector_are_deleted() {
        let filter = Filter {
            resource: "/configmaps".into(),
            namespace: Some("ns".into()),
            labels: LabelSelector::parse("app=web").unwrap_or_default(),
            fields: FieldSelector::default(),
        };
        let mut m = HashSet::new();
        assert_eq!(
            translate(
                &filter,
                &mut m,
                &change(ChangeType::Modified, json!({"app": "web"}))
            ),
            Some("ADDED")
        );
        assert_eq!(
            translate(
                &filter,
                &mut m,
                &change(ChangeType::Modified, json!({"app": "web"}))
            ),
            Some("MODIFIED")
        );
        assert_eq!(
            translate(&filter, &mut m, &change(ChangeType::Modified, json!({}))),
            Some("DELETED")
        );
        assert_eq!(
            translate(&filter, &mut m, &change(ChangeType::Deleted, json!({}))),
            None
        );
    }
}
