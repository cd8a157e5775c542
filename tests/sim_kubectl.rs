#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Drives the real `kubectl` against the simulated API server.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tether::sim::{SimOptions, SimServer};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn kubectl(kubeconfig: &Path, args: &[&str]) -> (bool, String, String) {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("kubectl timed out")
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.success(), stdout, stderr)
}

async fn ok(kubeconfig: &Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = kubectl(kubeconfig, args).await;
    if !success {
        let mut verbose = args.to_vec();
        verbose.push("-v=6");
        let (_, _, detail) = kubectl(kubeconfig, &verbose).await;
        panic!("kubectl {args:?} failed:\nstdout: {stdout}\nstderr: {stderr}\nverbose: {detail}");
    }
    stdout
}

const MANIFEST: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.25
"#;

const CONFIGMAP: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: client-side
  namespace: demo
data:
  greeting: hello
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_works_against_the_sim() {
    if !kubectl_available() {
        println!("SKIPPED: kubectl not on PATH");
        eprintln!("SKIPPED: kubectl not on PATH");
        return;
    }
    let sim = SimServer::start(SimOptions {
        pod_ready_delay: Duration::from_millis(200),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, sim.kubeconfig_yaml("sim")).unwrap();
    let manifest = dir.path().join("app.yaml");
    std::fs::write(&manifest, MANIFEST).unwrap();
    let cm = dir.path().join("cm.yaml");
    std::fs::write(&cm, CONFIGMAP).unwrap();

    let ns = ok(&kc, &["get", "ns"]).await;
    assert!(ns.contains("default") && ns.contains("kube-system"), "{ns}");

    let applied = ok(
        &kc,
        &["apply", "--server-side", "-f", manifest.to_str().unwrap()],
    )
    .await;
    assert!(
        applied.contains("deployment.apps/web serverside-applied"),
        "{applied}"
    );

    let created = ok(&kc, &["apply", "-f", cm.to_str().unwrap()]).await;
    assert!(
        created.contains("configmap/client-side created"),
        "{created}"
    );

    let yaml = ok(
        &kc,
        &[
            "get",
            "configmap",
            "client-side",
            "-n",
            "demo",
            "-o",
            "yaml",
        ],
    )
    .await;
    assert!(yaml.contains("greeting: hello"), "{yaml}");

    std::fs::write(&cm, CONFIGMAP.replace("hello", "bonjour")).unwrap();
    let configured = ok(&kc, &["apply", "-f", cm.to_str().unwrap()]).await;
    assert!(
        configured.contains("configmap/client-side configured"),
        "{configured}"
    );
    let yaml = ok(
        &kc,
        &[
            "get",
            "configmap",
            "client-side",
            "-n",
            "demo",
            "-o",
            "yaml",
        ],
    )
    .await;
    assert!(yaml.contains("greeting: bonjour"), "{yaml}");

    let scaled = ok(
        &kc,
        &["scale", "deployment", "web", "-n", "demo", "--replicas=2"],
    )
    .await;
    assert!(scaled.contains("scaled"), "{scaled}");

    let mut table = String::new();
    for _ in 0..50 {
        table = ok(&kc, &["get", "deploy", "-n", "demo"]).await;
        if table.contains("2/2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        table.contains("NAME") && table.contains("READY") && table.contains("UP-TO-DATE"),
        "{table}"
    );
    assert!(table.contains("web") && table.contains("2/2"), "{table}");

    let pods = ok(&kc, &["get", "pods", "-n", "demo"]).await;
    assert!(pods.contains("Running"), "{pods}");

    let (_, watched, _) = kubectl(
        &kc,
        &[
            "get",
            "configmaps",
            "-n",
            "demo",
            "--watch",
            "--request-timeout=2s",
        ],
    )
    .await;
    assert!(watched.contains("client-side"), "{watched}");

    let deleted = ok(&kc, &["delete", "configmap", "client-side", "-n", "demo"]).await;
    assert!(deleted.contains("deleted"), "{deleted}");
    let (found, _, stderr) = kubectl(&kc, &["get", "configmap", "client-side", "-n", "demo"]).await;
    assert!(!found && stderr.contains("NotFound"), "{stderr}");

    let gone = ok(&kc, &["delete", "namespace", "demo", "--timeout=20s"]).await;
    assert!(gone.contains("namespace \"demo\" deleted"), "{gone}");
    let (found, _, _) = kubectl(&kc, &["get", "namespace", "demo"]).await;
    assert!(
        !found,
        "namespace demo is gone after its content was removed"
    );

    let resources = ok(&kc, &["api-resources"]).await;
    assert!(
        resources.contains("deployments") && resources.contains("configmaps"),
        "{resources}"
    );
    sim.shutdown();
}

/// kubectl meets the sim's users and their limits as it would meet RBAC:
/// `auth whoami` names the user, reads pass, writes and a denied namespace
/// get the authorizer's Forbidden message.
#[tokio::test(flavor = "multi_thread")]
async fn kubectl_meets_sim_users_and_their_limits() {
    if !kubectl_available() {
        eprintln!("SKIPPED: kubectl is not on PATH");
        return;
    }
    let sim = SimServer::start(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let url = sim.url();
    tether::sim::write_kubeconfig(&kubeconfig, &[("sim", url.as_str())], "sim").unwrap();
    // kubectl sends no bearer token over plain HTTP: the sim's identity
    // for requests without one is set instead.
    sim.faults().user("alice");
    sim.faults().read_only_user("alice");
    sim.faults().deny_namespace("alice", "kube-public");
    let whoami = ok(
        &kubeconfig,
        &[
            "auth",
            "whoami",
            "-o",
            "jsonpath={.status.userInfo.username}",
        ],
    )
    .await;
    assert_eq!(whoami.trim(), "alice");
    ok(&kubeconfig, &["get", "deployments", "-A"]).await;
    let (created, _, stderr) = kubectl(&kubeconfig, &["create", "namespace", "x"]).await;
    assert!(!created);
    assert!(
        stderr.contains("User \"alice\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope"),
        "{stderr}"
    );
    let (listed, _, stderr) =
        kubectl(&kubeconfig, &["get", "configmaps", "-n", "kube-public"]).await;
    assert!(!listed);
    assert!(
        stderr.contains(
            "cannot list resource \"configmaps\" in API group \"\" in the namespace \"kube-public\""
        ),
        "{stderr}"
    );
    sim.shutdown();
}

/// Polls `kubectl args` until its output contains `want`.
async fn eventually(kubeconfig: &Path, args: &[&str], want: &str) -> String {
    let mut out = String::new();
    for _ in 0..100 {
        out = ok(kubeconfig, args).await;
        if out.contains(want) {
            return out;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("kubectl {args:?} never showed {want:?}; last output:\n{out}");
}

/// A self-signed certificate and key from openssl, if it is installed.
fn tls_pair(dir: &Path) -> Option<(String, String)> {
    let (crt, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=sim.example"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .is_ok_and(|o| o.status.success());
    made.then(|| {
        (
            crt.to_string_lossy().to_string(),
            key.to_string_lossy().to_string(),
        )
    })
}

/// kubectl 1.37 sends the objects of its generators (`create …`) as
/// protobuf and reads typed answers (`describe`) as protobuf.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_generators_send_protobuf() {
    if !kubectl_available() {
        println!("SKIPPED: kubectl not on PATH");
        eprintln!("SKIPPED: kubectl not on PATH");
        return;
    }
    let sim = SimServer::start(SimOptions {
        pod_ready_delay: Duration::from_millis(200),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, sim.kubeconfig_yaml("sim")).unwrap();
    let kc = kc.as_path();
    let created = |out: String, what: &str| {
        assert_eq!(out.trim(), format!("{what} created"), "{out}");
    };

    created(
        ok(kc, &["create", "namespace", "team"]).await,
        "namespace/team",
    );
    let n = ["-n", "team"];
    let with_ns = |args: &[&'static str]| [&n[..], args].concat();
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "configmap",
                "settings",
                "--from-literal=mode=demo",
            ]),
        )
        .await,
        "configmap/settings",
    );
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "secret",
                "generic",
                "creds",
                "--from-literal=password=s3cret",
            ]),
        )
        .await,
        "secret/creds",
    );
    if let Some((crt, key)) = tls_pair(dir.path()) {
        let cert = format!("--cert={crt}");
        let key = format!("--key={key}");
        let args = ["create", "secret", "tls", "cert", &cert, &key, "-n", "team"];
        created(ok(kc, &args).await, "secret/cert");
        let kind = ok(
            kc,
            &with_ns(&["get", "secret", "cert", "-o", "jsonpath={.type}"]),
        )
        .await;
        assert_eq!(kind, "kubernetes.io/tls");
    } else {
        println!("SKIPPED: openssl not on PATH, no `create secret tls`");
    }
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "deployment",
                "web",
                "--image=nginx:1.25",
                "--replicas=2",
                "--port=80",
            ]),
        )
        .await,
        "deployment.apps/web",
    );
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "job",
                "once",
                "--image=busybox:1.36",
                "--",
                "echo",
                "hi",
            ]),
        )
        .await,
        "job.batch/once",
    );
    created(
        ok(kc, &with_ns(&["create", "serviceaccount", "robot"])).await,
        "serviceaccount/robot",
    );
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "role",
                "reader",
                "--verb=get,list",
                "--resource=pods",
            ]),
        )
        .await,
        "role.rbac.authorization.k8s.io/reader",
    );
    created(
        ok(
            kc,
            &with_ns(&[
                "create",
                "rolebinding",
                "reader",
                "--role=reader",
                "--serviceaccount=team:robot",
            ]),
        )
        .await,
        "rolebinding.rbac.authorization.k8s.io/reader",
    );
    created(
        ok(
            kc,
            &with_ns(&[
                "run",
                "shell",
                "--image=busybox:1.36",
                "--",
                "sleep",
                "3600",
            ]),
        )
        .await,
        "pod/shell",
    );
    let exposed = ok(
        kc,
        &with_ns(&[
            "expose",
            "deployment",
            "web",
            "--port=80",
            "--target-port=8080",
        ]),
    )
    .await;
    assert_eq!(exposed.trim(), "service/web exposed");

    let yaml = ok(
        kc,
        &with_ns(&["get", "configmap", "settings", "-o", "yaml"]),
    )
    .await;
    assert!(
        yaml.contains("mode: demo") && yaml.contains("namespace: team"),
        "{yaml}"
    );
    assert!(
        yaml.contains("uid: ") && yaml.contains("creationTimestamp: "),
        "{yaml}"
    );
    let password = ok(
        kc,
        &with_ns(&["get", "secret", "creds", "-o", "jsonpath={.data.password}"]),
    )
    .await;
    assert_eq!(password, "czNjcmV0", "base64 of the literal");
    let role = ok(kc, &with_ns(&["get", "role", "reader", "-o", "yaml"])).await;
    assert!(role.contains("- pods") && role.contains("- list"), "{role}");
    let binding = ok(
        kc,
        &with_ns(&[
            "get",
            "rolebinding",
            "reader",
            "-o",
            "jsonpath={.subjects[0].name}",
        ]),
    )
    .await;
    assert_eq!(binding, "robot");
    let port = ok(
        kc,
        &with_ns(&[
            "get",
            "service",
            "web",
            "-o",
            "jsonpath={.spec.ports[0].targetPort}",
        ]),
    )
    .await;
    assert_eq!(port, "8080");
    eventually(kc, &with_ns(&["get", "deployment", "web"]), "2/2").await;
    eventually(
        kc,
        &with_ns(&["get", "job", "once", "-o", "jsonpath={.status.succeeded}"]),
        "1",
    )
    .await;
    eventually(kc, &with_ns(&["get", "pod", "shell"]), "Running").await;

    let described = ok(kc, &with_ns(&["describe", "deployment", "web"])).await;
    assert!(
        described.contains("Replicas:") && described.contains("2 desired"),
        "{described}"
    );
    assert!(
        described.contains("NewReplicaSet:") && described.contains("Events:"),
        "{described}"
    );
    let described = ok(kc, &with_ns(&["describe", "pod", "shell"])).await;
    assert!(
        described.contains("Status:") && described.contains("Running"),
        "{described}"
    );

    let scaled = ok(
        kc,
        &with_ns(&["scale", "deployment", "web", "--replicas=3"]),
    )
    .await;
    assert_eq!(scaled.trim(), "deployment.apps/web scaled");
    let labeled = ok(
        kc,
        &with_ns(&["label", "configmap", "settings", "tier=backend"]),
    )
    .await;
    assert_eq!(labeled.trim(), "configmap/settings labeled");
    let annotated = ok(
        kc,
        &with_ns(&["annotate", "configmap", "settings", "owner=team-a"]),
    )
    .await;
    assert_eq!(annotated.trim(), "configmap/settings annotated");
    let patched = ok(
        kc,
        &with_ns(&[
            "patch",
            "configmap",
            "settings",
            "-p",
            r#"{"data":{"mode":"live"}}"#,
        ]),
    )
    .await;
    assert_eq!(patched.trim(), "configmap/settings patched");
    let yaml = ok(
        kc,
        &with_ns(&["get", "configmap", "settings", "-o", "yaml"]),
    )
    .await;
    for want in ["tier: backend", "owner: team-a", "mode: live"] {
        assert!(yaml.contains(want), "{want} in {yaml}");
    }

    let (_, watched, _) = kubectl(
        kc,
        &with_ns(&[
            "get",
            "deployment",
            "web",
            "--watch",
            "--request-timeout=3s",
        ]),
    )
    .await;
    let mut lines = watched.lines();
    let header = lines.next().unwrap_or("");
    assert!(
        header.starts_with("NAME") && header.contains("READY"),
        "{watched}"
    );
    assert!(
        lines.all(|l| l.starts_with("web ") && l.contains('/')),
        "{watched}"
    );
    eventually(kc, &with_ns(&["get", "deployment", "web"]), "3/3").await;

    let can = ok(kc, &with_ns(&["auth", "can-i", "create", "deployments"])).await;
    assert_eq!(can.trim(), "yes");

    let deleted = ok(kc, &with_ns(&["delete", "pod", "shell", "--wait=false"])).await;
    assert_eq!(deleted.trim(), "pod \"shell\" deleted from team namespace");
    let deleted = ok(kc, &with_ns(&["delete", "job", "once"])).await;
    assert!(deleted.contains("job.batch \"once\" deleted"), "{deleted}");
    sim.shutdown();
}
