#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replays every recorded kube-apiserver exchange of ../shared/kube-golden
//! against one fresh simulator, in numeric order, and compares responses
//! semantically. Known simulator gaps are listed, with a reason each, in
//! tests/fixtures/sim-exceptions.yaml.

#[path = "sim_golden/compare.rs"]
mod compare;
#[path = "sim_golden/http.rs"]
mod http;
#[path = "sim_golden/setup.rs"]
mod setup;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use compare::{Mismatch, Rules, compare};
use serde_json::{Value, json};
use tether::sim::{SimOptions, SimServer};

const RECORDER_UA: &str = "golden-recorder/1.0 (linux/amd64)";
const KUBECTL_UA: &str = "kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722";

/// Watches that observe the writes of later files: (watch, last write).
const CONCURRENT: &[(u32, u32)] = &[(701, 704), (709, 711), (710, 711), (901, 903)];

/// The recorded node name, and the simulator's.
const RECORDED_NODE: &str = "fake-node";
const SIM_NODE: &str = "sim-node";

struct Golden {
    name: String,
    num: u32,
    doc: Value,
}

#[derive(serde::Deserialize)]
struct Exception {
    file: String,
    pointer: String,
    reason: String,
}

impl Exception {
    fn covers(&self, file: &str, ptr: &str) -> bool {
        glob(&self.file, file) && pointer_covers(&self.pointer, ptr)
    }
}

/// `*` in a file pattern matches any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((pre, rest)) => {
            s.starts_with(pre)
                && (0..=s.len() - pre.len())
                    .any(|i| s.is_char_boundary(pre.len() + i) && glob(rest, &s[pre.len() + i..]))
        }
    }
}

/// A pointer pattern covers a pointer when every segment matches (`*`
/// matches one segment) and the pattern is a prefix.
fn pointer_covers(pattern: &str, ptr: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = ptr.split('/').collect();
    pat.len() <= segs.len() && pat.iter().zip(&segs).all(|(p, s)| *p == "*" || p == s)
}

fn load(dir: &Path) -> Vec<Golden> {
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

fn strings(doc: &Value, key: &str) -> Vec<String> {
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

fn is_watch(doc: &Value) -> bool {
    let path = doc
        .pointer("/request/path")
        .and_then(Value::as_str)
        .unwrap_or("");
    path.contains("watch=1") || path.contains("watch=true")
}

/// State carried between files: values the recorder read from earlier responses.
struct Run {
    addr: SocketAddr,
    last_list_rv: Option<String>,
    last_continue: Option<String>,
}

/// The actual response, as the recorded file's `response` section.
struct Actual {
    status: u16,
    content_type: String,
    body: Value,
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
    fn path(&self, g: &Golden) -> String {
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
    async fn body(&self, g: &Golden) -> Option<Value> {
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
    async fn snapshot(&self, g: &Golden) -> Option<(String, Option<Value>)> {
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
    async fn undo(&self, (path, before): (String, Option<Value>), actual: &Actual) {
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
    async fn collection_rv(&self, g: &Golden) -> Option<String> {
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

    async fn get(&self, path: &str) -> Value {
        let headers = vec![("Accept".to_string(), "application/json".to_string())];
        let r = http::send(self.addr, "GET", path, &headers, None).await;
        serde_json::from_slice(&r.body).unwrap_or(Value::Null)
    }

    async fn send(&self, g: &Golden) -> Actual {
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

    fn remember(&mut self, a: &Actual) {
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

fn diff(g: &Golden, a: &Actual) -> Vec<Mismatch> {
    let rules = Rules {
        volatile: strings(&g.doc, "volatile"),
        unordered: strings(&g.doc, "unordered"),
        variable_length: strings(&g.doc, "variableLength"),
    };
    let mut out = Vec::new();
    let want_status = g
        .doc
        .pointer("/response/status")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if want_status != u64::from(a.status) {
        out.push(Mismatch {
            pointer: "/response/status".into(),
            detail: format!("expected {want_status}, got {}", a.status),
        });
    }
    let want_ct = g
        .doc
        .pointer("/response/headers/Content-Type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let base = |s: &str| s.split(';').next().unwrap_or("").trim().to_string();
    if base(want_ct) != base(&a.content_type) {
        out.push(Mismatch {
            pointer: "/response/headers/Content-Type".into(),
            detail: format!("expected {want_ct}, got {}", a.content_type),
        });
    }
    let want_body = g.doc.pointer("/response/body").cloned().unwrap_or_default();
    compare(&want_body, &a.body, "/response/body", &rules, &mut out);
    out
}

fn open(g: &Golden, ds: &[Mismatch], exceptions: &[Exception]) -> usize {
    ds.iter()
        .filter(|d| !exceptions.iter().any(|e| e.covers(&g.name, &d.pointer)))
        .count()
}

/// The recorder let a Deployment finish rolling out before changing it
/// again (2xx-4xx): the recorded responses show settled status counts.
fn settled_deployment(g: &Golden) -> Option<String> {
    let method = g.doc.pointer("/request/method").and_then(Value::as_str)?;
    let path = g.doc.pointer("/request/path").and_then(Value::as_str)?;
    let base = path.split('?').next()?;
    let (_, rest) = base.split_once("/namespaces/golden/deployments/")?;
    let name = rest.split('/').next()?;
    let writes = matches!(method, "PATCH" | "PUT");
    (writes && (200..500).contains(&g.num)).then(|| name.to_string())
}

/// Reads taken "right after" a change capture a moment; they are not retried.
fn racy(g: &Golden) -> bool {
    let d = g
        .doc
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    ["right after", "immediately", "just created", "during"]
        .iter()
        .any(|k| d.contains(k))
}

/// Seconds a read may be retried until it matches (the recorder waited for readiness).
fn patience(g: &Golden) -> u64 {
    match g.num {
        822 => 25,
        200 | 800..=899 | 900..=999 => 6,
        _ => 2,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_kube_golden() {
    // ../shared from the main checkout; ../../shared from a worktree under /work/wt.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = [
        root.join("../shared/kube-golden"),
        root.join("../../shared/kube-golden"),
    ]
    .into_iter()
    .find(|d| d.is_dir())
    .unwrap_or_else(|| root.join("../shared/kube-golden"));
    if !dir.is_dir() {
        println!(
            "SKIPPED: {} is absent; the simulator was NOT checked against the recording",
            dir.display()
        );
        eprintln!(
            "SKIPPED: {} is absent; the simulator was NOT checked against the recording",
            dir.display()
        );
        return;
    }
    let exc_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sim-exceptions.yaml");
    let exceptions: Vec<Exception> =
        serde_yaml::from_str(&std::fs::read_to_string(exc_path).unwrap()).unwrap();
    assert!(
        exceptions.iter().all(|e| !e.reason.trim().is_empty()),
        "every exception needs a reason"
    );
    let sim = SimServer::start(SimOptions {
        pod_ready_delay: Duration::from_millis(300),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let mut run = Run {
        addr: sim.addr(),
        last_list_rv: None,
        last_continue: None,
    };
    let mut results: Vec<(String, Vec<Mismatch>)> = Vec::new();
    let mut watches: Vec<(Golden, tokio::task::JoinHandle<Actual>)> = Vec::new();
    for g in load(&dir) {
        setup::before(sim.addr(), g.num).await;
        if is_watch(&g.doc) {
            let doc = Golden {
                name: g.name.clone(),
                num: g.num,
                doc: g.doc.clone(),
            };
            let runner = Run {
                addr: run.addr,
                last_list_rv: run.collection_rv(&g).await,
                last_continue: None,
            };
            let handle = tokio::spawn(async move { runner.send(&doc).await });
            let num = g.num;
            watches.push((g, handle));
            tokio::time::sleep(Duration::from_millis(100)).await;
            setup::during(sim.addr(), num).await;
            if !CONCURRENT
                .iter()
                .any(|(w, _)| *w == watches[watches.len() - 1].0.num)
            {
                join(&mut watches, &mut results).await;
            }
            continue;
        }
        let deadline = Instant::now() + Duration::from_secs(patience(&g));
        let retry =
            g.doc.pointer("/request/method").and_then(Value::as_str) == Some("GET") && !racy(&g);
        if let Some(name) = settled_deployment(&g) {
            setup::wait_rolled_out(sim.addr(), &name).await;
        }
        let undo = run.snapshot(&g).await;
        let (actual, ds) = loop {
            let a = run.send(&g).await;
            let ds = diff(&g, &a);
            if !retry || open(&g, &ds, &exceptions) == 0 || Instant::now() > deadline {
                break (a, ds);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        run.remember(&actual);
        if let Some(before) = undo {
            run.undo(before, &actual).await;
        }
        results.push((g.name.clone(), ds));
        if CONCURRENT.iter().any(|(_, last)| *last == g.num) {
            join(&mut watches, &mut results).await;
        }
    }
    join(&mut watches, &mut results).await;
    sim.shutdown();
    report(&results, &exceptions);
}

async fn join(
    watches: &mut Vec<(Golden, tokio::task::JoinHandle<Actual>)>,
    results: &mut Vec<(String, Vec<Mismatch>)>,
) {
    for (g, h) in watches.drain(..) {
        let a = h.await.unwrap();
        results.push((g.name.clone(), diff(&g, &a)));
    }
}

fn report(results: &[(String, Vec<Mismatch>)], exceptions: &[Exception]) {
    let mut failures = Vec::new();
    let mut excepted = 0;
    let mut used = vec![false; exceptions.len()];
    for (file, ds) in results {
        for d in ds {
            match exceptions.iter().position(|e| e.covers(file, &d.pointer)) {
                Some(i) => {
                    excepted += 1;
                    used[i] = true;
                }
                None => failures.push(format!("{file} {}: {}", d.pointer, d.detail)),
            }
        }
    }
    println!(
        "kube-golden: {} files, {} mismatches covered by {} exceptions, {} open",
        results.len(),
        excepted,
        exceptions.len(),
        failures.len()
    );
    for (e, u) in exceptions.iter().zip(&used) {
        if !*u {
            println!(
                "stale exception (nothing to cover): {} {} — {}",
                e.file, e.pointer, e.reason
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} conformance mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
