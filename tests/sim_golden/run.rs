//! Sending the recorded requests: file loading, the values the recorder
//! took from earlier responses (resourceVersions, continue tokens, uids),
//! and undoing writes the simulator accepted although the server refused them.

use std::net::SocketAddr;
use std::path::Path;

use serde_json::{Value, json};

use super::http;

const RECORDER_UA: &str = "golden-recorder/1.0 (linux/amd64)";
const KUBECTL_UA: &str = "kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722";

/// The recorded node name, and the simulator's.
const RECORDED_NODE: &str = "fake-node";
const SIM_NODE: &str = "sim-node";

pub struct Golden {
    pub name: String,
    pub num: u32,
    pub doc: Value,
}

pub fn load(dir: &Path) -> Vec<Golden> {
    let mut files: Vec<Golden> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json") && n.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .map(|name| {
            let doc =
                serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
            Golden {
                num: name[..3].parse().unwrap(),
                name,
                doc,
            }
        })
        .collect();
    files.sort_by_key(|g| g.num);
    files
}

pub fn strings(doc: &Value, key: &str) -> Vec<String> {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub fn is_watch(doc: &Value) -> bool {
    let path = doc
        .pointer("/request/path")
        .and_then(Value::as_str)
        .unwrap_or("");
    path.contains("watch=1") || path.contains("watch=true")
}

/// State carried between files: values the recorder read from earlier responses.
pub struct Run {
    pub addr: SocketAddr,
    pub last_list_rv: Option<String>,
    pub last_continue: Option<String>,
}

/// The actual response, as the recorded file's `response` section.
pub struct Actual {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

fn replace_param(path: &str, key: &str, value: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k == key => format!("{k}={value}"),
            _ => kv.to_string(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

fn param<'a>(path: &'a str, key: &str) -> Option<&'a str> {
    path.split_once('?')?.1.split('&').find_map(|kv| {
        kv.split_once('=')
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v)
    })
}

impl Run {
    /// The request path with volatile resourceVersion/continue values replaced.
    pub fn path(&self, g: &Golden) -> String {
        let mut path = g
            .doc
            .pointer("/request/path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !strings(&g.doc, "volatile")
            .iter()
            .any(|v| v == "/request/path")
        {
            return path;
        }
        if let (Some(rv), Some(list_rv)) = (param(&path, "resourceVersion"), &self.last_list_rv)
            && rv != "0"
            && rv != "1"
        {
            path = replace_param(&path, "resourceVersion", list_rv);
        }
        let expected_status = g.doc.pointer("/response/status").and_then(Value::as_u64);
        if let (Some(_), Some(tok), false) = (
            param(&path, "continue"),
            &self.last_continue,
            expected_status == Some(410),
        ) {
            path = replace_param(&path, "continue", tok);
        }
        path
    }

    /// The request body with volatile uid/resourceVersion taken from the live object.
    pub async fn body(&self, g: &Golden) -> Option<Value> {
        let mut body = g
            .doc
            .pointer("/request/body")
            .cloned()
            .filter(|b| !b.is_null())?;
        let volatile = strings(&g.doc, "volatile");
        let path = self.path(g);
        let base = path.split('?').next().unwrap_or("").to_string();
        let live = || async { self.get(&base).await };
        if volatile
            .iter()
            .any(|v| v == "/request/body/metadata/resourceVersion")
        {
            let ok = g
                .doc
                .pointer("/response/status")
                .and_then(Value::as_u64)
                .is_some_and(|s| s < 300);
            let rv = if ok {
                live()
                    .await
                    .pointer("/metadata/resourceVersion")
                    .cloned()
                    .unwrap_or(json!("1"))
            } else {
                json!("1")
            };
            body["metadata"]["resourceVersion"] = rv;
        }
        if volatile.iter().any(|v| v == "/request/body/metadata/uid") {
            body["metadata"]["uid"] = live()
                .await
                .pointer("/metadata/uid")
                .cloned()
                .unwrap_or(Value::Null);
        }
        Some(body)
    }

    /// For a write the recorder saw rejected: the object's state before it,
    /// so an accepted write (a simulator gap, reported as a mismatch) can be
    /// undone and does not spill into later files.
    pub async fn snapshot(&self, g: &Golden) -> Option<(String, Option<Value>)> {
        let method = g
            .doc
            .pointer("/request/method")
            .and_then(Value::as_str)
            .unwrap_or("GET");
        let expected = g
            .doc
            .pointer("/response/status")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if expected < 400 || matches!(method, "GET" | "DELETE") {
            return None;
        }
        let path = self.path(g);
        let base = path.split('?').next().unwrap_or("").to_string();
        if method == "POST" {
            return Some((base, None));
        }
        let live = self.get(&base).await;
        let exists = live
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k != "Status");
        Some((base, exists.then_some(live)))
    }

    /// Restores the state saved by `snapshot` after an accepted write.
    pub async fn undo(&self, (path, before): (String, Option<Value>), actual: &Actual) {
        if actual.status >= 300 {
            return;
        }
        let json = vec![("Content-Type".to_string(), "application/json".to_string())];
        match before {
            None => {
                let name = actual
                    .body
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let target = if path.ends_with(&format!("/{name}")) {
                    path.clone()
                } else {
                    format!("{path}/{name}")
                };
                http::send(self.addr, "DELETE", &target, &json, None).await;
            }
            Some(mut old) => {
                if let Some(m) = old.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.remove("resourceVersion");
                }
                http::send(
                    self.addr,
                    "PUT",
                    &path,
                    &json,
                    Some(serde_json::to_vec(&old).unwrap()),
                )
                .await;
            }
        }
    }

    /// The resourceVersion a watch starts from: the recorder listed the
    /// collection (same selectors) right before watching.
    pub async fn collection_rv(&self, g: &Golden) -> Option<String> {
        let path = g
            .doc
            .pointer("/request/path")
            .and_then(Value::as_str)
            .unwrap_or("");
        let (base, query) = path.split_once('?').unwrap_or((path, ""));
        let keep: Vec<&str> = query
            .split('&')
            .filter(|kv| kv.starts_with("labelSelector=") || kv.starts_with("fieldSelector="))
            .collect();
        let list = self.get(&format!("{base}?{}", keep.join("&"))).await;
        list.pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    pub async fn get(&self, path: &str) -> Value {
        let headers = vec![("Accept".to_string(), "application/json".to_string())];
        let r = http::send(self.addr, "GET", path, &headers, None).await;
        serde_json::from_slice(&r.body).unwrap_or(Value::Null)
    }

    pub async fn send(&self, g: &Golden) -> Actual {
        let req = g.doc.get("request").cloned().unwrap_or_default();
        let method = req
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_string();
        let ua = if g.num == 308 {
            KUBECTL_UA
        } else {
            RECORDER_UA
        };
        let mut headers = vec![("User-Agent".to_string(), ua.to_string())];
        for (k, v) in req
            .get("headers")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
        {
            headers.push((k, v.as_str().unwrap_or("").to_string()));
        }
        let body =
            self.body(g)
                .await
                .map(|b| match req.get("bodyEncoding").and_then(Value::as_str) {
                    Some("yaml") => serde_yaml::to_string(&b).unwrap().into_bytes(),
                    _ => serde_json::to_vec(&b).unwrap(),
                });
        let raw = http::send(self.addr, &method, &self.path(g), &headers, body).await;
        let text = String::from_utf8_lossy(&raw.body).to_string();
        let body = if is_watch(&g.doc) {
            Value::Array(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).unwrap_or(json!(l)))
                    .collect(),
            )
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Actual {
            status: raw.status,
            content_type: raw.content_type,
            body: rename_node(body),
        }
    }

    pub fn remember(&mut self, a: &Actual) {
        if a.body
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List") || k == "Table")
        {
            self.last_list_rv = a
                .body
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .map(str::to_string);
            self.last_continue = a
                .body
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
    }
}

/// The simulator names its node `sim-node`; compare as the recorded `fake-node`.
fn rename_node(v: Value) -> Value {
    match v {
        Value::String(s) if s == SIM_NODE => Value::String(RECORDED_NODE.to_string()),
        Value::Array(a) => Value::Array(a.into_iter().map(rename_node).collect()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, rename_node(v))).collect())
        }
        other => other,
    }
}
