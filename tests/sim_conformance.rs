#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replays every recorded kube-apiserver exchange of ../shared/kube-golden
//! against one fresh simulator, in numeric order, and compares responses
//! semantically. Known simulator gaps are listed, with a reason each, in
//! tests/fixtures/sim-exceptions.yaml.

#[path = "sim_golden/compare.rs"]
mod compare;
#[path = "sim_golden/exceptions.rs"]
mod exceptions;
#[path = "sim_golden/http.rs"]
mod http;
#[path = "sim_golden/run.rs"]
mod run;
#[path = "sim_golden/setup.rs"]
mod setup;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use compare::{Mismatch, Rules, compare};
use exceptions::Exception;
use run::{Actual, Golden, Run, is_watch, load, strings};
use serde_json::Value;
use tether::sim::{SimOptions, SimServer};

/// Watches that observe the writes of later files: (watch, last write).
const CONCURRENT: &[(u32, u32)] = &[(701, 704), (709, 711), (710, 711), (901, 903)];

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
