//! `meta.k8s.io/v1` Table responses for kubectl's table Accept header:
//! columns per kind (Deployments, Pods, ReplicaSets, CRD printer columns)
//! and NAME/AGE for everything else.

use serde_json::{Value, json};

use super::registry::ResourceType;

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names";
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

type Cell = fn(&Value) -> Value;

struct Column {
    name: &'static str,
    kind: &'static str,
    priority: u8,
    desc: &'static str,
    cell: Cell,
}

fn col(
    name: &'static str,
    kind: &'static str,
    priority: u8,
    desc: &'static str,
    cell: Cell,
) -> Column {
    Column {
        name,
        kind,
        priority,
        desc,
        cell,
    }
}

fn int(obj: &Value, ptr: &str) -> i64 {
    obj.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}

/// A short age like kubectl prints (`25s`, `3m`, `2h`, `4d`).
fn age(obj: &Value) -> Value {
    let ts = obj
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(ts) else {
        return json!("<unknown>");
    };
    let secs = (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
        .num_seconds()
        .max(0);
    json!(match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    })
}

fn name(obj: &Value) -> Value {
    obj.pointer("/metadata/name")
        .cloned()
        .unwrap_or(Value::Null)
}

fn containers(obj: &Value, ptr: &str, field: &str) -> Value {
    let list = obj
        .pointer(ptr)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    json!(
        list.iter()
            .filter_map(|c| c.get(field).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(",")
    )
}

fn selector(obj: &Value) -> Value {
    let labels = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    json!(
        labels
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(",")
    )
}

fn workload_columns() -> Vec<Column> {
    vec![
        col("Name", "string", 0, NAME_DESC, name),
        col(
            "Ready",
            "string",
            0,
            "Number of the pod with ready state",
            |o| {
                json!(format!(
                    "{}/{}",
                    int(o, "/status/readyReplicas"),
                    int(o, "/spec/replicas")
                ))
            },
        ),
        col(
            "Up-to-date",
            "string",
            0,
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
            |o| json!(int(o, "/status/updatedReplicas")),
        ),
        col(
            "Available",
            "string",
            0,
            "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
            |o| json!(int(o, "/status/availableReplicas")),
        ),
        col("Age", "string", 0, AGE_DESC, age),
        col(
            "Containers",
            "string",
            1,
            "Names of each container in the template.",
            |o| containers(o, "/spec/template/spec/containers", "name"),
        ),
        col(
            "Images",
            "string",
            1,
            "Images referenced by each container in the template.",
            |o| containers(o, "/spec/template/spec/containers", "image"),
        ),
        col(
            "Selector",
            "string",
            1,
            "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
            selector,
        ),
    ]
}

fn pod_status(o: &Value) -> Value {
    if o.pointer("/metadata/deletionTimestamp").is_some() {
        return json!("Terminating");
    }
    let statuses = o
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for s in &statuses {
        if let Some(r) = s.pointer("/state/waiting/reason").and_then(Value::as_str) {
            return json!(r);
        }
    }
    o.pointer("/status/phase")
        .cloned()
        .unwrap_or(json!("Pending"))
}

fn pod_columns() -> Vec<Column> {
    vec![
        col("Name", "string", 0, NAME_DESC, name),
        col(
            "Ready",
            "string",
            0,
            "The aggregate readiness state of this pod for accepting traffic.",
            |o| {
                let st = o
                    .pointer("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let total = o
                    .pointer("/spec/containers")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let ready = st
                    .iter()
                    .filter(|s| s.get("ready").and_then(Value::as_bool) == Some(true))
                    .count();
                json!(format!("{ready}/{total}"))
            },
        ),
        col(
            "Status",
            "string",
            0,
            "The aggregate status of the containers in this pod.",
            pod_status,
        ),
        col(
            "Restarts",
            "string",
            0,
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            |o| {
                let st = o
                    .pointer("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                json!(
                    st.iter()
                        .map(|s| s.get("restartCount").and_then(Value::as_i64).unwrap_or(0))
                        .sum::<i64>()
                        .to_string()
                )
            },
        ),
        col("Age", "string", 0, AGE_DESC, age),
        col(
            "IP",
            "string",
            1,
            "The IP address assigned to this pod",
            |o| {
                o.pointer("/status/podIP")
                    .cloned()
                    .unwrap_or(json!("<none>"))
            },
        ),
        col(
            "Node",
            "string",
            1,
            "The node that the pod is assigned to",
            |o| {
                o.pointer("/spec/nodeName")
                    .cloned()
                    .unwrap_or(json!("<none>"))
            },
        ),
    ]
}

fn generic_columns() -> Vec<Column> {
    vec![
        col("Name", "string", 0, NAME_DESC, name),
        col("Age", "string", 0, AGE_DESC, age),
    ]
}

fn definitions(cols: &[Column]) -> Vec<Value> {
    cols.iter()
        .map(|c| json!({"name": c.name, "type": c.kind, "format": if c.name == "Name" { "name" } else { "" }, "description": c.desc, "priority": c.priority}))
        .collect()
}

/// A row's object: PartialObjectMetadata.
fn partial(obj: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata").cloned().unwrap_or_default()})
}

/// Turns a `<Kind>List` body into a Table.
pub(crate) fn from_list(rt: &ResourceType, list: &Value) -> Value {
    let items = list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (defs, rows): (Vec<Value>, Vec<Value>) = if rt.is_custom() && !rt.printer_columns.is_empty()
    {
        custom_table(rt, &items)
    } else {
        let cols = match (rt.group.as_str(), rt.kind.as_str()) {
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") => workload_columns(),
            ("", "Pod") => pod_columns(),
            _ => generic_columns(),
        };
        let rows = items
            .iter()
            .map(|o| json!({"cells": cols.iter().map(|c| (c.cell)(o)).collect::<Vec<_>>(), "object": partial(o)}))
            .collect();
        (definitions(&cols), rows)
    };
    let mut md = list.get("metadata").cloned().unwrap_or_default();
    if let Some(m) = md.as_object_mut() {
        m.shift_remove("remainingItemCount");
        if m.get("continue").and_then(Value::as_str) == Some("") {
            m.shift_remove("continue");
        }
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": md, "columnDefinitions": defs, "rows": rows})
}

/// A Table with one row for a single object.
pub(crate) fn from_object(rt: &ResourceType, obj: &Value, rv: &str) -> Value {
    from_list(
        rt,
        &json!({"metadata": {"resourceVersion": rv}, "items": [obj]}),
    )
}

fn custom_table(rt: &ResourceType, items: &[Value]) -> (Vec<Value>, Vec<Value>) {
    let mut defs = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": NAME_DESC, "priority": 0}),
    ];
    for c in &rt.printer_columns {
        let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or("");
        defs.push(json!({
            "name": c.get("name").cloned().unwrap_or_default(),
            "type": c.get("type").cloned().unwrap_or(json!("string")),
            "format": c.get("format").cloned().unwrap_or(json!("")),
            "description": c.get("description").cloned().unwrap_or_else(|| json!(format!("Custom resource definition column (in JSONPath format): {path}"))),
            "priority": c.get("priority").cloned().unwrap_or(json!(0)),
        }));
    }
    let rows = items
        .iter()
        .map(|o| {
            let mut cells = vec![name(o)];
            for c in &rt.printer_columns {
                let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or("");
                let ptr = path.trim_start_matches('.').replace('.', "/");
                cells.push(
                    o.pointer(&format!("/{ptr}"))
                        .cloned()
                        .unwrap_or(Value::Null),
                );
            }
            json!({"cells": cells, "object": partial(o)})
        })
        .collect();
    (defs, rows)
}
