//! The engine scenarios against a real cluster: set TETHER_E2E_KUBECONFIG
//! (and optionally TETHER_E2E_CONTEXT). Each test works in a namespace of
//! its own and deletes it afterwards. Without the variable every test
//! prints a SKIPPED line and passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, scenarios};

#[tokio::test]
async fn real_sync_then_drift() {
    let Some(env) = Env::real() else { return };
    scenarios::sync_then_drift(&env).await;
}

#[tokio::test]
async fn real_prune_only_tracked() {
    let Some(env) = Env::real() else { return };
    scenarios::prune_only_tracked(&env).await;
}

#[tokio::test]
async fn real_secret_values_never_shown() {
    let Some(env) = Env::real() else { return };
    scenarios::secret_values_never_shown(&env).await;
}
