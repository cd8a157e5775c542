//! tether against an API server serving TLS, as a kube-apiserver does:
//! requests over HTTP/2 when the server offers it, watches over HTTP/1.1
//! (a connection each: they never queue for the server's HTTP/2 stream
//! limit), HTTP/1.1 for all when the server offers only that, and one
//! clear error naming the cluster when its certificate cannot be trusted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, scenarios::wait_for, tether};
use std::time::Duration;
use tether::engine::SyncOptions;
use tether::model::{HealthStatus, SyncStatus};
use tether::sim::{SimOptions, SimTls, write_kubeconfig_trusting};

async fn tls_env(tls: SimTls) -> Env {
    Env::with_sim(SimOptions {
        name: "test".to_string(),
        pod_ready_delay: Duration::from_millis(200),
        tls: Some(tls),
        ..Default::default()
    })
    .await
}

/// Syncs the app, waits until it is Synced and Healthy (through the
/// watches), and checks that a diff then finds nothing.
async fn sync_diff_and_status(env: &Env) {
    let engine = env.engine();
    let report = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    assert!(report.resources.iter().any(|r| r.kind == "Deployment"));
    let status = wait_for(env, &engine, |s| {
        s.sync == SyncStatus::Synced && s.health == HealthStatus::Healthy
    })
    .await;
    assert!(!status.resources.is_empty());
    let diff = engine.diff(&env.app, None).await.unwrap();
    assert!(!diff.differs(), "{diff:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_offering_http2_gets_every_request_but_watches_over_it() {
    let env = tls_env(SimTls::generate().unwrap()).await;
    assert!(env.sim.as_ref().unwrap().url().starts_with("https://"));
    sync_diff_and_status(&env).await;
    let faults = env.faults();
    assert!(faults.requests_over("HTTP/2.0") > 10);
    // Over HTTP/1.1: the watches, and the LIST each watch starts with.
    let watches = faults.watches_over("HTTP/1.1");
    assert!(watches > 0);
    assert_eq!(faults.watches_over("HTTP/2.0"), 0);
    assert!(faults.requests_over("HTTP/1.1") <= watches);

    // The command line takes the same path.
    let out = tether(&env, &["status", &env.app, "-o", "json"]);
    assert!(out.status.success(), "{out:?}");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status[0]["sync"], "Synced", "{status:#}");
    assert_eq!(faults.watches_over("HTTP/2.0"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_offering_only_http1_gets_http1() {
    let env = tls_env(SimTls::generate().unwrap().http1_only()).await;
    sync_diff_and_status(&env).await;
    let faults = env.faults();
    assert!(faults.requests_over("HTTP/1.1") > 10);
    assert_eq!(faults.requests_over("HTTP/2.0"), 0);
    assert_eq!(faults.watches_over("HTTP/2.0"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_one_clear_error_naming_the_cluster() {
    let env = tls_env(SimTls::generate().unwrap()).await;
    let url = env.sim.as_ref().unwrap().url();
    // The kubeconfig trusts another CA than the one that signed the
    // server's certificate.
    let stranger = SimTls::generate().unwrap();
    write_kubeconfig_trusting(
        &env.kubeconfig,
        &[("test", url.as_str())],
        "test",
        stranger.ca_pem(),
    )
    .unwrap();
    let engine = env.engine();
    let err = engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("test"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    let status = engine.status(&engine.app(&env.app).unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Unknown);
    assert!(
        status.message.to_lowercase().contains("certificate"),
        "{}",
        status.message
    );
    // Nothing reached the server's handler.
    assert_eq!(env.faults().requests("*", "*"), 0);
}
