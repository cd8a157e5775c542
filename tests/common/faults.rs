//! Helpers of the fault and permission tests: engines with short
//! timeouts and backoffs, engines acting as a limited sim user, and a
//! wait that polls the status.

use super::Env;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tether::cluster::Timing;
use tether::engine::{Engine, EngineOptions, SyncOptions};
use tether::model::AppStatus;
use tether::sim::{FaultHandle, write_kubeconfig_as};

/// Short timeouts and backoffs: a test never waits long for a fault.
pub fn quick_options() -> EngineOptions {
    EngineOptions {
        timing: Timing::quick(),
        automation_backoff_start: Duration::from_millis(400),
        automation_backoff_max: Duration::from_millis(1600),
        ..Default::default()
    }
}

impl Env {
    /// The sim's fault controls.
    pub fn faults(&self) -> FaultHandle {
        self.sim.as_ref().expect("a simulated cluster").faults()
    }

    /// An engine with [`quick_options`], as the kubeconfig's admin.
    pub fn quick_engine(&self) -> Engine {
        self.engine().with_options(quick_options())
    }

    /// A kubeconfig whose user authenticates as the sim user `user`.
    pub fn kubeconfig_as(&self, user: &str) -> PathBuf {
        let path = self.dir.path().join(format!("kubeconfig-{user}"));
        let url = self.sim.as_ref().expect("a simulated cluster").url();
        write_kubeconfig_as(
            &path,
            &[(self.context.as_str(), url.as_str())],
            &self.context,
            user,
        )
        .unwrap();
        path
    }

    /// An engine with [`quick_options`] acting as the sim user `user`.
    pub fn engine_as(&self, user: &str) -> Engine {
        let config = tether::config::load(Some(&self.config)).unwrap();
        Engine::new(
            config.apps,
            tether::cluster::KubeOptions {
                kubeconfig: Some(self.kubeconfig_as(user)),
                context: None,
            },
        )
        .with_options(quick_options())
    }

    /// The app's status from `engine`.
    pub async fn status_of(&self, engine: &Engine) -> AppStatus {
        engine.status(&engine.app(&self.app).unwrap()).await
    }
}

/// Polls the app's status (every 50 ms, up to 20 s) until `done` holds.
pub async fn status_until(
    env: &Env,
    engine: &Engine,
    what: &str,
    done: impl Fn(&AppStatus) -> bool,
) -> AppStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = env.status_of(engine).await;
        if done(&status) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {status:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sync options with prune on.
pub fn with_prune() -> SyncOptions {
    SyncOptions {
        prune: true,
        ..Default::default()
    }
}
