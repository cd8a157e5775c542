//! Key order of built-in objects as the API server writes them: Go struct
//! field order for structs, sorted keys for maps (Go marshals maps sorted).
//! Keys a table does not know keep their place after the known ones.

mod pod_tables;
mod tables;

pub(crate) use tables::META as OBJECT_META_ORDER;

use super::KindInfo;
use super::known_fields::pod_spec_path;
use serde_json::{Map, Value};
use tables::{map_position, struct_order};

/// Puts the keys of a built-in object in the API server's order; custom
/// resources get every key sorted.
pub fn canonical_order(kind: &KindInfo, obj: &mut Value) {
    if kind.is_custom() {
        super::sort_keys(obj);
        return;
    }
    let pod = pod_spec_path(kind.kind).unwrap_or(&[]);
    order_value(kind.kind, pod, &mut Vec::new(), obj);
}

fn order_value(kind: &str, pod: &[&str], path: &mut Vec<String>, v: &mut Value) {
    match v {
        Value::Object(m) => {
            let rel = relative(pod, path);
            if map_position(kind, &rel, path) {
                m.sort_keys();
            } else if let Some(order) = struct_order(kind, &rel, path) {
                reorder(m, order);
            }
            for (k, c) in m.iter_mut() {
                path.push(k.clone());
                order_value(kind, pod, path, c);
                path.pop();
            }
        }
        Value::Array(items) => {
            path.push("[]".to_string());
            for item in items {
                order_value(kind, pod, path, item);
            }
            path.pop();
        }
        _ => {}
    }
}

/// The path with a pod spec prefix replaced by `@pod`, so pod templates of
/// every workload share one table.
fn relative(pod: &[&str], path: &[String]) -> Vec<String> {
    let inside =
        !pod.is_empty() && path.len() >= pod.len() && path.iter().zip(pod).all(|(a, b)| a == b);
    if inside {
        let mut out = vec!["@pod".to_string()];
        out.extend(path[pod.len()..].iter().cloned());
        out
    } else {
        path.to_vec()
    }
}

fn reorder(m: &mut Map<String, Value>, order: &[&str]) {
    let mut old = std::mem::take(m);
    for k in order {
        if let Some(v) = old.shift_remove(*k) {
            m.insert((*k).to_string(), v);
        }
    }
    for (k, v) in old {
        m.insert(k, v);
    }
}
