//! The engine against the simulated API server over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, scenarios};
use std::time::Duration;
use tether::model::{HealthStatus, SyncStatus};

#[tokio::test]
async fn sync_then_drift() {
    scenarios::sync_then_drift(&Env::new().await).await;
}

#[tokio::test]
async fn prune_only_tracked() {
    scenarios::prune_only_tracked(&Env::new().await).await;
}

#[tokio::test]
async fn secret_values_never_shown() {
    scenarios::secret_values_never_shown(&Env::new().await).await;
}

#[tokio::test]
async fn unreachable_cluster_is_unknown_with_the_cause() {
    let env = Env::new().await;
    env.sim.as_ref().unwrap().shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let engine = env.engine();
    let status = engine.status(&engine.app(&env.app).unwrap()).await;
    assert_eq!(status.sync, SyncStatus::Unknown);
    assert_eq!(status.health, HealthStatus::Unknown);
    assert!(
        status.message.contains("cluster test"),
        "{}",
        status.message
    );
}

#[tokio::test]
async fn revert_and_rollback() {
    scenarios::revert_and_rollback(&Env::new().await).await;
}
