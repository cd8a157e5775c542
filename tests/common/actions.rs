//! Resource actions as a scenario for the sim and a real cluster: the
//! Deployment the app deploys is restarted, paused and resumed through the
//! engine, each patch landing on the object and nothing else changing.

use super::Env;
use tether::engine::SyncOptions;
use tether::model::ResourceKey;

pub async fn deployment_actions(env: &Env) {
    let engine = env.engine();
    engine
        .sync(&env.app, &SyncOptions::default())
        .await
        .unwrap();
    let deployments = env.api("apps/v1", "Deployment").await;
    let key = ResourceKey::new("apps", "Deployment", Some(&env.namespace), "web");
    let spec = || async { deployments.get("web").await.unwrap().data["spec"].clone() };

    engine
        .resource_action(&env.app, &key, "restart")
        .await
        .unwrap();
    let restarted = spec().await;
    let at = &restarted["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"];
    assert!(at.as_str().is_some_and(|t| t.ends_with('Z')), "{restarted}");
    assert_eq!(restarted["replicas"], 2, "Git's fields stay");

    engine
        .resource_action(&env.app, &key, "pause")
        .await
        .unwrap();
    assert_eq!(spec().await["paused"], true);
    let again = engine.resource_action(&env.app, &key, "pause").await;
    assert!(again.unwrap_err().to_string().contains("paused already"));
    engine
        .resource_action(&env.app, &key, "resume")
        .await
        .unwrap();
    assert_eq!(spec().await["paused"], false);
    env.cleanup().await;
}
