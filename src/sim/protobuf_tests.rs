//! The simulated server over HTTP with protobuf bodies and Accept headers
//! as kubectl 1.37 and client-go send them.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::proto;
use super::server::{SimHandle, SimOptions, SimServer};

const PB: &str = "application/vnd.kubernetes.protobuf";
const KUBECTL_ACCEPT: &str = "application/vnd.kubernetes.protobuf,application/json";

struct Response {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn proto(&self) -> Value {
        assert_eq!(self.content_type, PB);
        proto::decode(&self.body, "", "").unwrap()
    }
}

/// Sends one request (Connection: close) and reads the response, for at
/// most `wait` (watches end by timeout).
async fn send(
    sim: &SimHandle,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    wait: Duration,
) -> Response {
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut raw)).await;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut rest = &raw[split + 4..];
    let body = if header("transfer-encoding").contains("chunked") {
        let mut out = Vec::new();
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16).unwrap();
            let start = eol + 2;
            let end = (start + size).min(rest.len());
            out.extend_from_slice(&rest[start..end]);
            if size == 0 || end + 2 > rest.len() {
                break;
            }
            rest = &rest[end + 2..];
        }
        out
    } else {
        rest.to_vec()
    };
    Response {
        status,
        content_type: header("content-type"),
        body,
    }
}

async fn call(
    sim: &SimHandle,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    send(sim, method, path, headers, body, Duration::from_secs(10)).await
}

async fn start() -> SimHandle {
    SimServer::start(SimOptions::default()).await.unwrap()
}

fn configmap(name: &str) -> Value {
    json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": name}, "data": {"a": "b"}})
}

#[tokio::test]
async fn protobuf_creates_are_stored_and_answered_in_protobuf() {
    let sim = start().await;
    let body = proto::encode(&configmap("from-pb")).unwrap();
    let path = "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create";
    let r = call(
        &sim,
        "POST",
        path,
        &[("Content-Type", PB), ("Accept", KUBECTL_ACCEPT)],
        &body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let created = r.proto();
    assert_eq!(created.pointer("/data/a"), Some(&json!("b")));
    assert_eq!(
        created.pointer("/metadata/namespace"),
        Some(&json!("default"))
    );
    assert_eq!(
        created.pointer("/metadata/managedFields/0/manager"),
        Some(&json!("kubectl-create"))
    );
    assert!(created.pointer("/metadata/uid").is_some());

    let get = call(
        &sim,
        "GET",
        "/api/v1/namespaces/default/configmaps/from-pb",
        &[("Accept", "application/json")],
        b"",
    )
    .await;
    assert_eq!(get.content_type, "application/json");
    assert_eq!(get.json().pointer("/data/a"), Some(&json!("b")));

    let list = call(
        &sim,
        "GET",
        "/api/v1/namespaces/default/configmaps",
        &[("Accept", KUBECTL_ACCEPT)],
        b"",
    )
    .await;
    let list = list.proto();
    assert_eq!(list.get("kind"), Some(&json!("ConfigMapList")));
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i.pointer("/metadata/name") == Some(&json!("from-pb")))
    );

    let dup = call(
        &sim,
        "POST",
        path,
        &[("Content-Type", PB), ("Accept", KUBECTL_ACCEPT)],
        &body,
    )
    .await;
    assert_eq!(dup.status, 409);
    let status = dup.proto();
    assert_eq!(status.get("kind"), Some(&json!("Status")));
    assert_eq!(status.get("reason"), Some(&json!("AlreadyExists")));
    sim.shutdown();
}

#[tokio::test]
async fn protobuf_updates_deletes_and_scale() {
    let sim = start().await;
    let path = "/api/v1/namespaces/default/configmaps";
    let body = proto::encode(&configmap("cm")).unwrap();
    assert_eq!(
        call(&sim, "POST", path, &[("Content-Type", PB)], &body)
            .await
            .status,
        201
    );
    let mut changed = configmap("cm");
    changed["data"]["a"] = json!("c");
    let body = proto::encode(&changed).unwrap();
    let put = call(
        &sim,
        "PUT",
        &format!("{path}/cm"),
        &[("Content-Type", PB), ("Accept", PB)],
        &body,
    )
    .await;
    assert_eq!(put.status, 200);
    assert_eq!(put.proto().pointer("/data/a"), Some(&json!("c")));

    let options =
        json!({"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/v1", "dryRun": ["All"]});
    let body = proto::encode(&options).unwrap();
    let dry = call(
        &sim,
        "DELETE",
        &format!("{path}/cm"),
        &[("Content-Type", PB)],
        &body,
    )
    .await;
    assert_eq!(dry.status, 200);
    let still = call(&sim, "GET", &format!("{path}/cm"), &[], b"").await;
    assert_eq!(still.status, 200, "a dry-run delete keeps the object");

    let deploy = json!({
        "kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "web"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
    });
    let body = proto::encode(&deploy).unwrap();
    let made = call(
        &sim,
        "POST",
        "/apis/apps/v1/namespaces/default/deployments",
        &[("Content-Type", PB), ("Accept", PB)],
        &body,
    )
    .await;
    assert_eq!(made.status, 201);
    assert_eq!(
        made.proto().pointer("/spec/replicas"),
        Some(&json!(0)),
        "an explicit zero survives"
    );
    let scale = json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "web", "namespace": "default"}, "spec": {"replicas": 2}});
    let body = proto::encode(&scale).unwrap();
    let scaled = call(
        &sim,
        "PUT",
        "/apis/apps/v1/namespaces/default/deployments/web/scale",
        &[("Content-Type", PB), ("Accept", KUBECTL_ACCEPT)],
        &body,
    )
    .await;
    assert_eq!(scaled.status, 200);
    assert_eq!(scaled.proto().pointer("/spec/replicas"), Some(&json!(2)));
    sim.shutdown();
}

#[tokio::test]
async fn unreadable_and_unacceptable_media_types() {
    let sim = start().await;
    let path = "/api/v1/namespaces/default/configmaps";
    let r = call(&sim, "POST", path, &[("Content-Type", "text/plain")], b"x").await;
    assert_eq!(r.status, 415);
    assert_eq!(
        r.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
               "reason": "UnsupportedMediaType", "code": 415})
    );
    let r = call(&sim, "GET", path, &[("Accept", "text/html")], b"").await;
    assert_eq!(r.status, 406);
    assert_eq!(r.json()["reason"], json!("NotAcceptable"));
    let garbage = call(
        &sim,
        "POST",
        path,
        &[("Content-Type", PB)],
        b"k8s\0\x0a\x02\xff",
    )
    .await;
    assert_eq!(garbage.status, 400);
    sim.shutdown();
}

#[tokio::test]
async fn custom_resources_stay_json() {
    let sim = start().await;
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                               "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    });
    let body = proto::encode(&crd).unwrap();
    let r = call(
        &sim,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        &[("Content-Type", PB), ("Accept", KUBECTL_ACCEPT)],
        &body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let stored = r.proto();
    assert_eq!(
        stored.pointer(
            "/spec/versions/0/schema/openAPIV3Schema/x-kubernetes-preserve-unknown-fields"
        ),
        Some(&json!(true))
    );
    let path = "/apis/example.com/v1/namespaces/default/widgets";
    let mut listed = None;
    for _ in 0..50 {
        let r = call(&sim, "GET", path, &[("Accept", KUBECTL_ACCEPT)], b"").await;
        if r.status == 200 {
            listed = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listed = listed.expect("the CRD gets established");
    assert_eq!(listed.content_type, "application/json");
    let only_pb = call(&sim, "GET", path, &[("Accept", PB)], b"").await;
    assert_eq!(only_pb.status, 406);
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    let envelope = proto::encode(&configmap("w")).unwrap();
    let r = call(
        &sim,
        "POST",
        path,
        &[("Content-Type", PB), ("Accept", KUBECTL_ACCEPT)],
        &envelope,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        json!(
            "ConfigMap in version \"v1\" cannot be handled as a Widget: object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message"
        )
    );
    let r = call(
        &sim,
        "POST",
        path,
        &[
            ("Content-Type", "application/json"),
            ("Accept", KUBECTL_ACCEPT),
        ],
        widget.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        (r.status, r.content_type.as_str()),
        (201, "application/json")
    );
    sim.shutdown();
}

#[tokio::test]
async fn watches_stream_protobuf_frames_and_table_rows() {
    let sim = start().await;
    let path = "/api/v1/namespaces/default/configmaps";
    for name in ["one", "two"] {
        let body = configmap(name).to_string();
        call(
            &sim,
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .await;
    }
    let watch = format!("{path}?watch=true&timeoutSeconds=1");
    let r = send(
        &sim,
        "GET",
        &watch,
        &[("Accept", KUBECTL_ACCEPT)],
        b"",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(
        r.content_type,
        "application/vnd.kubernetes.protobuf;stream=watch"
    );
    let events = proto::read_watch_frames(&r.body).unwrap();
    let names: Vec<_> = events
        .iter()
        .map(|(t, o)| format!("{t} {}", o["metadata"]["name"].as_str().unwrap()))
        .filter(|n| !n.ends_with("kube-root-ca.crt"))
        .collect();
    assert_eq!(names, ["ADDED one", "ADDED two"]);

    let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let r = send(
        &sim,
        "GET",
        &watch,
        &[("Accept", table)],
        b"",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(r.content_type, "application/json");
    let events: Vec<Value> = r
        .body
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3, "kube-root-ca.crt, one, two");
    assert_eq!(events[0].pointer("/object/kind"), Some(&json!("Table")));
    assert!(events[0].pointer("/object/columnDefinitions/0").is_some());
    assert_eq!(
        events[2].pointer("/object/columnDefinitions"),
        Some(&Value::Null)
    );
    assert_eq!(
        events[2].pointer("/object/rows/0/cells/0"),
        Some(&json!("two"))
    );
    sim.shutdown();
}
