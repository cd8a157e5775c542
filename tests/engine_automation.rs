//! Automated sync, self-heal, pause, Leases and the self-heal brake, with
//! engine loops running against the simulated API server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, automation};

#[tokio::test(flavor = "multi_thread")]
async fn automated_app_syncs_and_heals_itself() {
    automation::automated_app_syncs_and_heals_itself(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pause_stops_automation_until_resume() {
    automation::pause_stops_automation_until_resume(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_engines_never_both_apply() {
    automation::two_engines_never_both_apply(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn self_heal_brakes_when_something_keeps_fighting() {
    automation::self_heal_brakes_when_something_keeps_fighting(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_commit_is_picked_up_and_synced_by_automation() {
    automation::a_new_commit_is_picked_up_and_synced_by_automation(&Env::new().await).await;
}
