//! The staged-rollout scenarios against a real cluster: set
//! TETHER_E2E_KUBECONFIG (and optionally TETHER_E2E_CONTEXT). The same
//! scenario bodies run on the sim in CI (tests/cli_pipeline.rs,
//! tui_promote.rs, engine_policies.rs, engine_depends.rs,
//! engine_windows.rs, progressive_sim.rs). Each test works in namespaces
//! and under app names of its own (`tether-e2e-<suffix>…`) and deletes
//! them, tether's state in tether-system and any CRD it installed
//! afterwards, failed or not. Without the variable every test prints a
//! SKIPPED line and passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[cfg(feature = "tui")]
#[path = "tui_support/promote_flow.rs"]
mod promote_flow;
#[cfg(feature = "tui")]
mod tui_support;

use common::stages::Stages;
use common::{Env, automation, depends, pipeline_scenarios, policy_scenarios, progressive};

/// `tether pipeline` per stage (images desired and live, sync, health,
/// gates), soak/policy/healthy gates refusing a promotion with nothing
/// written, a promotion then a sync of the promoted stage, a deny window
/// refusing a manual sync unless `--override-window`.
#[tokio::test(flavor = "multi_thread")]
async fn real_pipeline_stages_gates_and_windows() {
    let Some(stages) = Stages::real("    gates: {soak: 0s}\n") else {
        return;
    };
    pipeline_scenarios::stages_gates_and_windows(&stages).await;
}

/// `c` and `P` in the TUI's pipeline view over the engine.
#[cfg(feature = "tui")]
#[tokio::test(flavor = "multi_thread")]
async fn real_promote_from_the_pipeline_view() {
    let Some(stages) = Stages::real("") else {
        return;
    };
    promote_flow::promote_from_the_pipeline_view(&stages).await;
}

#[tokio::test]
async fn real_a_denied_sync_applies_nothing() {
    let Some(env) = Env::real() else { return };
    policy_scenarios::a_denied_sync_applies_nothing(&env).await;
}

#[tokio::test]
async fn real_policy_warnings_pass_and_updates_see_the_live_object() {
    let Some(env) = Env::real() else { return };
    policy_scenarios::warnings_pass_and_updates_see_the_live_object(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_depends_on_orders_the_syncs() {
    let Some(env) = Env::real() else { return };
    depends::web_syncs_only_after_db_is_synced_and_healthy(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn real_a_deny_window_holds_automated_sync() {
    let Some(env) = Env::real() else { return };
    automation::a_deny_window_holds_automated_sync(&env).await;
}

/// Both Rollout scenarios on one env: the CRD is installed once.
#[tokio::test(flavor = "multi_thread")]
async fn real_rollout_state_and_actions() {
    let Some(env) = Env::real() else { return };
    if progressive::rollout_env(&env).await {
        progressive::status_and_tree_show_the_rollouts_step_weight_and_pause(&env).await;
        progressive::rollout_actions_land_on_the_object_and_its_status(&env).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn real_canary_actions() {
    let Some(env) = Env::real() else { return };
    progressive::canary_actions_suspend_resume_and_skip_its_analysis(&env).await;
}
