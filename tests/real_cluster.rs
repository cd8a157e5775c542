//! The engine scenarios against a real cluster: set TETHER_E2E_KUBECONFIG
//! (and optionally TETHER_E2E_CONTEXT). Each test works in a namespace of
//! its own and deletes it afterwards. Without the variable every test
//! prints a SKIPPED line and passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, automation, scenarios};

#[tokio::test(flavor = "multi_thread")]
async fn real_deployment_actions() {
    let Some(env) = Env::real() else { return };
    common::actions::deployment_actions(&env).await;
}

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

#[tokio::test(flavor = "multi_thread")]
async fn real_helm_values_marked_secret_never_shown() {
    let Some(env) = Env::real() else { return };
    scenarios::helm_values_marked_secret_never_shown(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_automated_app_syncs_and_heals_itself() {
    let Some(env) = Env::real() else { return };
    automation::automated_app_syncs_and_heals_itself(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_pause_stops_automation_until_resume() {
    let Some(env) = Env::real() else { return };
    automation::pause_stops_automation_until_resume(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_two_engines_never_both_apply() {
    let Some(env) = Env::real() else { return };
    automation::two_engines_never_both_apply(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_self_heal_brakes_when_something_keeps_fighting() {
    let Some(env) = Env::real() else { return };
    automation::self_heal_brakes_when_something_keeps_fighting(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_a_new_commit_is_picked_up_and_synced_by_automation() {
    let Some(env) = Env::real() else { return };
    automation::a_new_commit_is_picked_up_and_synced_by_automation(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_revert_and_rollback() {
    let Some(env) = Env::real() else { return };
    scenarios::revert_and_rollback(&env).await;
}
