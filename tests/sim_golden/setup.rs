//! Objects the recorder created without recording the request (read from
//! the descriptions and the recorded lists), created before file `num`.

use std::net::SocketAddr;

use serde_json::{Value, json};

use super::http;

async fn apply(addr: SocketAddr, path: &str, body: Value) {
    let headers = vec![
        (
            "Content-Type".to_string(),
            "application/apply-patch+yaml".to_string(),
        ),
        ("Accept".to_string(), "application/json".to_string()),
        (
            "User-Agent".to_string(),
            "golden-recorder/1.0 (linux/amd64)".to_string(),
        ),
    ];
    let r = http::send(
        addr,
        "PATCH",
        &format!("{path}?fieldManager=tether&force=true"),
        &headers,
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await;
    assert!(
        r.status < 300,
        "setup apply {path} failed: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
}

async fn post(addr: SocketAddr, path: &str, manager: &str, body: Value) {
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), format!("{manager}/1.0")),
    ];
    let r = http::send(
        addr,
        "POST",
        path,
        &headers,
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await;
    assert!(
        r.status < 300,
        "setup post {path} failed: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
}

/// Waits (up to 20 s) until a Deployment in `golden` has rolled out, as
/// the recorder did before the files that read a finished rollout.
pub async fn wait_rolled_out(addr: SocketAddr, name: &str) {
    let headers = vec![("Accept".to_string(), "application/json".to_string())];
    let path = format!("/apis/apps/v1/namespaces/golden/deployments/{name}");
    for _ in 0..80 {
        let r = http::send(addr, "GET", &path, &headers, None).await;
        let d: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        let want = d
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let st = |k: &str| {
            d.pointer(&format!("/status/{k}"))
                .and_then(Value::as_i64)
                .unwrap_or(0)
        };
        let done = d
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("reason").and_then(Value::as_str) == Some("NewReplicaSetAvailable")
                })
            });
        if done
            && st("replicas") == want
            && st("availableReplicas") == want
            && st("updatedReplicas") == want
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Writes the recorder made while watch `num` was open (not recorded as files).
pub async fn during(addr: SocketAddr, num: u32) {
    if num == 706 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "list-cm-4", "namespace": "golden", "labels": {"tier": "b"}},
            "data": {"i": "4", "touched": "yes"}});
        apply(addr, "/api/v1/namespaces/golden/configmaps/list-cm-4", cm).await;
    }
}

/// Runs the unrecorded setup that precedes file `num`.
pub async fn before(addr: SocketAddr, num: u32) {
    match num {
        203 => wait_rolled_out(addr, "web").await,
        307 => wait_rolled_out(addr, "owned").await,
        613 => {
            for name in ["owned", "patchme", "web"] {
                wait_rolled_out(addr, name).await;
            }
        }
        901 => wait_rolled_out(addr, "del-fg").await,
        911 => wait_rolled_out(addr, "del-bg").await,
        921 => wait_rolled_out(addr, "del-orphan").await,
        1 => {
            // A Deployment left in namespace fk-test on the recording cluster (610).
            post(
                addr,
                "/api/v1/namespaces",
                "kubectl-create",
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fk-test"}}),
            )
            .await;
            let deploy = json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "fk-test", "labels": {"app": "web"}},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
            });
            post(
                addr,
                "/apis/apps/v1/namespaces/fk-test/deployments",
                "kubectl-create",
                deploy,
            )
            .await;
        }
        600 => {
            for i in 1..=5 {
                let tier = if i <= 3 { "a" } else { "b" };
                let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": format!("list-cm-{i}"), "namespace": "golden", "labels": {"tier": tier}},
                    "data": {"i": i.to_string()}});
                apply(
                    addr,
                    &format!("/api/v1/namespaces/golden/configmaps/list-cm-{i}"),
                    cm,
                )
                .await;
            }
        }
        933 => {
            apply(addr, "/api/v1/namespaces/golden-tmp", json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "golden-tmp"}})).await;
            let keep = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "keep", "namespace": "golden-tmp", "finalizers": ["golden.example.com/hold"]}});
            apply(addr, "/api/v1/namespaces/golden-tmp/configmaps/keep", keep).await;
        }
        _ => {}
    }
}
