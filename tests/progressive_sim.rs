//! Progressive delivery on the simulated cluster: the scenarios of
//! tests/common/progressive.rs (a Rollout's and a Canary's state and
//! actions; also run on a real cluster), and Deployment actions through
//! the engine and `tether action`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::progressive::{self, rollout_env};
use common::{Env, tether};
use tether::engine::SyncOptions;

#[tokio::test(flavor = "multi_thread")]
async fn status_and_tree_show_the_rollouts_step_weight_and_pause() {
    let env = Env::new().await;
    if rollout_env(&env).await {
        progressive::status_and_tree_show_the_rollouts_step_weight_and_pause(&env).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_actions_land_on_the_object_and_its_status() {
    let env = Env::new().await;
    if rollout_env(&env).await {
        progressive::rollout_actions_land_on_the_object_and_its_status(&env).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn canary_actions_suspend_resume_and_skip_its_analysis() {
    progressive::canary_actions_suspend_resume_and_skip_its_analysis(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_actions_on_the_sim() {
    common::actions::deployment_actions(&Env::new().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tether_action_restarts_a_deployment_and_refuses_without_yes() {
    let env = Env::new().await;
    env.engine()
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let deployments = env.api("apps/v1", "Deployment").await;
    let annotation = |d: &kube::api::DynamicObject| {
        d.data
            .pointer("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
            .cloned()
    };

    // No terminal and no --yes: the patch is printed, nothing is sent.
    let out = tokio::task::block_in_place(|| {
        tether(&env, &["action", &env.app, "deploy/web", "restart"])
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kubectl.kubernetes.io/restartedAt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(annotation(&deployments.get("web").await.unwrap()), None);

    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "Deployment/web", "restart", "--yes"],
        )
    });
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(annotation(&deployments.get("web").await.unwrap()).is_some());

    let out = tokio::task::block_in_place(|| {
        tether(&env, &["action", &env.app, "deploy/web", "pause", "--yes"])
    });
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        deployments.get("web").await.unwrap().data["spec"]["paused"],
        true
    );

    // An object the app does not deploy, an unknown action: one sentence, exit 2.
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "deploy/nope", "restart", "--yes"],
        )
    });
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("deploys no Deployment/nope"),
        "{}",
        stderr(&out)
    );
    let out = tokio::task::block_in_place(|| {
        tether(
            &env,
            &["action", &env.app, "deploy/web", "explode", "--yes"],
        )
    });
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no action \"explode\""),
        "{}",
        stderr(&out)
    );
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}
