//! The app Leases of automation: taken or renewed before an automated
//! sync, asked about again only when they could have changed hands, and
//! given up on shutdown.

use super::Engine;
use super::permissions::lease_checks;
use crate::cluster::{STATE_NAMESPACE, acquire_lease, lease_name, release_lease};
use crate::model::AppSpec;
use std::time::{Duration, Instant};

/// How often a held Lease is renewed.
const RENEW_EVERY: Duration = Duration::from_secs(10);

impl Engine {
    /// Takes or renews the app's Lease: Ok(false) when another process has
    /// it (asked again after [`RENEW_EVERY`]), Err with the reason when it
    /// cannot be taken at all.
    pub(super) async fn hold_lease(
        &self,
        app: &AppSpec,
        client: &crate::cluster::ClusterClient,
    ) -> Result<bool, String> {
        let (fresh, asked_lately) = self.automation.with(&app.name, |a| {
            (
                a.renewed.is_some_and(|t| t.elapsed() < RENEW_EVERY),
                a.asked.is_some_and(|t| t.elapsed() < RENEW_EVERY),
            )
        });
        if fresh {
            return Ok(true);
        }
        if asked_lately {
            return Ok(false);
        }
        let lease = format!("{STATE_NAMESPACE}/{}", lease_name(&app.name));
        if let Some(denial) = client.first_denied(&lease_checks()).await {
            return Err(format!(
                "automation stopped: cannot take the Lease {lease}: {denial}"
            ));
        }
        match acquire_lease(client, &app.name, self.automation.identity()).await {
            Ok(held) => Ok(self.automation.with(&app.name, |a| {
                a.renewed = held.held.then(Instant::now);
                // Known to be another's: no need to ask before it could
                // expire. (Lost a creation race: ask again next time.)
                a.asked = (!held.held && !held.holder.is_empty()).then(Instant::now);
                a.holder = if held.held {
                    String::new()
                } else {
                    held.holder
                };
                held.held
            })),
            Err(e) => Err(format!(
                "automation stopped: cannot take the Lease {lease}: {e}"
            )),
        }
    }

    /// Who holds the app's Lease when this process does not.
    pub fn lease_holder(&self, app: &str) -> Option<String> {
        self.automation
            .with(app, |a| (!a.holder.is_empty()).then(|| a.holder.clone()))
    }

    /// Graceful shutdown: starts no new automated sync, waits (up to
    /// `timeout`) for running ones to finish, then gives up every Lease.
    pub async fn shutdown(&self, timeout: Duration) {
        self.automation
            .stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let deadline = Instant::now() + timeout;
        while self.automation.busy() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.release_leases().await;
    }

    /// Gives up every Lease this process holds (on exit).
    pub async fn release_leases(&self) {
        for app in self.apps().iter().filter(|a| a.is_automated()) {
            if let Ok(client) = self.client_for(app).await {
                let _ = release_lease(&client, &app.name, self.automation.identity()).await;
            }
        }
    }
}
