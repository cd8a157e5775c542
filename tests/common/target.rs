//! The real cluster of `TETHER_E2E_KUBECONFIG` (its current context, or
//! `TETHER_E2E_CONTEXT`) for the scenarios that also run on the sim: a
//! suffix that makes the run's names unique, and a guard that deletes
//! what the run made there — namespaces, tether's state ConfigMaps and
//! Leases in tether-system, CRDs it installed — when the test ends,
//! passed or failed (the guard's drop runs while a failed test unwinds).

use kube::api::{Api, DeleteParams, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where the real-cluster scenarios run.
pub struct RealCluster {
    pub kubeconfig: PathBuf,
    pub context: String,
    /// Six hex digits unique to this run.
    pub suffix: String,
}

impl RealCluster {
    /// The cluster of the e2e variables, or None after a loud SKIPPED line
    /// when TETHER_E2E_KUBECONFIG is not set.
    pub fn from_env() -> Option<RealCluster> {
        let Ok(path) = std::env::var("TETHER_E2E_KUBECONFIG") else {
            super::skipped("TETHER_E2E_KUBECONFIG is not set; the real-cluster suite did not run");
            return None;
        };
        let kubeconfig = PathBuf::from(path);
        let context = std::env::var("TETHER_E2E_CONTEXT").ok().unwrap_or_else(|| {
            kube::config::Kubeconfig::read_from(&kubeconfig)
                .unwrap()
                .current_context
                .expect("the e2e kubeconfig needs a current-context or TETHER_E2E_CONTEXT")
        });
        let suffix = uuid::Uuid::new_v4().simple().to_string()[..6].to_string();
        Some(RealCluster {
            kubeconfig,
            context,
            suffix,
        })
    }
}

/// What a run made on a real cluster.
#[derive(Debug, Default)]
struct Made {
    namespaces: Vec<String>,
    apps: Vec<String>,
    crds: Vec<String>,
}

impl Made {
    fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && self.apps.is_empty() && self.crds.is_empty()
    }
}

/// Deletes what a run made on a real cluster: on [`Cleanup::run`], and
/// on drop for whatever is still listed (a test that failed before its
/// cleanup).
pub struct Cleanup {
    kubeconfig: PathBuf,
    context: String,
    made: Mutex<Made>,
}

impl Cleanup {
    pub fn new(cluster: &RealCluster) -> Cleanup {
        Cleanup {
            kubeconfig: cluster.kubeconfig.clone(),
            context: cluster.context.clone(),
            made: Mutex::new(Made::default()),
        }
    }

    fn made(&self) -> std::sync::MutexGuard<'_, Made> {
        self.made.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A namespace to delete.
    pub fn namespace(&self, name: &str) {
        self.made().namespaces.push(name.to_string());
    }

    /// An app whose state ConfigMap and Lease (`tether-app-<name>` in
    /// tether-system) to delete.
    pub fn app(&self, name: &str) {
        self.made().apps.push(name.to_string());
    }

    /// A CustomResourceDefinition (by name) the run installed.
    pub fn crd(&self, name: &str) {
        self.made().crds.push(name.to_string());
    }

    /// Deletes everything listed now; the list is then empty.
    pub async fn run(&self) {
        let made = std::mem::take(&mut *self.made());
        delete(&self.kubeconfig, &self.context, made).await;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let made = std::mem::take(&mut *self.made());
        if made.is_empty() {
            return;
        }
        // Drop may run inside the test's runtime: delete from a thread
        // with a runtime of its own, and wait for it.
        let (kubeconfig, context) = (self.kubeconfig.clone(), self.context.clone());
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(delete(&kubeconfig, &context, made));
        })
        .join();
    }
}

/// A client of `context` of `kubeconfig`.
pub async fn client_for(kubeconfig: &Path, context: &str) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let options = kube::config::KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

fn api(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    ns: Option<&str>,
) -> Api<DynamicObject> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    match ns {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// Deletes `made` (what is already gone is fine); says on stderr what it
/// could not delete, so that a person can.
async fn delete(kubeconfig: &Path, context: &str, made: Made) {
    let client = client_for(kubeconfig, context).await;
    let background = DeleteParams::background();
    let mut targets: Vec<(Api<DynamicObject>, String)> = Vec::new();
    for ns in &made.namespaces {
        targets.push((api(&client, "v1", "Namespace", None), ns.clone()));
    }
    for app in &made.apps {
        let name = format!("tether-app-{app}");
        targets.push((
            api(&client, "v1", "ConfigMap", Some("tether-system")),
            name.clone(),
        ));
        let leases = api(
            &client,
            "coordination.k8s.io/v1",
            "Lease",
            Some("tether-system"),
        );
        targets.push((leases, name));
    }
    for crd in &made.crds {
        let crds = api(
            &client,
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            None,
        );
        targets.push((crds, crd.clone()));
    }
    for (api, name) in targets {
        match api.delete(&name, &background).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => super::skipped(&format!("cleanup could not delete {name}: {e}")),
        }
    }
}
