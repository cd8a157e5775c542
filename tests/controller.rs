//! `tether controller` as a process: it syncs an automated app, serves
//! /metrics and /healthz, logs JSON lines, and on SIGTERM exits cleanly
//! having released its Lease.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[tokio::test(flavor = "multi_thread")]
async fn controller_syncs_serves_metrics_and_stops_cleanly() {
    let env = Env::new().await;
    env.set_sync_policy(
        "{automated: {prune: true, selfHeal: true}, syncOptions: [CreateNamespace=true]}",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tether"))
        .arg("--config")
        .arg(&env.config)
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(["controller", "--metrics-addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(60);
    let metrics = loop {
        let body = tokio::task::block_in_place(|| http_get(port, "/metrics")).unwrap_or_default();
        if body.contains("app=\"web\"")
            && body.contains("sync_status=\"Synced\"")
            && body.contains("health_status=\"Healthy\"")
        {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "the controller never reported web Synced/Healthy: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        metrics.contains("tether_app_sync_total{app=\"web\",result=\"Succeeded\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("tether_reconcile_duration_seconds_count"));
    let health = tokio::task::block_in_place(|| http_get(port, "/healthz")).unwrap();
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("ok\n"),
        "{health}"
    );

    // The controller holds the app's Lease while it runs.
    let leases = env
        .api_in("coordination.k8s.io/v1", "Lease", "tether-system")
        .await;
    let lease = leases.get("tether-app-web").await.unwrap();
    assert!(
        lease.data["spec"]["holderIdentity"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
    );

    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the controller did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status:?}");
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    for line in logs.lines().filter(|l| !l.trim().is_empty()) {
        let json: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"));
        assert!(json.get("level").is_some(), "{line}");
    }
    assert!(logs.contains("controller stopped"), "{logs}");
    let lease = leases.get("tether-app-web").await.unwrap();
    assert!(
        lease.data["spec"].get("holderIdentity").is_none(),
        "the Lease was not released: {:?}",
        lease.data
    );
}
