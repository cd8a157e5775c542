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
/// get the authorizer's Forbidden message. (`auth can-i` sends protobuf,
/// which the sim does not read; tether's reviews are JSON.)
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
